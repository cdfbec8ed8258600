"""An issue's production schedule and what is late against it.

Each issue has its dates: 截稿 (the copy deadline), one deadline per review stage, 付印 (to the
printer) and 出版 (release). ``default_dates`` derives them from the periodical's rhythm
(``ProductionRhythm``), backwards from the release: the printer takes ``print_days``, layout
``layout_days``, each review stage its own ``days``, and what is left before the first stage is
the copy deadline. ``plan`` fills in what an editor left blank; the editors adjust the rest.

An article is late when it has not reached where the schedule says it should be by now: still a
draft after the copy deadline, or still at a review stage after that stage's deadline. A piece
outside any issue (web news) is late when it has waited at a stage longer than the stage's days.
"""

import calendar
import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from bulletin.models import (
    Article,
    Comment,
    Issue,
    IssueDeadline,
    ProductionRhythm,
    ReviewerAssignment,
    Submission,
)
from publishing.desk import Entry, Task
from publishing.models import EDITS, ReviewStage, WorkflowLog
from publishing.models import PublicationStatus as S
from publishing.templatetags.names import full_name


@dataclass(frozen=True)
class Milestone:
    """One date of an issue's schedule."""

    kind: str  # "copy", "stage", "printer" or "release"
    label: str
    due: datetime.date
    stage_id: int | None = None


@dataclass
class Schedule:
    """An issue's dates, in the order the work passes them."""

    issue: object
    milestones: list

    def due_for_stage(self, stage_id):
        return next((m.due for m in self.milestones if m.stage_id == stage_id), None)

    @property
    def copy_deadline(self):
        return self.issue.copy_deadline

    def lateness(self, article, today):
        """Why ``article`` of this issue is behind the schedule on ``today``, or ""."""
        if article.status == S.DRAFT and self.copy_deadline and today > self.copy_deadline:
            return f"截稿日期（{short_date(self.copy_deadline)}）已过，仍未提交审核"
        if article.status == S.IN_REVIEW:
            due = self.due_for_stage(article.review_stage_id)
            if due and today > due:
                return f"{article.review_stage.name}应于{short_date(due)}前完成"
        return ""

    def issue_lateness(self, today):
        issue = self.issue
        if issue.status != issue.Status.PUBLISHED and issue.planned_release_on and today > issue.planned_release_on:
            return f"计划{short_date(issue.planned_release_on)}出版，尚未发布"
        return ""


def short_date(day):
    return f"{day.month}月{day.day}日"


def release_date(year, number, rhythm):
    """When issue ``number`` of ``year`` appears by the rhythm: the last month of its period."""
    month = min(12, max(1, number * 12 // rhythm.issues_per_year))
    return datetime.date(year, month, min(rhythm.release_day, calendar.monthrange(year, month)[1]))


def default_dates(year, number, stages, rhythm):
    """The schedule the rhythm gives issue ``number`` of ``year``: ``(copy_deadline,
    {stage_id: due}, to_printer_on, planned_release_on)``."""
    release = release_date(year, number, rhythm)
    to_printer = release - datetime.timedelta(days=rhythm.print_days)
    cursor = to_printer - datetime.timedelta(days=rhythm.layout_days)
    dues = {}
    for stage in sorted(stages, key=lambda stage: stage.order, reverse=True):
        dues[stage.pk] = cursor
        cursor -= datetime.timedelta(days=stage.days)
    return cursor, dues, to_printer, release


@transaction.atomic
def plan(issue):
    """Fill in the dates of ``issue``'s schedule that are blank from the rhythm; what editors set
    stays. Stages added later get their deadline the same way."""
    stages = list(ReviewStage.objects.order_by("order"))
    copy, dues, printer, release = default_dates(issue.year, issue.number, stages, ProductionRhythm.current())
    blanks = {
        name: value
        for name, value in (("copy_deadline", copy), ("to_printer_on", printer), ("planned_release_on", release))
        if getattr(issue, name) is None
    }
    if blanks:
        type(issue).objects.filter(pk=issue.pk).update(**blanks)
        for name, value in blanks.items():
            setattr(issue, name, value)
    IssueDeadline.objects.bulk_create(
        [IssueDeadline(issue=issue, stage=stage, due_on=dues[stage.pk]) for stage in stages],
        ignore_conflicts=True,
    )


def schedule_of(issue, stages, deadlines):
    """``issue``'s schedule from its dates, the review ``stages`` in order and its stored
    ``deadlines`` (a stage without one, added after the issue was planned, has none)."""
    milestones = []
    if issue.copy_deadline:
        milestones.append(Milestone("copy", "截稿", issue.copy_deadline))
    due = {deadline.stage_id: deadline.due_on for deadline in deadlines}
    for stage in stages:
        if stage.pk in due:
            milestones.append(Milestone("stage", f"{stage.name}截止", due[stage.pk], stage.pk))
    if issue.to_printer_on:
        milestones.append(Milestone("printer", "付印", issue.to_printer_on))
    if issue.planned_release_on:
        milestones.append(Milestone("release", "出版", issue.planned_release_on))
    return Schedule(issue, milestones)


def schedules(issues):
    """The schedules of ``issues``, by issue id, in two queries however many."""
    issues = list(issues)
    stages = list(ReviewStage.objects.order_by("order"))
    deadlines = {}
    for deadline in IssueDeadline.objects.filter(issue__in=issues):
        deadlines.setdefault(deadline.issue_id, []).append(deadline)
    return {issue.pk: schedule_of(issue, stages, deadlines.get(issue.pk, [])) for issue in issues}


def lateness(article, schedule, now=None):
    """Why ``article`` is behind, or "": against its issue's ``schedule``, or, for web news, the
    days its stage allows."""
    now = now or timezone.now()
    if schedule is not None:
        return schedule.lateness(article, timezone.localdate(now))
    if article.status == S.IN_REVIEW and article.stage_entered_at:
        allowed = datetime.timedelta(days=article.review_stage.days)
        if now - article.stage_entered_at > allowed:
            return f"在{article.review_stage.name}已超过{article.review_stage.days}天"
    return ""


# What the editors' desk (``publishing.desk``) shows of the periodical ---------------------------


def _admin_url(article):
    return reverse("admin:bulletin_article_change", args=[article.pk])


def _schedules_for(articles):
    issues = {article.issue_id: article.issue for article in articles if article.issue_id}
    return schedules(issues.values())


def mine(user):
    """The articles ``user`` is responsible for: as 责任编辑, or as their creator while nobody is."""
    return Article.objects.filter(Q(editor=user) | Q(editor__isnull=True, created_by=user))


def with_last_decision(articles):
    """``articles`` annotated with the last workflow action taken on each (not an edit or an
    assignment): a draft whose last decision is ``send_back`` was sent back to its editor."""
    decisions = (
        WorkflowLog.objects.filter(content_type=ContentType.objects.get_for_model(Article), object_id=OuterRef("pk"))
        .exclude(action__in=(*EDITS, "assign"))
        .order_by("-at", "-pk")
    )
    return articles.annotate(last_decision=Subquery(decisions.values("action")[:1]))


def agenda(user, now):
    """What waits on ``user`` in the periodical: the reviews they may decide, their drafts (sent
    back or due), and the comment threads on their articles that wait for an answer."""
    if not user.has_perm("bulletin.view_article"):
        return []
    today = timezone.localdate(now)
    reviews = list(Article.objects.awaiting_decision_by(user).for_queue())
    drafts = list(
        with_last_decision(mine(user).filter(status=S.DRAFT))
        .exclude(issue__status=Issue.Status.PUBLISHED)
        # Waiting on its contributor (退修), or not to be printed (未采用): nothing for the editor to do.
        .exclude(submission__status__in=[Submission.Status.RETURNED, Submission.Status.DECLINED])
        .select_related("issue", "review_stage")
    )
    plans = _schedules_for([*reviews, *drafts])
    named = set(
        ReviewerAssignment.objects.filter(reviewer=user, article__in=[a.pk for a in reviews]).values_list(
            "article_id", "stage_id"
        )
    )
    tasks = []
    for article in reviews:
        plan = plans.get(article.issue_id)
        due = plan.due_for_stage(article.review_stage_id) if plan else None
        if due is None and article.stage_entered_at:
            due = timezone.localdate(article.stage_entered_at + datetime.timedelta(days=article.review_stage.days))
        tasks.append(
            Task(
                action=f"待审（{article.review_stage.name}）",
                title=f"《{article.title}》",
                url=_admin_url(article),
                due=due,
                late=lateness(article, plan, now),
                note="指定由您审核" if (article.pk, article.review_stage_id) in named else "",
            )
        )
    for article in drafts:
        plan = plans.get(article.issue_id)
        tasks.append(
            Task(
                action="退回修改" if article.last_decision == "send_back" else "编辑并提交审核",
                title=f"《{article.title}》",
                url=_admin_url(article),
                due=plan.copy_deadline if plan else None,
                late=plan.lateness(article, today) if plan else "",
            )
        )
    return tasks + _threads_waiting_on(user) + _contributions_waiting_on(user)


def _contributions_waiting_on(user):
    """Pieces from the units nobody in the office has taken yet, and proofs their contributors
    asked to correct, for those who answer contributions."""
    if not user.has_perm("bulletin.change_submission"):
        return []
    untouched = Q(article__editor__isnull=True, article__updated_by__isnull=True, article__status=S.DRAFT)
    corrections = Q(proof=Submission.Proof.CORRECTIONS) & (Q(article__editor=user) | Q(article__editor__isnull=True))
    waiting = (
        Submission.objects.filter(status=Submission.Status.IN_OFFICE)
        .filter(untouched | corrections)
        .select_related("article", "unit")
        .order_by("submitted_at", "pk")
    )
    return [
        Task(
            action="校样修改要求" if submission.proof == Submission.Proof.CORRECTIONS else "新来稿",
            title=f"《{submission.article.title}》",
            url=reverse("admin:bulletin_submission_change", args=[submission.pk]),
            note=f"{submission.unit}，稿号 {submission.number}",
        )
        for submission in waiting
    ]


def _threads_waiting_on(user):
    """Open comment threads on ``user``'s articles, or that they took part in, whose newest word
    is someone else's."""
    concerned = Q(article__in=mine(user)) | Q(article__reviewer_assignments__reviewer=user)
    took_part = Q(author=user) | Q(replies__author=user)
    threads = Comment.objects.open().filter(concerned | took_part).distinct().threads().select_related("article")
    tasks = []
    for thread in threads:
        last = ([thread, *thread.replies.all()])[-1]
        if last.author_id == user.pk:
            continue
        tasks.append(
            Task(
                action="回复批注",
                title=f"《{thread.article.title}》",
                url=_admin_url(thread.article) + "#comments",
                note=f"{full_name(last.author)}：{Truncator(last.text).chars(40)}",
            )
        )
    return tasks


def calendar_entries(user, start, end):
    """The periodical's part of the editorial calendar from ``start`` to ``end``: each issue's
    deadlines (with what is behind them), its release, and the publications set for later."""
    if not user.has_perm("bulletin.view_article"):
        return []
    today = timezone.localdate()
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    in_range = (
        Q(copy_deadline__range=(start, end))
        | Q(to_printer_on__range=(start, end))
        | Q(planned_release_on__range=(start, end))
        | Q(released_on__range=(start, end))
        | Q(deadlines__due_on__range=(start, end))
    )
    issues = list(Issue.objects.filter(in_range).distinct())
    behind = _work_behind(issue for issue in issues if issue.status != Issue.Status.PUBLISHED)
    entries = []
    for issue_id, plan in schedules(issues).items():
        issue = plan.issue
        board = reverse("review:issue-board", args=[issue_id])
        if issue.status == Issue.Status.PUBLISHED:
            if issue.released_on and start <= issue.released_on <= end:
                entries.append(
                    Entry(
                        issue.released_on,
                        "release",
                        "出版",
                        issue.short_name,
                        board,
                        f"issue-{issue_id}-release@{host}",
                    )
                )
            continue
        for milestone in plan.milestones:
            if not start <= milestone.due <= end:
                continue
            late = ""
            if milestone.due < today:
                waiting = behind.get((issue_id, milestone.kind, milestone.stage_id), 0)
                if milestone.kind == "release":
                    late = "尚未发布"
                elif waiting:
                    late = f"仍有{waiting}篇{'草稿' if milestone.kind == 'copy' else '在本环节'}"
            uid = f"issue-{issue_id}-{milestone.kind}{milestone.stage_id or ''}@{host}"
            entries.append(Entry(milestone.due, milestone.kind, milestone.label, issue.short_name, board, uid, late))
    entries += _scheduled(start, end, host)
    return entries


def _work_behind(issues):
    """How many articles of each unreleased issue are still drafts, or still at each stage:
    ``{(issue_id, "copy", None): n, (issue_id, "stage", stage_id): n}``, in one query."""
    counts = {}
    rows = (
        Article.objects.originals()
        .filter(issue__in=list(issues), status__in=(S.DRAFT, S.IN_REVIEW))
        .values("issue_id", "status", "review_stage_id")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        key = (
            (row["issue_id"], "copy", None)
            if row["status"] == S.DRAFT
            else (row["issue_id"], "stage", row["review_stage_id"])
        )
        counts[key] = row["n"]
    return counts


def _scheduled(start, end, host):
    """Articles and issues set to go public at a later moment in the range."""
    now = timezone.now()
    zone = timezone.get_current_timezone()
    window = (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(end, datetime.time.max, tzinfo=zone),
    )
    entries = []
    articles = Article.objects.filter(status=S.PUBLISHED, published_at__gt=now, published_at__range=window).only(
        "title", "published_at"
    )
    for article in articles:
        at = timezone.localtime(article.published_at)
        entries.append(
            Entry(
                at.date(),
                "scheduled",
                "定时发布",
                f"《{article.title}》",
                _admin_url(article),
                f"article-{article.pk}-publish@{host}",
                at=at,
            )
        )
    issues = Issue.objects.filter(status=Issue.Status.PUBLISHED, published_at__gt=now, published_at__range=window)
    for issue in issues:
        at = timezone.localtime(issue.published_at)
        url = reverse("admin:bulletin_issue_change", args=[issue.pk])
        entries.append(
            Entry(
                at.date(), "scheduled", "本期定时上线", issue.short_name, url, f"issue-{issue.pk}-online@{host}", at=at
            )
        )
    return entries
