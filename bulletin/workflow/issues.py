"""Releasing an issue with its approved articles, and taking it back."""

from django.db import transaction
from django.utils import timezone

from bulletin import redirects
from bulletin.models import Article, Issue
from bulletin.workflow import effects
from bulletin.workflow.rules import TransitionRefused
from bulletin.workflow.state import log, move
from publishing import notify
from publishing.models import PublicationStatus as S
from publishing.slugs import unique_slug


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
    log(issue, "release", S.DRAFT, S.PUBLISHED, by=by)
    for article in articles:
        if article.status == S.APPROVED:
            article.published_at = at
            move(article, "publish", to=S.PUBLISHED, stage=None, by=by, comment=f"随{issue.short_name}发布")
            effects.tell(notify.published, article)
    effects.readers_see_issue(issue)
    effects.subscribers_get(issue)
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
    log(issue, "unpublish", S.PUBLISHED, S.DRAFT, by=by, comment=comment)
    effects.readers_see_issue(issue)
    return issue
