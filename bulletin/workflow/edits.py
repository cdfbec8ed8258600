"""Changes of the text, as the workflow records them: who wrote what decides who may approve it,
and a change in review starts the round again."""

from django.db import transaction

from bulletin.workflow import effects
from bulletin.workflow.rules import LAYOUT_FIELDS
from bulletin.workflow.state import label, lock, log, move
from publishing import notify
from publishing.models import PublicationStatus as S
from publishing.models import ReviewStage


@transaction.atomic
def record_edit(obj, *, by, fields):
    """Record that ``by`` changed ``fields`` (names of fields or inlines) of ``obj``, saved in this
    transaction: whoever changes the text may not approve it (``editors_of``). A change of the text
    in review starts the round again at the first stage, since the approvals so far were given to
    a text that is gone; the log says why, for the reviewers."""
    changed = [name for name in fields if name not in LAYOUT_FIELDS]
    if not changed:
        return obj
    obj = lock(obj)
    labels = "、".join(label(obj, name) for name in changed)
    if obj.status == S.IN_REVIEW:
        first = ReviewStage.objects.order_by("order").first()
        comment = f"修改了{labels}，此前的审核意见不再有效，从“{first}”重新审核"
        move(obj, "restart", to=S.IN_REVIEW, stage=first, by=by, comment=comment, restart=True)
        effects.tell(notify.awaiting_review, obj)
    else:
        log(obj, "edit", obj.status, obj.status, by=by, comment=f"修改了{labels}")
    return obj
