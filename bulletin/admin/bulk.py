"""Decisions on many pieces at once from the admin: the rows ticked in a change list of
reviewable content (articles, events), and a step of a whole issue from its page (submit the
drafts, approve those at the user's stage, publish the approved).

Each row carries the version it was shown at (a hidden input), and each piece
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


def report(request, outcome, action, *, kind, unit="篇"):
    """Tell the user what was decided, and which pieces were refused and why."""
    label = ACTION_LABELS[action]
    if outcome.done:
        messages.success(request, f"已{label} {len(outcome.done)} {unit}{kind}，每一{unit}都已记入审核记录。")
    if outcome.refused:
        lines = format_html_join("", "<li>{}</li>", ((line,) for line in outcome.report()))
        refused = f"{len(outcome.refused)} {unit}{kind}"
        messages.error(request, format_html("{}未能{}：<ul>{}</ul>", refused, label, lines))
    if not outcome.done and not outcome.refused:
        messages.info(request, f"没有需要{label}的{kind}。")


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
        report(request, outcome, action, kind=self.opts.verbose_name, unit=self.count_unit)

    def has_submit_permission(self, request):
        return self._may(request, "submit")

    def has_review_permission(self, request):
        return self._may(request, "review")

    def has_publish_permission(self, request):
        return self._may(request, "publish")

    def _may(self, request, verb):
        return request.user.has_perm(workflow.permission_of(self.model, verb))
