"""What the admins of reviewable content share: who edited, and the change page of articles and
events with its workflow panel."""

from django.contrib import messages
from django.contrib.admin.utils import flatten_fieldsets
from django.db import transaction
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone

from bulletin import workflow
from bulletin.admin import actions
from bulletin.admin.bulk import DecidesSelected
from publishing.diff import text_of
from publishing.models import ACTION_LABELS, PublicationStatus, WorkflowLog
from publishing.sanitize import RichTextField
from publishing.templatetags.names import full_name


def stamp_editors(obj, user):
    """Record who created and who last changed a piece of content, whichever admin form saved it."""
    if obj.pk is None:
        obj.created_by = user
    obj.updated_by = user


def save_content(obj, user):
    """Prepare a content save by ``user``: stamped, and its version moved on so that forms and
    decisions made on the earlier version are refused (``bulletin.workflow``)."""
    stamp_editors(obj, user)
    if obj.pk is not None:
        obj.version += 1


class WorkflowAdminMixin(DecidesSelected):
    """The change page of reviewable content: workflow panel, decision timeline, locking.

    Every button posts to a small view in ``bulletin.admin.actions`` that asks ``bulletin.workflow``
    to act; the page only shows what ``workflow.available_actions`` allows the current user.
    """

    change_form_template = "admin/workflow_change_form.html"
    # Shown next to a conflict so that a second editor can merge by hand.
    conflict_fields = ["title"]

    def get_urls(self):
        app_label, model_name = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:object_id>/workflow/<slug:action>/",
                self.admin_site.admin_view(actions.transition),
                {"model_admin": self},
                name=f"{app_label}_{model_name}_transition",
            ),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        # A save that changes nothing writes nothing: pressing 保存 does not make a reviewer an
        # editor of the text. (Changes in the inlines alone are saved in save_related.)
        if change and not form.has_edits():
            return
        save_content(obj, request.user)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            return
        obj = form.instance
        changed = [name for name in form.changed_data if name != "loaded_version"]
        changed += [formset.fk.remote_field.related_name for formset in formsets if formset.has_changed()]
        if changed and not form.has_edits():
            save_content(obj, request.user)
            obj.save(update_fields=["updated_by", "version", "updated_at"])
        if changed:
            workflow.record_edit(obj, by=request.user, fields=changed)

    def delete_model(self, request, obj):
        workflow.delete(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        # All or nothing, each checked as it stands when deleted: the confirmation page was
        # shown from an earlier reading.
        with transaction.atomic():
            for obj in queryset:
                workflow.delete(obj, by=request.user)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # A piece's log goes with it and the workflow records the deletion itself; that nobody may
        # delete log rows by hand must not stop the piece from being deleted.
        perms_needed.discard(WorkflowLog._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except workflow.TransitionRefused as refusal:
            # Submitted (or otherwise moved on) since the confirmation page was shown.
            messages.error(request, str(refusal))
            return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except workflow.TransitionRefused as refusal:
            # The list action 删除所选 met a piece that may no longer be deleted: nothing was.
            messages.error(request, f"没有删除任何{self.opts.verbose_name}：{refusal}")
            return redirect(request.get_full_path())

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status == PublicationStatus.APPROVED:
            # Approved text is what the reviewers signed; changing it takes a send-back first.
            fields += [name for name in flatten_fieldsets(self.get_fieldsets(request, obj)) if name not in fields]
        return fields

    def has_delete_permission(self, request, obj=None):
        # What readers have seen leaves the site by withdrawal, which is logged; only drafts and
        # withdrawn pieces may be deleted.
        if obj is not None and obj.status not in workflow.DELETABLE:
            return False
        return super().has_delete_permission(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context.update(self.workflow_context(request, obj, context["adminform"].form))
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def workflow_context(self, request, obj, form):
        log = list(obj.workflow_log.select_related("actor", "stage").order_by("-at", "-pk"))
        published = obj.status == PublicationStatus.PUBLISHED
        return {
            "workflow_state": obj.get_status_display(),
            "scheduled": published and obj.published_at > timezone.now(),
            # Readers may still not see it: an article waits for its issue to be released too.
            "public_now": published and type(obj).objects.public().filter(pk=obj.pk).exists(),
            "workflow_stage": obj.review_stage,
            "workflow_actions": self.workflow_actions(request, obj),
            "workflow_hints": self.workflow_hints(request, obj),
            "workflow_notices": self.workflow_notices(request, obj),
            "workflow_links": self.workflow_links(request, obj),
            "sent_back": self.latest_send_back(obj, log),
            "timeline": [
                {
                    "label": entry.get_action_display(),
                    "stage": entry.stage_name,
                    "actor": full_name(entry.actor),
                    "at": entry.at,
                    "comment": entry.comment,
                    "to_status": entry.get_to_status_display(),
                    "action": entry.action,
                }
                for entry in log
            ],
            "conflict": self.conflict_context(form),
        }

    def workflow_actions(self, request, obj):
        url_name = f"admin:{self.opts.app_label}_{self.opts.model_name}_transition"
        return [
            {
                "name": action,
                "label": ACTION_LABELS[action],
                "url": reverse(url_name, args=[obj.pk, action]),
                "comment_required": action in workflow.COMMENT_REQUIRED,
                "comment_help": workflow.COMMENT_REQUIRED.get(action, "可选，会记入审稿记录"),
                "version": obj.version,
                # A revision replaces text that is already public, so it goes live at once.
                "schedule": action == "publish" and not getattr(obj, "live_article_id", None),
            }
            for action in workflow.available_actions(obj, request.user)
        ]

    def workflow_hints(self, request, obj):
        """Why a decision the user could otherwise take is refused here (separation of duties)."""
        hints = []
        for action, rule in workflow.ALLOWED.items():
            if obj.status not in rule.sources:
                continue
            if not request.user.has_perm(workflow.permission_of(obj, rule.permission)):
                continue
            reason = workflow.refusal(action, obj, request.user)
            if reason:
                hints.append(f"{ACTION_LABELS[action]}：{reason}")
        return hints

    def workflow_notices(self, request, obj):
        return []

    def workflow_links(self, request, obj):
        return [
            {
                "label": "修改记录",
                "url": reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk]),
            }
        ]

    @staticmethod
    def latest_send_back(obj, log):
        """The send-back the author is working on: only while the piece is back in draft."""
        if obj.status != PublicationStatus.DRAFT:
            return None
        for entry in log:
            if entry.action in ("submit", "reopen", "publish"):
                return None
            if entry.action == "send_back":
                return {
                    "actor": full_name(entry.actor),
                    "at": entry.at,
                    "stage": entry.stage_name,
                    "comment": entry.comment,
                }
        return None

    def conflict_context(self, form):
        """The other editor's values of the fields where they differ from what this editor posted."""
        current = getattr(form, "conflict", None)
        if current is None:
            return None
        fields = []
        for name in self.conflict_fields:
            field = current._meta.get_field(name)
            theirs = field.value_from_object(current)
            if isinstance(field, RichTextField):
                text = text_of(theirs)
                same = name in form.fields and text == text_of(form[name].data or "")
            else:
                text = field.value_to_string(current)
                same = name in form.fields and not form.fields[name].has_changed(theirs, form[name].data)
            if not same:
                fields.append({"label": field.verbose_name, "text": text})
        return {
            "who": full_name(current.updated_by),
            "at": timezone.localtime(current.updated_at),
            "fields": fields,
        }
