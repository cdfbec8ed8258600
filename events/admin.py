from django.contrib import admin

from events.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "start_date", "end_date", "place", "organiser", "status"]
    list_filter = ["status", "start_date"]
    search_fields = ["title", "place", "organiser"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["articles", "people"]
    readonly_fields = ["status", "review_stage", "published_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "review_stage", "published_at"]}),
        ("时间与地点", {"fields": [("start_date", "start_time"), ("end_date", "end_time"), "place", "organiser"]}),
        ("内容", {"fields": ["description", "articles", "people"]}),
    ]
