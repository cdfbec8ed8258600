"""Who does the work: the responsible editor (责任编辑) and the reviewer named for a stage,
logged, checked against what the assigner saw, and never a way round separation of duties."""

import pytest
from django.urls import reverse

from bulletin import workflow
from bulletin.models import Article, ReviewerAssignment
from publishing.models import Notification, WorkflowLog
from tests import factories as make

pytestmark = pytest.mark.django_db


def url(article, name, *args):
    return reverse(f"admin:bulletin_article_{name}", args=[article.pk, *args])


def messages_after(client, read_page, response):
    return read_page(client.get(response["Location"])).messages()


def test_the_chief_names_a_responsible_editor_logged_and_told(named_newsroom, client, read_page):
    newsroom = named_newsroom
    article = make.draft(by=newsroom.chief, title="年会筹备稿")
    client.force_login(newsroom.chief)

    response = client.post(url(article, "assign_editor"), {"person": newsroom.author.pk, "seen": ""})

    assert messages_after(client, read_page, response) == ["《年会筹备稿》的责任编辑：张伟。"]
    assert Article.objects.get(pk=article.pk).editor == newsroom.author
    entry = WorkflowLog.objects.get(action="assign")
    assert (entry.actor, entry.comment) == (newsroom.chief, "责任编辑：无 → 张伟")
    assert Notification.objects.get(recipient=newsroom.author).message == "刘洋：请您担任责任编辑——稿件《年会筹备稿》"


def test_a_responsible_editor_may_hand_their_article_on(newsroom, client):
    colleague = make.editor("colleague")
    article = make.draft(by=newsroom.author)
    workflow.assign_editor(article, editor=newsroom.author, by=newsroom.chief, seen_editor_id=None)
    client.force_login(newsroom.author)

    client.post(url(article, "assign_editor"), {"person": colleague.pk, "seen": newsroom.author.pk})

    assert Article.objects.get(pk=article.pk).editor == colleague


def test_an_editor_who_is_not_responsible_may_not_assign(newsroom, client, read_page):
    article = make.draft(by=newsroom.author)
    client.force_login(newsroom.author)

    response = client.post(url(article, "assign_editor"), {"person": newsroom.author.pk, "seen": ""})

    assert messages_after(client, read_page, response) == ["您没有指定责任编辑的权限。"]
    assert Article.objects.get(pk=article.pk).editor is None


def test_an_assignment_made_on_an_outdated_page_is_refused(named_newsroom, client, read_page):
    newsroom = named_newsroom
    article = make.draft(by=newsroom.author)
    workflow.assign_editor(article, editor=newsroom.author, by=newsroom.chief, seen_editor_id=None)
    client.force_login(newsroom.chief)

    response = client.post(url(article, "assign_editor"), {"person": newsroom.chief.pk, "seen": ""})

    [message] = messages_after(client, read_page, response)
    assert message.startswith(f"《{article.title}》的责任编辑在您打开页面之后已改为张伟")
    assert Article.objects.get(pk=article.pk).editor == newsroom.author
    assert WorkflowLog.objects.filter(action="assign").count() == 1


def test_bad_input_gets_a_clear_error_and_changes_nothing(newsroom, client, read_page):
    article = make.draft(by=newsroom.author)
    client.force_login(newsroom.chief)

    garbled = client.post(url(article, "assign_editor"), {"person": newsroom.author.pk, "seen": "not-a-number"})
    assert messages_after(client, read_page, garbled) == ["提交的内容不完整，请刷新本页后再试。"]
    missing = client.post(url(article, "assign_editor"), {"person": 99999, "seen": ""})
    assert messages_after(client, read_page, missing) == ["所选的人员不存在，请刷新本页后再选。"]
    assert Article.objects.get(pk=article.pk).editor is None


def test_someone_who_edited_the_article_cannot_be_named_its_reviewer(named_newsroom, client, read_page):
    newsroom = named_newsroom
    article = make.draft(by=newsroom.author)
    workflow.record_edit(article, by=newsroom.reviewer, fields=["title"])
    client.force_login(newsroom.chief)

    response = client.post(url(article, "assign_reviewer", make.stage("初审").pk), {"person": newsroom.reviewer.pk})

    assert messages_after(client, read_page, response) == ["王芳编辑过或负责本稿，不能审核它。"]
    assert not ReviewerAssignment.objects.exists()


def test_a_reviewer_outside_the_stages_groups_cannot_be_named(named_newsroom, client, read_page):
    newsroom = named_newsroom
    article = make.draft(by=newsroom.author)
    client.force_login(newsroom.chief)

    response = client.post(url(article, "assign_reviewer", make.stage("终审").pk), {"person": newsroom.reviewer.pk})

    assert messages_after(client, read_page, response) == ["“终审”环节由“主编”组的成员决定，王芳不在其中。"]
    assert not ReviewerAssignment.objects.exists()


def test_a_named_reviewer_who_then_edits_the_text_may_no_longer_approve(newsroom):
    article = make.draft(by=newsroom.author)
    workflow.assign_reviewer(
        article, stage=make.stage("初审"), reviewer=newsroom.reviewer, by=newsroom.chief, seen_reviewer_id=None
    )
    article = workflow.submit(article, by=newsroom.author)
    workflow.record_edit(article, by=newsroom.reviewer, fields=["body"])

    with pytest.raises(workflow.TransitionRefused, match="不能审核自己创建或修改过的稿件"):
        workflow.approve(Article.objects.get(pk=article.pk), by=newsroom.reviewer)


def test_the_responsible_editor_never_approves_their_article(newsroom):
    article = make.draft(by=newsroom.author)
    workflow.assign_editor(article, editor=newsroom.reviewer, by=newsroom.chief, seen_editor_id=None)
    article = workflow.submit(article, by=newsroom.author)

    assert workflow.refusal("approve", article, newsroom.reviewer) == "您是本稿件的责任编辑，不能审核它。"
    assert article not in Article.objects.awaiting_decision_by(newsroom.reviewer)


def test_a_stage_with_a_named_reviewer_tells_only_them(newsroom, commit, mailoutbox):
    article = make.draft(by=newsroom.author, title="科普示范县评估")
    workflow.assign_reviewer(
        article, stage=make.stage("初审"), reviewer=newsroom.second_reviewer, by=newsroom.chief, seen_reviewer_id=None
    )
    mailoutbox.clear()

    commit(lambda: workflow.submit(article, by=newsroom.author))

    [mail] = [m for m in mailoutbox if m.subject.startswith("【待审】")]
    assert mail.to == ["reviewer2@kexie.example"]
    assert Notification.objects.filter(recipient=newsroom.second_reviewer, message__contains="指定由您审核").exists()


def test_the_article_page_offers_assignment_only_to_those_who_may(newsroom, client, read_page):
    article = make.draft(by=newsroom.author)
    client.force_login(newsroom.chief)
    chief_page = read_page(client.get(reverse("admin:bulletin_article_change", args=[article.pk])))
    client.force_login(newsroom.reviewer)
    reviewer_page = read_page(client.get(reverse("admin:bulletin_article_change", args=[article.pk])))

    assert chief_page.find("select", id="assign-editor") is not None
    assert reviewer_page.find("section", id="assignments").contains("责任编辑 未指定")
    assert reviewer_page.find("select", id="assign-editor") is None


def test_the_chief_names_a_reviewer_from_the_stages_own_select(named_newsroom, client, read_page):
    newsroom = named_newsroom
    article = make.draft(by=newsroom.author, title="年会筹备稿")
    first = make.stage("初审")
    client.force_login(newsroom.chief)
    page = read_page(client.get(reverse("admin:bulletin_article_change", args=[article.pk])))
    data = page.form(f"assign-stage-{first.pk}-form") | {"person": str(newsroom.second_reviewer.pk)}

    response = client.post(url(article, "assign_reviewer", first.pk), data)

    assert messages_after(client, read_page, response) == ["《年会筹备稿》的初审审核人：李娜。"]
    assert ReviewerAssignment.objects.get(article=article, stage=first).reviewer == newsroom.second_reviewer


def test_a_responsible_editor_does_not_choose_their_reviewers(newsroom, client, read_page):
    article = make.draft(by=newsroom.author)
    workflow.assign_editor(article, editor=newsroom.author, by=newsroom.chief, seen_editor_id=None)
    first = make.stage("初审")
    client.force_login(newsroom.author)

    page = read_page(client.get(reverse("admin:bulletin_article_change", args=[article.pk])))
    response = client.post(url(article, "assign_reviewer", first.pk), {"person": newsroom.reviewer.pk, "seen": ""})

    assert page.find("select", id="assign-editor") is not None
    assert page.find("select", id=f"assign-stage-{first.pk}") is None
    assert messages_after(client, read_page, response) == ["您没有指定审核人的权限。"]
    assert not ReviewerAssignment.objects.exists()


def test_the_responsible_editor_hears_of_a_send_back_beside_the_creator(newsroom, commit, mailoutbox):
    colleague = make.editor("colleague", email="colleague@kexie.example")
    article = make.draft(by=newsroom.author, title="科普示范县评估")
    workflow.assign_editor(article, editor=colleague, by=newsroom.chief, seen_editor_id=None)
    article = workflow.submit(article, by=newsroom.author)
    mailoutbox.clear()

    commit(lambda: workflow.send_back(article, by=newsroom.reviewer, comment="请核实数字"))

    [mail] = [m for m in mailoutbox if m.subject.startswith("【退回修改】")]
    assert sorted(mail.to) == ["author@kexie.example", "colleague@kexie.example"]
