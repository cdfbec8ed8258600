from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, TemplateView

from bulletin.models import Article
from events.models import Event
from people.models import Person


class EventListView(TemplateView):
    template_name = "events/event_list.html"
    past_count = 30

    def get_context_data(self, **kwargs):
        events = Event.objects.public()
        return super().get_context_data(upcoming=events.upcoming(), past=events.past()[: self.past_count], **kwargs)


class EventDetailView(DetailView):
    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_object(self, queryset=None):
        events = Event.objects.public().prefetch_related(
            Prefetch("articles", queryset=Article.objects.public().for_listing().latest_first()),
            Prefetch("people", queryset=Person.objects.public()),
        )
        return get_object_or_404(events, slug=self.kwargs["slug"])
