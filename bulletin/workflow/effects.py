"""What a transition sets off once it is committed, all of it here: mail to the people who must
act next (queued as jobs, tried again until the mail server takes it), a released issue's mail to
its subscribers (``bulletin.subscriptions``), and, when readers see the change, the cached pages
that showed it made stale (``publishing.pagecache``), the PDF of its released issue made again
(``bulletin.print_edition``) and its files made public or private (``publishing.media``). None of it runs if the transaction rolls back; the page cache and the job
queue record their part in the transaction itself, so nothing is lost."""

from bulletin import print_edition, subscriptions
from bulletin.models import Article
from publishing import media, pagecache


def tell(message, obj):
    """``message`` (a function of ``publishing.notify``) mails about ``obj`` once committed: the
    mail is written now, from the state this transaction decided, and queued as a job."""
    message(obj)


def readers_see(obj, *, before=frozenset(), issue_ids=()):
    """Once committed, what readers get follows the change to ``obj``: the cached pages that showed
    it (``before``) or show it now go stale, the PDF of its released issue is made again, and its
    files are public exactly while readers see it.

    An edge may serve the old pages while it fetches the new ones only if readers still see
    ``obj``: then they lack a change, and hold nothing to take back."""
    pagecache.invalidate_on_commit(before | pages_showing(obj), grace=is_public(obj))
    for issue_id in {*issue_ids, getattr(obj, "issue_id", None)} - {None}:
        print_edition.schedule_rebuild(issue_id)
    media.readers_see(obj)


def readers_see_issue(issue):
    pagecache.invalidate_on_commit(
        Article.objects.filter(issue=issue).page_tags() | {pagecache.tag(issue)}, grace=is_public(issue)
    )
    print_edition.schedule_rebuild(issue.pk)
    media.readers_see(issue)


def subscribers_get(issue):
    """Once committed, a released ``issue`` is mailed to its subscribers when readers can see it:
    now, or at its release time (``bulletin.subscriptions``)."""
    subscriptions.mail_when_public(issue)


def is_public(obj):
    return type(obj).objects.public().filter(pk=obj.pk).exists()


def pages_showing(obj):
    """The cache tags of the public pages that show an article or event (publishing.pagecache)."""
    return type(obj).objects.filter(pk=obj.pk).page_tags()
