from django.contrib import admin

from events.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "start_date", "end_date", "place", "organiser", "status"]
    list_filter = ["status", "start_date"]
    search_fields = ["title", "place", "organiser"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["articles", "people"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status"]}),
        ("时间与地点", {"fields": [("start_date", "start_time"), ("end_date", "end_time"), "place", "organiser"]}),
        ("内容", {"fields": ["description", "articles", "people"]}),
    ]
