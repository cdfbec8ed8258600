"""Comments on drafts (批注): on the whole or on a passage, replies, resolving; who is told; and
that they stay inside the office."""

import pytest
from django.urls import reverse

from bulletin import workflow
from bulletin.models import Comment
from publishing.models import Notification
from tests import factories as make

pytestmark = pytest.mark.django_db

BODY = "<p>省科协召开常委会议，审议年度重点工作。</p><p>会议要求各学会做好科普工作。</p>"


@pytest.fixture
def article(newsroom):
    article = make.draft(by=newsroom.author, title="省科协召开常委会议", body=BODY)
    workflow.assign_editor(article, editor=newsroom.author, by=newsroom.chief, seen_editor_id=None)
    return article


def url(article, name, *args):
    return reverse(f"admin:bulletin_article_{name}", args=[article.pk, *args])


def post(client, user, path, data, commit):
    client.force_login(user)
    return commit(lambda: client.post(path, data))


def test_a_reviewer_comments_on_a_passage_and_the_editor_is_told(
    newsroom, client, commit, mailoutbox, read_page, article
):
    mailoutbox.clear()

    response = post(
        client, newsroom.reviewer, url(article, "comment"), {"text": "数字请核实", "quote": "审议年度 重点工作"}, commit
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#comments")
    [comment] = Comment.objects.all()
    assert (comment.author, comment.quote, comment.text) == (newsroom.reviewer, "审议年度 重点工作", "数字请核实")
    assert Notification.objects.filter(
        recipient=newsroom.author, message__contains="批注了稿件《省科协召开常委会议》"
    ).exists()
    [mail] = [m for m in mailoutbox if m.subject.startswith("【批注】")]
    assert mail.to == ["author@kexie.example"]
    assert "引用原文：“审议年度 重点工作”" in mail.body and "数字请核实" in mail.body
    page = read_page(client.get(reverse("admin:bulletin_article_change", args=[article.pk])))
    thread = page.find("article", id=f"comment-{comment.pk}")
    assert thread.contains("审议年度 重点工作") and thread.contains("数字请核实")


def test_a_quote_that_is_not_in_the_text_is_refused_and_nothing_is_saved(newsroom, client, commit, read_page, article):
    response = post(
        client, newsroom.reviewer, url(article, "comment"), {"text": "请核实", "quote": "这句话不在正文里"}, commit
    )

    page = read_page(client.get(response["Location"]))
    assert page.messages() == [
        "引用的文字不在本稿当前的正文中，可能已被修改。请重新选择要批注的文字。",
        "您写的批注没有保存，可复制后再用：请核实",
    ]
    assert not Comment.objects.exists()


def test_an_empty_comment_is_refused(newsroom, client, commit, read_page, article):
    response = post(client, newsroom.reviewer, url(article, "comment"), {"text": "   "}, commit)

    assert read_page(client.get(response["Location"])).messages() == ["批注内容不能为空。"]
    assert not Comment.objects.exists()


def test_staff_without_a_role_may_not_comment(newsroom, client, commit, article):
    newsroom.nobody.user_permissions.add(*make.group("编辑").permissions.filter(codename="view_article"))

    post(client, newsroom.nobody, url(article, "comment"), {"text": "我也说两句"}, commit)

    assert not Comment.objects.exists()


def test_a_reply_reaches_everyone_in_the_thread_and_reopens_it_if_resolved(newsroom, client, commit, article):
    thread = workflow.add_comment(article, by=newsroom.reviewer, text="标题太长")
    workflow.resolve(thread, by=newsroom.author, seen_last_id=thread.pk)
    Notification.objects.all().delete()

    post(client, newsroom.second_reviewer, url(article, "reply", thread.pk), {"text": "我觉得还可以再短"}, commit)

    thread.refresh_from_db()
    assert thread.resolved_at is None
    assert [r.text for r in thread.replies.all()] == ["我觉得还可以再短"]
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"author", "reviewer"}


def test_resolving_is_refused_after_a_reply_its_maker_has_not_seen(newsroom, client, commit, read_page, article):
    thread = workflow.add_comment(article, by=newsroom.reviewer, text="标题太长")
    seen = thread.pk
    workflow.reply(thread, by=newsroom.second_reviewer, text="同意，另外副题也要改")

    response = post(client, newsroom.author, url(article, "resolve", thread.pk), {"seen_last": seen}, commit)

    assert read_page(client.get(response["Location"])).messages() == [
        "这条批注在您打开页面之后有了新的回复，请先阅读后再决定是否解决。"
    ]
    thread.refresh_from_db()
    assert thread.resolved_at is None


def test_resolving_after_reading_everything_marks_it_resolved(newsroom, client, commit, read_page, article):
    thread = workflow.add_comment(article, by=newsroom.reviewer, text="标题太长")
    answer = workflow.reply(thread, by=newsroom.author, text="已改短")

    response = post(client, newsroom.reviewer, url(article, "resolve", thread.pk), {"seen_last": answer.pk}, commit)

    thread.refresh_from_db()
    assert thread.resolved_by == newsroom.reviewer
    page = read_page(client.get(response["Location"]))
    assert page.find("article", id=f"comment-{thread.pk}").contains("已解决")


def test_comments_are_kept_with_the_review_record(newsroom, client, read_page, article):
    thread = workflow.add_comment(article, by=newsroom.reviewer, text="数字请核实", quote="审议年度重点工作")
    workflow.reply(thread, by=newsroom.author, text="已与办公室核对")
    client.force_login(newsroom.chief)

    page = read_page(client.get(reverse("review:review-record", args=[article.pk])))

    assert page.in_order("批注", "审议年度重点工作", "数字请核实", "已与办公室核对", "未解决")


def test_comments_never_reach_readers(newsroom, client, article):
    workflow.add_comment(article, by=newsroom.reviewer, text="内部意见：此稿暂缓", quote="会议要求各学会做好科普工作")
    published = make.article(None, title="已发布的稿件", body=BODY)
    Comment.objects.create(article=published, author=newsroom.chief, text="内部意见：数字待核")

    for path in [published.get_absolute_url(), f"/api/v1/articles/{published.pk}/", "/feeds/rss/"]:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert "内部意见" not in response.content.decode(), path
    # Search echoes the words asked; what matters is that a comment's words find no article.
    for path in ["/search/?q=数字待核", "/api/v1/search/?q=数字待核"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "已发布的稿件" not in response.content.decode(), path
