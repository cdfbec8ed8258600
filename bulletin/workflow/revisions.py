"""Editing published articles: a pending revision goes through review while readers keep the
reviewed text, and replaces it when published."""

from django.db import transaction
from django.utils import timezone

from bulletin.models import Article, ArticlePerson, ArticlePhoto
from bulletin.workflow import effects
from bulletin.workflow.edits import record_edit
from bulletin.workflow.rules import TransitionRefused, log_of
from bulletin.workflow.state import log
from publishing import notify
from publishing.models import PublicationStatus as S

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
        log(live, "revise", S.PUBLISHED, S.PUBLISHED, by=by, comment="另建修改稿，发布前读者仍看到原稿")
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
    log(target, "restore", target.status, target.status, by=by, comment=f"恢复为 {when} 的版本")
    return target


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


def publish_revision(revision, *, by, comment):
    """Replace the live text by the approved revision, keep its review record, drop the copy."""
    live = Article.objects.select_for_update().get(pk=revision.live_article_id)
    # The pages and issue that showed the old text; the revision may move it elsewhere.
    pages, old_issue = effects.pages_showing(live), live.issue_id
    for name in REVISED_FIELDS:
        setattr(live, name, getattr(revision, name))
    live.updated_by = revision.updated_by
    live.version += 1
    live.save()
    _copy_relations(revision, live)
    log_of(revision).update(object_id=live.pk)
    log(live, "publish", S.APPROVED, S.PUBLISHED, by=by, comment=comment or "修改稿审核通过，替换线上版本")
    revision.photos.all().delete()
    revision.delete()
    effects.readers_see(live, before=pages, issue_ids=[old_issue])
    effects.tell(notify.published, live)
    return live
