"""Who may do what, in which state: every role × every transition × every state.

The expected table is written out here, from the rules (ALLOWED, the roles' permissions, the
groups of the review stages), rather than computed by the code under test.
"""

import re

import pytest
from django.db import transaction

from bulletin import workflow
from bulletin.models import Article
from publishing.models import ReviewStage, WorkflowLog
from tests import factories as make

pytestmark = pytest.mark.django_db

ROLES = ["editor", "reviewer", "chief", "superuser", "nobody"]

# ✓ allowed · 状态 refused in this state · 权限 refused for want of the permission ·
# 环节 refused because another group decides this review stage (a stage's own group and the groups
# of later stages decide it: the chief, who decides 终审, may also decide 初审 and 复审).
MATRIX = """
            state      editor  reviewer  chief  superuser  nobody
submit      draft      ✓       权限      ✓      ✓          权限
submit      初审       状态    状态      状态   状态       状态
submit      复审       状态    状态      状态   状态       状态
submit      终审       状态    状态      状态   状态       状态
submit      approved   状态    状态      状态   状态       状态
submit      published  状态    状态      状态   状态       状态
submit      withdrawn  状态    状态      状态   状态       状态
approve     draft      状态    状态      状态   状态       状态
approve     初审       权限    ✓         ✓      ✓          权限
approve     复审       权限    ✓         ✓      ✓          权限
approve     终审       权限    环节      ✓      ✓          权限
approve     approved   状态    状态      状态   状态       状态
approve     published  状态    状态      状态   状态       状态
approve     withdrawn  状态    状态      状态   状态       状态
send_back   draft      状态    状态      状态   状态       状态
send_back   初审       权限    ✓         ✓      ✓          权限
send_back   复审       权限    ✓         ✓      ✓          权限
send_back   终审       权限    环节      ✓      ✓          权限
send_back   approved   权限    ✓         ✓      ✓          权限
send_back   published  状态    状态      状态   状态       状态
send_back   withdrawn  状态    状态      状态   状态       状态
publish     draft      状态    状态      状态   状态       状态
publish     初审       状态    状态      状态   状态       状态
publish     复审       状态    状态      状态   状态       状态
publish     终审       状态    状态      状态   状态       状态
publish     approved   权限    权限      ✓      ✓          权限
publish     published  状态    状态      状态   状态       状态
publish     withdrawn  状态    状态      状态   状态       状态
withdraw    draft      状态    状态      状态   状态       状态
withdraw    初审       状态    状态      状态   状态       状态
withdraw    复审       状态    状态      状态   状态       状态
withdraw    终审       状态    状态      状态   状态       状态
withdraw    approved   状态    状态      状态   状态       状态
withdraw    published  权限    权限      ✓      ✓          权限
withdraw    withdrawn  状态    状态      状态   状态       状态
reopen      draft      状态    状态      状态   状态       状态
reopen      初审       状态    状态      状态   状态       状态
reopen      复审       状态    状态      状态   状态       状态
reopen      终审       状态    状态      状态   状态       状态
reopen      approved   状态    状态      状态   状态       状态
reopen      published  状态    状态      状态   状态       状态
reopen      withdrawn  ✓       权限      ✓      ✓          权限
"""

# What an allowed transition leads to: (status, review stage).
OUTCOMES = {
    ("submit", "draft"): ("in_review", "初审"),
    ("approve", "初审"): ("in_review", "复审"),
    ("approve", "复审"): ("in_review", "终审"),
    ("approve", "终审"): ("approved", None),
    ("send_back", "初审"): ("draft", None),
    ("send_back", "复审"): ("draft", None),
    ("send_back", "终审"): ("draft", None),
    ("send_back", "approved"): ("draft", None),
    ("publish", "approved"): ("published", None),
    ("withdraw", "published"): ("withdrawn", None),
    ("reopen", "withdrawn"): ("draft", None),
}

# Test ids stay ASCII so that pytest prints them readably.
STATE_IDS = {"初审": "stage1", "复审": "stage2", "终审": "stage3"}

# How each kind of refusal reads to the user.
REASONS = {"状态": "状态下不能", "权限": "您没有", "环节": "环节由"}


def matrix_cases():
    lines = MATRIX.strip().splitlines()
    assert lines[0].split() == ["state", *ROLES]
    cases = []
    for line in lines[1:]:
        action, state, *cells = line.split()
        for role, expected in zip(ROLES, cells, strict=True):
            state_id = STATE_IDS.get(state, state)
            cases.append(pytest.param(role, action, state, expected, id=f"{role}-{action}-{state_id}"))
    return cases


def test_matrix_covers_every_transition_in_every_state():
    rows = {tuple(line.split()[:2]) for line in MATRIX.strip().splitlines()[1:]}
    states = ["draft", "初审", "复审", "终审", "approved", "published", "withdrawn"]

    assert rows == {(action, state) for action in workflow.TRANSITIONS for state in states}


def article_in(state, *, author):
    """A web-only article by ``author`` in ``state`` (a status, or the name of a review stage)."""
    if state in ("初审", "复审", "终审"):
        return make.in_review(at=state, by=author)
    return make.article(None, status=state, created_by=author, updated_by=author)


def actor(role, newsroom):
    # The author of the article is never the actor, so separation of duties stays out of the way.
    return make.editor("another-editor") if role == "editor" else getattr(newsroom, role)


def snapshot(article):
    article = Article.objects.get(pk=article.pk)
    return {
        "status": article.status,
        "stage": article.review_stage_id,
        "published_at": article.published_at,
        "updated_by": article.updated_by_id,
        "version": article.version,
        "history": article.history.count(),
        "log": WorkflowLog.objects.count(),
    }


@pytest.mark.parametrize(("role", "action", "state", "expected"), matrix_cases())
def test_transition_is_allowed_or_refused_as_the_rules_say(newsroom, role, action, state, expected):
    article = article_in(state, author=newsroom.author)
    user = actor(role, newsroom)
    before = snapshot(article)

    if expected == "✓":
        workflow.TRANSITIONS[action](article, by=user, comment="意见")
        article.refresh_from_db()
        status, stage = OUTCOMES[action, state]
        assert (article.status, article.review_stage and article.review_stage.name) == (status, stage)
        entry = WorkflowLog.objects.get(object_id=article.pk, action=action)
        assert (entry.actor, entry.from_status, entry.to_status) == (user, before["status"], status)
    else:
        with pytest.raises(workflow.TransitionRefused) as refused:
            workflow.TRANSITIONS[action](article, by=user, comment="意见")
        message = str(refused.value)
        assert re.search(r"[\u4e00-\u9fff]", message)
        assert REASONS[expected] in message, message
        assert snapshot(article) == before


class Undo(Exception):
    pass


def may(action, article, user):
    """Whether ``action`` actually goes through, tried in a savepoint that is then rolled back."""
    try:
        with transaction.atomic():
            workflow.TRANSITIONS[action](Article.objects.get(pk=article.pk), by=user, comment="意见")
            raise Undo
    except Undo:
        return True
    except workflow.TransitionRefused:
        return False


def representative(role, state, expected):
    return pytest.param(role, state, expected, id=f"{role}-{STATE_IDS.get(state, state)}")


@pytest.mark.parametrize(
    ("role", "state", "expected"),
    [
        representative("editor", "draft", ["submit"]),
        representative("editor", "初审", []),
        representative("reviewer", "初审", ["approve", "send_back"]),
        representative("reviewer", "终审", []),
        representative("chief", "终审", ["approve", "send_back"]),
        representative("chief", "approved", ["send_back", "publish"]),
        representative("superuser", "published", ["withdraw"]),
        representative("editor", "withdrawn", ["reopen"]),
        representative("nobody", "初审", []),
    ],
)
def test_available_actions_are_exactly_those_that_go_through(newsroom, role, state, expected):
    article = article_in(state, author=newsroom.author)
    user = actor(role, newsroom)

    assert workflow.available_actions(article, user) == expected
    assert [action for action in workflow.TRANSITIONS if may(action, article, user)] == expected


def test_available_actions_leave_out_approving_what_the_reviewer_last_edited(newsroom):
    article = make.in_review(at="初审", by=newsroom.author)
    Article.objects.filter(pk=article.pk).update(updated_by=newsroom.reviewer)
    article.refresh_from_db()

    assert workflow.available_actions(article, newsroom.reviewer) == ["send_back"]
    assert not may("approve", article, newsroom.reviewer)
    assert may("send_back", article, newsroom.reviewer)


@pytest.fixture
def queue(newsroom):
    """Articles in every situation a reviewer's queue must get right, reached through the workflow."""
    n = newsroom

    def submitted(title, *, by=None):
        article = make.draft(by=by or n.author, title=title)
        workflow.submit(article, by=n.author)
        return article

    submitted("初审待审")
    workflow.approve(submitted("复审，审核甲已审初审"), by=n.reviewer)
    earlier_round = submitted("复审，审核甲只在上一轮审过")
    workflow.approve(earlier_round, by=n.reviewer)
    workflow.send_back(earlier_round, by=n.second_reviewer, comment="补充数据")
    workflow.submit(earlier_round, by=n.author)
    workflow.approve(earlier_round, by=n.second_reviewer)
    final = submitted("终审待审")
    workflow.approve(final, by=n.reviewer)
    workflow.approve(final, by=n.second_reviewer)
    make.in_review(at="初审", by=n.reviewer, title="审核甲写的")
    edited = make.in_review(at="初审", by=n.author, title="审核甲改过的")
    Article.objects.filter(pk=edited.pk).update(updated_by=n.reviewer)
    make.draft(by=n.author, title="草稿")
    n.approved(title="已通过")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("reviewer", {"初审待审", "复审，审核甲只在上一轮审过"}),
        ("second_reviewer", {"初审待审", "复审，审核甲已审初审", "审核甲写的", "审核甲改过的"}),
        (
            "chief",
            {
                "初审待审",
                "复审，审核甲已审初审",
                "复审，审核甲只在上一轮审过",
                "终审待审",
                "审核甲写的",
                "审核甲改过的",
            },
        ),
        (
            "superuser",
            {
                "初审待审",
                "复审，审核甲已审初审",
                "复审，审核甲只在上一轮审过",
                "终审待审",
                "审核甲写的",
                "审核甲改过的",
            },
        ),
        ("author", set()),
        ("nobody", set()),
    ],
)
def test_the_review_queue_lists_exactly_what_the_user_may_approve(newsroom, queue, role, expected):
    user = getattr(newsroom, role)

    listed = {a.title for a in Article.objects.awaiting_decision_by(user)}
    approvable = {a.title for a in Article.objects.all() if "approve" in workflow.available_actions(a, user)}

    assert listed == expected
    assert approvable == expected


def test_the_review_queue_leaves_out_stages_of_a_group_without_the_review_permission(newsroom):
    """Stages are configured in the admin, so a stage may be given to a group lacking the permission."""
    outside = make.group("外审专家")
    ReviewStage.objects.filter(name="初审").update(group=outside)
    expert = make.user("expert", groups=["外审专家"], is_staff=True)
    article = make.in_review(at="初审", by=newsroom.author, title="初审待审")

    assert workflow.available_actions(article, expert) == []
    assert list(Article.objects.awaiting_decision_by(expert)) == []
