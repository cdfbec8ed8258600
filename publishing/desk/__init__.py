"""The editors' desk: what waits on each member of staff (待我处理) and the editorial calendar,
gathered from the content apps without knowing them.

Each content app registers, in its ``AppConfig.ready()``, a function that lists its part:
``agenda_source(user, now)`` returns ``Task``s (what waits on ``user``), ``calendar_source(user,
start, end)`` returns ``Entry``s (dated things the office plans for, between two dates, as far as
``user`` may see them). The desk's pages (``views``), the daily digest mail
(``publishing.housekeeping.send_digests``) and the staff calendar feed (``ics``) read the same
lists, so they never disagree.
"""

import datetime
import secrets
from dataclasses import dataclass

from django.db.models import Q

from publishing.models import DeskSettings

_agenda_sources = []
_calendar_sources = []


@dataclass(frozen=True)
class Task:
    """Something that waits on a person: what to do (``action``, “待审（初审）”), to what, by when."""

    action: str
    title: str
    url: str
    due: datetime.date | None = None
    late: str = ""  # why it is behind, in words; "" if it is not
    note: str = ""

    @property
    def sort_key(self):
        return (not self.late, self.due or datetime.date.max, self.title)


@dataclass(frozen=True)
class Entry:
    """A dated item of the editorial calendar: a deadline, a release, a scheduled publication, an
    event to cover. ``kind`` names its sort for styling and filtering; ``uid`` is stable for ICS."""

    day: datetime.date
    kind: str
    label: str
    title: str
    url: str
    uid: str
    late: str = ""
    at: datetime.datetime | None = None  # the time, when it has one

    @property
    def sort_key(self):
        return (self.day, self.at.timetz() if self.at else datetime.time.min, self.kind, self.title)


def register(*, agenda=None, calendar=None):
    """Add a content app's part of the agenda and the calendar."""
    if agenda is not None and agenda not in _agenda_sources:
        _agenda_sources.append(agenda)
    if calendar is not None and calendar not in _calendar_sources:
        _calendar_sources.append(calendar)


def agenda(user, now):
    """What waits on ``user``: late things first, then by due date."""
    tasks = [task for source in _agenda_sources for task in source(user, now)]
    return sorted(tasks, key=lambda task: task.sort_key)


def calendar(user, start, end):
    """The calendar's entries from ``start`` to ``end`` (dates, both included) that ``user`` may
    see, in order."""
    entries = [entry for source in _calendar_sources for entry in source(user, start, end)]
    return sorted(entries, key=lambda entry: entry.sort_key)


def settings_of(user):
    """``user``'s desk settings, made with the defaults the first time."""
    return DeskSettings.objects.get_or_create(user=user)[0]


def new_calendar_token(user):
    """Give ``user`` a new private calendar address; the old one stops working at once."""
    desk = settings_of(user)
    desk.calendar_token = secrets.token_urlsafe(32)
    desk.save(update_fields=["calendar_token"])
    return desk.calendar_token


def revoke_calendar_token(user):
    DeskSettings.objects.filter(user=user).update(calendar_token=None)


def calendar_owner(token):
    """The active staff member whose calendar ``token`` opens, or None."""
    if not token:
        return None
    desk = (
        DeskSettings.objects.select_related("user")
        .filter(calendar_token=token, user__is_active=True, user__is_staff=True)
        .first()
    )
    return desk.user if desk else None


def claim_digest(user, today):
    """Whether ``user``'s digest for ``today`` is this caller's to send: true for one caller a day
    at most, however many workers ask at once (a conditional update decides), and never for a
    user who turned it off."""
    settings_of(user)
    return bool(
        DeskSettings.objects.filter(user=user, daily_digest=True)
        .filter(Q(digest_sent_on__isnull=True) | Q(digest_sent_on__lt=today))
        .update(digest_sent_on=today)
    )
