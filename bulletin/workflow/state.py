"""How a transition changes the state: the row locked and read as it is now, the state moved and
its version bumped, the log written. Every transition goes through these."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from bulletin import contributions
from bulletin.models import Article
from bulletin.workflow.rules import COMMENT_REQUIRED, TransitionRefused, refusal, stale_refusal
from publishing.models import WorkflowLog


def lock(obj):
    """``obj`` as stored now, its row locked until the transaction ends."""
    try:
        return type(obj).objects.select_for_update(of=("self",)).select_related("review_stage").get(pk=obj.pk)
    except type(obj).DoesNotExist:
        raise TransitionRefused(
            f"《{obj}》已不存在：它已被删除，或（修改稿）已发布并替换了原稿。请回到列表查看。"
        ) from None


def lock_and_check(action, obj, by, comment, seen_version=None):
    locked = lock(obj)
    reason = stale_refusal(locked, seen_version) or refusal(action, locked, by)
    if reason is None and action in COMMENT_REQUIRED and not comment.strip():
        reason = COMMENT_REQUIRED[action]
    if reason:
        raise TransitionRefused(reason)
    return locked


def move(obj, action, *, to, stage, by, comment, decided=None, restart=False):
    source = obj.status
    obj.status = to
    if stage != obj.review_stage or to != source or restart:
        obj.stage_entered_at = timezone.now() if stage else None
    obj.review_stage = stage
    obj.version += 1
    # Decisions are not edits: the last editor stays who last changed the text.
    obj.save(update_fields=["status", "review_stage", "stage_entered_at", "published_at", "version"])
    log(obj, action, source, to, by=by, comment=comment, stage=decided or stage)


def log(obj, action, source, to, *, by, comment="", stage=None, object_id=None):
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
    if isinstance(obj, Article) and object_id is None:
        # Whatever the office does to a contributed piece may be a moment its contributor hears of.
        contributions.announce_if_contributed(obj)


def label(obj, name):
    """What an editor calls a field or an inline of ``obj``: “标题”, “稿件人物”."""
    field = obj._meta.get_field(name)
    if field.is_relation and field.auto_created:
        return str(field.related_model._meta.verbose_name)
    return str(field.verbose_name)
