"""The editorial calendar: each issue's dates, what is set to publish later and the events to
cover, as a month, as a list, and as a private iCalendar feed for each member of staff."""

import datetime
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from bulletin import planning
from bulletin.models import IssueDeadline
from publishing.models import DeskSettings
from tests import factories as make

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(newsroom):
    issue = make.draft_issue(year=2026, number=5)
    planning.plan(issue)  # 截稿 5月6日, 初审 9日, 复审 12日, 终审 15日, 付印 18日, 出版 25日
    return issue


def month_cells(client, read_page, year=2026, month=5, *, view="calendar-month"):
    page = read_page(client.get(reverse(f"desk:{view}", args=[year, month])))
    cells = {}
    for cell in page.element.iter("td"):
        time = next(cell.iter("time"), None)
        if time is not None:
            cells[time.get("datetime")] = " ".join(" ".join(cell.itertext()).split())
    return page, cells


def test_the_month_shows_each_date_of_the_issues_schedule_on_its_day(newsroom, client, read_page, issue):
    client.force_login(newsroom.author)

    _page, cells = month_cells(client, read_page)

    assert "截稿 2026年第5期" in cells["2026-05-06"]
    assert "初审截止 2026年第5期" in cells["2026-05-09"]
    assert "终审截止 2026年第5期" in cells["2026-05-15"]
    assert "付印 2026年第5期" in cells["2026-05-18"]
    assert "出版 2026年第5期" in cells["2026-05-25"]
    assert "2026年第5期" not in cells["2026-05-07"]


def test_a_deadline_passed_with_work_behind_it_is_marked(newsroom, client, read_page, issue):
    today = timezone.localdate()
    IssueDeadline.objects.filter(issue=issue).delete()
    type(issue).objects.filter(pk=issue.pk).update(copy_deadline=today - timedelta(days=1))
    make.draft(issue, by=newsroom.author)
    make.draft(issue, by=newsroom.author)
    client.force_login(newsroom.author)

    _page, cells = month_cells(client, read_page, *(today - timedelta(days=1)).timetuple()[:2])

    assert "截稿 2026年第5期 逾期 仍有2篇草稿" in cells[(today - timedelta(days=1)).isoformat()]


def test_scheduled_publications_and_events_are_on_their_days(newsroom, client, read_page):
    tomorrow = timezone.localtime() + timedelta(days=1)
    at = tomorrow.replace(hour=9, minute=30, second=0, microsecond=0)
    make.article(None, title="定时发布的新闻", published_at=at)
    make.event(title="青少年科技创新大赛", start_date=tomorrow.date(), place="省科技馆")
    client.force_login(newsroom.author)

    _page, cells = month_cells(client, read_page, tomorrow.year, tomorrow.month)

    assert "定时发布 09:30 《定时发布的新闻》" in cells[tomorrow.date().isoformat()]
    assert "活动 青少年科技创新大赛（省科技馆）" in cells[tomorrow.date().isoformat()]


def test_the_list_view_has_the_months_days_in_order(newsroom, client, read_page, issue):
    client.force_login(newsroom.author)

    page = read_page(client.get(reverse("desk:calendar-list", args=[2026, 5])))

    assert page.in_order("5月6日", "截稿 2026年第5期", "5月9日", "初审截止", "5月25日", "出版 2026年第5期")
    assert ("月历", reverse("desk:calendar-month", args=[2026, 5])) in page.anchors()


def test_months_lead_to_the_previous_and_next_and_a_month_that_is_none_is_404(newsroom, client, read_page):
    client.force_login(newsroom.author)

    page = read_page(client.get(reverse("desk:calendar-month", args=[2026, 12])))

    assert ("‹ 上个月", reverse("desk:calendar-month", args=[2026, 11])) in page.anchors()
    assert ("下个月 ›", reverse("desk:calendar-month", args=[2027, 1])) in page.anchors()
    assert client.get(reverse("desk:calendar-month", args=[2026, 13])).status_code == 404


def test_staff_who_may_not_read_articles_see_no_titles(newsroom, client, read_page, issue):
    tomorrow = timezone.localtime() + timedelta(days=1)
    make.article(None, title="尚未发布的稿件", published_at=tomorrow)
    client.force_login(newsroom.nobody)

    page = read_page(client.get(reverse("desk:calendar-month", args=[tomorrow.year, tomorrow.month])))
    _page, cells = month_cells(client, read_page)

    assert not page.contains("尚未发布的稿件")
    assert not any("2026年第5期" in text for text in cells.values())


# The feed -------------------------------------------------------------------------------------


def new_address(client):
    client.post(reverse("desk:calendar-address-new"))
    return reverse("desk-calendar-feed", args=[DeskSettings.objects.get().calendar_token])


def events_of(response):
    return [c for c in Calendar.from_ical(response.content).walk("VEVENT")]


def test_a_private_address_gives_the_calendar_to_a_calendar_program(newsroom, client):
    # The feed reaches a year ahead: next year's fifth issue is in it.
    year = timezone.localdate().year + 1
    planning.plan(make.draft_issue(year=year, number=5))
    client.force_login(newsroom.author)
    feed = new_address(client)
    client.logout()

    first, second = client.get(feed), client.get(feed)

    assert first.status_code == 200
    assert first["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in first["Cache-Control"] and "private" in first["Cache-Control"]
    events = {str(e["SUMMARY"]): e for e in events_of(first)}
    copy = events[f"截稿：{year}年第5期"]
    assert copy.decoded("DTSTART") == datetime.date(year, 5, 6)
    assert copy.decoded("DTEND") == datetime.date(year, 5, 7)
    assert f"出版：{year}年第5期" in events
    assert [str(e["UID"]) for e in events_of(first)] == [str(e["UID"]) for e in events_of(second)]


def test_a_new_address_or_revoking_it_ends_the_old_one(newsroom, client, issue):
    client.force_login(newsroom.author)
    old = new_address(client)
    new = new_address(client)

    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200

    client.post(reverse("desk:calendar-address-revoke"))

    assert client.get(new).status_code == 404
    assert client.get(reverse("desk-calendar-feed", args=["not-a-token"])).status_code == 404


def test_a_deactivated_users_address_stops_working(newsroom, client, issue):
    client.force_login(newsroom.author)
    feed = new_address(client)
    newsroom.author.is_active = False
    newsroom.author.save()

    assert client.get(feed).status_code == 404


def test_the_feed_holds_only_what_its_owner_may_read(newsroom, client):
    tomorrow = timezone.localtime() + timedelta(days=1)
    make.article(None, title="尚未发布的稿件", published_at=tomorrow)
    client.force_login(newsroom.nobody)
    feed = new_address(client)

    response = client.get(feed)

    assert response.status_code == 200
    assert "尚未发布的稿件" not in response.content.decode()
