import datetime

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, ListView, TemplateView

from bulletin import seo
from bulletin.models import Article
from events import calendar, ics
from events.models import Event
from events.seo import event_meta
from people.models import Person
from publishing import pagecache

ICALENDAR = "text/calendar; charset=utf-8"
# The feed reaches this far back, so a subscribed calendar keeps last year's events.
FEED_HISTORY = datetime.timedelta(days=365)


class EventListView(ListView):
    """Upcoming events in full, then past events a page at a time, newest first."""

    template_name = "events/event_list.html"
    context_object_name = "past"
    paginate_by = 30

    def get_queryset(self):
        return Event.objects.public().past()

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        feed_url = seo.absolute_url(reverse("events:calendar-feed"))
        return super().get_context_data(
            upcoming=Event.objects.public().upcoming(),
            this_month=reverse("events:event-month", kwargs={"year": today.year, "month": today.month}),
            feed_url=feed_url,
            webcal_url="webcal://" + feed_url.split("://", 1)[1],
            **kwargs,
        )


class EventDetailView(DetailView):
    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_object(self, queryset=None):
        events = Event.objects.public().prefetch_related(
            Prefetch("articles", queryset=Article.objects.public().for_listing().latest_first()),
            Prefetch("people", queryset=Person.objects.public()),
        )
        event = get_object_or_404(events, slug=self.kwargs["slug"])
        # All its people, not only those shown: one appears here once anything about them is published.
        people = Event.people.through.objects.filter(event=event).values_list("person_id", flat=True)
        pagecache.depends_on(self.request, pagecache.tag(event), *(pagecache.tag_of("person", pk) for pk in people))
        return event

    def get_context_data(self, **kwargs):
        return super().get_context_data(meta=event_meta(self.object), **kwargs)


class EventMonthView(TemplateView):
    """A month's calendar: a Monday-first grid on wide screens, the days with events on phones."""

    template_name = "events/event_month.html"

    def get_context_data(self, **kwargs):
        year, month = self.kwargs["year"], self.kwargs["month"]
        if not calendar.month_exists(year, month):
            raise Http404("没有这个月份。")
        today = timezone.localdate()
        return super().get_context_data(
            calendar=calendar.month_of(year, month, today=today),
            weekdays=calendar.WEEKDAYS,
            this_month=datetime.date(today.year, today.month, 1),
            **kwargs,
        )


def event_ics(request, slug):
    """One public event as an .ics file to add to a calendar."""
    event = get_object_or_404(Event.objects.public(), slug=slug)
    pagecache.depends_on(request, pagecache.tag(event))
    response = HttpResponse(ics.to_ical([event]), content_type=ICALENDAR)
    # Slugs are ASCII pinyin, so the file name needs no RFC 5987 encoding.
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


def calendar_feed(request):
    """Every public event from a year ago on, for calendars to subscribe to."""
    since = timezone.localdate() - FEED_HISTORY
    events = Event.objects.public().upcoming(today=since)
    body = ics.to_ical(events, feed=True)
    response = HttpResponse(body, content_type=ICALENDAR)
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response
