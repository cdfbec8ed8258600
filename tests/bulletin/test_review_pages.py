"""The reviewers' pages: 待我审核, the production board, the diff and the review record (审稿单)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bulletin import planning, workflow
from bulletin.models import Article, IssueDeadline
from publishing.models import ReviewStage, WorkflowLog
from tests import factories as make

pytestmark = pytest.mark.django_db

BODY = "<p>全省科协系统动员大会在郑州召开。</p>"


def waiting(article, **ago):
    """Make ``article`` look as if it entered its stage ``ago`` (days=…, hours=…)."""
    Article.objects.filter(pk=article.pk).update(stage_entered_at=timezone.now() - timedelta(**ago))
    return article


def queue_rows(client, read_page):
    page = read_page(client.get(reverse("review:queue")))
    table = page.find("table", class_="review-table")
    return page, (table.rows()[1:] if table else [])


# 待我审核 ---------------------------------------------------------------------------------------


def test_the_queue_lists_what_the_reviewer_may_decide_oldest_first(named_newsroom, client, read_page, draft_issue):
    newsroom = named_newsroom
    author = newsroom.author
    waiting(make.in_review(at="初审", by=author, title="等了两天的稿件"), days=2)
    waiting(make.in_review(draft_issue, at="初审", by=author, title="刚到的稿件"), hours=5)
    waiting(make.in_review(at="复审", by=author, title="复审的稿件", section=make.section("科海观澜")), days=1)
    make.in_review(at="终审", by=author, title="终审的稿件")
    make.in_review(at="初审", by=newsroom.reviewer, title="审核人自己写的稿件")
    decided = make.draft(by=author, title="审核人已审过初审的稿件")
    workflow.submit(decided, by=author)
    workflow.approve(decided, by=newsroom.reviewer)
    make.draft(by=author, title="草稿")
    client.force_login(newsroom.reviewer)

    _, rows = queue_rows(client, read_page)

    assert [row[:5] for row in rows] == [
        ["等了两天的稿件", "初审", "科协动态", "网站新闻", "张伟"],
        ["复审的稿件", "复审", "科海观澜", "网站新闻", "张伟"],
        ["刚到的稿件", "初审", "科协动态", draft_issue.short_name, "张伟"],
    ]
    assert [row[5] for row in rows] == ["2天0小时", "1天0小时", "5小时0分钟"]


def test_the_queue_leads_to_the_diff_of_each_article(newsroom, client, read_page):
    article = make.in_review(at="初审", by=newsroom.author, title="待审稿件")
    client.force_login(newsroom.reviewer)

    page, _ = queue_rows(client, read_page)

    assert ("对比修改", reverse("review:article-diff", args=[article.pk])) in page.anchors()
    assert ("待审稿件", reverse("admin:bulletin_article_change", args=[article.pk])) in page.anchors()


def test_the_queue_marks_web_news_waiting_longer_than_its_stage_allows(newsroom, client, read_page):
    ReviewStage.objects.filter(name="初审").update(days=3)
    waiting(make.in_review(at="初审", by=newsroom.author, title="等了四天的稿件"), days=4)
    waiting(make.in_review(at="初审", by=newsroom.author, title="等了两天的稿件"), days=2)
    client.force_login(newsroom.reviewer)

    page, rows = queue_rows(client, read_page)

    assert page.contains("其中 1 篇已逾期。")
    assert [(row[0], row[5]) for row in rows] == [
        ("等了四天的稿件", "4天0小时 逾期 在初审已超过3天"),
        ("等了两天的稿件", "2天0小时"),
    ]


def test_the_queue_marks_an_issue_article_late_against_its_stage_deadline_not_days_waited(
    newsroom, client, read_page, draft_issue
):
    today = timezone.localdate()
    planning.plan(draft_issue)
    IssueDeadline.objects.filter(issue=draft_issue, stage__name="初审").update(due_on=today - timedelta(days=1))
    late = waiting(make.in_review(draft_issue, at="初审", by=newsroom.author, title="过了截止日期的稿件"), hours=2)
    waiting(make.in_review(at="初审", by=newsroom.author, title="刚送审的网站新闻"), hours=2)
    client.force_login(newsroom.reviewer)

    page, rows = queue_rows(client, read_page)

    yesterday = today - timedelta(days=1)
    assert page.contains("其中 1 篇已逾期。")
    assert (late.title, f"2小时0分钟 逾期 初审应于{yesterday.month}月{yesterday.day}日前完成") in [
        (row[0], row[5]) for row in rows
    ]


def test_the_queue_says_so_when_nothing_waits(newsroom, client, read_page):
    make.in_review(at="终审", by=newsroom.author)
    client.force_login(newsroom.reviewer)

    page, rows = queue_rows(client, read_page)

    assert rows == []
    assert page.contains("目前没有等您审核的稿件。")


@pytest.mark.parametrize("role", ["author", "nobody"])
def test_only_reviewers_may_open_the_queue(newsroom, client, role):
    client.force_login(getattr(newsroom, role))

    assert client.get(reverse("review:queue")).status_code == 403


def test_the_queue_runs_as_many_queries_for_thirty_articles_as_for_three(newsroom, client, count_queries, draft_issue):
    def fill(count):
        for _ in range(count):
            make.in_review(draft_issue, at="初审", by=newsroom.author)

    client.force_login(newsroom.reviewer)
    fill(3)
    few = count_queries(client, reverse("review:queue"))
    fill(27)
    many = count_queries(client, reverse("review:queue"))

    assert many == few


# 制作看板 ----------------------------------------------------------------------------------------


COLUMNS = ["草稿", "初审", "复审", "终审", "已通过", "已发布", "已撤稿"]


def fill_issue(newsroom, issue, tag=""):
    """One article of ``issue`` in each column of the board, titled after it."""
    author = newsroom.author
    make.draft(issue, by=author, title=f"草稿{tag}")
    for stage in ("初审", "复审", "终审"):
        make.in_review(issue, at=stage, by=author, title=f"{stage}{tag}")
    newsroom.approved(issue, title=f"已通过{tag}")
    live = make.article(issue, title=f"已发布{tag}", created_by=author, updated_by=author)
    workflow.start_revision(live, by=author, changes={"title": f"修改中{tag}"})
    make.article(issue, title=f"已撤稿{tag}", status=make.WITHDRAWN)


def columns(page):
    """The board's column titles, left to right."""
    return [
        "".join(h.itertext()).split()[0] for h in page.element.iter("h2") if "review-column__head" in h.get("class", "")
    ]


def board_url(issue):
    return reverse("review:issue-board", args=[issue.pk])


def test_the_board_puts_each_article_in_the_column_of_its_state_or_stage(newsroom, client, read_page, draft_issue):
    fill_issue(newsroom, draft_issue)
    client.force_login(newsroom.chief)

    page = read_page(client.get(board_url(draft_issue)))

    assert columns(page) == COLUMNS
    for column in COLUMNS:
        cards = [text for text, href in page.region(column).anchors() if "/admin/bulletin/article/" in href]
        assert cards == [column], column
    assert page.region("已发布").contains("修改稿：草稿")
    assert not page.contains("修改中")
    assert page.contains("共 7 篇稿件")


def test_the_board_follows_the_stages_configured(newsroom, client, read_page, draft_issue):
    ReviewStage.objects.filter(name="复审").delete()
    client.force_login(newsroom.chief)

    page = read_page(client.get(board_url(draft_issue)))

    assert columns(page) == ["草稿", "初审", "终审", "已通过", "已发布", "已撤稿"]


def test_the_board_runs_as_many_queries_for_a_full_issue_as_for_a_small_one(
    newsroom, client, count_queries, draft_issue
):
    client.force_login(newsroom.chief)
    fill_issue(newsroom, draft_issue, "甲")
    few = count_queries(client, board_url(draft_issue))
    fill_issue(newsroom, draft_issue, "乙")
    fill_issue(newsroom, draft_issue, "丙")

    assert count_queries(client, board_url(draft_issue)) == few


def test_the_current_board_is_that_of_the_newest_issue_not_yet_released(newsroom, client, published_issue, draft_issue):
    make.issue(year=2025, number=6, status="draft")
    client.force_login(newsroom.author)

    response = client.get(reverse("review:current-board"))

    assert response.status_code == 302
    assert response["Location"] == board_url(draft_issue)


def test_staff_without_a_role_cannot_open_the_board(newsroom, client, draft_issue):
    client.force_login(newsroom.nobody)

    assert client.get(board_url(draft_issue)).status_code == 403


# 对比修改 ----------------------------------------------------------------------------------------


def diff_of(client, read_page, article):
    return read_page(client.get(reverse("review:article-diff", args=[article.pk])))


def marked(page, tag):
    return ["".join(e.itertext()) for e in page.element.iter(tag)]


def test_after_a_send_back_the_diff_marks_only_the_word_changed_since(named_newsroom, client, read_page):
    newsroom = named_newsroom
    article = make.draft(by=newsroom.author, title="动员大会召开", body=BODY)
    workflow.submit(article, by=newsroom.author)
    workflow.send_back(article, by=newsroom.reviewer, comment="会议地点有误")
    article.refresh_from_db()
    article.body = "<p>全省科协系统动员大会在洛阳召开。</p>"
    article.save()
    workflow.submit(article, by=newsroom.author)
    client.force_login(newsroom.second_reviewer)

    page = diff_of(client, read_page, article)

    body = page.region("正文")
    assert body.text == "正文 全省科协系统动员大会在郑州洛阳召开。"
    assert (marked(body, "del"), marked(body, "ins")) == (["郑州"], ["洛阳"])
    assert page.definitions()["对比对象"].startswith("上次审核时的版本（初审退回修改，王芳，")
    assert page.contains("未改动：栏目、引题、标题、副题")


def test_the_diff_of_a_revision_compares_it_with_the_live_text(newsroom, client, read_page):
    live = make.news(title="动员大会召开", body=BODY, created_by=newsroom.author, updated_by=newsroom.author)
    revision = workflow.start_revision(
        live, by=newsroom.author, changes={"body": "<p>全省科协系统动员大会在开封召开。</p>"}
    )
    workflow.submit(revision, by=newsroom.author)
    client.force_login(newsroom.reviewer)

    page = diff_of(client, read_page, revision)

    body = page.region("正文")
    assert (marked(body, "del"), marked(body, "ins")) == (["郑州"], ["开封"])
    published = timezone.localtime(live.published_at)
    assert page.definitions()["对比对象"] == f"线上版本（{published:%Y-%m-%d %H:%M} 发布）"


def test_a_first_submission_is_shown_whole_with_nothing_marked(newsroom, client, read_page):
    article = make.draft(by=newsroom.author, title="动员大会召开", body=BODY)
    workflow.submit(article, by=newsroom.author)
    client.force_login(newsroom.reviewer)

    page = diff_of(client, read_page, article)

    assert page.contains("首次提交，没有可对比的旧版本。")
    assert page.contains("全省科协系统动员大会在郑州召开。")
    assert (marked(page, "del"), marked(page, "ins")) == ([], [])


# 审稿单 ------------------------------------------------------------------------------------------


@pytest.fixture
def reviewed(named_newsroom):
    """Sent back at 初审 once, then approved at every stage: two rounds of review."""
    newsroom = named_newsroom
    article = make.draft(by=newsroom.author, title="动员大会召开", body=BODY)
    workflow.submit(article, by=newsroom.author)
    workflow.send_back(article, by=newsroom.reviewer, comment="请补充参会人数")
    workflow.submit(article, by=newsroom.author, comment="已补充")
    workflow.approve(article, by=newsroom.reviewer, comment="事实准确")
    workflow.approve(article, by=newsroom.second_reviewer, comment="文字通顺")
    workflow.approve(article, by=newsroom.chief, comment="同意刊发")
    return article


def decisions(page):
    """``[stage, decision, reviewer, opinion, time]`` of each decision row, newest round first."""
    return [row for row in page.rows() if len(row) == 5 and row[0] != "审核环节"]


def at(action, actor):
    entry = WorkflowLog.objects.get(action=action, actor=actor)
    return f"{timezone.localtime(entry.at):%Y-%m-%d %H:%M}"


def expected_decisions(newsroom):
    return [
        ["初审", "审核通过", "王芳", "事实准确", at("approve", newsroom.reviewer)],
        ["复审", "审核通过", "李娜", "文字通顺", at("approve", newsroom.second_reviewer)],
        ["终审", "审核通过", "刘洋", "同意刊发", at("approve", newsroom.chief)],
        ["初审", "退回修改", "王芳", "请补充参会人数", at("send_back", newsroom.reviewer)],
    ]


def test_the_review_record_lists_each_stages_decider_opinion_and_time(named_newsroom, reviewed, client, read_page):
    client.force_login(named_newsroom.author)

    page = read_page(client.get(reverse("review:review-record", args=[reviewed.pk])))

    assert decisions(page) == expected_decisions(named_newsroom)
    assert page.in_order("第2轮（本轮）", "张伟 提交于", "已补充", "第1轮", "张伟 提交于")
    assert page.definitions()["创建人"] == "张伟"
    assert page.contains("尚未发布。")


def test_the_printable_review_record_is_a_page_of_its_own(named_newsroom, reviewed, client, read_page):
    client.force_login(named_newsroom.author)

    page = read_page(client.get(reverse("review:review-record", args=[reviewed.pk]) + "?print=1"))

    assert page.find("div", id="header") is None
    assert page.find("nav", id="nav-sidebar") is None
    assert page.in_order("审稿单", "审核意见", "发布决定", "打印时间：")
    assert decisions(page) == expected_decisions(named_newsroom)


def test_the_review_record_shows_the_stages_still_to_come(newsroom, client, read_page):
    article = make.draft(by=newsroom.author, title="动员大会召开")
    workflow.submit(article, by=newsroom.author)
    workflow.approve(article, by=newsroom.reviewer, comment="同意")
    client.force_login(newsroom.chief)

    page = read_page(client.get(reverse("review:review-record", args=[article.pk])))

    assert [row[:2] for row in decisions(page)] == [["初审", "审核通过"], ["复审", "待审核"], ["终审", "待审核"]]


def test_the_review_record_still_names_stages_removed_since(named_newsroom, reviewed, client, read_page):
    ReviewStage.objects.exclude(name="初审").delete()
    client.force_login(named_newsroom.author)

    page = read_page(client.get(reverse("review:review-record", args=[reviewed.pk])))

    assert [row[:3] for row in decisions(page)][:3] == [
        ["初审", "审核通过", "王芳"],
        ["复审", "审核通过", "李娜"],
        ["终审", "审核通过", "刘洋"],
    ]
