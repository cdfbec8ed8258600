import datetime
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as make

pytestmark = pytest.mark.django_db


def days_from_today(days):
    return timezone.localdate() + timedelta(days=days)


def event_titles(region):
    return [title for title, href in region.anchors() if href.startswith("/events/")]


@pytest.fixture
def calendar():
    make.event(title="青少年科技创新大赛复赛", start_date=days_from_today(10), end_date=days_from_today(12))
    make.event(title="科普大篷车进校园", start_date=days_from_today(3))
    make.event(title="基层调研", start_date=days_from_today(-1), end_date=days_from_today(2))  # under way
    make.event(title="全委会议", start_date=days_from_today(0))  # today
    make.event(title="动员大会", start_date=days_from_today(-1))  # yesterday
    make.event(title="党史学习教育报告会", start_date=days_from_today(-30), end_date=days_from_today(-29))


def test_events_page_lists_upcoming_events_soonest_first(client, read_page, calendar):
    upcoming = read_page(client.get(reverse("events:event-list"))).region("近期活动")

    assert event_titles(upcoming) == ["基层调研", "全委会议", "科普大篷车进校园", "青少年科技创新大赛复赛"]


def test_events_page_lists_past_events_latest_first(client, read_page, calendar):
    past = read_page(client.get(reverse("events:event-list"))).region("往期活动")

    assert event_titles(past) == ["动员大会", "党史学习教育报告会"]


def test_events_page_says_when_nothing_is_coming_up(client, read_page):
    make.event(title="动员大会", start_date=days_from_today(-1))

    upcoming = read_page(client.get(reverse("events:event-list"))).region("近期活动")

    assert event_titles(upcoming) == []
    assert upcoming.contains("近期暂无活动安排")


def test_event_page_shows_when_where_and_who_organised_it(client, read_page):
    event = make.event(
        title="青少年科技创新大赛复赛",
        start_date=datetime.date(2026, 4, 22),
        end_date=datetime.date(2026, 4, 24),
        start_time=datetime.time(9, 0),
        place="郑州",
        organiser="省科协青少年科技中心",
        description="<p>共有三百余件作品参赛。</p>",
    )

    page = read_page(client.get(event.get_absolute_url()))

    assert page.in_order("青少年科技创新大赛复赛", "2026年4月22日 9:00", "4月24日", "郑州", "省科协青少年科技中心")
    assert page.contains("共有三百余件作品参赛。")


def test_event_page_lists_its_coverage_newest_first(client, read_page, published_issue):
    speech = make.article(published_issue, title="在全委会议上的讲话", published_at=timezone.now() - timedelta(days=3))
    news = make.article(None, title="全委会议在郑州召开", published_at=timezone.now() - timedelta(days=1))
    event = make.event(title="全委会议", articles=[speech, news])

    coverage = read_page(client.get(event.get_absolute_url())).region("相关报道")

    assert coverage.in_order("全委会议在郑州召开", "在全委会议上的讲话")
    assert speech.get_absolute_url() in coverage.links()
    assert news.get_absolute_url() in coverage.links()


def test_event_page_lists_the_people_involved(client, read_page):
    person = make.person("张启航", title="党组成员、副主席")
    event = make.event(title="基层调研", people=[person])

    people = read_page(client.get(event.get_absolute_url())).region("相关人物")

    assert people.in_order("张启航", "党组成员、副主席")
    assert person.get_absolute_url() in people.links()


def test_older_past_events_are_reached_through_the_next_page(client, read_page):
    for days_ago in range(1, 33):
        make.event(title=f"往期活动{days_ago:02d}", start_date=days_from_today(-days_ago))

    first = read_page(client.get(reverse("events:event-list"))).region("往期活动")
    second = read_page(client.get(reverse("events:event-list"), {"page": 2})).region("往期活动")

    assert len(event_titles(first)) == 30
    assert event_titles(second) == ["往期活动31", "往期活动32"]
    assert first.contains("下一页")
