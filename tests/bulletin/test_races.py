"""Two people acting at the same moment, for real: requests race against a live server on
PostgreSQL, each user in a browser of their own (session and CSRF cookies, forms posted as the
page rendered them).

Each race is run in several interleavings: both requests released together by a barrier, and
each one given a head start, so that either may take the row lock first. Whatever the order,
what the office was promised must hold: a decision once made stands, nobody decides a stage
they did not see, and nothing deleted comes back.
"""

import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from bulletin import workflow
from bulletin.docx_import import staging
from bulletin.models import Article
from publishing.models import WorkflowLog
from tests import factories as make
from tests.conftest import Page

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks race only on PostgreSQL (CI runs it)"),
    pytest.mark.django_db(transaction=True),
]

# Released together, then one or the other given a head start long enough to take the lock first.
INTERLEAVINGS = [(0, 0), (0, 0.15), (0.15, 0), (0, 0), (0, 0.05), (0.05, 0)]
BODY = "<p>省科协召开常委会议，审议年度重点工作。</p>"
NEW_BODY = "<p>省科协召开常委会议，审议并通过年度重点工作安排。</p>"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One user's browser on the live server."""

    opener = urllib.request.build_opener(_NoRedirect)

    def __init__(self, live_server, user):
        client = Client()
        client.force_login(user)
        self.base = live_server.url
        self.cookies = {"sessionid": client.cookies["sessionid"].value}

    def request(self, path, data=None):
        body = urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        request.add_header("Cookie", "; ".join(f"{name}={value}" for name, value in self.cookies.items()))
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";")[0].split("=", 1)
            self.cookies[name] = value
        return response.status, response.read().decode()

    def form(self, path, form_id, submit=None):
        """The form ``form_id`` of the page at ``path`` as it renders now: what pressing its button posts."""
        status, html = self.request(path)
        assert status == 200, (path, status)
        return Page.parse(html).form(form_id, submit=submit)


def race(*posts, delays):
    """Run each ``(browser, path, data)`` post in a thread of its own, released together by a
    barrier, each after its delay; the statuses, in order."""
    barrier = threading.Barrier(len(posts))

    def post(browser, path, data, delay):
        barrier.wait()
        time.sleep(delay)
        return browser.request(path, data)[0]

    with ThreadPoolExecutor(len(posts)) as pool:
        futures = [pool.submit(post, *p, d) for p, d in zip(posts, delays, strict=True)]
        return [f.result() for f in futures]


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def transition_url(obj, action):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_transition", args=[obj.pk, action])


def decisions(obj, action):
    return list(
        WorkflowLog.objects.filter(object_id=obj.pk, action=action, content_type__model="article").values_list(
            "stage_name", flat=True
        )
    )


@pytest.fixture
def office(newsroom, live_server):
    """The newsroom at their desks: each one's browser, and a second editor."""
    newsroom.other_editor = make.editor("editor2")
    newsroom.browser = {
        name: Browser(live_server, getattr(newsroom, name))
        for name in ("author", "reviewer", "second_reviewer", "chief", "other_editor")
    }
    return newsroom


def in_review_at(office, stage):
    """An article of the author's, approved up to ``stage`` by the reviewers in turn."""
    article = make.draft(by=office.author, title="省科协召开常委会议", body=BODY)
    article = workflow.submit(article, by=office.author)
    deciders = iter([office.reviewer, office.second_reviewer])
    while article.review_stage.name != stage:
        article = workflow.approve(article, by=next(deciders))
    return article


@pytest.mark.parametrize("stage", ["初审", "终审"])
@pytest.mark.parametrize("delays", INTERLEAVINGS)
def test_an_editors_save_racing_a_decision_never_undoes_it(office, stage, delays):
    article = in_review_at(office, stage)
    decider = office.browser["chief" if stage == "终审" else "second_reviewer"]
    editor = office.browser["other_editor"]
    saving = editor.form(change_url(article), "article_form", submit="_save")
    saving["body"] = NEW_BODY
    approving = decider.form(change_url(article), "workflow-approve")

    race((editor, change_url(article), saving), (decider, transition_url(article, "approve"), approving), delays=delays)

    article.refresh_from_db()
    approved, saved = stage in decisions(article, "approve"), article.body == NEW_BODY
    # The one that came second was made on a state that no longer existed: refused, not applied.
    assert approved != saved, (approved, saved)
    if approved:
        following = {"初审": ("in_review", "复审"), "终审": ("approved", None)}[stage]
        assert (article.status, article.review_stage and article.review_stage.name) == following
    else:
        assert (article.status, article.review_stage.name) == ("in_review", "初审")


@pytest.mark.parametrize("delays", INTERLEAVINGS)
def test_two_reviewers_approving_at_once_decide_only_the_stage_they_saw(office, delays):
    article = in_review_at(office, "初审")
    first, second = office.browser["reviewer"], office.browser["second_reviewer"]
    mine = first.form(change_url(article), "workflow-approve")
    theirs = second.form(change_url(article), "workflow-approve")

    race(
        (first, transition_url(article, "approve"), mine),
        (second, transition_url(article, "approve"), theirs),
        delays=delays,
    )

    article.refresh_from_db()
    assert decisions(article, "approve") == ["初审"]
    assert (article.status, article.review_stage.name) == ("in_review", "复审")


@pytest.mark.parametrize("delays", INTERLEAVINGS)
def test_saving_an_approved_revision_while_it_is_published_brings_no_ghost_back(office, delays):
    live = make.article(None, title="科技馆新馆开放", body=BODY, created_by=office.author, updated_by=office.author)
    make.link(live, make.person("王晓"))
    live.topics.set([make.topic("科普进万家")])
    make.photo(live, caption="新馆外景")
    revision = workflow.start_revision(live, by=office.author, changes={"body": NEW_BODY})
    office.review(revision)
    editor, chief = office.browser["other_editor"], office.browser["chief"]
    saving = editor.form(change_url(revision), "article_form", submit="_save")
    publishing = chief.form(change_url(revision), "workflow-publish")

    race(
        (editor, change_url(revision), saving), (chief, transition_url(revision, "publish"), publishing), delays=delays
    )

    assert not Article.objects.filter(pk=revision.pk).exists()
    live.refresh_from_db()
    assert (live.status, live.body) == ("published", NEW_BODY)
    assert (live.person_links.count(), live.topics.count(), live.photos.count()) == (1, 1, 1)


@pytest.mark.parametrize("delays", INTERLEAVINGS)
def test_a_row_deleted_on_the_issue_page_while_it_is_submitted_is_either_deleted_or_in_review(
    office, delays, mailoutbox
):
    issue = make.draft_issue()
    article = make.draft(issue, by=office.author, title="基层科协换届", position=1)
    chief, author = office.browser["chief"], office.browser["author"]
    rows = chief.form(change_url(issue), "issue_form", submit="_save")
    rows["articles-0-DELETE"] = "on"
    submitting = author.form(change_url(article), "workflow-submit")

    race((chief, change_url(issue), rows), (author, transition_url(article, "submit"), submitting), delays=delays)

    found = Article.objects.filter(pk=article.pk).first()
    # The reviewers are told of a submission once it is committed.
    submitted = any(article.title in message.subject for message in mailoutbox)
    # Deleted as a draft, or submitted and kept: never deleted once in review.
    assert (found is None) != submitted, (found, submitted)
    assert found is None or found.status == "in_review"


@pytest.mark.parametrize("delays", INTERLEAVINGS)
def test_a_word_import_created_twice_at_once_gives_its_drafts_once(office, delays):
    files = [make.docx_upload("01.docx", title="第一篇"), make.docx_upload("02.docx", title="第二篇")]
    staged, _ = staging.stage(files, issue=None, section=make.section("科协动态"), by=office.author)
    review = reverse("admin:bulletin_article_import_review", args=[staged.token])
    browser = office.browser["author"]
    creating = browser.form(review, "docx-review")

    statuses = race((browser, review, creating), (browser, review, creating), delays=delays)

    assert statuses == [302, 302]
    assert sorted(Article.objects.values_list("title", flat=True)) == ["第一篇", "第二篇"]
