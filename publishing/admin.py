"""The platform's own admin pages: the review stages and the audit trail of decisions, plus what
every content admin uses: image previews, and refreshing public pages after a save."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from publishing import media, pagecache
from publishing.models import ACTION_LABELS, ReviewStage, WorkflowLog
from publishing.templatetags.names import full_name


def image_preview(image, *, large=False):
    if not image:
        return "—"
    size = "admin-preview admin-preview--large" if large else "admin-preview"
    return format_html('<img src="{}" alt="" class="{}">', image.url, size)


def reverse_or_none(name, **kwargs):
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


class RefreshesPublicPages:
    """Admin pages whose saves and deletions change what readers see: once the change is
    committed, cached public pages are built afresh (``publishing.pagecache``), and the files readers
    may fetch follow (``publishing.media``: a new cover of a released issue, a new portrait)."""

    def changes_public_pages(self, obj):
        return True

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if self.changes_public_pages(obj):
            # A heading, name or portrait changed: the old pages may stand while new ones are built.
            pagecache.content_changed(grace=True)
            media.readers_see(obj)

    def delete_model(self, request, obj):
        public = self.changes_public_pages(obj)
        super().delete_model(request, obj)
        if public:
            pagecache.content_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        pagecache.content_changed()


# Review stages and the decision log --------------------------------------------------------------


@admin.register(ReviewStage)
class ReviewStageAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "group", "days"]
    list_display_links = ["name"]
    list_editable = ["order"]
    list_select_related = ["group"]
    fields = ["name", "order", "group", "days"]

    def get_changelist_form(self, request, **kwargs):
        form = super().get_changelist_form(request, **kwargs)

        class StageOrderForm(form):
            def validate_unique(self):
                # Swapping two stages' orders passes through a clash; the formset checks the
                # submitted orders against each other and save_model makes room.
                try:
                    self.instance.validate_unique(exclude=[*self._get_validation_exclusions(), "order"])
                except ValidationError as error:
                    self._update_errors(error)

        return StageOrderForm

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            clash = ReviewStage.objects.filter(order=obj.order).exclude(pk=obj.pk).first()
            if clash is not None:
                # The clashing stage's own row, saved next, gives it its new place.
                spare = max(ReviewStage.objects.values_list("order", flat=True)) + 1
                ReviewStage.objects.filter(pk=clash.pk).update(order=spare)
            super().save_model(request, obj, form, change)


class ActionFilter(admin.SimpleListFilter):
    title = "操作"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return list(ACTION_LABELS.items())

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(WorkflowLog)
class WorkflowLogAdmin(admin.ModelAdmin):
    """The audit trail: every decision on every article, event and issue, read-only."""

    list_display = [
        "at",
        "subject_display",
        "action_display",
        "stage_name",
        "from_status",
        "to_status",
        "actor_display",
        "comment",
    ]
    list_filter = [ActionFilter, ("content_type", admin.RelatedOnlyFieldListFilter), "stage", "to_status", "actor"]
    list_select_related = ["actor", "stage", "content_type"]
    search_fields = ["comment"]
    date_hierarchy = "at"
    ordering = ["-at", "-pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("subject")

    @admin.display(description="内容")
    def subject_display(self, entry):
        subject = entry.subject
        if subject is None:
            return f"{entry.content_type.name} #{entry.object_id}（已删除）"
        url = reverse_or_none(
            f"admin:{entry.content_type.app_label}_{entry.content_type.model}_change", object_id=entry.object_id
        )
        label = f"{entry.content_type.name}：{subject}"
        return format_html('<a href="{}">{}</a>', url, label) if url else label

    @admin.display(description="操作", ordering="action")
    def action_display(self, entry):
        return entry.get_action_display()

    @admin.display(description="操作人", ordering="actor")
    def actor_display(self, entry):
        return full_name(entry.actor)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
