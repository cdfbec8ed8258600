"""The editorial workflow: every change of state of an article, an event or an issue.

Each transition is a plain function that checks the actor's permission and the current state,
changes the state, writes a ``WorkflowLog`` row and queues its notification (and, when readers
see the change, makes the cached pages that show it stale (``publishing.pagecache``) and
rebuilds the PDF of a released issue (``bulletin.print_edition``)), in one transaction.
``ALLOWED`` is the single table of what may happen in which state; the admin asks
``available_actions()`` which buttons to show, and the functions check again on the server.

Several people act at once. Each function locks the row before it reads the state, every change
bumps ``version``, and a request that says which version its user saw (``seen_version``) is
refused if anything happened since, with who did what: a decision is never applied to a state
its maker did not see. Saving content never writes the state (``models.StatefulModel``); the
admin reports what it changed through ``record_edit``, which is what separation of duties reads.

Articles and events share the mechanism (both are ``Reviewable``); a published article is
edited through a pending revision (``start_revision``) so readers keep the reviewed text.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bulletin import media, print_edition, redirects
from bulletin.models import Article, ArticlePerson, ArticlePhoto, Issue, ShareLink
from publishing import notify, pagecache
from publishing.models import ACTION_LABELS, EDITS, ROUND_STARTS, ReviewStage, WorkflowLog
from publishing.models import PublicationStatus as S
from publishing.slugs import unique_slug
from publishing.templatetags.names import full_name


class TransitionRefused(Exception):
    """A transition that may not happen; the message says why, in Chinese, for the user."""


@dataclass(frozen=True)
class Rule:
    sources: frozenset
    permission: str  # the verb of the model permission, e.g. "review" → bulletin.review_article


ALLOWED = {
    "submit": Rule(frozenset({S.DRAFT}), "submit"),
    "approve": Rule(frozenset({S.IN_REVIEW}), "review"),
    "send_back": Rule(frozenset({S.IN_REVIEW, S.APPROVED}), "review"),
    "publish": Rule(frozenset({S.APPROVED}), "publish"),
    "withdraw": Rule(frozenset({S.PUBLISHED}), "withdraw"),
    "reopen": Rule(frozenset({S.WITHDRAWN}), "submit"),
}

DELETABLE = frozenset({S.DRAFT, S.WITHDRAWN})

# Changes of place in the printed issue, not of the text: they neither restart a review nor make
# their maker an author of the text.
LAYOUT_FIELDS = frozenset({"position", "first_page", "last_page"})

# Comments these transitions cannot do without: the author must learn why.
COMMENT_REQUIRED = {"send_back": "退回修改时请写明原因，作者会看到这条意见。", "withdraw": "撤稿时请写明原因。"}


# Questions the admin asks ----------------------------------------------------------------------


def refusal(action, obj, user):
    """Why ``user`` may not take ``action`` on ``obj`` now, or None if they may."""
    rule = ALLOWED[action]
    if obj.status not in rule.sources:
        return f"“{obj.get_status_display()}”状态下不能{ACTION_LABELS[action]}。"
    if not user.has_perm(_permission(obj, rule.permission)):
        return f"您没有“{ACTION_LABELS[action]}”的权限。"
    if action == "approve":
        return _review_refusal(obj, user)
    if action == "send_back" and obj.status == S.IN_REVIEW and not _may_decide(obj.review_stage, user):
        return f"“{obj.review_stage}”环节由“{obj.review_stage.group}”组的成员决定。"
    if action == "submit" and not ReviewStage.objects.exists():
        return "还没有设置审核环节，请联系管理员。"
    if action == "publish" and getattr(obj, "live_article_id", None) and obj.live_article.status != S.PUBLISHED:
        return "原稿已不在发布状态，修改稿不能替换它；请先处理原稿。"
    return None


def deletion_refusal(obj, seen_version=None):
    """Why ``obj`` (as stored now) may not be deleted, or None: only drafts and withdrawn pieces
    may, since what was reviewed or read leaves by a logged decision (send back, withdraw)."""
    if reason := stale_refusal(obj, seen_version):
        return reason
    if obj.status not in DELETABLE:
        kind = obj._meta.verbose_name
        return f"《{obj}》{obj.get_status_display()}，只有草稿和已撤稿的{kind}可以删除。"
    return None


def available_actions(obj, user):
    """The transitions ``user`` may take on ``obj`` now, in the order buttons are shown."""
    return [action for action in ALLOWED if refusal(action, obj, user) is None]


def deciders_this_round(obj):
    """Who has already decided a stage since this round of review began."""
    log = list(_log_of(obj).order_by("-at", "-pk"))
    deciders = set()
    for entry in log:
        if entry.action in ROUND_STARTS:
            break
        if entry.action == "approve":
            deciders.add(entry.actor_id)
    return deciders


def editors_of(obj):
    """Everyone who wrote any of the text: its creator, its last editor and, from the log, each
    person who changed it since. None of them may approve it."""
    editors = set(_log_of(obj).filter(action__in=EDITS).values_list("actor_id", flat=True))
    return (editors | {obj.created_by_id, obj.updated_by_id}) - {None}


def stale_refusal(obj, seen_version):
    """Why a request made on version ``seen_version`` of ``obj`` (as stored now) may not go ahead,
    naming the latest change since, or None if nothing changed."""
    if seen_version is None or obj.version == seen_version:
        return None
    return f"《{obj}》在您打开页面之后有了新的变化：{last_change(obj)}。您的操作没有执行，请查看最新内容后再决定。"


def last_change(obj):
    """Who last changed ``obj`` and how, in words: “王芳 于 2026-12-04 09:30 审核通过（初审）”."""
    entry = _log_of(obj).select_related("actor").order_by("-at", "-pk").first()
    if entry is not None and entry.at >= obj.updated_at:
        what = entry.get_action_display() + (f"（{entry.stage_name}）" if entry.action == "approve" else "")
        if entry.action in EDITS and entry.comment:
            what = entry.comment
        who, at = entry.actor, entry.at
    else:
        who, at, what = obj.updated_by, obj.updated_at, "修改了内容"
    return f"{full_name(who, '某位同事')} 于 {timezone.localtime(at):%Y-%m-%d %H:%M} {what}"


# Transitions -----------------------------------------------------------------------------------


@transaction.atomic
def submit(obj, *, by, comment="", seen_version=None):
    obj = _lock_and_check("submit", obj, by, comment, seen_version)
    first = ReviewStage.objects.order_by("order").first()
    _move(obj, "submit", to=S.IN_REVIEW, stage=first, by=by, comment=comment)
    transaction.on_commit(lambda: notify.awaiting_review(obj))
    return obj


@transaction.atomic
def approve(obj, *, by, comment="", seen_version=None):
    obj = _lock_and_check("approve", obj, by, comment, seen_version)
    decided = obj.review_stage
    following = ReviewStage.objects.filter(order__gt=decided.order).order_by("order").first()
    if following is None:
        _move(obj, "approve", to=S.APPROVED, stage=None, by=by, comment=comment, decided=decided)
        transaction.on_commit(lambda: notify.approved(obj))
    else:
        _move(obj, "approve", to=S.IN_REVIEW, stage=following, by=by, comment=comment, decided=decided)
        transaction.on_commit(lambda: notify.awaiting_review(obj))
    return obj


@transaction.atomic
def send_back(obj, *, by, comment, seen_version=None):
    obj = _lock_and_check("send_back", obj, by, comment, seen_version)
    _move(obj, "send_back", to=S.DRAFT, stage=None, by=by, comment=comment, decided=obj.review_stage)
    transaction.on_commit(lambda: notify.sent_back(obj))
    return obj


@transaction.atomic
def publish(obj, *, by, at=None, comment="", seen_version=None):
    """Publish now or, with ``at`` in the future, from that moment on (no job needed)."""
    obj = _lock_and_check("publish", obj, by, comment, seen_version)
    now = timezone.now()
    at = at or now
    if isinstance(obj, Article) and obj.live_article_id:
        if at > now:
            raise TransitionRefused("修改稿只能立即发布：读者此刻看到的是原稿，定时替换容易出错。")
        return _publish_revision(obj, by=by, comment=comment)
    obj.published_at = at
    _move(obj, "publish", to=S.PUBLISHED, stage=None, by=by, comment=comment)
    _readers_see(obj)
    transaction.on_commit(lambda: notify.published(obj))
    return obj


@transaction.atomic
def withdraw(obj, *, by, comment, seen_version=None):
    obj = _lock_and_check("withdraw", obj, by, comment, seen_version)
    _move(obj, "withdraw", to=S.WITHDRAWN, stage=None, by=by, comment=comment)
    if isinstance(obj, Article):
        # What was shared for review before publication must not outlive the withdrawal.
        ShareLink.objects.filter(Q(article=obj) | Q(article__live_article=obj), revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    _readers_see(obj)
    return obj


@transaction.atomic
def reopen(obj, *, by, comment="", seen_version=None):
    obj = _lock_and_check("reopen", obj, by, comment, seen_version)
    _move(obj, "reopen", to=S.DRAFT, stage=None, by=by, comment=comment)
    return obj


@transaction.atomic
def delete(obj, *, by, seen_version=None):
    """Delete a draft or withdrawn piece: what is in review or was approved or published leaves
    only by a decision (send back, withdraw), which the log keeps."""
    locked = _locked(obj)
    if not by.has_perm(_permission(locked, "delete")):
        raise TransitionRefused(f"您没有删除{locked._meta.verbose_name}的权限。")
    if reason := deletion_refusal(locked, seen_version):
        raise TransitionRefused(reason)
    pk, title = locked.pk, str(locked)
    locked.delete()
    # Written after the deletion, which takes the piece's log with it: the audit trail keeps who
    # deleted what.
    _log(locked, "delete", locked.status, locked.status, by=by, comment=f"删除《{title}》", object_id=pk)


@transaction.atomic
def record_edit(obj, *, by, fields):
    """Record that ``by`` changed ``fields`` (names of fields or inlines) of ``obj``, saved in this
    transaction: whoever changes the text may not approve it (``editors_of``). A change of the text
    in review starts the round again at the first stage, since the approvals so far were given to
    a text that is gone; the log says why, for the reviewers."""
    changed = [name for name in fields if name not in LAYOUT_FIELDS]
    if not changed:
        return obj
    obj = _locked(obj)
    labels = "、".join(_label(obj, name) for name in changed)
    if obj.status == S.IN_REVIEW:
        first = ReviewStage.objects.order_by("order").first()
        comment = f"修改了{labels}，此前的审核意见不再有效，从“{first}”重新审核"
        _move(obj, "restart", to=S.IN_REVIEW, stage=first, by=by, comment=comment, restart=True)
        transaction.on_commit(lambda: notify.awaiting_review(obj))
    else:
        _log(obj, "edit", obj.status, obj.status, by=by, comment=f"修改了{labels}")
    return obj


TRANSITIONS = {
    "submit": submit,
    "approve": approve,
    "send_back": send_back,
    "publish": publish,
    "withdraw": withdraw,
    "reopen": reopen,
}


# Editing published articles --------------------------------------------------------------------


# Not the issue or the slug: a published article keeps its address whatever its new title
# (bulletin.redirects).
REVISED_FIELDS = [
    "section_id",
    "kicker",
    "title",
    "subtitle",
    "summary",
    "body",
    "byline",
    "contributor",
    "first_page",
    "last_page",
    "position",
]


@transaction.atomic
def start_revision(article, *, by, changes=None):
    """The pending revision of a published article, created from it if there is none yet.

    Readers keep seeing the published text; ``changes`` (field → value) go into the revision,
    which then goes through review like any draft and replaces the live text when published.
    """
    live = Article.objects.select_for_update().get(pk=article.pk)
    if live.status != S.PUBLISHED or live.live_article_id:
        raise TransitionRefused("只有已发布的稿件才需要另建修改稿。")
    if not by.has_perm("bulletin.change_article"):
        raise TransitionRefused("您没有修改稿件的权限。")
    revision = Article.objects.select_for_update().filter(live_article=live).first()
    if revision is not None and revision.status != S.DRAFT:
        raise TransitionRefused(f"本文的修改稿正在{revision.get_status_display()}，请等审核结束或退回后再修改。")
    if revision is None:
        revision = _copy_article(live, by=by)
        _log(live, "revise", S.PUBLISHED, S.PUBLISHED, by=by, comment="另建修改稿，发布前读者仍看到原稿")
    for name, value in (changes or {}).items():
        setattr(revision, name, value)
    revision.updated_by = by
    revision.version += 1
    revision.save()
    if changes:
        record_edit(revision, by=by, fields=list(changes))
    return revision


@transaction.atomic
def restore(article, *, revision, by):
    """Bring back the text of an earlier revision as a new draft; the workflow state stays.

    A published article is restored into its pending revision, never onto the live text.
    """
    if not by.has_perm("bulletin.change_article"):
        raise TransitionRefused("您没有修改稿件的权限。")
    if revision.id != article.pk:
        raise TransitionRefused("这个版本不属于本文，不能恢复。")
    values = {name: getattr(revision, name) for name in REVISED_FIELDS}
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == S.PUBLISHED and not article.live_article_id:
        target = start_revision(article, by=by, changes=values)
    else:
        if article.status not in (S.DRAFT, S.WITHDRAWN):
            raise TransitionRefused("审核中的稿件不能恢复旧版本，请先退回修改。")
        for name, value in values.items():
            setattr(article, name, value)
        article.updated_by = by
        article.version += 1
        article.save()
        target = article
    when = timezone.localtime(revision.history_date).strftime("%Y-%m-%d %H:%M")
    _log(target, "restore", target.status, target.status, by=by, comment=f"恢复为 {when} 的版本")
    return target


# Issues ----------------------------------------------------------------------------------------


@transaction.atomic
def release_issue(issue, *, by, at=None, move_out_unapproved=False):
    """Publish ``issue`` and all its approved articles together, or nothing at all.

    Articles not yet approved block the release (the refusal lists them) unless
    ``move_out_unapproved``, which takes them out of the issue so they can follow later.
    """
    if not by.has_perm("bulletin.release_issue"):
        raise TransitionRefused("只有主编可以发布期刊。")
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status == Issue.Status.PUBLISHED:
        raise TransitionRefused(f"{issue.short_name}已经发布。")
    articles = list(
        Article.objects.select_for_update(of=("self",))
        .filter(issue=issue, live_article__isnull=True)
        .exclude(status=S.WITHDRAWN)
        .select_related("section")
    )
    blocking = [a for a in articles if a.status not in (S.APPROVED, S.PUBLISHED)]
    if blocking and not move_out_unapproved:
        names = "、".join(f"《{a.title}》（{a.get_status_display()}）" for a in blocking)
        raise TransitionRefused(f"以下稿件尚未审核通过，本期不能发布：{names}")
    web_news = Article.objects.originals().filter(issue__isnull=True)
    # An article moved out may have been public before (withdrawn, then reopened).
    with redirects.remembering_addresses(Article.objects.filter(pk__in=[a.pk for a in blocking])):
        for article in blocking:
            article.issue = None
            article.first_page = article.last_page = None
            article.slug = unique_slug(article.slug, lambda s: web_news.filter(slug=s).exists(), max_length=80)
            article.save(update_fields=["issue", "slug", "first_page", "last_page", "updated_at"])
    at = at or timezone.now()
    issue.status = Issue.Status.PUBLISHED
    issue.published_at = at
    issue.save(update_fields=["status", "published_at", "released_on", "updated_at"])
    _log(issue, "release", S.DRAFT, S.PUBLISHED, by=by)
    for article in articles:
        if article.status == S.APPROVED:
            article.published_at = at
            _move(article, "publish", to=S.PUBLISHED, stage=None, by=by, comment=f"随{issue.short_name}发布")
            transaction.on_commit(lambda a=article: notify.published(a))
    _readers_see_issue(issue)
    return issue


@transaction.atomic
def unpublish_issue(issue, *, by, comment=""):
    """Take an issue off the site; its articles disappear with it and return when it is released."""
    if not by.has_perm("bulletin.release_issue"):
        raise TransitionRefused("只有主编可以撤回期刊。")
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status != Issue.Status.PUBLISHED:
        raise TransitionRefused(f"{issue.short_name}尚未发布。")
    issue.status = Issue.Status.DRAFT
    issue.published_at = None
    issue.save(update_fields=["status", "published_at", "updated_at"])
    _log(issue, "unpublish", S.PUBLISHED, S.DRAFT, by=by, comment=comment)
    _readers_see_issue(issue)
    return issue


# Internals -------------------------------------------------------------------------------------


def _readers_see(obj, *, before=frozenset(), issue_ids=()):
    """Once committed, what readers get follows the change to ``obj``: the cached pages that showed
    it (``before``) or show it now go stale, the PDF of its released issue is made again, and its
    files are public exactly while readers see it."""
    pagecache.invalidate_on_commit(before | _public_pages_of(obj))
    for issue_id in {*issue_ids, getattr(obj, "issue_id", None)} - {None}:
        print_edition.schedule_rebuild(issue_id)
    media.readers_see(obj)


def _readers_see_issue(issue):
    pagecache.invalidate_on_commit(Article.objects.filter(issue=issue).page_tags() | {pagecache.tag(issue)})
    print_edition.schedule_rebuild(issue.pk)
    media.readers_see(issue)


def _public_pages_of(obj):
    """The cache tags of the public pages that show an article or event (publishing.pagecache)."""
    return type(obj).objects.filter(pk=obj.pk).page_tags()


def _permission(obj, verb):
    return f"{obj._meta.app_label}.{verb}_{obj._meta.model_name}"


def _may_decide(stage, user):
    """Members of a stage's group decide it, and so do those of any later stage (主编 can do
    what a reviewer can)."""
    if user.is_superuser:
        return True
    return ReviewStage.objects.filter(order__gte=stage.order, group__user=user).exists()


def _review_refusal(obj, user):
    stage = obj.review_stage
    if not _may_decide(stage, user):
        return f"“{stage}”环节由“{stage.group}”组的成员决定。"
    kind = obj._meta.verbose_name
    if user.pk in editors_of(obj):
        return f"不能审核自己创建或修改过的{kind}。"
    if user.pk in deciders_this_round(obj):
        return f"同一{kind}的各审核环节须由不同的人决定，您已审过前一环节。"
    return None


def _locked(obj):
    """``obj`` as stored now, its row locked until the transaction ends."""
    try:
        return type(obj).objects.select_for_update(of=("self",)).select_related("review_stage").get(pk=obj.pk)
    except type(obj).DoesNotExist:
        raise TransitionRefused(
            f"《{obj}》已不存在：它已被删除，或（修改稿）已发布并替换了原稿。请回到列表查看。"
        ) from None


def _lock_and_check(action, obj, by, comment, seen_version=None):
    locked = _locked(obj)
    reason = stale_refusal(locked, seen_version) or refusal(action, locked, by)
    if reason is None and action in COMMENT_REQUIRED and not comment.strip():
        reason = COMMENT_REQUIRED[action]
    if reason:
        raise TransitionRefused(reason)
    return locked


def _move(obj, action, *, to, stage, by, comment, decided=None, restart=False):
    source = obj.status
    obj.status = to
    if stage != obj.review_stage or to != source or restart:
        obj.stage_entered_at = timezone.now() if stage else None
    obj.review_stage = stage
    obj.version += 1
    # Decisions are not edits: the last editor stays who last changed the text.
    obj.save(update_fields=["status", "review_stage", "stage_entered_at", "published_at", "version"])
    _log(obj, action, source, to, by=by, comment=comment, stage=decided or stage)


def _log(obj, action, source, to, *, by, comment="", stage=None, object_id=None):
    WorkflowLog.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=object_id or obj.pk,
        action=action,
        from_status=source,
        to_status=to,
        stage=stage,
        stage_name=stage.name if stage else "",
        actor=by,
        comment=comment,
    )


def _label(obj, name):
    """What an editor calls a field or an inline of ``obj``: “标题”, “稿件人物”."""
    field = obj._meta.get_field(name)
    if field.is_relation and field.auto_created:
        return str(field.related_model._meta.verbose_name)
    return str(field.verbose_name)


def _log_of(obj):
    return WorkflowLog.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


def _copy_article(live, *, by):
    revision = Article.objects.get(pk=live.pk)
    revision.pk = None
    revision.id = None
    revision._state.adding = True
    revision.live_article = live
    revision.status = S.DRAFT
    revision.review_stage = None
    revision.stage_entered_at = None
    revision.published_at = None
    revision.created_by = by
    revision.version = 1
    revision.save()
    _copy_relations(live, revision)
    return revision


def _copy_relations(source, target):
    """Make ``target``'s people, photos and topics those of ``source``."""
    target.person_links.all().delete()
    ArticlePerson.objects.bulk_create(
        ArticlePerson(
            article=target, person_id=p.person_id, role=p.role, printed_title=p.printed_title, position=p.position
        )
        for p in source.person_links.all()
    )
    target.photos.all().delete()
    ArticlePhoto.objects.bulk_create(
        ArticlePhoto(
            article=target, image=p.image.name, alt=p.alt, caption=p.caption, credit=p.credit, position=p.position
        )
        for p in source.photos.all()
    )
    target.topics.set(source.topics.all())


def _publish_revision(revision, *, by, comment):
    """Replace the live text by the approved revision, keep its review record, drop the copy."""
    live = Article.objects.select_for_update().get(pk=revision.live_article_id)
    # The pages and issue that showed the old text; the revision may move it elsewhere.
    pages, old_issue = _public_pages_of(live), live.issue_id
    for name in REVISED_FIELDS:
        setattr(live, name, getattr(revision, name))
    live.updated_by = revision.updated_by
    live.version += 1
    live.save()
    _copy_relations(revision, live)
    _log_of(revision).update(object_id=live.pk)
    _log(live, "publish", S.APPROVED, S.PUBLISHED, by=by, comment=comment or "修改稿审核通过，替换线上版本")
    revision.photos.all().delete()
    revision.delete()
    _readers_see(live, before=pages, issue_ids=[old_issue])
    transaction.on_commit(lambda: notify.published(live))
    return live
