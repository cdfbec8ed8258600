"""Admin pages for reviewers and the editor-in-chief: the review queue, the production board,
the diff of a submitted article, the printable review record (审稿单) and share links.

Every page runs inside the admin (``admin.site.admin_view`` in ``review_urls``: staff only) and
checks a model permission on top. The pages only read; the decisions themselves are taken on
the article's admin page through ``bulletin.workflow``.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, TemplateView

from bulletin import planning, print_edition, seo, workflow
from bulletin.models import Article, Comment, Issue, ShareLink
from publishing.diff import compare
from publishing.models import PublicationStatus as S
from publishing.models import ReviewStage, WorkflowLog
from publishing.templatetags.names import full_name

# The fields a reviewer compares, as model field names (``section``, not ``section_id``).
DIFF_FIELDS = [Article._meta.get_field(name).name for name in workflow.REVISED_FIELDS]
DECISIONS = ("approve", "send_back")


class AdminPage(PermissionRequiredMixin):
    """A page drawn in the admin's frame, for users holding ``permission_required``."""

    permission_required = "bulletin.view_article"
    raise_exception = True
    title = ""

    def get_title(self):
        return self.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(admin.site.each_context(self.request), title=self.get_title(), opts=Article._meta)
        return context


# 待我审核 ----------------------------------------------------------------------------------------


def duration_text(delta):
    """A waiting time as people say it: “3天5小时”, “2小时10分钟”, “15分钟”."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}天{hours}小时"
    if hours:
        return f"{hours}小时{minutes}分钟"
    return f"{minutes}分钟" if minutes else "不到1分钟"


class ReviewQueueView(AdminPage, TemplateView):
    permission_required = "bulletin.review_article"
    template_name = "admin/review/queue.html"
    title = "待我审核"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        articles = list(Article.objects.awaiting_decision_by(self.request.user).for_queue())
        plans = planning.schedules({article.issue for article in articles if article.issue_id})
        for article in articles:
            article.waited = duration_text(now - article.stage_entered_at)
            article.late = planning.lateness(article, plans.get(article.issue_id), now)
        return super().get_context_data(
            articles=articles,
            late_count=sum(bool(article.late) for article in articles),
            **kwargs,
        )


# 我的稿件 ----------------------------------------------------------------------------------------


class MyArticlesView(AdminPage, TemplateView):
    """The articles the user is responsible for, in the works first; with ``?all=1`` also those
    published or withdrawn."""

    template_name = "admin/review/mine.html"
    title = "我的稿件"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        show_all = bool(self.request.GET.get("all"))
        articles = planning.with_last_decision(planning.mine(self.request.user)).select_related(
            "issue", "section", "review_stage"
        )
        if not show_all:
            articles = articles.exclude(status__in=(S.PUBLISHED, S.WITHDRAWN))
        articles = list(articles.order_by(F("issue__year").desc(nulls_last=True), "-issue__number", "-updated_at"))
        plans = planning.schedules({article.issue for article in articles if article.issue_id})
        for article in articles:
            article.late = planning.lateness(article, plans.get(article.issue_id), now)
            article.sent_back = article.status == S.DRAFT and article.last_decision == "send_back"
        return super().get_context_data(
            articles=articles, show_all=show_all, late_count=sum(bool(a.late) for a in articles), **kwargs
        )


# 制作看板 ----------------------------------------------------------------------------------------


@dataclass
class Column:
    title: str
    modifier: str
    cards: list = field(default_factory=list)


def board_articles(issue):
    """The issue's articles (not the pending revisions) with what their cards show.

    ``state_since`` is when the article entered its current stage or state: the stage's start in
    review, otherwise the last logged change into its state, otherwise its creation.
    ``revision_status`` is the state of its pending revision, if it has one.
    """
    state_changes = (
        WorkflowLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),
            object_id=OuterRef("pk"),
            to_status=OuterRef("status"),
        )
        .exclude(from_status=OuterRef("status"))
        .order_by("-at", "-pk")
    )
    revisions = Article.objects.filter(live_article=OuterRef("pk"))
    return (
        Article.objects.originals()
        .filter(issue=issue)
        .select_related("section", "section__parent", "review_stage", "updated_by", "editor")
        .annotate(
            state_since=Coalesce("stage_entered_at", Subquery(state_changes.values("at")[:1]), "created_at"),
            revision_status=Subquery(revisions.values("status")[:1]),
        )
        .in_toc_order()
    )


def board_columns(articles, stages):
    """One column per state, with one per review stage in place of “in review”."""
    drafts = Column("草稿", "draft")
    by_stage = {stage.pk: Column(stage.name, "in-review") for stage in stages}
    done = {
        S.APPROVED: Column(S.APPROVED.label, "approved"),
        S.PUBLISHED: Column(S.PUBLISHED.label, "published"),
        S.WITHDRAWN: Column(S.WITHDRAWN.label, "withdrawn"),
    }
    for article in articles:
        if article.status == S.IN_REVIEW:
            by_stage[article.review_stage_id].cards.append(article)
        else:
            done.get(article.status, drafts).cards.append(article)
    return [drafts, *by_stage.values(), *done.values()]


class IssueBoardView(AdminPage, DetailView):
    model = Issue
    template_name = "admin/review/board.html"
    context_object_name = "issue"

    def get_title(self):
        return f"制作看板：{self.object}"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        articles = list(board_articles(self.object))
        plan = planning.schedules([self.object])[self.object.pk]
        for article in articles:
            article.in_state = duration_text(now - article.state_since)
            article.revision_label = S(article.revision_status).label if article.revision_status else ""
            article.late = planning.lateness(article, plan, now)
        today = timezone.localdate(now)
        return super().get_context_data(
            columns=board_columns(articles, ReviewStage.objects.order_by("order")),
            article_count=len(articles),
            late_count=sum(bool(article.late) for article in articles),
            milestones=[(milestone, milestone.due < today) for milestone in plan.milestones],
            issue_late=plan.issue_lateness(today),
            other_issues=Issue.objects.exclude(pk=self.object.pk).order_by("-year", "-number")[:6],
            **kwargs,
        )


@permission_required("bulletin.view_article", raise_exception=True)
def current_board(request):
    """The board of the issue in the making: the newest unreleased one, else the newest."""
    newest_first = Issue.objects.order_by("-year", "-number")
    issue = newest_first.exclude(status=Issue.Status.PUBLISHED).first() or newest_first.first()
    if issue is None:
        messages.info(request, "还没有任何一期，请先在“期刊”中新建一期。")
        return redirect("admin:index")
    return redirect("review:issue-board", pk=issue.pk)


# 对比修改 ----------------------------------------------------------------------------------------


@dataclass
class Baseline:
    """The version a reviewer compares the current text with, and how to name it."""

    version: Article
    label: str


def review_baseline(article):
    """The live text for a pending revision, else the version last decided on, else None."""
    if article.live_article_id:
        live = article.live_article
        when = f"（{timezone.localtime(live.published_at):%Y-%m-%d %H:%M} 发布）" if live.published_at else ""
        return Baseline(live, f"线上版本{when}")
    decision = (
        article.workflow_log.filter(action__in=DECISIONS)
        .select_related("actor", "stage")
        .order_by("-at", "-pk")
        .first()
    )
    if decision is None:
        return None
    try:
        version = article.history.as_of(decision.at)
    except Article.DoesNotExist:
        return None
    who = full_name(decision.actor)
    stage = decision.stage_name
    when = timezone.localtime(decision.at)
    return Baseline(
        version, f"上次审核时的版本（{stage}{decision.get_action_display()}，{who}，{when:%Y-%m-%d %H:%M}）"
    )


def label_of(name):
    return str(Article._meta.get_field(name).verbose_name)


class ArticleDiffView(AdminPage, DetailView):
    queryset = Article.objects.select_related(
        "section", "issue", "review_stage", "updated_by", "live_article", "live_article__section"
    )
    template_name = "admin/review/diff.html"
    context_object_name = "article"

    def get_title(self):
        return f"对比修改：《{self.object.title}》"

    def get_context_data(self, **kwargs):
        article = self.object
        baseline = review_baseline(article)
        context = {"baseline": baseline}
        if baseline is None:
            context["content"] = [
                (label_of(name), value)
                for name in DIFF_FIELDS
                if name != "body" and (value := getattr(article, name)) not in (None, "")
            ]
        else:
            changes = compare(baseline.version, article, DIFF_FIELDS)
            changed = {change.label for change in changes}
            context["changes"] = changes
            context["unchanged"] = [label_of(name) for name in DIFF_FIELDS if label_of(name) not in changed]
        return super().get_context_data(**context, **kwargs)


# 审稿单 ------------------------------------------------------------------------------------------


@dataclass
class Round:
    """One pass through review: the submission and the decisions that followed it."""

    number: int
    submission: WorkflowLog | None
    decisions: list = field(default_factory=list)
    pending: list = field(default_factory=list)


@dataclass
class Record:
    """What a review record (审稿单) prints: rounds newest first, publication decisions, comments.

    ``revision`` is the pending revision of a published article, which is what goes through
    review then; ``ongoing`` says whether the newest round is still open or has just passed.
    """

    rounds: list
    publications: list
    revision: Article | None
    ongoing: bool
    comments: list  # the comment threads (批注), oldest first


def review_record(article):
    """The review record of ``article``, read from the workflow log.

    A pending revision's record continues that of the live article, and the other way round:
    decisions move to the live article when the revision replaces it.
    """
    revision = Article.objects.filter(live_article=article).select_related("review_stage").first()
    under_review = revision or article
    subjects = {article.pk, article.live_article_id, revision.pk if revision else None} - {None}
    log = WorkflowLog.objects.filter(content_type=ContentType.objects.get_for_model(Article), object_id__in=subjects)
    rounds, publications = [], []
    for entry in log.select_related("actor", "stage").order_by("at", "pk"):
        if entry.action == "submit":
            rounds.append(Round(len(rounds) + 1, entry))
        elif entry.action in DECISIONS:
            if not rounds:
                rounds.append(Round(1, None))
            rounds[-1].decisions.append(entry)
        elif entry.action in ("publish", "withdraw"):
            publications.append(entry)
    if rounds and under_review.status == S.IN_REVIEW:
        following = ReviewStage.objects.filter(order__gte=under_review.review_stage.order).order_by("order")
        rounds[-1].pending = list(following)
    ongoing = under_review.status in (S.IN_REVIEW, S.APPROVED)
    comments = list(Comment.objects.filter(article__in=subjects).threads())
    return Record(rounds[::-1], publications, revision, ongoing, comments)


class ReviewRecordView(AdminPage, DetailView):
    queryset = Article.objects.select_related("section", "issue", "review_stage", "created_by", "updated_by")
    context_object_name = "article"

    def get_template_names(self):
        if self.request.GET.get("print"):
            return ["admin/review/record_print.html"]
        return ["admin/review/record.html"]

    def get_title(self):
        return f"审稿单：《{self.object.title}》"

    def get_context_data(self, **kwargs):
        return super().get_context_data(record=review_record(self.object), printed_at=timezone.now(), **kwargs)


class ReviewRecordPdfView(ReviewRecordView):
    """The print version of the review record as a PDF file, to file or mail."""

    def get_template_names(self):
        return ["admin/review/record_print.html"]

    def render_to_response(self, context, **response_kwargs):
        html = render_to_string(self.get_template_names(), context, request=self.request)
        pdf = print_edition.typeset(html).write_pdf()
        disposition = content_disposition_header(True, f"审稿单-{self.object.title}.pdf")
        return HttpResponse(pdf, content_type="application/pdf", headers={"Content-Disposition": disposition})


# 外审分享链接 --------------------------------------------------------------------------------------


class ShareLinksView(AdminPage, DetailView):
    permission_required = "bulletin.review_article"
    queryset = Article.objects.select_related("section", "issue")
    template_name = "admin/review/share_links.html"
    context_object_name = "article"

    def get_title(self):
        return f"外审分享链接：《{self.object.title}》"

    def get_context_data(self, **kwargs):
        links = list(self.object.share_links.select_related("created_by", "revision"))
        for link in links:
            link.url = seo.absolute_url(link.get_absolute_url())
        return super().get_context_data(links=links, share_days=settings.SHARE_LINK_DAYS, **kwargs)


@require_POST
@permission_required("bulletin.review_article", raise_exception=True)
def create_share_link(request, pk):
    article = get_object_or_404(Article, pk=pk)
    revision = article.history.first()
    if revision is None:
        messages.error(request, "本稿还没有保存过的版本，无法分享。")
    else:
        ShareLink.objects.create(
            article=article,
            revision=revision,
            created_by=request.user,
            expires_at=timezone.now() + timedelta(days=settings.SHARE_LINK_DAYS),
        )
        messages.success(
            request, f"已为《{article.title}》的当前版本创建分享链接，{settings.SHARE_LINK_DAYS}天后失效。"
        )
    return redirect("review:share-links", pk=article.pk)


@require_POST
@permission_required("bulletin.review_article", raise_exception=True)
def revoke_share_link(request, pk, link_pk):
    link = get_object_or_404(ShareLink, pk=link_pk, article_id=pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        messages.success(request, "链接已撤销，外审专家将无法再打开。")
    return redirect("review:share-links", pk=pk)
