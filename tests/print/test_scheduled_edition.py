"""The PDF readers download shows what the issue's page shows: nothing scheduled for later before
its moment, and everything due once the moment has come, when the worker rebuilds it.

Time moves as in tests/bulletin/test_scheduling.py; the worker is ``manage.py db_worker --batch``,
which runs the jobs that are due and stops.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bulletin import print_edition, workflow
from tests import factories as make
from tests.conftest import run_worker
from tests.print.conftest import squeezed
from tests.print.test_access import pdf_url

ALREADY_OUT = "省科协召开学术年会筹备会"
SCHEDULED = "院士专家走进乡村中学"


@pytest.fixture
def later():
    return timezone.now() + timedelta(days=1)


def readers_pdf(client, issue, read_pdf):
    """The text of the PDF a reader downloads from the issue's page, or None if there is none."""
    response = client.get(pdf_url(issue))
    if response.status_code == 404:
        return None
    return squeezed(read_pdf(b"".join(response.streaming_content)).text)


@pytest.mark.django_db
def test_an_article_scheduled_for_later_is_not_in_the_pdf_readers_download(
    client, newsroom, published_issue, later, read_pdf, django_capture_on_commit_callbacks
):
    make.article(published_issue, title=ALREADY_OUT)
    article = newsroom.approved(published_issue, title=SCHEDULED)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article, by=newsroom.chief, at=later)

    text = readers_pdf(client, published_issue, read_pdf)
    assert ALREADY_OUT in text
    assert SCHEDULED not in text


@pytest.mark.django_db(transaction=True)
def test_the_worker_rebuilds_the_readers_pdf_when_a_scheduled_article_goes_live(
    client, newsroom, worker_queue, later, travel, read_pdf
):
    issue = make.issue(year=2026, number=5, running_number=125)
    make.article(issue, title=ALREADY_OUT)
    workflow.publish(newsroom.approved(issue, title=SCHEDULED), by=newsroom.chief, at=later)

    run_worker()
    before = readers_pdf(client, issue, read_pdf)
    travel(later + timedelta(minutes=1))
    run_worker()
    after = readers_pdf(client, issue, read_pdf)

    assert ALREADY_OUT in before and SCHEDULED not in before
    assert ALREADY_OUT in after and SCHEDULED in after


@pytest.mark.django_db(transaction=True)
def test_an_issue_released_for_later_is_a_proof_until_its_moment_and_the_readers_edition_then(
    client, newsroom, worker_queue, later, travel, read_pdf
):
    issue = make.draft_issue(year=2026, number=6, running_number=126)
    newsroom.approved(issue, title=SCHEDULED)
    workflow.release_issue(issue, by=newsroom.chief, at=later)

    run_worker()
    # The rebuild of its PDF waits for the moment (so does its mail to subscribers, another job).
    waiting = DBTaskResult.objects.filter(run_after=later, task_path__endswith=".build_print").count()
    proof = print_edition.edition_for(issue, print_edition.public_layout())
    proof.refresh_from_db()
    travel(later + timedelta(minutes=1))
    run_worker()

    assert waiting == 1
    assert proof.proof and print_edition.public_edition(issue) is not None
    assert SCHEDULED in readers_pdf(client, issue, read_pdf)
