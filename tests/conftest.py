"""Fixtures shared by every test folder (including the browser tests in tests/e2e/).

Data comes from ``tests.factories``; the fixtures here only name the objects most tests need.
"""

import logging
import os
import re
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass

import boto3
import html5lib
import pytest
from django.contrib.auth.models import AbstractUser
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from moto.server import ThreadedMotoServer

from bulletin import workflow
from publishing import images, storage
from tests import factories as make

# Users and clients ------------------------------------------------------------------------------


@pytest.fixture
def editor(db):
    """A staff user in the 编辑 group: writes articles, may only view issues and sections."""
    return make.staff(make.EDITOR, username="editor")


@pytest.fixture
def chief_editor(db):
    """A staff user in the 主编 group: manages issues and sections as well as content."""
    return make.staff(make.CHIEF_EDITOR, username="chief")


def logged_in(user):
    """A browser of its own, logged in as ``user``."""
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``commit(action)``: run it, then what it leaves for after its commit, as a request would."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


@pytest.fixture
def staff_client(client, editor):
    """A client logged in as ``editor``, the everyday user of the admin.

    (pytest-django's ``admin_client`` is the superuser's client.)
    """
    client.force_login(editor)
    return client


@pytest.fixture
def chief_client(client, chief_editor):
    client.force_login(chief_editor)
    return client


@dataclass
class Newsroom:
    """The people of the workflow, each with an email address: one per role and two reviewers."""

    author: AbstractUser  # 编辑: writes and submits
    reviewer: AbstractUser  # 审核: decides 初审 and 复审
    second_reviewer: AbstractUser  # 审核: the other one, since each stage needs a different person
    chief: AbstractUser  # 主编: decides 终审, publishes, releases issues
    superuser: AbstractUser
    nobody: AbstractUser  # staff in no group

    def review(self, obj):
        """Take a draft through 初审 (reviewer), 复审 (second reviewer) and 终审 (chief) to approved."""
        workflow.submit(obj, by=self.author)
        workflow.approve(obj, by=self.reviewer, comment="同意")
        workflow.approve(obj, by=self.second_reviewer, comment="同意")
        return workflow.approve(obj, by=self.chief, comment="同意刊发")

    def approved(self, issue=None, **fields):
        """An article written by the author and approved at every stage."""
        return self.review(make.draft(issue, by=self.author, **fields))


@pytest.fixture
def newsroom(db):
    make.review_stages()
    return Newsroom(
        author=make.editor("author", email="author@kexie.example"),
        reviewer=make.reviewer("reviewer", email="reviewer@kexie.example"),
        second_reviewer=make.reviewer("reviewer2", email="reviewer2@kexie.example"),
        chief=make.chief("zhubian", email="zhubian@kexie.example"),
        superuser=make.superuser("root", email="root@kexie.example"),
        nobody=make.staff_without_role("nobody"),
    )


@pytest.fixture
def named_newsroom(newsroom):
    """The newsroom with Chinese names: 张伟 (author), 王芳 and 李娜 (reviewers), 刘洋 (chief)."""
    make.named(newsroom.author, "张", "伟")
    make.named(newsroom.reviewer, "王", "芳")
    make.named(newsroom.second_reviewer, "李", "娜")
    make.named(newsroom.chief, "刘", "洋")
    return newsroom


# Content ----------------------------------------------------------------------------------------


@pytest.fixture
def published_issue(db):
    """2026年第2期（总第122期）, 48 pages, released."""
    return make.issue(year=2026, number=2, running_number=122, page_count=48, theme="党史学习教育")


@pytest.fixture
def draft_issue(db):
    """2026年第3期（总第123期）, still being edited."""
    return make.draft_issue(year=2026, number=3, running_number=123, page_count=48)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files of each test go to a fresh temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# Object storage ------------------------------------------------------------------------------------

# .ci/run starts moto's S3 server and names it here; without it the tests start one themselves.
S3_SERVER = "S3_TEST_ENDPOINT_URL"
S3_KEYS = {"access_key": "bulletin-test", "secret_key": "bulletin-test-secret"}


@pytest.fixture(scope="session")
def s3_endpoint():
    """The address of a real S3 server on loopback (moto's, in server mode), spoken to over HTTP."""
    if os.environ.get(S3_SERVER):
        yield os.environ[S3_SERVER]
        return
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # a line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class Bucket:
    endpoint: str
    name: str
    client: object

    def listed(self, prefix=""):
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))

    def read(self, key):
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def anonymous_get(self, url):
        """``(status, body)`` of ``url`` fetched as a reader's browser would, with no credentials."""
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, b""


@pytest.fixture
def s3(settings, s3_endpoint):
    """Media of this test in a new, empty bucket of the S3 server, configured as config.settings
    does when AWS_STORAGE_BUCKET_NAME is set; the bucket is opened to readers as sync_media does."""
    name = f"bulletin-{secrets.token_hex(6)}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=S3_KEYS["access_key"],
        aws_secret_access_key=S3_KEYS["secret_key"],
    )
    client.create_bucket(Bucket=name)
    bucket = {
        "bucket_name": name,
        "endpoint_url": s3_endpoint,
        "region_name": "us-east-1",
        **S3_KEYS,
        "signature_version": "s3v4",
        "default_acl": None,
        "file_overwrite": False,
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "publishing.storage.PrivateS3Storage",
            "OPTIONS": {**bucket, "custom_domain": None, "querystring_expire": 60},
        },
        "public_media": {
            "BACKEND": "publishing.storage.PublicS3Storage",
            "OPTIONS": {**bucket, "location": "public", "querystring_auth": False},
        },
    }
    storage.public_tree().open_to_readers()
    yield Bucket(s3_endpoint, name, client)
    keys = Bucket(s3_endpoint, name, client).listed()
    for start in range(0, len(keys), 1000):
        client.delete_objects(Bucket=name, Delete={"Objects": [{"Key": key} for key in keys[start : start + 1000]]})
    client.delete_bucket(Bucket=name)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, as its media folder starts empty (the cache
    remembers which image renditions exist in storage), and with a process that has not yet
    checked for pending page invalidations nor seen the cache fail: a test that leans on an
    earlier test's check would pass or fail with how fast the machine is."""
    cache.clear()
    images.forget_known()
    for memory in ("_bulletin_settled_until", "_bulletin_unavailable_until"):
        vars(caches["default"]).pop(memory, None)


# Time and background jobs ----------------------------------------------------------------------


@pytest.fixture
def travel(monkeypatch):
    """``travel(moment)``: from now on the site believes it is ``moment``."""
    real_now = timezone.now

    def to(moment):
        assert moment > real_now(), "travel only forwards, the database has already seen the present"
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)

    return to


def run_worker():
    """Run the jobs that are due, as ``manage.py db_worker --batch`` does, and stop."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


@pytest.fixture
def worker_queue(settings):
    """The production task backend: jobs wait in the database until the worker runs them;
    ``worker_queue()`` runs those that are due (see :func:`run_worker`)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return run_worker


# Reading pages ----------------------------------------------------------------------------------


HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def _text(element):
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


class Page:
    """Part of a rendered HTML page, read the way a person would: visible text, links, images."""

    def __init__(self, element):
        self.element = element
        self.text = _text(element)

    @classmethod
    def parse(cls, content):
        tree = html5lib.parse(content, treebuilder="etree", namespaceHTMLElements=False)
        body = tree.find("body")
        for element in body.iter():
            if element.tag in ("script", "style", "template"):
                element.text = ""
        return cls(body)

    def links(self):
        return [a.get("href") for a in self.element.iter("a") if a.get("href")]

    def anchors(self):
        """``(text, href)`` of every link, in order."""
        return [(_text(a), a.get("href")) for a in self.element.iter("a") if a.get("href")]

    def images(self):
        return [img.get("src") for img in self.element.iter("img")]

    def contains(self, text):
        return text in self.text

    def in_order(self, *texts):
        """True when every one of ``texts`` appears in the text, in this order."""
        start = 0
        for text in texts:
            found = self.text.find(text, start)
            if found == -1:
                return False
            start = found + len(text)
        return True

    def region(self, heading):
        """The ``<section>`` whose first heading starts with ``heading`` (fails if there is none)."""
        for section in self.element.iter("section"):
            first = next((e for e in section.iter() if e.tag in HEADINGS), None)
            if first is not None and _text(first).startswith(heading):
                return Page(section)
        raise AssertionError(f"no section headed {heading!r}")

    def buttons(self):
        """The text of every button, in order."""
        return [_text(b) for b in self.element.iter("button")] + [
            i.get("value", "") for i in self.element.iter("input") if i.get("type") == "submit"
        ]

    def messages(self):
        """The messages Django's messages framework shows at the top of the page."""
        return [_text(li) for ul in self.element.iter("ul") if "messagelist" in ul.get("class", "") for li in ul]

    def rows(self):
        """The cells' text of every table row, header rows included."""
        return [[_text(cell) for cell in tr if cell.tag in ("th", "td")] for tr in self.element.iter("tr")]

    def definitions(self):
        """``{term: description}`` of every ``<dt>``/``<dd>`` pair, in order."""
        pairs, term = {}, None
        for element in self.element.iter():
            if element.tag == "dt":
                term = _text(element)
            elif element.tag == "dd" and term is not None:
                pairs[term] = _text(element)
        return pairs

    def find(self, tag, **attributes):
        """The first ``tag`` element with these attribute values (``class_`` for class), as a Page, or None."""
        wanted = {name.rstrip("_"): value for name, value in attributes.items()}
        for element in self.element.iter(tag):
            if all(element.get(name) == value for name, value in wanted.items()):
                return Page(element)
        return None

    def form(self, form_id, submit=None):
        """What a browser posts when the form with ``form_id`` is sent as it stands.

        Disabled controls are left out, unchecked boxes too; ``submit`` names the button pressed.
        A name given more than once (a multiple select) maps to a list.
        """
        found = self.find("form", id=form_id)
        assert found is not None, f"no form with id {form_id!r}"
        form = found.element
        data = {}

        def add(name, value):
            if name in data:
                data[name] = [*(data[name] if isinstance(data[name], list) else [data[name]]), value]
            else:
                data[name] = value

        for element in form.iter():
            name = element.get("name")
            if not name or element.get("disabled") is not None:
                continue
            if element.tag == "input":
                kind = element.get("type", "text")
                if kind in ("submit", "button", "image", "reset"):
                    if name == submit:
                        add(name, element.get("value", ""))
                elif kind == "file":
                    continue
                elif kind in ("checkbox", "radio"):
                    if element.get("checked") is not None:
                        add(name, element.get("value", "on"))
                else:
                    add(name, element.get("value", ""))
            elif element.tag == "textarea":
                add(name, element.text or "")
            elif element.tag == "select":
                options = list(element.iter("option"))
                chosen = [o for o in options if o.get("selected") is not None]
                if not chosen and options and element.get("multiple") is None:
                    chosen = options[:1]
                for option in chosen:
                    add(name, option.get("value", _text(option)))
            elif element.tag == "button" and name == submit:
                add(name, element.get("value", ""))
        return data

    def headed_links(self):
        """``(heading, link text, href)`` for each link outside headings, under the heading before it."""
        found, heading = [], None

        def walk(element, in_heading):
            nonlocal heading
            if element.tag in HEADINGS:
                heading, in_heading = _text(element), True
            if element.tag == "a" and element.get("href") and not in_heading:
                found.append((heading, _text(element), element.get("href")))
            for child in element:
                walk(child, in_heading)

        walk(self.element, False)
        return found


@pytest.fixture
def read_page():
    """``read_page(response)`` → :class:`Page`; fails unless the response is a 200 HTML page."""

    def read(response):
        assert response.status_code == 200, response.status_code
        return Page.parse(response.content.decode())

    return read


@pytest.fixture
def count_queries():
    """``count_queries(client, url)`` → how many SQL queries a GET of ``url`` runs (must be 200).

    The page is built afresh: the cache is emptied first, or a second call would measure a
    cached copy (publishing.pagecache) instead of the page.
    """

    def count(client, url):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(queries)

    return count


@pytest.fixture
def admin_errors():
    """``admin_errors(response)`` → every error message an admin add/change form shows."""

    def errors(response):
        if response.context is None or "adminform" not in response.context:
            return []
        messages = [m for e in response.context["adminform"].form.errors.as_data().values() for m in e]
        for formset in response.context.get("inline_admin_formsets", []):
            messages += formset.formset.non_form_errors()
            for form_errors in formset.formset.errors:
                messages += [m for e in form_errors.values() for m in e]
        return [m if isinstance(m, str) else " ".join(m.messages) for m in messages]

    return errors
