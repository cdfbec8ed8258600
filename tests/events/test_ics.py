"""Events as iCalendar files: what a phone calendar imports or subscribes to, parsed back with icalendar."""

import datetime
from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests import factories as make

pytestmark = pytest.mark.django_db

SHANGHAI = timedelta(hours=8)
FEED = reverse("events:calendar-feed")
SITE = "https://kexie.example"


@pytest.fixture
def site(settings):
    """The site's public address, and a Host header of someone else's that Django lets through."""
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]


def ics_url(event):
    return reverse("events:event-ics", kwargs={"slug": event.slug})


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def only_event(client, event):
    [vevent] = download(client, ics_url(event)).walk("VEVENT")
    return vevent


def summaries(calendar):
    return sorted(str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT"))


def test_all_day_event_is_a_date_ending_the_next_day(client):
    event = make.event(title="全省科普日", start_date=date(2026, 9, 16))

    vevent = only_event(client, event)

    assert vevent.decoded("DTSTART") == date(2026, 9, 16)
    assert vevent.decoded("DTEND") == date(2026, 9, 17)
    assert vevent["DTSTART"].params["VALUE"] == "DATE"
    assert not isinstance(vevent.decoded("DTSTART"), datetime.datetime)


def test_all_day_event_over_several_days_ends_the_day_after_its_last_day(client):
    event = make.event(title="青少年科技创新大赛", start_date=date(2026, 4, 22), end_date=date(2026, 4, 24))

    vevent = only_event(client, event)

    assert vevent.decoded("DTSTART") == date(2026, 4, 22)
    assert vevent.decoded("DTEND") == date(2026, 4, 25)


def test_timed_event_is_in_shanghai_time(client):
    event = make.event(title="全委会议", start_date=date(2026, 4, 16), start_time=time(9, 0), end_time=time(11, 30))

    response = client.get(ics_url(event))
    [vevent] = Calendar.from_ical(response.content).walk("VEVENT")
    start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")

    assert b"DTSTART;TZID=Asia/Shanghai:20260416T090000" in response.content
    assert vevent["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert (start.replace(tzinfo=None), start.utcoffset()) == (datetime.datetime(2026, 4, 16, 9, 0), SHANGHAI)
    assert start.astimezone(datetime.UTC) == datetime.datetime(2026, 4, 16, 1, 0, tzinfo=datetime.UTC)
    assert (end.replace(tzinfo=None), end.utcoffset()) == (datetime.datetime(2026, 4, 16, 11, 30), SHANGHAI)


def test_a_file_with_timed_events_defines_the_shanghai_time_zone(client):
    event = make.event(start_date=date(2026, 4, 16), start_time=time(9, 0))

    [zone] = download(client, ics_url(event)).walk("VTIMEZONE")

    assert zone["TZID"] == "Asia/Shanghai"


def test_timed_event_over_several_days_runs_from_its_first_start_to_its_last_end(client):
    event = make.event(
        start_date=date(2026, 4, 22), start_time=time(14, 0), end_date=date(2026, 4, 24), end_time=time(12, 0)
    )

    vevent = only_event(client, event)

    assert vevent.decoded("DTSTART") == datetime.datetime(2026, 4, 22, 6, 0, tzinfo=datetime.UTC)
    assert vevent.decoded("DTEND") == datetime.datetime(2026, 4, 24, 4, 0, tzinfo=datetime.UTC)
    assert vevent["DTEND"].params["TZID"] == "Asia/Shanghai"


def test_event_with_only_a_start_time_lasts_an_hour(client):
    event = make.event(start_date=date(2026, 4, 16), start_time=time(15, 0))

    vevent = only_event(client, event)

    assert vevent.decoded("DTEND") - vevent.decoded("DTSTART") == timedelta(hours=1)
    assert vevent.decoded("DTEND").utcoffset() == SHANGHAI


def test_event_over_several_days_with_only_a_start_time_runs_to_the_end_of_its_last_day(client):
    event = make.event(start_date=date(2026, 4, 22), start_time=time(9, 0), end_date=date(2026, 4, 24))

    vevent = only_event(client, event)

    assert vevent.decoded("DTEND").replace(tzinfo=None) == datetime.datetime(2026, 4, 25, 0, 0)
    assert vevent.decoded("DTEND").utcoffset() == SHANGHAI


def test_event_file_says_what_where_and_who_with_a_link_to_its_page(client, site):
    event = make.event(
        title="科普大篷车进校园",
        place="郑州市金水区实验小学",
        organiser="省科协科普部",
        description="<p>带去机器人和<strong>天文望远镜</strong>。</p><p>欢迎师生参加。</p>",
    )

    vevent = only_event(client, event)

    page = SITE + event.get_absolute_url()
    assert str(vevent["SUMMARY"]) == "科普大篷车进校园"
    assert str(vevent["LOCATION"]) == "郑州市金水区实验小学"
    assert str(vevent["URL"]) == page
    assert str(vevent["DESCRIPTION"]) == f"带去机器人和天文望远镜。\n欢迎师生参加。\n\n主办：省科协科普部\n\n{page}"
    assert vevent["ORGANIZER"].params["CN"] == "省科协科普部"
    assert "mailto:" not in str(vevent["ORGANIZER"])
    assert "DTSTAMP" in vevent


def test_event_file_is_an_attachment_with_a_readable_file_name(client):
    event = make.event(title="全委会议")

    response = client.get(ics_url(event))

    assert response["Content-Disposition"] == 'attachment; filename="quan-wei-hui-yi.ics"'


@pytest.mark.parametrize("status", [make.DRAFT, make.APPROVED, make.WITHDRAWN])
def test_unpublished_event_has_no_file(client, status):
    event = make.event(status=status, published_at=make.yesterday() if status == make.WITHDRAWN else None)

    assert client.get(ics_url(event)).status_code == 404


def test_event_published_for_later_has_no_file_yet(client):
    event = make.event(published_at=timezone.now() + timedelta(hours=2))

    assert client.get(ics_url(event)).status_code == 404


def test_feed_is_a_named_calendar_in_shanghai_time(client):
    make.event(title="全委会议")

    calendar = download(client, FEED)

    assert calendar["VERSION"] == "2.0"
    assert "PRODID" in calendar
    assert calendar["X-WR-CALNAME"] == "科协通讯活动"
    assert calendar["X-WR-TIMEZONE"] == "Asia/Shanghai"
    assert [zone["TZID"] for zone in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_feed_has_every_public_event_from_a_year_ago_on(client):
    today = timezone.localdate()
    make.event(title="下周的全委会议", start_date=today + timedelta(days=7))
    make.event(title="上个月的报告会", start_date=today - timedelta(days=30))
    make.event(title="去年的科普日", start_date=today - timedelta(days=300))
    make.event(title="两年前的大赛", start_date=today - timedelta(days=800))

    assert summaries(download(client, FEED)) == sorted(["下周的全委会议", "上个月的报告会", "去年的科普日"])


def test_feed_leaves_out_unpublished_events(client):
    make.event(title="全委会议")
    make.event(title="筹备中的调研", status=make.DRAFT)
    make.event(title="撤下的报告会", status=make.WITHDRAWN, published_at=make.yesterday())
    make.event(title="明天才发布的大赛", published_at=timezone.now() + timedelta(days=1))

    assert summaries(download(client, FEED)) == ["全委会议"]


def test_uids_stay_the_same_across_downloads_and_the_feed(client):
    first = make.event(title="全委会议")
    second = make.event(title="科普日")

    def uids():
        return {str(vevent["SUMMARY"]): str(vevent["UID"]) for vevent in download(client, FEED).walk("VEVENT")}

    before = uids()
    first.place = "郑州"
    first.save()

    assert uids() == before
    assert before == {"全委会议": f"event-{first.pk}@127.0.0.1", "科普日": f"event-{second.pk}@127.0.0.1"}
    assert str(only_event(client, first)["UID"]) == before["全委会议"]


def test_feed_queries_do_not_grow_with_the_number_of_events(client, count_queries):
    make.event()
    small = count_queries(client, FEED)
    for _ in range(20):
        make.event(start_time=time(9, 0))
    large = count_queries(client, FEED)

    assert small == large <= 2


def test_event_page_offers_the_file(client, read_page):
    event = make.event(title="全委会议")

    anchors = read_page(client.get(event.get_absolute_url())).anchors()

    assert ("添加到日历", ics_url(event)) in anchors


def test_events_page_offers_the_feed_to_subscribe_to(client, read_page, site):
    subscribe = read_page(client.get(reverse("events:event-list"))).region("订阅活动日历")

    assert ("订阅活动日历", "webcal://kexie.example/events/calendar.ics") in subscribe.anchors()
    assert f"{SITE}/events/calendar.ics" in subscribe.links()


def test_calendar_links_point_to_the_public_site_whatever_host_the_request_names(client, read_page, site):
    event = make.event(title="全委会议")
    forged = {"HTTP_HOST": "evil.example"}

    subscribe = read_page(client.get(reverse("events:event-list"), **forged)).region("订阅活动日历")
    [single] = Calendar.from_ical(client.get(ics_url(event), **forged).content).walk("VEVENT")
    [in_feed] = Calendar.from_ical(client.get(FEED, **forged).content).walk("VEVENT")

    assert subscribe.links() == ["webcal://kexie.example/events/calendar.ics", f"{SITE}/events/calendar.ics"]
    for vevent in (single, in_feed):
        assert str(vevent["URL"]) == SITE + event.get_absolute_url()
        assert str(vevent["DESCRIPTION"]).endswith(SITE + event.get_absolute_url())
        assert "evil.example" not in vevent.to_ical().decode()
