"""Readers' email subscriptions (``bulletin.subscriptions``): who subscribed, in what state, and
the issues mailed to them.

Addresses are personal data: only staff given the permissions (查看订阅读者, 查看新刊邮件) see
these pages; no role group has them until an administrator grants them. Nobody adds or edits a
subscription here: it starts and changes only through the link its owner follows.
"""

import csv

from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils import timezone

from bulletin import subscriptions
from bulletin.models import Delivery, Issue, Subscriber

# A cell a spreadsheet would take for a formula: a quoted address may start with any of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ReadOnly:
    """Rows only the site writes: staff may look and delete, never add or change."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["email", "status", "section_names", "created_at", "confirmed_at", "unsubscribed_at"]
    # The filter's counts are the list's summary: how many are confirmed, pending, unsubscribed.
    list_filter = ["status", "sections"]
    show_facets = admin.ShowFacets.ALWAYS
    search_fields = ["email"]
    fields = ["email", "status", "sections", "created_at", "confirmed_at", "unsubscribed_at", "bounced_at"]
    actions = ["export_csv"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sections")

    @admin.display(description="订阅的栏目")
    def section_names(self, subscriber):
        return "、".join(section.name for section in subscriber.sections.all()) or "全部栏目"

    @admin.action(description="导出所选订阅读者（CSV）", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="subscribers-{timezone.localdate():%Y-%m-%d}.csv"'
        response.write("\ufeff")  # Excel takes a CSV file for UTF-8 only with this mark
        writer = csv.writer(response)
        writer.writerow(["邮箱地址", "状态", "订阅的栏目", "提交时间", "确认时间", "退订时间"])
        for subscriber in queryset.order_by("email"):
            writer.writerow(
                [
                    _cell(subscriber.email),
                    subscriber.get_status_display(),
                    _cell(self.section_names(subscriber)),
                    *_moment(subscriber.created_at, subscriber.confirmed_at, subscriber.unsubscribed_at),
                ]
            )
        return response


def _cell(text):
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _moment(*moments):
    return [f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "" for moment in moments]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["issue", "subscriber", "state", "attempts", "sent_at", "error"]
    list_filter = ["state", "issue"]
    show_facets = admin.ShowFacets.ALWAYS
    list_select_related = ["issue", "subscriber"]
    search_fields = ["subscriber__email"]
    fields = ["issue", "subscriber", "state", "attempts", "error", "created_at", "sent_at"]
    actions = ["send_again"]

    def has_send_permission(self, request):
        return request.user.has_perm("bulletin.change_delivery")

    @admin.action(description="继续发送所选邮件所在期刊的待发邮件", permissions=["send"])
    def send_again(self, request, queryset):
        """For a mailing whose retries ran out while the mail server was away."""
        pending = queryset.filter(state=Delivery.State.PENDING).values("issue")
        issues = list(Issue.objects.public().filter(pk__in=pending))
        for issue in issues:
            subscriptions.mail_when_public(issue)
        if issues:
            names = "、".join(issue.short_name for issue in issues)
            self.message_user(request, f"已安排继续发送{names}的待发邮件。", messages.SUCCESS)
        else:
            self.message_user(request, "所选邮件没有待发送的（或其期刊读者已看不到）。", messages.WARNING)
