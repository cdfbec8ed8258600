"""Who does the work: the responsible editor (责任编辑) of an article and the reviewer named for
a stage. Each change is logged, checked against what its maker saw, and told to the people it
names; naming a reviewer never lets them decide what the rules of review would not."""

from django.db import transaction

from bulletin.models import ReviewerAssignment
from bulletin.workflow.rules import TransitionRefused, editors_of, may_decide
from bulletin.workflow.state import lock, log
from publishing import notify
from publishing.templatetags.names import full_name

ASSIGN_PERMISSION = "bulletin.assign_article"


def may_assign(article, user):
    """Whether ``user`` may change ``article``'s responsible editor: those who assign work, and
    the responsible editor, who may hand an article on. Reviewers are named only by the first."""
    return user.has_perm(ASSIGN_PERMISSION) or (article.editor_id is not None and article.editor_id == user.pk)


@transaction.atomic
def assign_editor(article, *, editor, by, seen_editor_id):
    """Make ``editor`` (or nobody) the responsible editor of ``article``. ``seen_editor_id`` is the
    responsible editor its maker saw: if someone reassigned it since, nothing changes."""
    article = lock(article)
    if not may_assign(article, by):
        raise TransitionRefused("您没有指定责任编辑的权限。")
    if article.editor_id != seen_editor_id:
        raise TransitionRefused(
            f"《{article}》的责任编辑在您打开页面之后已改为{full_name(article.editor, '无')}，您的指定没有执行，请刷新后再决定。"
        )
    if editor is not None and not (editor.is_active and editor.is_staff and editor.has_perm("bulletin.change_article")):
        raise TransitionRefused(f"{full_name(editor)}不是能编辑稿件的编辑部人员，不能担任责任编辑。")
    if article.editor_id == (editor.pk if editor else None):
        return article
    before = full_name(article.editor, "无")
    article.editor = editor
    article.save(update_fields=["editor"])
    log(
        article,
        "assign",
        article.status,
        article.status,
        by=by,
        comment=f"责任编辑：{before} → {full_name(editor, '无')}",
    )
    if editor is not None and editor != by:
        notify.assigned(article, to=editor, what="请您担任责任编辑", by=by)
    return article


def reviewer_refusal(article, stage, reviewer):
    """Why ``reviewer`` may not be named for ``stage`` of ``article``, or None: the same rules that
    decide who may approve it (the stage's group or a later one, and nobody who wrote the text)."""
    if not (reviewer.is_active and reviewer.has_perm("bulletin.review_article")):
        return f"{full_name(reviewer)}没有审核稿件的权限。"
    if not may_decide(stage, reviewer):
        return f"“{stage}”环节由“{stage.group}”组的成员决定，{full_name(reviewer)}不在其中。"
    if reviewer.pk in editors_of(article):
        return f"{full_name(reviewer)}编辑过或负责本稿，不能审核它。"
    return None


@transaction.atomic
def assign_reviewer(article, *, stage, reviewer, by, seen_reviewer_id):
    """Name ``reviewer`` (or nobody) for ``stage`` of ``article``; ``seen_reviewer_id`` is who was
    named when its maker looked."""
    article = lock(article)
    # Not the responsible editor: whoever prepares a text does not choose who reviews it.
    if not by.has_perm(ASSIGN_PERMISSION):
        raise TransitionRefused("您没有指定审核人的权限。")
    current = ReviewerAssignment.objects.select_for_update().filter(article=article, stage=stage).first()
    current_id = current.reviewer_id if current else None
    if current_id != seen_reviewer_id:
        named = full_name(current.reviewer) if current else "无"
        raise TransitionRefused(
            f"《{article}》的{stage}审核人在您打开页面之后已改为{named}，您的指定没有执行，请刷新后再决定。"
        )
    if reviewer is not None and (reason := reviewer_refusal(article, stage, reviewer)):
        raise TransitionRefused(reason)
    if current_id == (reviewer.pk if reviewer else None):
        return article
    before = full_name(current.reviewer, "无") if current else "无"
    if reviewer is None:
        current.delete()
    else:
        ReviewerAssignment.objects.update_or_create(
            article=article, stage=stage, defaults={"reviewer": reviewer, "assigned_by": by}
        )
    comment = f"{stage}审核人：{before} → {full_name(reviewer, '无')}"
    log(article, "assign", article.status, article.status, by=by, comment=comment, stage=stage)
    if reviewer is not None and reviewer != by:
        notify.assigned(article, to=reviewer, what=f"请您担任“{stage}”环节的审核人", by=by)
    return article
