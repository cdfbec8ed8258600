"""Contributors and the office acting at the same moment, for real on PostgreSQL: two pieces
sent together get two numbers; two editors answering one piece, or an editor answering while
its contributor sends a revision, never both land on a state the other did not see; two workers
telling contributors at once mail each moment once."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.urls import reverse

from bulletin import contributions, workflow
from bulletin.models import Submission
from tests import factories as make
from tests.bulletin.test_races import INTERLEAVINGS, Browser, race

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks race only on PostgreSQL (CI runs it)"),
    pytest.mark.django_db(transaction=True),
]

BODY = "<p>市科协组织科技志愿者走进社区，开展健康科普讲座。</p>"


def piece_data(section, title):
    return {
        "section": section.pk,
        "title": title,
        "body": BODY,
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
    }


@pytest.fixture
def desks(newsroom, live_server):
    newsroom.other_editor = make.editor("editor2")
    newsroom.wang = make.contributor("wang@nanzhou.example")
    newsroom.li = make.contributor("li@beishan.example", unit_name="北山市科协")
    newsroom.browser = {
        name: Browser(live_server, getattr(newsroom, name)) for name in ("author", "other_editor", "wang", "li")
    }
    return newsroom


@pytest.mark.parametrize("delays", INTERLEAVINGS)
def test_two_pieces_sent_at_once_get_two_tracking_numbers(desks, delays):
    section = make.default_section()
    url = reverse("contribute:submit")
    wang = desks.browser["wang"].form(url, "submit-form") | piece_data(section, "南州来稿")
    li = desks.browser["li"].form(url, "submit-form") | piece_data(section, "北山来稿")

    statuses = race((desks.browser["wang"], url, wang), (desks.browser["li"], url, li), delays=delays)

    assert statuses == [302, 302]
    numbers = sorted(s.sequence for s in Submission.objects.all())
    assert len(numbers) == 2 and numbers[1] == numbers[0] + 1


def answer_url(submission, answer):
    return reverse(f"admin:bulletin_submission_{answer}", args=[submission.pk])


def change_url(submission):
    return reverse("admin:bulletin_submission_change", args=[submission.pk])


@pytest.mark.parametrize("delays", INTERLEAVINGS)
def test_two_editors_answering_one_piece_never_both_land(desks, delays):
    desks.browser["wang"].request(
        reverse("contribute:submit"),
        desks.browser["wang"].form(reverse("contribute:submit"), "submit-form")
        | piece_data(make.default_section(), "南州来稿"),
    )
    submission = Submission.objects.get()
    returning = desks.browser["author"].form(change_url(submission), "return-form") | {"text": "请补充活动时间。"}
    declining = desks.browser["other_editor"].form(change_url(submission), "decline-form") | {"text": "题材重复。"}

    race(
        (desks.browser["author"], answer_url(submission, "return"), returning),
        (desks.browser["other_editor"], answer_url(submission, "decline"), declining),
        delays=delays,
    )

    submission.refresh_from_db()
    assert submission.version == 2  # exactly one answer was applied
    assert submission.answer in ("请补充活动时间。", "题材重复。")


@pytest.mark.parametrize("delays", INTERLEAVINGS)
def test_a_decline_racing_the_revision_it_did_not_see_is_refused(desks, delays):
    wang = desks.browser["wang"]
    wang.request(
        reverse("contribute:submit"),
        wang.form(reverse("contribute:submit"), "submit-form") | piece_data(make.default_section(), "南州来稿"),
    )
    submission = Submission.objects.get()
    editor = desks.browser["author"]
    editor.request(
        answer_url(submission, "return"),
        editor.form(change_url(submission), "return-form") | {"text": "请补充活动时间。"},
    )
    revise_url = reverse("contribute:revise", args=[submission.number])
    revising = wang.form(revise_url, "revise-form") | {"body": "<p>十月十二日，市科协组织科技志愿者走进社区。</p>"}
    # The other editor's page was opened before the revision arrived; the office then sees the
    # piece back in its hands and declines it on that page.
    submission.refresh_from_db()
    seen = submission.version

    race(
        (wang, revise_url, revising),
        (desks.browser["other_editor"], answer_url(submission, "decline"), {"text": "不用了。", "seen": seen}),
        delays=delays,
    )

    submission.refresh_from_db()
    # Whatever the order, the revision is kept and no decline was applied to a state its maker
    # did not see: it either found the piece still with the contributor, or a newer version.
    assert submission.status == Submission.Status.IN_OFFICE
    assert "十月十二日" in submission.article.body


@pytest.mark.parametrize("delays", INTERLEAVINGS)
def test_two_workers_telling_contributors_at_once_mail_each_moment_once(newsroom, mailoutbox, delays):
    wang = make.contributor("wang@nanzhou.example")
    for n in range(3):
        workflow.submit_piece(by=wang, title=f"来稿{n}", body=BODY, section=make.default_section())
    Submission.objects.update(told="")  # as if the job queued by the submissions had not run yet
    mailoutbox.clear()
    barrier = threading.Barrier(2)

    def worker(delay):
        try:
            barrier.wait()
            time.sleep(delay)
            contributions.tell_contributors()
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        for future in [pool.submit(worker, delay) for delay in delays]:
            future.result()

    received = sorted(mail.subject for mail in mailoutbox if mail.to == ["wang@nanzhou.example"])
    assert received == ["【已收到】来稿0", "【已收到】来稿1", "【已收到】来稿2"]
