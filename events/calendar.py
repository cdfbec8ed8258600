"""A month of events laid out as a calendar: weeks from Monday to Sunday, each day with its events."""

import calendar
import datetime
from dataclasses import dataclass, field

from events.models import Event

WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")
# Months outside these years are not found: enough for any real event, and a crawler following
# “next month” links stops somewhere.
FIRST_YEAR, LAST_YEAR = 1950, 2100


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    is_today: bool
    events: list = field(default_factory=list)

    @property
    def weekday(self):
        return WEEKDAYS[self.date.weekday()]


@dataclass
class Month:
    first: datetime.date
    weeks: list
    previous: datetime.date | None
    next: datetime.date | None

    @property
    def days_with_events(self):
        """The month's own days that have at least one event, in order (the phone layout)."""
        return [day for week in self.weeks for day in week if day.in_month and day.events]


def month_exists(year, month):
    return FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12


def month_of(year, month, *, events=None, today):
    """The calendar of ``year``-``month``: public events on every day they cover, in agenda order.

    A multi-day event is listed on each of its days within the month; days of the neighbouring
    months that fill the first and last weeks are shown without events. One query.
    """
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    if events is None:
        events = Event.objects.public().overlapping(first, last)
    grid = [[Day(date, date.month == month, date == today) for date in week] for week in weeks]
    days = {day.date: day for week in grid for day in week if day.in_month}
    for event in events:
        start = max(event.start_date, first)
        end = min(event.end_date or event.start_date, last)
        for offset in range((end - start).days + 1):
            days[start + datetime.timedelta(days=offset)].events.append(event)
    previous = first - datetime.timedelta(days=1)
    following = last + datetime.timedelta(days=1)
    return Month(
        first=first,
        weeks=grid,
        previous=previous if month_exists(previous.year, previous.month) else None,
        next=following if month_exists(following.year, following.month) else None,
    )
