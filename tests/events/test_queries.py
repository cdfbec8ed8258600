"""Event pages run a small, fixed number of queries however many events and links there are."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as make

pytestmark = pytest.mark.django_db

MAX_QUERIES = 8


def test_events_list_queries_do_not_grow_with_the_calendar(client, count_queries):
    today = timezone.localdate()
    make.event(start_date=today + timedelta(days=1))
    make.event(start_date=today - timedelta(days=1))
    small = count_queries(client, reverse("events:event-list"))

    for days in range(1, 41):
        make.event(start_date=today + timedelta(days=days), end_date=today + timedelta(days=days + 1))
        make.event(start_date=today - timedelta(days=days))
    large = count_queries(client, reverse("events:event-list"))

    assert small == large <= MAX_QUERIES


def test_event_page_queries_do_not_grow_with_its_coverage_and_people(client, count_queries, published_issue):
    def event(links):
        people = [make.person() for _ in range(links)]
        articles = [make.article(published_issue if i % 2 else None) for i in range(links)]
        for article, person in zip(articles, people, strict=True):
            make.link(article, person)
        return make.event(articles=articles, people=people)

    small = count_queries(client, event(1).get_absolute_url())
    large = count_queries(client, event(20).get_absolute_url())

    assert small == large <= MAX_QUERIES
