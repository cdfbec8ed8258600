"""What the editors' desk (``publishing.desk``) shows of events: those waiting for the user's
review, and the events of the calendar, which the office plans to cover."""

import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from bulletin import planning, workflow
from events.models import Event
from publishing.desk import Entry, Task
from publishing.models import PublicationStatus as S


def _admin_url(event):
    return reverse("admin:events_event_change", args=[event.pk])


def agenda(user, now):
    """The events in review that ``user`` may decide now (the same rules as the decision)."""
    if not user.has_perm("events.review_event"):
        return []
    waiting = Event.objects.filter(status=S.IN_REVIEW).select_related("review_stage").order_by("stage_entered_at")
    return [
        Task(
            action=f"待审活动（{event.review_stage.name}）",
            title=event.title,
            url=_admin_url(event),
            due=timezone.localdate(event.stage_entered_at + datetime.timedelta(days=event.review_stage.days)),
            late=planning.lateness(event, None, now),
        )
        for event in waiting
        if workflow.refusal("approve", event, user) is None
    ]


def calendar_entries(user, start, end):
    """Events under way between ``start`` and ``end`` (not withdrawn ones), on their first day in
    the range, and events set to be published later."""
    if not user.has_perm("events.view_event"):
        return []
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    zone = ZoneInfo(settings.TIME_ZONE)
    events = (
        Event.objects.exclude(status=S.WITHDRAWN)
        .alias(ends_on=Coalesce("end_date", "start_date"))
        .filter(start_date__lte=end, ends_on__gte=start)
        .order_by("start_date", F("start_time").asc(nulls_first=True), "pk")
    )
    entries = []
    for event in events:
        day = max(event.start_date, start)
        at = datetime.datetime.combine(day, event.start_time, tzinfo=zone) if event.start_time else None
        title = event.title + (f"（{event.place}）" if event.place else "")
        entries.append(Entry(day, "event", "活动", title, _admin_url(event), f"event-{event.pk}@{host}", at=at))
        if event.status == S.PUBLISHED and event.published_at > timezone.now():
            at = timezone.localtime(event.published_at)
            if start <= at.date() <= end:
                entries.append(
                    Entry(
                        at.date(),
                        "scheduled",
                        "定时发布",
                        event.title,
                        _admin_url(event),
                        f"event-{event.pk}-publish@{host}",
                        at=at,
                    )
                )
    return entries
