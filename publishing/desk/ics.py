"""The editorial calendar as iCalendar (RFC 5545), for a staff member's own calendar program.

Deadlines and releases are all-day entries (DATE values, DTEND the next day); an entry with a
time (a scheduled publication, a timed event) is one hour from that time, in the site's zone.
Links are absolute, to the admin page where the work is done.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Timezone, vDuration
from icalendar import Event as VEvent

PRODID = "-//Bulletin//Editorial calendar//ZH"
REFRESH_INTERVAL = datetime.timedelta(hours=1)
TIMED_LENGTH = datetime.timedelta(hours=1)


def feed(entries):
    """The calendar file (bytes) of ``entries`` (``publishing.desk.Entry``)."""
    name = f"{settings.PERIODICAL_NAME}编辑日历"
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    cal.add_component(Timezone.from_tzid(settings.TIME_ZONE))
    stamp = timezone.now().astimezone(datetime.UTC)
    site = settings.SITE_URL.rstrip("/")
    for entry in entries:
        component = VEvent()
        component.add("uid", entry.uid)
        component.add("dtstamp", stamp)
        if entry.at is not None:
            start = timezone.localtime(entry.at)
            component.add("dtstart", start)
            component.add("dtend", start + TIMED_LENGTH)
        else:
            component.add("dtstart", entry.day)
            component.add("dtend", entry.day + datetime.timedelta(days=1))
        component.add("summary", f"{entry.label}：{entry.title}")
        url = site + entry.url
        component.add(
            "description", "\n".join(part for part in (f"逾期：{entry.late}" if entry.late else "", url) if part)
        )
        component.add("url", url)
        component.add("categories", [entry.label])
        # Private to the office: a calendar that shares it on shows it as busy only.
        component.add("class", "CONFIDENTIAL")
        cal.add_component(component)
    cal.add_missing_timezones()
    return cal.to_ical()
