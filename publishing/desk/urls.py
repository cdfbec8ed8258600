"""The desk's admin pages, mounted at /admin/desk/ ahead of the admin site itself."""

from django.contrib import admin
from django.urls import path

from publishing.desk import views

app_name = "desk"

# admin_view: staff only, logged in, never cached, CSRF-protected, like the admin's own pages.
staff_only = admin.site.admin_view

urlpatterns = [
    path("", staff_only(views.AgendaView.as_view()), name="agenda"),
    path("notifications/", staff_only(views.NotificationsView.as_view()), name="notifications"),
    path("calendar/", staff_only(views.CalendarView.as_view()), name="calendar"),
    path("calendar/<int:year>/<int:month>/", staff_only(views.CalendarView.as_view()), name="calendar-month"),
    path(
        "calendar/<int:year>/<int:month>/list/",
        staff_only(views.CalendarView.as_view(list_view=True)),
        name="calendar-list",
    ),
    path("settings/", staff_only(views.SettingsView.as_view()), name="settings"),
    path("settings/calendar/new/", staff_only(views.new_calendar_address), name="calendar-address-new"),
    path("settings/calendar/revoke/", staff_only(views.revoke_calendar_address), name="calendar-address-revoke"),
]
