"""Comments on drafts (批注): on the whole article or on a quoted passage, replies, and resolving
a thread. The people an article concerns are told, in the admin and by mail, once committed.

Comments are part of the review record, not of the text: they never change the article or its
version, and no public page, feed or API reads them.
"""

import re

from django.db import transaction
from django.utils import timezone

from bulletin.models import Comment, ReviewerAssignment
from bulletin.workflow.rules import TransitionRefused
from publishing import notify
from publishing.diff import text_of
from publishing.templatetags.names import full_name

QUOTE_LIMIT = 500


def may_comment(user):
    """Editors and reviewers comment; comments belong to the office."""
    return (
        user.is_active
        and user.is_staff
        and (user.has_perm("bulletin.change_article") or user.has_perm("bulletin.review_article"))
    )


def _words(text):
    return re.sub(r"\s+", "", text)


def _require_commenter(user):
    if not may_comment(user):
        raise TransitionRefused("只有编辑和审核人员可以批注稿件。")


def _require_text(text):
    text = text.strip()
    if not text:
        raise TransitionRefused("批注内容不能为空。")
    return text


@transaction.atomic
def add_comment(article, *, by, text, quote=""):
    """A new thread on ``article``: on the passage ``quote`` if given, which must be in its text
    (title, subtitle, summary or body) as it is now."""
    _require_commenter(by)
    text = _require_text(text)
    quote = quote.strip()
    if len(quote) > QUOTE_LIMIT:
        raise TransitionRefused(f"引用的原文太长（{len(quote)}字），请只选择需要批注的一段，不超过{QUOTE_LIMIT}字。")
    if quote:
        whole = "".join(
            _words(part) for part in (article.title, article.subtitle, article.summary, text_of(article.body))
        )
        if _words(quote) not in whole:
            raise TransitionRefused("引用的文字不在本稿当前的正文中，可能已被修改。请重新选择要批注的文字。")
    comment = Comment.objects.create(article=article, author=by, text=text, quote=quote)
    _tell(article, comment, by, concerned=set())
    return comment


def _lock_thread(thread):
    try:
        return (
            Comment.objects.select_for_update(of=("self",))
            .select_related("article")
            .get(pk=thread.pk, parent__isnull=True)
        )
    except Comment.DoesNotExist:
        raise TransitionRefused("这条批注已不存在。") from None


@transaction.atomic
def reply(thread, *, by, text):
    """A reply to ``thread``; a reply to a resolved thread opens it again, since someone still
    has something to say."""
    _require_commenter(by)
    text = _require_text(text)
    thread = _lock_thread(thread)
    if thread.resolved_at:
        thread.resolved_at = thread.resolved_by = None
        thread.save(update_fields=["resolved_at", "resolved_by"])
    answer = Comment.objects.create(article=thread.article, parent=thread, author=by, text=text)
    in_thread = {thread.author_id, *thread.replies.values_list("author_id", flat=True)}
    _tell(thread.article, answer, by, concerned=in_thread)
    return answer


@transaction.atomic
def resolve(thread, *, by, seen_last_id):
    """Mark ``thread`` resolved. ``seen_last_id`` is the newest comment of the thread its maker
    saw: a reply written since keeps it open, so nobody closes what they have not read."""
    _require_commenter(by)
    thread = _lock_thread(thread)
    if thread.resolved_at:
        when = timezone.localtime(thread.resolved_at)
        raise TransitionRefused(f"这条批注已由{full_name(thread.resolved_by)}于{when:%Y-%m-%d %H:%M}标记为已解决。")
    last = thread.replies.order_by("-created_at", "-pk").values_list("pk", flat=True).first() or thread.pk
    if last != seen_last_id:
        raise TransitionRefused("这条批注在您打开页面之后有了新的回复，请先阅读后再决定是否解决。")
    thread.resolved_at = timezone.now()
    thread.resolved_by = by
    thread.save(update_fields=["resolved_at", "resolved_by"])
    return thread


def concerned_with(article):
    """Whom a comment on ``article`` concerns: its responsible editor, its creator and the
    reviewers named for it."""
    named = ReviewerAssignment.objects.filter(article=article).values_list("reviewer_id", flat=True)
    return {article.editor_id, article.created_by_id, *named} - {None}


def _tell(article, comment, by, *, concerned):
    recipients = (concerned | concerned_with(article)) - {by.pk}
    notify.commented(article, comment, recipients=recipients, by=by)
