"""Deciding many articles at once: a whole issue from a script, and the selection of a list.

Each article is still decided on its own, with the checks of its own page, and logged.
"""

import io
import time

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from bulletin import workflow
from bulletin.models import Article, Issue
from publishing.models import PublicationStatus as S
from publishing.models import WorkflowLog
from tests import factories as make
from tests.conftest import Page

pytestmark = pytest.mark.django_db

ISSUE = "2026年第3期"


def advance(action, user, *extra):
    out, err = io.StringIO(), io.StringIO()
    call_command("advance_issue", ISSUE, action, "--user", user.username, *extra, stdout=out, stderr=err)
    return out.getvalue()


def actions_logged(article):
    return list(WorkflowLog.objects.filter(object_id=article.pk).order_by("at", "pk").values_list("action", flat=True))


def test_an_issue_of_sixty_articles_goes_from_drafts_to_released_with_every_decision_logged(newsroom, draft_issue):
    articles = [make.draft(draft_issue, by=newsroom.author, title=f"第{n}篇报道") for n in range(60)]
    third = make.reviewer("reviewer3")
    started = time.monotonic()

    assert "提交审核 60 篇" in advance("submit", newsroom.author)
    assert "审核通过 60 篇" in advance("approve", newsroom.reviewer, "--comment", "初审通过")
    assert "审核通过 60 篇" in advance("approve", newsroom.second_reviewer)
    assert "审核通过 60 篇" in advance("approve", newsroom.chief)
    advance("release", newsroom.chief)

    assert time.monotonic() - started < 120  # minutes by hand; a generous bound, not a benchmark
    draft_issue.refresh_from_db()
    assert draft_issue.status == Issue.Status.PUBLISHED
    assert set(Article.objects.filter(issue=draft_issue).values_list("status", flat=True)) == {S.PUBLISHED}
    for article in articles:
        assert actions_logged(article)[:4] == ["submit", "approve", "approve", "approve"]
    deciders = WorkflowLog.objects.filter(object_id=articles[0].pk, action="approve").values_list("actor", flat=True)
    assert len(set(deciders)) == 3
    assert third.pk not in deciders
    assert WorkflowLog.objects.filter(object_id=articles[0].pk, action="approve", comment="初审通过").exists()


def test_a_reviewer_is_never_given_the_articles_they_wrote(newsroom, draft_issue):
    own = make.in_review(draft_issue, at="初审", by=newsroom.reviewer, title="自己写的稿件")
    other = make.in_review(draft_issue, at="初审", by=newsroom.author, title="别人写的稿件")

    output = advance("approve", newsroom.reviewer)

    assert "审核通过 1 篇；本期另有 1 篇不在这一步" in output
    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.review_stage.name, other.review_stage.name) == ("初审", "复审")


def test_refusals_are_listed_by_article_and_the_rest_stands(newsroom, draft_issue):
    fine = make.draft(draft_issue, by=newsroom.author, title="可以提交的稿件")
    gone = make.draft(draft_issue, by=newsroom.author, title="刚被删掉的稿件")
    stale = make.draft(draft_issue, by=newsroom.author, title="刚被改过的稿件")
    Article.objects.filter(pk=gone.pk).delete()
    seen = {fine.pk: fine.version, gone.pk: gone.version, stale.pk: stale.version - 1}

    outcome = workflow.decide_each("submit", [fine, gone, stale], by=newsroom.author, seen_versions=seen)

    assert [article.pk for article in outcome.done] == [fine.pk]
    report = outcome.report()
    assert report[0].startswith("《刚被删掉的稿件》：") and "已不存在" in report[0]
    assert report[1].startswith("《刚被改过的稿件》：") and "有了新的变化" in report[1]
    assert Article.objects.get(pk=fine.pk).status == S.IN_REVIEW
    assert Article.objects.get(pk=stale.pk).status == S.DRAFT


def test_a_decision_that_needs_its_own_reason_is_never_taken_in_bulk(newsroom, draft_issue):
    article = make.in_review(draft_issue, at="初审", by=newsroom.author)

    with pytest.raises(ValueError):
        workflow.decide_each("send_back", [article], by=newsroom.reviewer, comment="统一退回")
    assert Article.objects.get(pk=article.pk).status == S.IN_REVIEW


def test_the_command_refuses_a_release_the_issue_is_not_ready_for(newsroom, draft_issue):
    make.draft(draft_issue, by=newsroom.author, title="还没审完的稿件")

    with pytest.raises(CommandError, match="《还没审完的稿件》（草稿）"):
        advance("release", newsroom.chief)
    draft_issue.refresh_from_db()
    assert draft_issue.status == Issue.Status.DRAFT


def test_the_command_reports_refusals_and_ends_with_an_error(newsroom, draft_issue):
    make.draft(draft_issue, by=newsroom.author)

    with pytest.raises(CommandError, match="1 篇未能提交审核"):
        advance("submit", newsroom.nobody)
    assert not WorkflowLog.objects.filter(action="submit").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([ISSUE, "submit", "--user", "nobody-here"], "没有名为“nobody-here”的在职用户。"),
        (["2031年第1期", "submit", "--user", "author"], "没有找到期刊“2031年第1期”。"),
        (["3", "submit", "--user", "author"], "“3”不止指一期"),
    ],
)
def test_the_command_explains_bad_input_in_chinese(newsroom, draft_issue, arguments, message):
    make.issue(year=2025, number=3)

    with pytest.raises(CommandError, match=message):
        call_command("advance_issue", *arguments, stdout=io.StringIO())


# The list's actions --------------------------------------------------------------------------------

ARTICLES = reverse("admin:bulletin_article_changelist")


def offered_actions(client, read_page):
    page = read_page(client.get(ARTICLES))
    select = page.find("select", name="action")
    return {option.get("value") for option in select.element.iter("option")} - {""}


def decide_in_list(client, action, articles, *, versions=None):
    """Post the list's form as a browser does: the ticked rows, the action, each row's version."""
    versions = versions or {article.pk: article.version for article in articles}
    data = {"action": action, "index": 0, "_selected_action": [article.pk for article in articles]}
    data |= {f"seen_version_{pk}": version for pk, version in versions.items()}
    return client.post(ARTICLES, data, follow=True)


@pytest.mark.parametrize(
    ("role", "offered", "not_offered"),
    [
        ("author", {"submit_selected"}, {"approve_selected", "publish_selected"}),
        ("reviewer", {"approve_selected"}, {"submit_selected", "publish_selected"}),
        ("chief", {"submit_selected", "approve_selected", "publish_selected"}, set()),
    ],
)
def test_the_list_offers_only_the_decisions_the_user_may_take(newsroom, client, read_page, role, offered, not_offered):
    make.draft(by=newsroom.author)  # a list without rows offers no actions at all
    client.force_login(getattr(newsroom, role))

    actions = offered_actions(client, read_page)

    assert offered <= actions
    assert not (not_offered & actions)


def test_a_reviewer_approves_the_selection_and_learns_which_were_not_theirs_to_approve(
    newsroom, client, read_page, draft_issue
):
    theirs = [make.in_review(draft_issue, at="初审", by=newsroom.author, title=f"待审稿件{n}") for n in range(2)]
    own = make.in_review(draft_issue, at="初审", by=newsroom.reviewer, title="审核人自己写的稿件")
    client.force_login(newsroom.reviewer)

    page = read_page(decide_in_list(client, "approve_selected", [*theirs, own]))

    messages = page.messages()
    assert any("已审核通过 2 篇稿件" in m for m in messages)
    assert any(
        "1 篇稿件未能审核通过" in m and "《审核人自己写的稿件》：不能审核自己创建或修改过的稿件" in m for m in messages
    )
    assert [Article.objects.get(pk=a.pk).review_stage.name for a in theirs] == ["复审", "复审"]
    assert Article.objects.get(pk=own.pk).review_stage.name == "初审"
    assert WorkflowLog.objects.filter(action="approve", actor=newsroom.reviewer).count() == 2


def test_a_row_that_changed_after_the_list_was_shown_is_not_decided(newsroom, client, read_page, draft_issue):
    article = make.in_review(draft_issue, at="初审", by=newsroom.author, title="列表打开后被退回的稿件")
    shown = article.version
    workflow.send_back(article, by=newsroom.second_reviewer, comment="数据要核实")
    workflow.submit(article, by=newsroom.author)
    client.force_login(newsroom.reviewer)

    page = read_page(decide_in_list(client, "approve_selected", [article], versions={article.pk: shown}))

    assert any("《列表打开后被退回的稿件》：" in m and "有了新的变化" in m for m in page.messages())
    assert not WorkflowLog.objects.filter(action="approve").exists()


def test_a_forged_bulk_decision_the_user_may_not_take_changes_nothing(newsroom, client, draft_issue):
    article = make.in_review(draft_issue, at="初审", by=newsroom.reviewer)
    client.force_login(newsroom.author)

    decide_in_list(client, "approve_selected", [article])

    assert Article.objects.get(pk=article.pk).review_stage.name == "初审"
    assert not WorkflowLog.objects.filter(action="approve").exists()


# A step for the whole issue, from its page ------------------------------------------------------------


def issue_page(client, read_page, issue):
    return read_page(client.get(reverse("admin:bulletin_issue_change", args=[issue.pk])))


def take_step(client, page, action, *, selected=()):
    """Press the issue page's button for ``action`` as the page showed it, with ``selected`` rows ticked."""
    button = page.find("button", id=f"issue-{action}")
    data = page.form("issue-steps-form") | {"selected": [str(article.pk) for article in selected]}
    return client.post(button.element.get("formaction"), data, follow=True)


@pytest.mark.parametrize(
    ("role", "buttons"),
    [
        ("author", ["提交本期全部草稿（2 篇）"]),
        ("reviewer", ["审核通过我此刻可审的稿件（1 篇）"]),
        ("chief", ["提交本期全部草稿（2 篇）", "审核通过我此刻可审的稿件（1 篇）", "发布本期已通过的稿件（0 篇）"]),
    ],
)
def test_the_issue_page_offers_each_user_the_steps_they_may_take_with_how_many_articles(
    newsroom, client, read_page, draft_issue, role, buttons
):
    make.draft(draft_issue, by=newsroom.author)
    make.draft(draft_issue, by=newsroom.author)
    make.in_review(draft_issue, at="初审", by=newsroom.author)
    client.force_login(getattr(newsroom, role))

    steps = issue_page(client, read_page, draft_issue).find("section", id="issue-steps")

    assert [button.text for button in map(Page, steps.element.iter("button"))] == buttons


def test_a_reviewer_approves_from_the_issue_page_all_that_waits_for_them_and_nothing_else(
    newsroom, client, read_page, draft_issue
):
    waiting = [make.in_review(draft_issue, at="初审", by=newsroom.author) for _ in range(3)]
    own = make.in_review(draft_issue, at="初审", by=newsroom.reviewer)
    chiefs = make.in_review(draft_issue, at="终审", by=newsroom.author)
    client.force_login(newsroom.reviewer)

    page = read_page(take_step(client, issue_page(client, read_page, draft_issue), "approve"))

    assert any("已审核通过 3 篇稿件" in m for m in page.messages()), page.messages()
    assert {Article.objects.get(pk=a.pk).review_stage.name for a in waiting} == {"复审"}
    assert Article.objects.get(pk=own.pk).review_stage.name == "初审"
    assert Article.objects.get(pk=chiefs.pk).review_stage.name == "终审"


def test_only_the_ticked_rows_are_decided_and_a_ticked_row_not_at_that_step_is_named(
    newsroom, client, read_page, draft_issue
):
    ticked, left = (make.in_review(draft_issue, at="初审", by=newsroom.author) for _ in range(2))
    draft = make.draft(draft_issue, by=newsroom.author, title="勾选了的草稿")
    client.force_login(newsroom.reviewer)
    page = issue_page(client, read_page, draft_issue)

    result = read_page(take_step(client, page, "approve", selected=[ticked, draft]))

    assert Article.objects.get(pk=ticked.pk).review_stage.name == "复审"
    assert Article.objects.get(pk=left.pk).review_stage.name == "初审"
    assert any("《勾选了的草稿》：“草稿”状态下不能审核通过" in m for m in result.messages())


def test_an_article_changed_after_the_issue_page_was_shown_is_left_for_a_second_look(
    newsroom, client, read_page, draft_issue
):
    article = make.in_review(draft_issue, at="初审", by=newsroom.author, title="打开页面后被改过的稿件")
    client.force_login(newsroom.reviewer)
    page = issue_page(client, read_page, draft_issue)
    workflow.record_edit(article, by=newsroom.chief, fields=["title"])  # a new round from 初审

    result = read_page(take_step(client, page, "approve"))

    assert any("《打开页面后被改过的稿件》：" in m and "有了新的变化" in m for m in result.messages())
    assert not WorkflowLog.objects.filter(action="approve").exists()


def test_a_step_the_user_may_not_take_decides_nothing(newsroom, client, draft_issue):
    article = make.in_review(draft_issue, at="初审", by=newsroom.reviewer)
    client.force_login(newsroom.author)

    client.post(reverse("admin:bulletin_issue_decide", args=[draft_issue.pk, "approve"]), {})

    assert Article.objects.get(pk=article.pk).review_stage.name == "初审"
    assert not WorkflowLog.objects.filter(action="approve").exists()
