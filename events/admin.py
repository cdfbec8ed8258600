from django.contrib import admin

from bulletin.admin.workflow import WorkflowAdminMixin
from events.forms import EventForm
from events.models import Event
from publishing.admin import RefreshesPublicPages
from publishing.models import PublicationStatus


@admin.register(Event)
class EventAdmin(RefreshesPublicPages, WorkflowAdminMixin, admin.ModelAdmin):
    """Events go through the same review as articles; a published event is saved directly."""

    form = EventForm
    list_display = ["title", "start_date", "end_date", "place", "organiser", "state", "review_stage"]
    count_unit = "项"
    list_filter = ["status", "review_stage", "start_date"]
    list_select_related = ["review_stage"]
    search_fields = ["title", "place", "organiser"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["articles", "people"]
    readonly_fields = ["status", "review_stage", "published_at", "created_by", "created_at", "updated_by", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "review_stage", "published_at"]}),
        ("时间与地点", {"fields": [("start_date", "start_time"), ("end_date", "end_time"), "place", "organiser"]}),
        ("内容", {"fields": ["description", "articles", "people"]}),
        ("记录", {"fields": [("created_by", "created_at"), ("updated_by", "updated_at")], "classes": ["collapse"]}),
    ]
    conflict_fields = ["title", "start_date", "start_time", "end_date", "end_time", "place", "organiser", "description"]

    def changes_public_pages(self, event):
        return event.status == PublicationStatus.PUBLISHED
