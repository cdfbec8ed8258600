from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.EventListView.as_view(), name="event-list"),
    path("calendar.ics", views.calendar_feed, name="calendar-feed"),
    path("<int:year>/<int:month>/", views.EventMonthView.as_view(), name="event-month"),
    path("<slug:slug>/", views.EventDetailView.as_view(), name="event-detail"),
    path("<slug:slug>/event.ics", views.event_ics, name="event-ics"),
]
