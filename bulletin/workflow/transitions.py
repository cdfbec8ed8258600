"""The decisions on a piece of content (an article or an event): each checks permission and
state on the locked row, moves the state, logs it and sets off its effects, in one transaction."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bulletin.models import Article, ShareLink
from bulletin.workflow import effects
from bulletin.workflow.revisions import publish_revision
from bulletin.workflow.rules import TransitionRefused, deletion_refusal, permission_of
from bulletin.workflow.state import lock, lock_and_check, log, move
from publishing import notify
from publishing.models import PublicationStatus as S
from publishing.models import ReviewStage


@transaction.atomic
def submit(obj, *, by, comment="", seen_version=None):
    obj = lock_and_check("submit", obj, by, comment, seen_version)
    first = ReviewStage.objects.order_by("order").first()
    move(obj, "submit", to=S.IN_REVIEW, stage=first, by=by, comment=comment)
    effects.tell(notify.awaiting_review, obj)
    return obj


@transaction.atomic
def approve(obj, *, by, comment="", seen_version=None):
    obj = lock_and_check("approve", obj, by, comment, seen_version)
    decided = obj.review_stage
    following = ReviewStage.objects.filter(order__gt=decided.order).order_by("order").first()
    if following is None:
        move(obj, "approve", to=S.APPROVED, stage=None, by=by, comment=comment, decided=decided)
        effects.tell(notify.approved, obj)
    else:
        move(obj, "approve", to=S.IN_REVIEW, stage=following, by=by, comment=comment, decided=decided)
        effects.tell(notify.awaiting_review, obj)
    return obj


@transaction.atomic
def send_back(obj, *, by, comment, seen_version=None):
    obj = lock_and_check("send_back", obj, by, comment, seen_version)
    move(obj, "send_back", to=S.DRAFT, stage=None, by=by, comment=comment, decided=obj.review_stage)
    effects.tell(notify.sent_back, obj)
    return obj


@transaction.atomic
def publish(obj, *, by, at=None, comment="", seen_version=None):
    """Publish now or, with ``at`` in the future, from that moment on (no job needed)."""
    obj = lock_and_check("publish", obj, by, comment, seen_version)
    now = timezone.now()
    at = at or now
    if isinstance(obj, Article) and obj.live_article_id:
        if at > now:
            raise TransitionRefused("修改稿只能立即发布：读者此刻看到的是原稿，定时替换容易出错。")
        return publish_revision(obj, by=by, comment=comment)
    obj.published_at = at
    move(obj, "publish", to=S.PUBLISHED, stage=None, by=by, comment=comment)
    effects.readers_see(obj)
    effects.tell(notify.published, obj)
    return obj


@transaction.atomic
def withdraw(obj, *, by, comment, seen_version=None):
    obj = lock_and_check("withdraw", obj, by, comment, seen_version)
    move(obj, "withdraw", to=S.WITHDRAWN, stage=None, by=by, comment=comment)
    if isinstance(obj, Article):
        # What was shared for review before publication must not outlive the withdrawal.
        ShareLink.objects.filter(Q(article=obj) | Q(article__live_article=obj), revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    effects.readers_see(obj)
    return obj


@transaction.atomic
def reopen(obj, *, by, comment="", seen_version=None):
    obj = lock_and_check("reopen", obj, by, comment, seen_version)
    move(obj, "reopen", to=S.DRAFT, stage=None, by=by, comment=comment)
    return obj


@transaction.atomic
def delete(obj, *, by, seen_version=None):
    """Delete a draft or withdrawn piece: what is in review or was approved or published leaves
    only by a decision (send back, withdraw), which the log keeps."""
    locked = lock(obj)
    if not by.has_perm(permission_of(locked, "delete")):
        raise TransitionRefused(f"您没有删除{locked._meta.verbose_name}的权限。")
    if reason := deletion_refusal(locked, seen_version):
        raise TransitionRefused(reason)
    pk, title = locked.pk, str(locked)
    locked.delete()
    # Written after the deletion, which takes the piece's log with it: the audit trail keeps who
    # deleted what.
    log(locked, "delete", locked.status, locked.status, by=by, comment=f"删除《{title}》", object_id=pk)


TRANSITIONS = {
    "submit": submit,
    "approve": approve,
    "send_back": send_back,
    "publish": publish,
    "withdraw": withdraw,
    "reopen": reopen,
}
