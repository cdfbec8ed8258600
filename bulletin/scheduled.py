"""Content published for a later moment, when that moment comes: a periodic job
(``settings.PERIODIC_JOBS``) run by the scheduler.

Readers see it on time without any job: ``public()`` compares with the current time, and the
page cache's keys change at each scheduled moment. What the moment still needs: the readers' PDF
of its issue made again (with the immediate task backend nothing else would; with the database
backend this joins the rebuild queued for the moment, ``publishing.jobs``), the stamps of the
pages that show it moved on, so that no copy built before the moment matches again under any key,
and an issue released for the moment mailed to its subscribers (``bulletin.subscriptions``, which
mails an issue once however often it is asked).
"""

from datetime import timedelta

from django.db import transaction

from bulletin import print_edition, subscriptions
from bulletin.models import Article, Issue
from publishing import jobs, pagecache, periodic
from publishing.models import PublicationStatus


@jobs.job(attempts=3, backoff=timedelta(minutes=1))
@transaction.atomic
def content_goes_live(since, until):
    """Rebuild the readers' PDF of each issue that content scheduled for ``since``–``until`` (an
    issue, or an article of a released one) belongs to, and make the pages showing it stale; mail
    an issue released for that moment to its subscribers."""
    since, until = periodic.window(since, until)
    moment = {"status": PublicationStatus.PUBLISHED, "published_at__gt": since, "published_at__lte": until}
    articles = Article.objects.filter(**moment)
    released = list(Issue.objects.filter(**moment))
    issue_ids = {issue.pk for issue in released}
    issue_ids |= set(articles.exclude(issue=None).values_list("issue_id", flat=True))
    tags = articles.page_tags() if articles.exists() else set()
    for issue_id in issue_ids:
        tags |= Article.objects.filter(issue_id=issue_id).page_tags() | {pagecache.tag_of("issue", issue_id)}
        print_edition.schedule_rebuild(issue_id)
    if tags:
        pagecache.invalidate_on_commit(tags, grace=True)
    for issue in released:
        subscriptions.mail_when_public(issue)
    return sorted(issue_ids)
