from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from bulletin.models import Article
from events.models import Event
from people.models import Person


class EventListView(ListView):
    """Upcoming events in full, then past events a page at a time, newest first."""

    template_name = "events/event_list.html"
    context_object_name = "past"
    paginate_by = 30

    def get_queryset(self):
        return Event.objects.public().past()

    def get_context_data(self, **kwargs):
        return super().get_context_data(upcoming=Event.objects.public().upcoming(), **kwargs)


class EventDetailView(DetailView):
    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_object(self, queryset=None):
        events = Event.objects.public().prefetch_related(
            Prefetch("articles", queryset=Article.objects.public().for_listing().latest_first()),
            Prefetch("people", queryset=Person.objects.public()),
        )
        return get_object_or_404(events, slug=self.kwargs["slug"])
