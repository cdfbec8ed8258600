from django.urls import path

from events import views
from events.models import EVENTS
from publishing.pagecache import PAGED, cached

app_name = "events"

urlpatterns = [
    path("", cached(views.EventListView.as_view(), lists={EVENTS}, reads=PAGED), name="event-list"),
    path("calendar.ics", cached(views.calendar_feed, lists={EVENTS}), name="calendar-feed"),
    path("<int:year>/<int:month>/", cached(views.EventMonthView.as_view(), lists={EVENTS}), name="event-month"),
    path("<slug:slug>/", cached(views.EventDetailView.as_view()), name="event-detail"),
    path("<slug:slug>/event.ics", cached(views.event_ics), name="event-ics"),
]
