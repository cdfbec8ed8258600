"""The article page's 分工 (who does the work) and 批注 (comments) panels: what they show, and
the small POST-only views behind their buttons, each calling one function of
``bulletin.workflow``, which decides on the server. A refusal or bad input comes back as an
error message in Chinese, and nothing changes."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from bulletin import workflow
from bulletin.admin.actions import change_url, visible_object
from bulletin.models import Comment, ReviewerAssignment
from publishing.models import ReviewStage
from publishing.templatetags.names import full_name

FIELD_ERRORS = {"invalid": "提交的内容不完整，请刷新本页后再试。", "required": "提交的内容不完整，请刷新本页后再试。"}


class AssignmentForm(forms.Form):
    """Who is named now (``seen``, the user id the page showed, or empty) and who should be."""

    person = forms.ModelChoiceField(
        queryset=get_user_model().objects.all(),
        required=False,
        error_messages={"invalid_choice": "所选的人员不存在，请刷新本页后再选。"},
    )
    seen = forms.IntegerField(required=False, error_messages=FIELD_ERRORS)


class CommentForm(forms.Form):
    text = forms.CharField(strip=True, error_messages={"required": "批注内容不能为空。"})
    quote = forms.CharField(required=False, strip=True)


class ResolveForm(forms.Form):
    seen_last = forms.IntegerField(error_messages=FIELD_ERRORS)


def holders_of(permission):
    """Active staff who hold ``permission`` (app_label.codename) through a group, themselves or
    as superusers."""
    app_label, codename = permission.split(".")
    granted = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__permissions__in=granted) | Q(user_permissions__in=granted))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def planning_context(request, article):
    """What the 分工 and 批注 panels of ``article``'s page show to ``request.user``."""
    user = request.user
    may_assign = workflow.may_assign(article, user)
    may_name = user.has_perm(workflow.ASSIGN_PERMISSION)
    named = {
        a.stage_id: a.reviewer for a in ReviewerAssignment.objects.filter(article=article).select_related("reviewer")
    }
    stages = list(ReviewStage.objects.order_by("order"))
    editors = reviewers = []
    if may_assign:
        editors = list(holders_of("bulletin.change_article"))
    if may_name:
        reviewers = list(holders_of("bulletin.review_article"))
    rows = []
    for stage in stages:
        choices = [r for r in reviewers if workflow.reviewer_refusal(article, stage, r) is None]
        current = named.get(stage.pk)
        if current is not None and current not in choices:
            choices.append(current)
        rows.append(
            {
                "stage": stage,
                "reviewer": current,
                "choices": choices,
                "url": reverse("admin:bulletin_article_assign_reviewer", args=[article.pk, stage.pk]),
                "field_id": f"assign-stage-{stage.pk}",
                "label": f"{stage.name}审核人",
            }
        )
    threads = list(Comment.objects.filter(article=article).threads())
    for thread in threads:
        replies = list(thread.replies.all())
        thread.last_id = replies[-1].pk if replies else thread.pk
    urls = {name: reverse(f"admin:bulletin_article_{name}", args=[article.pk]) for name in ("assign_editor", "comment")}
    return {
        "planning": {
            "editor": article.editor,
            "may_assign": may_assign,
            "may_name": may_name,
            "editors": editors,
            "stages": rows,
            "may_comment": workflow.may_comment(user),
            "threads": threads,
            "open_count": sum(1 for thread in threads if not thread.resolved_at),
            "urls": urls,
        }
    }


def urls(model_admin):
    """The panels' URLs, for ``ArticleAdmin.get_urls``."""
    views = [
        ("assign-editor", assign_editor, "assign_editor"),
        ("assign-reviewer/<int:stage_id>", assign_reviewer, "assign_reviewer"),
        ("comments", comment, "comment"),
        ("comments/<int:thread_id>/reply", reply, "reply"),
        ("comments/<int:thread_id>/resolve", resolve, "resolve"),
    ]
    return [
        path(
            f"<int:object_id>/{route}/",
            model_admin.admin_site.admin_view(view),
            {"model_admin": model_admin},
            name=f"bulletin_article_{name}",
        )
        for route, view, name in views
    ]


def _back(article, anchor):
    return redirect(f"{change_url(article)}#{anchor}")


def _act(request, form, back, act, done, *, unsaved=""):
    """If ``form`` is valid, ``act(cleaned_data)``; report the refusal (keeping the ``unsaved``
    text the user wrote) or ``done(result)``, and go ``back``."""
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return back
    try:
        result = act(form.cleaned_data)
    except workflow.TransitionRefused as refusal:
        messages.error(request, str(refusal))
        if unsaved:
            messages.info(request, f"您写的{unsaved}没有保存，可复制后再用：{form.cleaned_data['text']}")
    else:
        messages.success(request, done(result))
    return back


@require_POST
def assign_editor(request, object_id, *, model_admin):
    article = visible_object(request, model_admin, object_id)
    return _act(
        request,
        AssignmentForm(request.POST),
        _back(article, "assignments"),
        lambda data: workflow.assign_editor(
            article, editor=data["person"], by=request.user, seen_editor_id=data["seen"]
        ),
        lambda result: f"《{result.title}》的责任编辑：{full_name(result.editor, '无')}。",
    )


@require_POST
def assign_reviewer(request, object_id, stage_id, *, model_admin):
    article = visible_object(request, model_admin, object_id)
    stage = get_object_or_404(ReviewStage, pk=stage_id)
    return _act(
        request,
        AssignmentForm(request.POST),
        _back(article, "assignments"),
        lambda data: workflow.assign_reviewer(
            article, stage=stage, reviewer=data["person"], by=request.user, seen_reviewer_id=data["seen"]
        ),
        lambda result: f"《{result.title}》的{stage}审核人：{full_name(result.named_reviewer(stage), '不指定')}。",
    )


@require_POST
def comment(request, object_id, *, model_admin):
    article = visible_object(request, model_admin, object_id)
    return _act(
        request,
        CommentForm(request.POST),
        _back(article, "comments"),
        lambda data: workflow.add_comment(article, by=request.user, text=data["text"], quote=data["quote"]),
        lambda result: "批注已添加，相关人员会收到通知。",
        unsaved="批注",
    )


@require_POST
def reply(request, object_id, thread_id, *, model_admin):
    article = visible_object(request, model_admin, object_id)
    thread = get_object_or_404(Comment, pk=thread_id, article=article, parent__isnull=True)
    return _act(
        request,
        CommentForm(request.POST),
        _back(article, f"comment-{thread.pk}"),
        lambda data: workflow.reply(thread, by=request.user, text=data["text"]),
        lambda result: "回复已添加。",
        unsaved="回复",
    )


@require_POST
def resolve(request, object_id, thread_id, *, model_admin):
    article = visible_object(request, model_admin, object_id)
    thread = get_object_or_404(Comment, pk=thread_id, article=article, parent__isnull=True)
    return _act(
        request,
        ResolveForm(request.POST),
        _back(article, f"comment-{thread.pk}"),
        lambda data: workflow.resolve(thread, by=request.user, seen_last_id=data["seen_last"]),
        lambda result: "批注已标记为已解决。",
    )
