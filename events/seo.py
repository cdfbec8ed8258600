"""What search engines and chat apps learn about an event's page: its link preview and a
schema.org ``Event``, built with the periodical's page metadata (``bulletin.seo``).

Dates follow schema.org rather than iCalendar (``events.ics``): a day without a time is a
date, a time is a moment in the site's time zone, the last day is the last day (not the day
after), and an end nobody entered is left out rather than guessed.
"""

import datetime

from django.utils import timezone

from bulletin import seo

SCHEDULED = "https://schema.org/EventScheduled"
OFFLINE = "https://schema.org/OfflineEventAttendanceMode"


def moment(day, time):
    """``day`` at ``time`` in the site's time zone, or the day itself when there is no time."""
    return datetime.datetime.combine(day, time, tzinfo=timezone.get_default_timezone()) if time else day


def dates(event):
    """``startDate`` and, when known, ``endDate``."""
    found = {"startDate": moment(event.start_date, event.start_time)}
    if event.end_time or event.is_multi_day or event.start_time is None:
        found["endDate"] = moment(event.end_date or event.start_date, event.end_time)
    return found


def description(event):
    """Its description as plain text, or what, when and where in one sentence."""
    day = event.start_date
    return seo.plain_text(event.description) or (
        f"{event.title}，{day.year}年{day.month}月{day.day}日" + (f"，{event.place}" if event.place else "") + "。"
    )


def event_meta(event):
    """The meta of a public event's page (``event`` with its public ``articles`` prefetched
    ``for_listing()``): its picture is the first photo of the newest report about it."""
    url = seo.absolute_url(event.get_absolute_url())
    image, image_alt = next((seo.article_image(a) for a in event.articles.all() if a.teaser_photo), (None, ""))
    data = {
        "@context": seo.SCHEMA,
        "@type": "Event",
        "name": event.title,
        **dates(event),
        "description": description(event),
        "url": url,
        "eventStatus": SCHEDULED,
        "organizer": {"@type": "Organization", "name": event.organiser} if event.organiser else seo.publisher(),
        "inLanguage": "zh-CN",
    }
    if event.place:
        data["location"] = {"@type": "Place", "name": event.place, "address": event.place}
        data["eventAttendanceMode"] = OFFLINE
    if image:
        data["image"] = [image.url]
    return seo.PageMeta(
        url=url,
        title=event.title,
        description=data["description"],
        image=image,
        image_alt=image_alt,
        structured_data=data,
    )
