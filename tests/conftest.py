"""Fixtures shared by every test folder (including the browser tests in tests/e2e/).

Data comes from ``tests.factories``; the fixtures here only name the objects most tests need.
"""

import re
from dataclasses import dataclass

import html5lib
import pytest
from django.contrib.auth.models import AbstractUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bulletin import workflow
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
    """``count_queries(client, url)`` → how many SQL queries a GET of ``url`` runs (must be 200)."""

    def count(client, url):
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
