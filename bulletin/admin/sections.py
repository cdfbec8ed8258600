"""Sections (栏目) and topics (专题): how articles are arranged and grouped on the site."""

from django.contrib import admin

from bulletin.models import Section, Topic
from publishing.admin import RefreshesPublicPages


@admin.register(Section)
class SectionAdmin(RefreshesPublicPages, admin.ModelAdmin):
    list_display = ["name", "parent", "order", "show_heading", "slug"]
    list_editable = ["order", "show_heading"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    fields = ["name", "parent", "order", "show_heading", "slug", "description", "fee_basis", "fee_rate"]


@admin.register(Topic)
class TopicAdmin(RefreshesPublicPages, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
