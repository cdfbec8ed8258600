"""The editors' desk: 待我处理 and 我的通知, each person's own."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bulletin import planning, workflow
from bulletin.models import Article, Comment, IssueDeadline
from publishing.models import Notification
from tests import factories as make

pytestmark = pytest.mark.django_db


def tasks_of(client, read_page):
    """The agenda page and its tasks' text, in order."""
    page = read_page(client.get(reverse("desk:agenda")))
    items = [item for item in page.element.iter("li") if "desk-task" in (item.get("class") or "").split()]
    return page, [" ".join(" ".join(item.itertext()).split()) for item in items]


def test_a_reviewer_sees_what_waits_for_their_decision_with_its_deadline(newsroom, client, read_page, draft_issue):
    planning.plan(draft_issue)
    due = timezone.localdate() + timedelta(days=4)
    IssueDeadline.objects.filter(issue=draft_issue, stage__name="初审").update(due_on=due)
    make.in_review(draft_issue, at="初审", by=newsroom.author, title="待审的稿件")
    client.force_login(newsroom.reviewer)

    _page, tasks = tasks_of(client, read_page)

    assert tasks == [f"待审（初审） 《待审的稿件》 截止 {due.month}月{due.day}日"]


def test_late_work_comes_first_with_the_reason(newsroom, client, read_page, draft_issue):
    planning.plan(draft_issue)
    today = timezone.localdate()
    IssueDeadline.objects.filter(issue=draft_issue, stage__name="初审").update(due_on=today - timedelta(days=1))
    make.in_review(at="初审", by=newsroom.author, title="网站新闻")
    make.in_review(draft_issue, at="初审", by=newsroom.author, title="过期的稿件")
    client.force_login(newsroom.reviewer)

    page, tasks = tasks_of(client, read_page)

    yesterday = today - timedelta(days=1)
    assert page.contains("2 项待处理，其中 1 项已逾期。")
    assert tasks[0].startswith("待审（初审） 《过期的稿件》")
    assert tasks[0].endswith(f"逾期 初审应于{yesterday.month}月{yesterday.day}日前完成")
    assert "网站新闻" in tasks[1]


def test_an_editor_sees_a_draft_sent_back_and_a_comment_waiting_for_an_answer(newsroom, client, read_page):
    article = workflow.submit(make.draft(by=newsroom.author, title="被退回的稿件"), by=newsroom.author)
    workflow.send_back(article, by=newsroom.reviewer, comment="请补充数据来源")
    other = make.draft(by=newsroom.author, title="有批注的稿件")
    Comment.objects.create(article=other, author=newsroom.chief, text="第二段请再核实")
    answered = make.draft(by=newsroom.author, title="已回复批注的稿件")
    thread = Comment.objects.create(article=answered, author=newsroom.chief, text="标题太长")
    Comment.objects.create(article=answered, parent=thread, author=newsroom.author, text="已改短")
    client.force_login(newsroom.author)

    _page, tasks = tasks_of(client, read_page)

    assert "退回修改 《被退回的稿件》" in tasks
    assert any(task.startswith("回复批注 《有批注的稿件》") and "第二段请再核实" in task for task in tasks)
    assert not any("已回复批注的稿件" in task and task.startswith("回复批注") for task in tasks)


def test_the_agenda_reads_the_same_few_queries_however_much_waits(newsroom, client, draft_issue, count_queries):
    planning.plan(draft_issue)
    client.force_login(newsroom.reviewer)

    make.in_review(draft_issue, at="初审", by=newsroom.author)
    few = count_queries(client, reverse("desk:agenda"))
    for _ in range(8):
        make.in_review(draft_issue, at="初审", by=newsroom.author)
        make.in_review(at="初审", by=newsroom.author)

    assert count_queries(client, reverse("desk:agenda")) == few


@pytest.mark.parametrize("name", ["desk:agenda", "desk:notifications", "desk:calendar", "desk:settings"])
def test_desk_pages_need_a_staff_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))

    client.force_login(make.user("reader"))
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_notifications_are_the_users_own_and_read_once_shown(newsroom, client, read_page):
    Notification.objects.create(recipient=newsroom.author, message="刘洋：请您担任责任编辑", url="/admin/")
    Notification.objects.create(recipient=newsroom.reviewer, message="别人的通知")
    client.force_login(newsroom.author)

    index = read_page(client.get(reverse("admin:index")))
    first = read_page(client.get(reverse("desk:notifications")))
    second = read_page(client.get(reverse("desk:notifications")))

    assert index.contains("我的通知（1条未读）")
    assert first.contains("未读 刘洋：请您担任责任编辑")
    assert not first.contains("别人的通知")
    assert second.contains("刘洋：请您担任责任编辑") and not second.contains("未读")
    assert Notification.objects.get(recipient=newsroom.reviewer).read_at is None


def test_assigning_an_article_reaches_the_assignees_inbox(newsroom, client, read_page):
    article = make.draft(by=newsroom.chief, title="年会筹备稿")
    workflow.assign_editor(article, editor=newsroom.author, by=newsroom.chief, seen_editor_id=None)
    client.force_login(newsroom.author)

    page = read_page(client.get(reverse("desk:notifications")))

    assert page.contains("请您担任责任编辑——稿件《年会筹备稿》")
    assert Article.objects.get(pk=article.pk).editor == newsroom.author
