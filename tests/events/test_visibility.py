"""Draft events stay off the site; an event page shows only coverage readers may see."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as make

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [make.DRAFT, make.WITHDRAWN])
def test_unpublished_event_is_not_found(client, status):
    event = make.event(title="全委会议", status=status)

    assert client.get(event.get_absolute_url()).status_code == 404


def test_published_event_has_a_page(client, read_page):
    event = make.event(title="全委会议")

    assert read_page(client.get(event.get_absolute_url())).contains("全委会议")


@pytest.mark.parametrize("days_from_today", [7, -7], ids=["upcoming", "past"])
def test_draft_event_is_not_in_the_calendar(client, read_page, days_from_today):
    start = timezone.localdate() + timedelta(days=days_from_today)
    make.event(title="科普大篷车进校园", start_date=start)
    draft = make.event(title="动员大会筹备", start_date=start, status=make.DRAFT)

    page = read_page(client.get(reverse("events:event-list")))

    assert page.contains("科普大篷车进校园")
    assert not page.contains("动员大会筹备")
    assert draft.get_absolute_url() not in page.links()


def test_event_page_lists_only_published_coverage(client, read_page, published_issue, draft_issue):
    shown = make.article(published_issue, title="全委会议在郑州召开")
    unseen = [
        make.article(published_issue, title="会议讲话草稿", status=make.DRAFT),
        make.article(published_issue, title="撤下的会议报道", status=make.WITHDRAWN, published_at=make.yesterday()),
        make.article(published_issue, title="明天发布的会议综述", published_at=timezone.now() + timedelta(days=1)),
        make.article(draft_issue, title="下期的会议专稿"),
    ]
    event = make.event(title="全委会议", articles=[shown, *unseen])

    page = read_page(client.get(event.get_absolute_url()))

    assert page.contains("全委会议在郑州召开")
    for article in unseen:
        assert not page.contains(article.title)
