"""The office's side of contributions: units, correspondents (invited, or approved after they
register), each submission with its versions compared character by character and the answers
the office gives (退修, 未采用, 校样), the statistics and the fees.

Every answer is a POST-only view calling one function of ``bulletin.workflow``, which checks the
permission and the state on the server; a refusal comes back as a message in Chinese.
"""

import itertools
from datetime import date, timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from bulletin import reporting, workflow
from bulletin.admin.actions import visible_object
from bulletin.models import Contributor, Fee, Submission, Unit
from publishing.diff import characters, diff_html, text_of
from publishing.templatetags.names import full_name


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "active", "contributor_count"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(contributor_total=Count("contributors"))

    @admin.display(description="通讯员", ordering="contributor_total")
    def contributor_count(self, unit):
        return unit.contributor_total


class InviteForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=60)
    email = forms.EmailField(label="邮箱", help_text="邀请邮件发到这里，通讯员用它登录")
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.filter(active=True))
    phone = forms.CharField(label="联系电话", max_length=30, required=False)


@admin.register(Contributor)
class ContributorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email", "unit", "status", "created_at"]
    list_filter = ["status", "unit"]
    search_fields = ["user__first_name", "user__last_name", "user__email", "unit__name"]
    list_select_related = ["user", "unit"]
    fields = ["user", "unit", "phone", "status", "invited_by", "created_at"]
    readonly_fields = ["user", "status", "invited_by", "created_at"]
    actions = ["approve", "refuse"]

    @admin.display(description="邮箱", ordering="user__email")
    def email(self, profile):
        return profile.user.email

    def add_view(self, request, form_url="", extra_context=None):
        """Adding a correspondent is inviting them: the account is made and they set their password."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = InviteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                profile = workflow.invite(by=request.user, **form.cleaned_data)
            except workflow.TransitionRefused as error:
                form.add_error("email", str(error))
            else:
                messages.success(request, f"已向 {profile.user.email} 发出邀请。")
                return redirect("admin:bulletin_contributor_changelist")
        context = {**self.admin_site.each_context(request), "title": "邀请通讯员", "form": form, "opts": self.opts}
        return TemplateResponse(request, "admin/bulletin/contributor/invite.html", context)

    @admin.action(description="批准所选的通讯员注册")
    def approve(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description="不批准所选的通讯员注册")
    def refuse(self, request, queryset):
        self._decide(request, queryset, approve=False)

    def _decide(self, request, queryset, *, approve):
        for profile in queryset:
            try:
                workflow.decide_registration(profile, by=request.user, approve=approve)
            except workflow.TransitionRefused as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"{profile}：{'已批准' if approve else '未批准'}，已邮件通知。")


class AnswerForm(forms.Form):
    text = forms.CharField(required=False)
    seen = forms.IntegerField()
    invalid = "提交的内容不完整，请刷新本页后再试。"


class ProofForm(forms.Form):
    due = forms.DateField(required=False)
    seen = forms.IntegerField()
    invalid = "请填写有效的确认截止日期，如 2026-06-20。"


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["number_display", "title", "unit", "contributor_name", "stage_display", "proof", "submitted_at"]
    list_filter = ["status", "proof", "unit", "year"]
    search_fields = ["article__title", "unit__name", "contributor__first_name", "contributor__email"]
    date_hierarchy = "submitted_at"
    change_form_template = "admin/bulletin/submission/change_form.html"
    change_list_template = "admin/bulletin/submission/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).for_list().select_related("contributor")

    def has_add_permission(self, request):
        return False  # pieces arrive through the portal

    def has_delete_permission(self, request, obj=None):
        return False  # a piece not printed is declined, with a reason its contributor reads

    @admin.display(description="稿号", ordering="sequence")
    def number_display(self, submission):
        return submission.number

    @admin.display(description="标题", ordering="article__title")
    def title(self, submission):
        return submission.article.title

    @admin.display(description="通讯员")
    def contributor_name(self, submission):
        return full_name(submission.contributor)

    @admin.display(description="通讯员看到的进展")
    def stage_display(self, submission):
        return submission.stage_label()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        submission = visible_object(request, self, object_id)
        versions = list(submission.versions.all())
        compared = [
            (earlier, later, diff_html(text_of(earlier.body), text_of(later.body), split=characters))
            for earlier, later in itertools.pairwise(versions)
            if not later.from_office
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": str(submission),
            "opts": self.opts,
            "original": submission,
            "submission": submission,
            "article": submission.article,
            "stage": submission.stage,
            "compared": compared,
            "may_answer": request.user.has_perm(workflow.OFFICE_PERMISSION),
            "default_due": timezone.localdate() + timedelta(days=workflow.PROOF_DAYS),
        }
        return TemplateResponse(request, self.change_form_template, context)

    def get_urls(self):
        answer = self.admin_site.admin_view
        return [
            path("statistics/", answer(self.statistics), name="bulletin_submission_statistics"),
            path("fees/", answer(self.fees), name="bulletin_submission_fees"),
            path("<int:pk>/return/", answer(self.decision(AnswerForm, _return)), name="bulletin_submission_return"),
            path("<int:pk>/decline/", answer(self.decision(AnswerForm, _decline)), name="bulletin_submission_decline"),
            path("<int:pk>/proof/", answer(self.decision(ProofForm, _send_proof)), name="bulletin_submission_proof"),
            *super().get_urls(),
        ]

    def decision(self, form_class, decide):
        """A POST-only view: ``decide(submission, user, cleaned_data)`` (a workflow call) on the
        submission, its outcome or refusal reported on the submission's page."""

        @require_POST
        def view(request, pk):
            submission = visible_object(request, self, pk)
            form = form_class(request.POST)
            if not form.is_valid():
                messages.error(request, form.invalid)
            else:
                try:
                    done = decide(submission, request.user, form.cleaned_data)
                except workflow.TransitionRefused as error:
                    messages.error(request, str(error))
                else:
                    messages.success(request, done)
            return redirect("admin:bulletin_submission_change", pk)

        return view

    @staticmethod
    def _period(request):
        """The period asked for (?start=&end=, ISO dates), by default the current year."""
        today = timezone.localdate()
        try:
            start = date.fromisoformat(request.GET.get("start") or f"{today.year}-01-01")
            end = date.fromisoformat(request.GET.get("end") or f"{today.year}-12-31")
        except ValueError:
            messages.error(request, "日期格式应为 2026-01-31，已改为显示今年。")
            return reporting.Period.year(today.year)
        return reporting.Period(min(start, end), max(start, end))

    def statistics(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        period = self._period(request)
        figures = reporting.statistics_for(period)
        tables = {
            "units": ("供稿单位", figures.units),
            "sections": ("栏目", figures.sections),
            "months": ("月份", figures.months),
        }
        table = request.GET.get("csv")
        if table in tables:
            return _csv(
                reporting.counts_csv(*tables[table]), f"来稿统计-{tables[table][0]}-{period.start}-{period.end}.csv"
            )
        if table == "editors":
            return _csv(reporting.workload_csv(figures.editors), f"编辑工作量-{period.start}-{period.end}.csv")
        context = {
            **self.admin_site.each_context(request),
            "title": "来稿统计",
            "opts": self.opts,
            "figures": figures,
            "tables": tables,
            "period": period,
        }
        return TemplateResponse(request, "admin/bulletin/submission/statistics.html", context)

    def fees(self, request):
        if not request.user.has_perm("bulletin.view_fee"):
            raise PermissionDenied
        period = self._period(request)
        lines = reporting.fees_for(period)
        if "csv" in request.GET:
            return _csv(reporting.fees_csv(lines), f"稿费-{period.start}-{period.end}.csv")
        context = {
            **self.admin_site.each_context(request),
            "title": "稿费",
            "opts": self.opts,
            "lines": lines,
            "period": period,
            "due": sum(line.due for line in lines if line.due is not None),
            "paid": sum(line.paid.amount for line in lines if line.paid),
            "may_pay": request.user.has_perm("bulletin.add_fee"),
        }
        return TemplateResponse(request, "admin/bulletin/submission/fees.html", context)


def _return(submission, user, data):
    submission = workflow.return_to_contributor(submission, by=user, comment=data["text"], seen_version=data["seen"])
    return f"已请通讯员修改来稿 {submission.number}。"


def _decline(submission, user, data):
    submission = workflow.decline(submission, by=user, reason=data["text"], seen_version=data["seen"])
    return f"来稿 {submission.number} 未采用，已告知通讯员。"


def _send_proof(submission, user, data):
    submission = workflow.send_proof(submission, by=user, due=data["due"], seen_version=data["seen"])
    return f"校样已发给通讯员，请其在 {submission.proof_due:%-m月%-d日} 前确认（来稿 {submission.number}）。"


def _csv(text, name):
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@admin.register(Fee)
class FeeAdmin(admin.ModelAdmin):
    list_display = ["article", "amount", "paid_on", "payee", "recorded_by"]
    list_filter = ["paid_on"]
    search_fields = ["article__title", "payee"]
    raw_id_fields = ["article"]
    readonly_fields = ["recorded_by"]
    date_hierarchy = "paid_on"

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
