"""The month calendar of events: a Monday-first grid, each event on every day it covers."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as make

pytestmark = pytest.mark.django_db


def month_url(year, month):
    return reverse("events:event-month", kwargs={"year": year, "month": month})


def days(page):
    """``{"2026-05-01": [event page links]}`` for every day of the month in the grid."""
    grid = page.find("table", class_="month")
    assert grid is not None, "no calendar grid"
    found = {}
    for cell in grid.element.iter("td"):
        when = cell.find("time")
        if when is not None:
            found[when.get("datetime")] = [a.get("href") for a in cell.iter("a")]
    return found


def agenda(page):
    """The phone layout: the dates of the days with events, in order."""
    return [when.get("datetime") for when in page.find("section", class_="month-agenda").element.iter("time")]


def test_month_grid_starts_on_monday_with_chinese_weekday_names(client, read_page):
    page = read_page(client.get(month_url(2026, 5)))

    header, first_week, *_ = page.find("table", class_="month").rows()
    assert page.find("table", class_="month").element.find("caption") is not None
    assert header == ["一", "二", "三", "四", "五", "六", "日"]
    # 1 May 2026 is a Friday: Monday to Thursday of the first row belong to April.
    assert first_week == ["27", "28", "29", "30", "5月1日", "5月2日", "5月3日"]
    assert len(days(page)) == 31


def test_event_appears_on_its_day(client, read_page):
    event = make.event(title="全委会议", start_date=date(2026, 5, 12), start_time=time(9, 0))

    grid = days(read_page(client.get(month_url(2026, 5))))

    assert [day for day, links in grid.items() if event.get_absolute_url() in links] == ["2026-05-12"]


def test_event_over_several_days_appears_on_every_day_it_covers(client, read_page):
    event = make.event(title="青少年科技创新大赛", start_date=date(2026, 5, 22), end_date=date(2026, 5, 24))

    grid = days(read_page(client.get(month_url(2026, 5))))

    assert [day for day, links in grid.items() if event.get_absolute_url() in links] == [
        "2026-05-22",
        "2026-05-23",
        "2026-05-24",
    ]


def test_event_spanning_two_months_appears_in_both(client, read_page):
    event = make.event(title="基层调研", start_date=date(2026, 4, 29), end_date=date(2026, 5, 2))

    april = days(read_page(client.get(month_url(2026, 4))))
    may = days(read_page(client.get(month_url(2026, 5))))

    assert [day for day, links in april.items() if event.get_absolute_url() in links] == ["2026-04-29", "2026-04-30"]
    assert [day for day, links in may.items() if event.get_absolute_url() in links] == ["2026-05-01", "2026-05-02"]


def test_phone_list_has_only_the_days_with_events(client, read_page):
    make.event(start_date=date(2026, 5, 12))
    make.event(start_date=date(2026, 5, 22), end_date=date(2026, 5, 23))

    page = read_page(client.get(month_url(2026, 5)))

    assert agenda(page) == ["2026-05-12", "2026-05-22", "2026-05-23"]


def test_month_without_events_says_so(client, read_page):
    page = read_page(client.get(month_url(2026, 5)))

    assert page.contains("本月暂无活动安排")


def test_unpublished_events_stay_off_the_calendar(client, read_page):
    make.event(title="筹备中的调研", start_date=date(2026, 5, 12), status=make.DRAFT)
    make.event(title="明天才发布的大赛", start_date=date(2026, 5, 13), published_at=timezone.now() + timedelta(days=1))

    page = read_page(client.get(month_url(2026, 5)))

    assert not page.contains("筹备中的调研")
    assert not page.contains("明天才发布的大赛")


@pytest.mark.parametrize(
    ("year", "month", "previous", "following"),
    [(2026, 5, "/events/2026/4/", "/events/2026/6/"), (2026, 1, "/events/2025/12/", "/events/2026/2/")],
)
def test_month_links_to_the_months_before_and_after(client, read_page, year, month, previous, following):
    nav = read_page(client.get(month_url(year, month))).find("nav", class_="month-nav")

    assert nav.find("a", rel="prev").element.get("href") == previous
    assert nav.find("a", rel="next").element.get("href") == following


def test_december_leads_to_january_of_the_next_year(client, read_page):
    nav = read_page(client.get(month_url(2026, 12))).find("nav", class_="month-nav")

    assert nav.find("a", rel="next").element.get("href") == "/events/2027/1/"


def test_today_is_marked_in_the_current_month(client, read_page):
    today = timezone.localdate()

    page = read_page(client.get(month_url(today.year, today.month)))

    [cell] = [td for td in page.find("table", class_="month").element.iter("td") if td.get("aria-current") == "date"]
    assert cell.find("time").get("datetime") == today.isoformat()


@pytest.mark.parametrize("path", ["/events/2026/13/", "/events/2026/0/", "/events/1800/5/", "/events/99999/1/"])
def test_month_that_does_not_exist_is_not_found(client, path):
    assert client.get(path).status_code == 404


def test_events_page_links_to_this_months_calendar(client, read_page):
    today = timezone.localdate()

    links = read_page(client.get(reverse("events:event-list"))).links()

    assert month_url(today.year, today.month) in links


def test_calendar_queries_do_not_grow_with_the_number_of_events(client, count_queries):
    make.event(start_date=date(2026, 5, 12))
    small = count_queries(client, month_url(2026, 5))

    for day in range(1, 29):
        make.event(start_date=date(2026, 5, day), end_date=date(2026, 5, day + 2), start_time=time(9, 0))
    large = count_queries(client, month_url(2026, 5))

    assert small == large <= 2
