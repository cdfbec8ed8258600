"""The admin's buttons: small POST-only views, each calling one function of ``bulletin.workflow``.

The model admins register them with ``get_urls`` (wrapped in ``admin_site.admin_view``) and
pass themselves as ``model_admin``. Whether an action may happen is decided by the workflow on
the server; a refusal comes back to the user as an error message in Chinese.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bulletin import print_edition, workflow
from bulletin.admin import bulk
from bulletin.forms import DecisionForm, ReleaseIssueForm
from bulletin.models import Article, IssuePrint


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


@require_POST
def transition(request, object_id, action, *, model_admin):
    """Take ``action`` (a key of ``workflow.TRANSITIONS``) on one article or event."""
    if action not in workflow.TRANSITIONS:
        raise Http404
    obj = visible_object(request, model_admin, object_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _report_form_errors(request, form)
        return redirect(change_url(obj))
    options = {
        "by": request.user,
        "comment": form.cleaned_data["comment"],
        "seen_version": form.cleaned_data["version"],
    }
    if action == "publish":
        options["at"] = form.cleaned_data["at"]
    try:
        result = workflow.TRANSITIONS[action](obj, **options)
    except workflow.TransitionRefused as refusal:
        messages.error(request, str(refusal))
        if options["comment"].strip():
            # The button may be gone from the page that follows; what was written is not.
            messages.info(request, f"您填写的意见没有提交，可复制后再用：{options['comment']}")
        return redirect(change_url(obj))
    messages.success(request, _done(action, result))
    # Publishing a revision hands back the live article: the revision itself is gone.
    return redirect(change_url(result))


@require_POST
def revise(request, object_id, *, model_admin):
    """Open (or reopen) the pending revision of a published article."""
    article = visible_object(request, model_admin, object_id)
    try:
        revision = workflow.start_revision(article, by=request.user)
    except workflow.TransitionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(change_url(article))
    messages.success(request, "这是本文的修改稿：在这里修改，审核通过并发布后才会替换网站上的版本。")
    return redirect(change_url(revision))


@require_POST
def restore(request, object_id, history_id, *, model_admin):
    """Bring back the text of one earlier revision of an article, as a new draft revision."""
    article = visible_object(request, model_admin, object_id)
    record = get_object_or_404(Article.history.model, id=article.pk, history_id=history_id)
    try:
        target = workflow.restore(article, revision=record, by=request.user)
    except workflow.TransitionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(reverse("admin:bulletin_article_history", args=[article.pk]))
    when = timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M")
    if target.pk != article.pk:
        messages.success(request, f"已把 {when} 的版本恢复到修改稿中；网站上仍是已发布的版本。")
    else:
        messages.success(request, f"已恢复为 {when} 的版本，稿件的审核状态不变。")
    return redirect(change_url(target))


@require_POST
def release_issue(request, object_id, *, model_admin):
    issue = visible_object(request, model_admin, object_id)
    form = ReleaseIssueForm(request.POST)
    if not form.is_valid():
        _report_form_errors(request, form)
        return redirect(change_url(issue))
    at = form.cleaned_data["at"]
    try:
        issue = workflow.release_issue(
            issue, by=request.user, at=at, move_out_unapproved=form.cleaned_data["move_out_unapproved"]
        )
    except workflow.TransitionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(change_url(issue))
    if at is None:
        messages.success(request, f"{issue.short_name}已发布，本期审核通过的稿件随之上线。")
    else:
        messages.success(request, f"{issue.short_name}将于 {timezone.localtime(at):%Y-%m-%d %H:%M} 上线。")
    return redirect(change_url(issue))


@require_POST
def decide_issue(request, object_id, action, *, model_admin):
    """Take one step (``workflow.BULK_ACTIONS``) for the articles of an issue ticked on its page,
    or for all those the step is for (``workflow.at_step``) if none is: each decided on its own,
    against the version the page showed."""
    if action not in workflow.BULK_ACTIONS:
        raise Http404
    issue = visible_object(request, model_admin, object_id)
    articles = Article.objects.originals().filter(issue=issue)
    selected = [pk for pk in request.POST.getlist("selected") if pk.isdigit()]
    articles = articles.filter(pk__in=selected) if selected else workflow.at_step(articles, action, request.user)
    outcome = workflow.decide_each(
        action, articles.in_toc_order(), by=request.user, seen_versions=bulk.seen_versions(request)
    )
    bulk.report(request, outcome, action, kind="稿件")
    return redirect(change_url(issue))


@require_POST
def unpublish_issue(request, object_id, *, model_admin):
    issue = visible_object(request, model_admin, object_id)
    try:
        issue = workflow.unpublish_issue(issue, by=request.user, comment=request.POST.get("comment", ""))
    except workflow.TransitionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(change_url(issue))
    messages.success(request, f"{issue.short_name}已撤回，读者不再能看到本期及其稿件。")
    return redirect(change_url(issue))


@require_POST
def build_issue_print(request, object_id, *, model_admin):
    """Queue the print edition's PDF of an issue in the layout the user chose."""
    issue = visible_object(request, model_admin, object_id)
    back = change_url(issue) + "#print-edition"
    try:
        layout = print_edition.Layout.of(request.POST.get("paper"), request.POST.get("recorded_pages") == "1")
        edition = print_edition.request_build(issue, by=request.user, layout=layout)
    except print_edition.PrintRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(back)
    # With the immediate task backend the PDF is already there; with a worker it is on its way.
    edition.refresh_from_db()
    if edition.state == IssuePrint.State.READY:
        messages.success(request, f"{edition}已生成，共 {edition.page_total} 页，可以下载了。")
    elif edition.state == IssuePrint.State.FAILED:
        messages.error(request, f"{edition}生成失败：{edition.error}")
    else:
        messages.success(request, f"正在生成{edition}，通常不到一分钟；稍后刷新本页即可下载。")
    return redirect(back)


def download_issue_print(request, object_id, print_id, *, model_admin):
    issue = visible_object(request, model_admin, object_id)
    if reason := print_edition.refusal(issue, request.user):
        raise PermissionDenied(reason)
    edition = get_object_or_404(IssuePrint.objects.exclude(file=""), pk=print_id, issue=issue)
    return FileResponse(edition.file.open("rb"), as_attachment=True, filename=print_edition.file_name(edition))


def visible_object(request, model_admin, object_id):
    """The piece ``object_id`` if the user may see it in ``model_admin``, else 404 or 403."""
    obj = get_object_or_404(model_admin.get_queryset(request), pk=object_id)
    if not model_admin.has_view_or_change_permission(request, obj):
        raise PermissionDenied
    return obj


def _report_form_errors(request, form):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _done(action, obj):
    if action == "submit":
        return f"已提交《{obj}》，等待“{obj.review_stage}”。"
    if action == "approve" and obj.review_stage_id:
        return f"已通过《{obj}》的本环节审核，下一环节：“{obj.review_stage}”。"
    if action == "approve":
        return f"《{obj}》已通过全部审核环节，等待发布。"
    if action == "send_back":
        return f"已把《{obj}》退回修改，作者会看到您的意见。"
    if action == "publish" and obj.published_at > timezone.now():
        return f"《{obj}》将于 {timezone.localtime(obj.published_at):%Y-%m-%d %H:%M} 发布，到时读者即可看到。"
    if action == "publish":
        return f"《{obj}》已发布，读者现在可以看到了。"
    if action == "withdraw":
        return f"已撤下《{obj}》，读者不再能看到它。"
    return f"《{obj}》已重新变为草稿，可以修改后再提交审核。"
