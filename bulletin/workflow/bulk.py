"""One decision taken on many pieces at once: the selection of a list, or a whole issue.

Each piece is decided on its own, by the same transition and checks as its own page (its own
transaction, lock, permission, separation of duties and log row): a refusal for one leaves the
others decided, and comes back naming the piece and the reason.
"""

from dataclasses import dataclass, field

from bulletin.workflow.rules import TransitionRefused
from bulletin.workflow.transitions import TRANSITIONS
from publishing.models import PublicationStatus as S

# What may be asked of many at once. A decision that needs its own reason (send back, withdraw)
# is taken one piece at a time.
BULK_ACTIONS = ("submit", "approve", "publish")


def at_step(articles, action, user):
    """Those of ``articles`` that ``action`` is for, as ``user`` sees them: the drafts to submit,
    those in review at a stage ``user`` may decide now (never their own), the approved to publish."""
    if action == "approve":
        return articles.awaiting_decision_by(user)
    return articles.filter(status={"submit": S.DRAFT, "publish": S.APPROVED}[action])


@dataclass
class Outcome:
    done: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (piece, why)

    def report(self):
        """The refusals in words, one piece a line: “《标题》：理由”."""
        return [f"《{piece}》：{why}" for piece, why in self.refused]


def decide_each(action, pieces, *, by, comment="", seen_versions=None):
    """Take ``action`` on each of ``pieces`` as ``by``; ``seen_versions`` ({pk: version}), when
    given, refuses a piece that changed since the list was shown, as its own page would."""
    if action not in BULK_ACTIONS:
        raise ValueError(f"not a bulk action: {action}")
    outcome = Outcome()
    for piece in pieces:
        seen = None if seen_versions is None else seen_versions.get(piece.pk)
        if seen_versions is not None and seen is None:
            outcome.refused.append(
                (piece, "您在列表中没有看到它此刻的状态（不在本页，或列表已过期），请在列表中找到它后再选。")
            )
            continue
        try:
            outcome.done.append(TRANSITIONS[action](piece, by=by, comment=comment, seen_version=seen))
        except TransitionRefused as refusal:
            outcome.refused.append((piece, str(refusal)))
    return outcome
