"""Decisions on the rows ticked in a change list of reviewable content (articles, events):
submit, approve at the user's stage, publish.

Each row carries the version it was shown at (a hidden input beside its state), and each piece
is decided on its own by ``workflow.decide_each``: a row that changed since the list was shown,
or that the user may not decide (their own text, another group's stage), is refused by name and
the others go ahead. Only the actions the user's permissions allow are offered.
"""

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from bulletin import workflow
from publishing.models import ACTION_LABELS

SEEN_VERSION = "seen_version_"


def seen_versions(request):
    """``{pk: version}`` of the rows the posted list showed."""
    seen = {}
    for key, value in request.POST.items():
        if key.startswith(SEEN_VERSION) and key[len(SEEN_VERSION) :].isdigit() and value.isdigit():
            seen[int(key[len(SEEN_VERSION) :])] = int(value)
    return seen


def _list_action(action):
    verb = workflow.ALLOWED[action].permission

    @admin.action(description=f"{ACTION_LABELS[action]}所选的%(verbose_name_plural)s", permissions=[verb])
    def decide(model_admin, request, queryset):
        model_admin.decide_selected(request, queryset, action)

    decide.__name__ = f"{action}_selected"
    return decide


class DecidesSelected:
    """The list actions of a change list of reviewable content."""

    actions = [_list_action(action) for action in workflow.BULK_ACTIONS]
    count_unit = "篇"

    @admin.display(description="状态", ordering="status")
    def state(self, obj):
        """The state, and the version the row shows it at, for a decision on the selection."""
        return format_html(
            '{}<input type="hidden" name="{}{}" value="{}">',
            obj.get_status_display(),
            SEEN_VERSION,
            obj.pk,
            obj.version,
        )

    def decide_selected(self, request, queryset, action):
        outcome = workflow.decide_each(
            action, queryset.order_by("pk"), by=request.user, seen_versions=seen_versions(request)
        )
        label, kind = ACTION_LABELS[action], self.opts.verbose_name
        if outcome.done:
            done = f"{len(outcome.done)} {self.count_unit}{kind}"
            messages.success(request, f"已{label} {done}，每一{self.count_unit}都已记入审核记录。")
        if outcome.refused:
            lines = format_html_join("", "<li>{}</li>", ((line,) for line in outcome.report()))
            refused = f"{len(outcome.refused)} {self.count_unit}{kind}"
            messages.error(request, format_html("{}未能{}：<ul>{}</ul>", refused, label, lines))

    def has_submit_permission(self, request):
        return self._may(request, "submit")

    def has_review_permission(self, request):
        return self._may(request, "review")

    def has_publish_permission(self, request):
        return self._may(request, "publish")

    def _may(self, request, verb):
        return request.user.has_perm(workflow.permission_of(self.model, verb))
