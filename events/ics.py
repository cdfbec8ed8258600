"""Events as iCalendar (RFC 5545) data that phone and desktop calendars import or subscribe to.

Times are entered in the site's time zone (Asia/Shanghai) and written with that TZID and a
VTIMEZONE, so a reader abroad sees them at the right moment. How an event's dates become
DTSTART/DTEND:

- no start time: an all-day event, DATE values, DTEND the day after the last day (exclusive);
- start and end time: from the start date and time to the end date (or the same day) and time;
- start time but no end time: one hour (``DEFAULT_DURATION``) on a one-day event; a multi-day
  event runs until the end of its last day.
"""

import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Timezone, vCalAddress, vDuration, vText
from icalendar import Event as VEvent

from bulletin import seo
from publishing.diff import text_of

DEFAULT_DURATION = datetime.timedelta(hours=1)
# How often subscribed calendars should fetch the feed again.
REFRESH_INTERVAL = datetime.timedelta(hours=6)
PRODID = "-//Bulletin//Events//ZH"


def calendar_name():
    return f"{settings.PERIODICAL_NAME}活动"


def uid(event):
    """The event's UID: the same in every download and in the feed, whatever host served it."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"event-{event.pk}@{host}"


def when(event):
    """``(dtstart, dtend)``: dates for an all-day event, aware datetimes in the site's zone otherwise."""
    last_day = event.end_date or event.start_date
    if event.start_time is None:
        return event.start_date, last_day + datetime.timedelta(days=1)
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime.combine(event.start_date, event.start_time, tzinfo=zone)
    if event.end_time is not None:
        end = datetime.datetime.combine(last_day, event.end_time, tzinfo=zone)
    elif event.is_multi_day:
        end = datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time(), tzinfo=zone)
    else:
        end = start + DEFAULT_DURATION
    return start, end


def vevent(event):
    """The VEVENT of ``event``, linking to its page on the public site."""
    url = seo.absolute_url(event.get_absolute_url())
    component = VEvent()
    start, end = when(event)
    component.add("uid", uid(event))
    stamp = event.updated_at or timezone.now()
    # Without a METHOD, DTSTAMP is when the event was last changed (RFC 5545, 3.8.7.2); a fixed
    # stamp also keeps the feed byte-for-byte the same until something changes.
    component.add("dtstamp", stamp.astimezone(datetime.UTC))
    component.add("last-modified", stamp.astimezone(datetime.UTC))
    component.add("dtstart", start)
    component.add("dtend", end)
    component.add("summary", event.title)
    if event.place:
        component.add("location", event.place)
    description = "\n\n".join(
        part
        for part in (text_of(event.description), f"主办：{event.organiser}" if event.organiser else "", url)
        if part
    )
    component.add("description", description)
    component.add("url", url)
    if event.organiser:
        # The organiser is a name without an address; an invented mailto: would invite replies
        # to nobody, so the CN carries the name and the value is a URI that is not an address.
        organiser = vCalAddress("invalid:nomail")
        organiser.params["cn"] = vText(event.organiser)
        component.add("organizer", organiser)
    return component


def to_ical(events, *, feed=False):
    """An iCalendar file (bytes) of ``events``.

    ``feed=True`` names the calendar and asks subscribers to refresh it, for the subscribable
    feed; a single event's download leaves those out so that calendars import it into an
    existing calendar instead of offering to create a new one.
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if feed:
        cal.add("name", calendar_name())
        cal.add("x-wr-calname", calendar_name())
        cal.add("x-wr-caldesc", f"{settings.PUBLISHER_NAME}主办的会议、竞赛、科普与调研活动")
        cal.add("x-wr-timezone", settings.TIME_ZONE)
        cal.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
        # Named by X-WR-TIMEZONE, so always defined, even before the first timed event needs it.
        cal.add_component(Timezone.from_tzid(settings.TIME_ZONE))
    for event in events:
        cal.add_component(vevent(event))
    cal.add_missing_timezones()
    return cal.to_ical()
