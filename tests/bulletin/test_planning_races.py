"""Two people assigning or commenting at the same moment, for real, against a live server on
PostgreSQL (as tests/bulletin/test_races.py): a reassignment is never lost or doubled, and a
thread is never closed over a reply its resolver did not see."""

import pytest
from django.db import connection
from django.urls import reverse

from bulletin import workflow
from bulletin.models import Article, Comment
from publishing.models import WorkflowLog
from tests import factories as make
from tests.bulletin.test_races import INTERLEAVINGS, Browser, change_url, race

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks race only on PostgreSQL (CI runs it)"),
    pytest.mark.django_db(transaction=True),
]


def url(article, name, *args):
    return reverse(f"admin:bulletin_article_{name}", args=[article.pk, *args])


@pytest.mark.parametrize("delays", INTERLEAVINGS)
def test_two_chiefs_reassigning_at_once_one_wins_and_the_other_is_refused(newsroom, live_server, delays):
    second_chief = make.chief("zhubian2")
    first_editor, second_editor = make.editor("editor-a"), make.editor("editor-b")
    article = make.draft(by=newsroom.author)
    workflow.assign_editor(article, editor=newsroom.author, by=newsroom.chief, seen_editor_id=None)
    posts = []
    for chief, editor in ((newsroom.chief, first_editor), (second_chief, second_editor)):
        browser = Browser(live_server, chief)
        # Both pages show the author as responsible editor when each chief chooses.
        data = browser.form(change_url(article), "assign-editor-form") | {"person": str(editor.pk)}
        posts.append((browser, url(article, "assign_editor"), data))

    race(*posts, delays=delays)

    editor = Article.objects.get(pk=article.pk).editor
    assigns = list(WorkflowLog.objects.filter(action="assign", object_id=article.pk).values_list("comment", flat=True))
    assert editor in (first_editor, second_editor)
    assert len(assigns) == 2  # the first assignment, then exactly one of the two raced
    assert assigns[-1].endswith(f"→ {editor.username}")


@pytest.mark.parametrize("delays", INTERLEAVINGS)
def test_a_reply_racing_a_resolve_is_never_closed_unseen(newsroom, live_server, delays):
    article = make.draft(by=newsroom.author, body="<p>省科协召开常委会议。</p>")
    thread = workflow.add_comment(article, by=newsroom.reviewer, text="标题太长")

    replier, resolver = Browser(live_server, newsroom.second_reviewer), Browser(live_server, newsroom.author)
    reply = replier.form(change_url(article), f"reply-form-{thread.pk}") | {"text": "副题也要改"}
    resolve = resolver.form(change_url(article), f"resolve-form-{thread.pk}")

    race(
        (replier, url(article, "reply", thread.pk), reply),
        (resolver, url(article, "resolve", thread.pk), resolve),
        delays=delays,
    )

    thread.refresh_from_db()
    replies = list(Comment.objects.filter(parent=thread))
    assert len(replies) == 1
    # Resolved before the reply came (which then opened it again), or refused: never closed over it.
    assert thread.resolved_at is None
