import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from bulletin.models import Issue
from tests import factories as make

pytestmark = pytest.mark.django_db


def test_issue_is_named_as_printed_on_the_cover():
    issue = make.issue(year=2026, number=2, running_number=122)

    assert str(issue) == "2026年第2期（总第122期）"


def test_second_issue_with_same_year_and_number_is_rejected_in_chinese(published_issue):
    duplicate = Issue(year=2026, number=2, running_number=999)

    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()

    assert "2026年第2期已经存在，请检查年份和期号。" in error.value.messages


def test_second_issue_with_same_running_number_is_rejected_in_chinese(published_issue):
    duplicate = Issue(year=2027, number=1, running_number=122)

    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()

    assert error.value.message_dict["running_number"] == ["总第122期已经存在，请检查总期号。"]


def test_same_number_in_another_year_is_a_different_issue(published_issue):
    Issue(year=2027, number=2, running_number=130).full_clean()


def test_admin_add_form_reports_duplicate_year_and_number_and_saves_nothing(chief_client, published_issue):
    response = chief_client.post(reverse("admin:bulletin_issue_add"), make.issue_form(running_number="999"))

    assert response.status_code == 200
    assert "2026年第2期已经存在，请检查年份和期号。" in response.content.decode()
    assert Issue.objects.count() == 1


def test_admin_add_form_reports_duplicate_running_number_and_saves_nothing(chief_client, published_issue):
    response = chief_client.post(reverse("admin:bulletin_issue_add"), make.issue_form(year="2027", number="1"))

    assert response.status_code == 200
    assert "总第122期已经存在，请检查总期号。" in response.content.decode()
    assert Issue.objects.count() == 1


def test_admin_add_form_creates_an_issue(chief_client, admin_errors):
    response = chief_client.post(reverse("admin:bulletin_issue_add"), make.issue_form())

    assert response.status_code == 302, admin_errors(response)
    assert str(Issue.objects.get()) == "2026年第2期（总第122期）"


def test_publishing_an_issue_without_a_date_releases_it_today():
    issue = make.draft_issue()
    assert issue.released_on is None

    issue.status = Issue.Status.PUBLISHED
    issue.save(update_fields=["status", "published_at", "released_on"])

    issue.refresh_from_db()
    assert issue.released_on == timezone.localdate()


def test_publishing_an_issue_keeps_a_release_date_the_editor_chose():
    issue = make.issue(released_on=datetime.date(2026, 4, 28))

    assert issue.released_on == datetime.date(2026, 4, 28)


def test_an_issue_added_in_the_admin_is_not_released_whatever_status_is_posted(chief_client, admin_errors):
    """Issues are released by workflow.release_issue (see test_release.py), never through the form."""
    response = chief_client.post(reverse("admin:bulletin_issue_add"), make.issue_form(status="published"))

    assert response.status_code == 302, admin_errors(response)
    issue = Issue.objects.get()
    assert (issue.status, issue.published_at, issue.released_on) == ("draft", None, None)


def test_database_refuses_a_published_issue_without_a_release_date(published_issue):
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.filter(pk=published_issue.pk).update(released_on=None)


def test_database_refuses_two_issues_with_the_same_year_and_number(published_issue):
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.bulk_create([Issue(year=2026, number=2, running_number=999, status="draft")])


def test_public_issues_are_the_published_ones(published_issue, draft_issue):
    assert list(Issue.objects.public()) == [published_issue]
