"""What may happen to a piece of content, and who may do it: the questions the admin asks
(``available_actions``, ``refusal``) and the transitions ask again on the server."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from bulletin.models import Article, Submission
from publishing.models import ACTION_LABELS, EDITS, ROUND_STARTS, ReviewStage, WorkflowLog
from publishing.models import PublicationStatus as S
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


def refusal(action, obj, user):
    """Why ``user`` may not take ``action`` on ``obj`` now, or None if they may."""
    rule = ALLOWED[action]
    if obj.status not in rule.sources:
        return f"“{obj.get_status_display()}”状态下不能{ACTION_LABELS[action]}。"
    if not user.has_perm(permission_of(obj, rule.permission)):
        return f"您没有“{ACTION_LABELS[action]}”的权限。"
    if action == "approve":
        return _review_refusal(obj, user)
    if action == "send_back" and obj.status == S.IN_REVIEW and not may_decide(obj.review_stage, user):
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
    if isinstance(obj, Article) and Submission.objects.filter(article=obj).exists():
        # Its contributor follows it and the office counts it: it leaves by 不采用, with a reason.
        return f"《{obj}》是通讯员的来稿，不能删除；不刊用请在来稿页面点“不采用”并说明理由。"
    return None


def available_actions(obj, user):
    """The transitions ``user`` may take on ``obj`` now, in the order buttons are shown."""
    return [action for action in ALLOWED if refusal(action, obj, user) is None]


def deciders_this_round(obj):
    """Who has already decided a stage since this round of review began."""
    log = list(log_of(obj).order_by("-at", "-pk"))
    deciders = set()
    for entry in log:
        if entry.action in ROUND_STARTS:
            break
        if entry.action == "approve":
            deciders.add(entry.actor_id)
    return deciders


def editors_of(obj):
    """Everyone whose work the text is: its creator, its last editor, its responsible editor
    (责任编辑) and, from the log, each person who changed it since. None of them may approve it."""
    editors = set(log_of(obj).filter(action__in=EDITS).values_list("actor_id", flat=True))
    return (editors | {obj.created_by_id, obj.updated_by_id, getattr(obj, "editor_id", None)}) - {None}


def stale_refusal(obj, seen_version):
    """Why a request made on version ``seen_version`` of ``obj`` (as stored now) may not go ahead,
    naming the latest change since, or None if nothing changed."""
    if seen_version is None or obj.version == seen_version:
        return None
    return f"《{obj}》在您打开页面之后有了新的变化：{last_change(obj)}。您的操作没有执行，请查看最新内容后再决定。"


def last_change(obj):
    """Who last changed ``obj`` and how, in words: “王芳 于 2026-12-04 09:30 审核通过（初审）”."""
    entry = log_of(obj).select_related("actor").order_by("-at", "-pk").first()
    if entry is not None and entry.at >= obj.updated_at:
        what = entry.get_action_display() + (f"（{entry.stage_name}）" if entry.action == "approve" else "")
        if entry.action in EDITS and entry.comment:
            what = entry.comment
        who, at = entry.actor, entry.at
    else:
        who, at, what = obj.updated_by, obj.updated_at, "修改了内容"
    return f"{full_name(who, '某位同事')} 于 {timezone.localtime(at):%Y-%m-%d %H:%M} {what}"


def permission_of(obj, verb):
    return f"{obj._meta.app_label}.{verb}_{obj._meta.model_name}"


def may_decide(stage, user):
    """Members of a stage's group decide it, and so do those of any later stage (主编 can do
    what a reviewer can)."""
    if user.is_superuser:
        return True
    return ReviewStage.objects.filter(order__gte=stage.order, group__user=user).exists()


def _review_refusal(obj, user):
    stage = obj.review_stage
    if not may_decide(stage, user):
        return f"“{stage}”环节由“{stage.group}”组的成员决定。"
    kind = obj._meta.verbose_name
    if user.pk == getattr(obj, "editor_id", None):
        return f"您是本{kind}的责任编辑，不能审核它。"
    if user.pk in editors_of(obj):
        return f"不能审核自己创建或修改过的{kind}。"
    if user.pk in deciders_this_round(obj):
        return f"同一{kind}的各审核环节须由不同的人决定，您已审过前一环节。"
    return None


def log_of(obj):
    return WorkflowLog.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
