"""The editorial workflow: every change of state of an article, an event or an issue.

Each transition is a plain function that checks the actor's permission and the current state,
changes the state, writes a ``WorkflowLog`` row and queues its notification (and, when readers
see the change, makes the cached pages that show it stale (``publishing.pagecache``) and
rebuilds the PDF of a released issue (``bulletin.print_edition``)), in one transaction.
``ALLOWED`` is the single table of what may happen in which state; the admin asks
``available_actions()`` which buttons to show, and the functions check again on the server.

Several people act at once. Each function locks the row before it reads the state, every change
bumps ``version``, and a request that says which version its user saw (``seen_version``) is
refused if anything happened since, with who did what: a decision is never applied to a state
its maker did not see. Saving content never writes the state (``models.StatefulModel``); the
admin reports what it changed through ``record_edit``, which is what separation of duties reads.

Pieces sent in by contributors (``contributions``) are articles too: their submission, the
office's answers to them and theirs to the office are verbs of the same kind.

Articles and events share the mechanism (both are ``Reviewable``); a published article is
edited through a pending revision (``start_revision``) so readers keep the reviewed text.
"""

from bulletin.workflow.assign import ASSIGN_PERMISSION, assign_editor, assign_reviewer, may_assign, reviewer_refusal
from bulletin.workflow.bulk import BULK_ACTIONS, at_step, decide_each
from bulletin.workflow.comments import add_comment, may_comment, reply, resolve
from bulletin.workflow.contributions import (
    CONTRIBUTORS,
    OFFICE_PERMISSION,
    PROOF_DAYS,
    answer_proof,
    contributor_refusal,
    decide_registration,
    decline,
    invite,
    record_submission,
    register,
    return_to_contributor,
    revise_piece,
    send_proof,
    submit_documents,
    submit_piece,
)
from bulletin.workflow.edits import record_edit
from bulletin.workflow.issues import release_issue, unpublish_issue
from bulletin.workflow.revisions import REVISED_FIELDS, restore, start_revision
from bulletin.workflow.rules import (
    ALLOWED,
    COMMENT_REQUIRED,
    DELETABLE,
    LAYOUT_FIELDS,
    TransitionRefused,
    available_actions,
    deciders_this_round,
    deletion_refusal,
    editors_of,
    last_change,
    may_decide,
    permission_of,
    refusal,
    stale_refusal,
)
from bulletin.workflow.state import lock
from bulletin.workflow.transitions import (
    TRANSITIONS,
    approve,
    delete,
    publish,
    reopen,
    send_back,
    submit,
    withdraw,
)

__all__ = [
    "ALLOWED",
    "ASSIGN_PERMISSION",
    "BULK_ACTIONS",
    "COMMENT_REQUIRED",
    "CONTRIBUTORS",
    "DELETABLE",
    "LAYOUT_FIELDS",
    "OFFICE_PERMISSION",
    "PROOF_DAYS",
    "REVISED_FIELDS",
    "TRANSITIONS",
    "TransitionRefused",
    "add_comment",
    "answer_proof",
    "approve",
    "assign_editor",
    "assign_reviewer",
    "at_step",
    "available_actions",
    "contributor_refusal",
    "decide_each",
    "decide_registration",
    "deciders_this_round",
    "decline",
    "delete",
    "deletion_refusal",
    "editors_of",
    "invite",
    "last_change",
    "lock",
    "may_assign",
    "may_comment",
    "may_decide",
    "permission_of",
    "publish",
    "record_edit",
    "record_submission",
    "refusal",
    "register",
    "release_issue",
    "reopen",
    "reply",
    "resolve",
    "restore",
    "return_to_contributor",
    "reviewer_refusal",
    "revise_piece",
    "send_back",
    "send_proof",
    "stale_refusal",
    "start_revision",
    "submit",
    "submit_documents",
    "submit_piece",
    "unpublish_issue",
    "withdraw",
]
