"""A decision once made stands: stale forms and buttons are refused, saves never write the state,
nothing is deleted or brought back outside the rules, and whoever changed the text may not
approve it. (The same rules under real concurrency: test_races.py.)"""

import pytest
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bulletin import workflow
from bulletin.admin.articles import ArticleAdmin
from bulletin.models import Article
from publishing.models import WorkflowLog
from tests import factories as make

pytestmark = pytest.mark.django_db

TITLE = "省科协召开常委会议"
BODY = "<p>省科协召开常委会议，审议年度重点工作。</p>"
NEW_BODY = "<p>省科协召开常委会议，审议并通过年度重点工作安排。</p>"


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def transition_url(obj, action):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_transition", args=[obj.pk, action])


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def minute(moment):
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


@pytest.fixture
def article(named_newsroom):
    article = make.draft(by=named_newsroom.author, title=TITLE, body=BODY)
    return workflow.submit(article, by=named_newsroom.author)


# Decisions made on what the user saw ------------------------------------------------------------


def test_an_approval_clicked_on_a_stage_someone_else_has_just_decided_is_refused_naming_them(
    named_newsroom, article, read_page
):
    mine = browser(named_newsroom.second_reviewer)
    button = read_page(mine.get(change_url(article))).form("workflow-approve")
    workflow.approve(article, by=named_newsroom.reviewer)
    decided = WorkflowLog.objects.get(action="approve")

    button["comment"] = "数据已核实，同意"

    page = read_page(mine.post(transition_url(article, "approve"), button, follow=True))

    assert page.messages() == [
        f"《{TITLE}》在您打开页面之后有了新的变化：王芳 于 {minute(decided.at)} 审核通过（初审）。"
        "您的操作没有执行，请查看最新内容后再决定。",
        "您填写的意见没有提交，可复制后再用：数据已核实，同意",
    ]
    article.refresh_from_db()
    assert (article.status, article.review_stage.name) == ("in_review", "复审")
    assert list(WorkflowLog.objects.filter(action="approve").values_list("actor", flat=True)) == [
        named_newsroom.reviewer.pk
    ]


def test_an_approval_of_a_text_changed_since_the_page_was_opened_is_refused(named_newsroom, article, read_page):
    reviewer, editor = browser(named_newsroom.reviewer), browser(named_newsroom.author)
    button = read_page(reviewer.get(change_url(article))).form("workflow-approve")
    form = read_page(editor.get(change_url(article))).form("article_form", submit="_save")
    form["body"] = NEW_BODY
    assert editor.post(change_url(article), form).status_code == 302

    page = read_page(reviewer.post(transition_url(article, "approve"), button, follow=True))

    assert page.messages()[0].startswith(f"《{TITLE}》在您打开页面之后有了新的变化：张伟 于 ")
    assert "修改了正文" in page.messages()[0]
    assert not WorkflowLog.objects.filter(action="approve").exists()


def test_a_button_that_does_not_say_which_version_it_saw_is_refused(named_newsroom, article, read_page):
    reviewer = browser(named_newsroom.reviewer)

    page = read_page(reviewer.post(transition_url(article, "approve"), {"comment": "同意"}, follow=True))

    assert page.messages() == ["页面缺少版本信息，无法确认您看到的是最新状态。请刷新本页后再操作。"]
    article.refresh_from_db()
    assert article.review_stage.name == "初审"


def test_every_decision_moves_the_version_on(named_newsroom, article):
    versions = [article.version]
    for reviewer in (named_newsroom.reviewer, named_newsroom.second_reviewer, named_newsroom.chief):
        versions.append(workflow.approve(article, by=reviewer).version)
    versions.append(workflow.publish(article, by=named_newsroom.chief).version)

    assert versions == sorted(set(versions))


# Saving content never writes the state ----------------------------------------------------------


def test_saving_a_copy_read_before_a_decision_keeps_the_decision(named_newsroom, article):
    stale = Article.objects.get(pk=article.pk)
    workflow.approve(article, by=named_newsroom.reviewer)

    stale.summary = "常委会议审议年度重点工作。"
    stale.save()

    article.refresh_from_db()
    assert (article.status, article.review_stage.name, article.summary) == (
        "in_review",
        "复审",
        "常委会议审议年度重点工作。",
    )


def test_saving_a_copy_of_an_article_deleted_meanwhile_does_not_bring_it_back(named_newsroom):
    draft = make.draft(by=named_newsroom.author, title=TITLE)
    stale = Article.objects.get(pk=draft.pk)
    workflow.delete(draft, by=named_newsroom.chief)

    with pytest.raises(DatabaseError), transaction.atomic():
        stale.save()

    assert not Article.objects.filter(pk=draft.pk).exists()


def test_saving_a_form_of_a_revision_published_meanwhile_is_refused_and_brings_no_ghost_back(
    named_newsroom, read_page, admin_errors
):
    live = make.article(None, title=TITLE, body=BODY, created_by=named_newsroom.author)
    make.link(live, make.person("王晓"))
    live.topics.set([make.topic("科普进万家")])
    revision = workflow.start_revision(live, by=named_newsroom.author, changes={"body": NEW_BODY})
    named_newsroom.review(revision)
    editor = browser(make.editor("editor2"))
    form = read_page(editor.get(change_url(revision))).form("article_form", submit="_save")
    workflow.publish(revision, by=named_newsroom.chief)

    response = editor.post(change_url(revision), form, follow=True)

    assert not Article.objects.filter(pk=revision.pk).exists()
    assert (live.person_links.count(), live.topics.count()) == (1, 1)
    assert response.status_code == 200


# Deleting --------------------------------------------------------------------------------------


def test_the_issue_page_offers_deletion_of_drafts_only_and_refuses_a_forged_tick(
    named_newsroom, read_page, admin_errors
):
    issue = make.draft_issue()
    draft = make.draft(issue, by=named_newsroom.author, title="基层科协换届", position=1)
    reviewed = make.in_review(issue, at="初审", by=named_newsroom.author, title=TITLE, position=2)
    chief = browser(named_newsroom.chief)
    page = read_page(chief.get(change_url(issue)))
    rows = page.form("issue_form", submit="_save")
    rows["articles-0-DELETE"] = rows["articles-1-DELETE"] = "on"

    response = chief.post(change_url(issue), rows)

    assert [page.find("input", name=f"articles-{n}-DELETE").element.get("disabled") for n in (0, 1)] == [None, ""]
    assert admin_errors(response) == [f"《{TITLE}》待审，只有草稿和已撤稿的稿件可以删除。"]
    assert set(Article.objects.values_list("pk", flat=True)) == {draft.pk, reviewed.pk}


def test_the_issue_page_refuses_to_delete_a_draft_submitted_since_the_page_was_opened(
    named_newsroom, read_page, admin_errors
):
    issue = make.draft_issue()
    draft = make.draft(issue, by=named_newsroom.author, title=TITLE, position=1)
    chief = browser(named_newsroom.chief)
    rows = read_page(chief.get(change_url(issue))).form("issue_form", submit="_save")
    rows["articles-0-DELETE"] = "on"
    workflow.submit(draft, by=named_newsroom.author)
    submitted = WorkflowLog.objects.get(action="submit")

    response = chief.post(change_url(issue), rows)

    assert admin_errors(response) == [
        f"《{TITLE}》在您打开页面之后有了新的变化：张伟 于 {minute(submitted.at)} 提交审核。"
        "您的操作没有执行，请查看最新内容后再决定。"
    ]
    assert Article.objects.get(pk=draft.pk).status == "in_review"


def test_the_list_action_deletes_nothing_if_one_chosen_article_is_in_review(named_newsroom):
    draft = make.draft(by=named_newsroom.author, title="基层科协换届")
    reviewed = make.in_review(at="初审", by=named_newsroom.author, title=TITLE)
    superuser = browser(named_newsroom.superuser)

    superuser.post(
        reverse("admin:bulletin_article_changelist"),
        {"action": "delete_selected", "_selected_action": [draft.pk, reviewed.pk], "post": "yes"},
        follow=True,
    )

    assert Article.objects.filter(pk__in=[draft.pk, reviewed.pk]).count() == 2


def test_deleting_a_draft_leaves_a_record_of_who_deleted_it(named_newsroom):
    draft = make.draft(by=named_newsroom.author, title="基层科协换届")
    pk = draft.pk

    workflow.delete(draft, by=named_newsroom.chief)

    entry = WorkflowLog.objects.get(object_id=pk, action="delete")
    assert (entry.actor, entry.comment) == (named_newsroom.chief, "删除《基层科协换届》")


# Who may approve -------------------------------------------------------------------------------


def test_a_reviewer_who_changed_the_text_may_not_approve_it_after_someone_else_saved(
    named_newsroom, article, read_page
):
    reviewer, editor = browser(named_newsroom.reviewer), browser(named_newsroom.author)
    form = read_page(reviewer.get(change_url(article))).form("article_form", submit="_save")
    form["body"] = NEW_BODY
    reviewer.post(change_url(article), form)
    form = read_page(editor.get(change_url(article))).form("article_form", submit="_save")
    form["summary"] = "常委会议审议年度重点工作。"
    editor.post(change_url(article), form)

    article.refresh_from_db()
    assert article.updated_by == named_newsroom.author
    assert workflow.refusal("approve", article, named_newsroom.reviewer) == "不能审核自己创建或修改过的稿件。"
    assert article not in Article.objects.awaiting_decision_by(named_newsroom.reviewer)
    assert article in Article.objects.awaiting_decision_by(named_newsroom.second_reviewer)


def test_pressing_save_without_changes_does_not_make_a_reviewer_an_editor(named_newsroom, article, read_page):
    reviewer = browser(named_newsroom.reviewer)
    form = read_page(reviewer.get(change_url(article))).form("article_form", submit="_save")

    assert reviewer.post(change_url(article), form).status_code == 302

    article.refresh_from_db()
    assert article.updated_by == named_newsroom.author
    assert workflow.refusal("approve", article, named_newsroom.reviewer) is None


def test_changing_the_text_in_review_starts_the_round_again_and_says_why(named_newsroom, article, read_page):
    workflow.approve(article, by=named_newsroom.reviewer)
    workflow.approve(article, by=named_newsroom.second_reviewer)
    editor = browser(named_newsroom.author)
    form = read_page(editor.get(change_url(article))).form("article_form", submit="_save")
    form["title"] = "省科协召开十届常委会议"
    form["body"] = NEW_BODY

    editor.post(change_url(article), form)

    article.refresh_from_db()
    assert (article.status, article.review_stage.name) == ("in_review", "初审")
    # The reviewers of this round decide again; what they approved before no longer counts.
    assert workflow.refusal("approve", article, named_newsroom.reviewer) is None
    timeline = read_page(browser(named_newsroom.reviewer).get(change_url(article))).region("审核记录")
    assert timeline.contains("修改了标题、正文，此前的审核意见不再有效，从“初审”重新审核")


def test_moving_an_article_in_review_to_another_page_does_not_restart_its_review(named_newsroom, read_page):
    issue = make.draft_issue()
    reviewed = make.in_review(issue, at="复审", by=named_newsroom.author, title=TITLE, first_page=3)
    chief = browser(named_newsroom.chief)
    rows = read_page(chief.get(change_url(issue))).form("issue_form", submit="_save")
    rows["articles-0-first_page"] = "5"

    assert chief.post(change_url(issue), rows).status_code == 302

    reviewed.refresh_from_db()
    assert (reviewed.first_page, reviewed.review_stage.name) == (5, "复审")
    assert not WorkflowLog.objects.filter(action__in=["edit", "restart"]).exists()


def test_a_deletion_confirmed_on_a_page_read_before_the_draft_was_submitted_is_refused_with_a_message(
    named_newsroom, monkeypatch, read_page
):
    draft = make.draft(by=named_newsroom.author, title=TITLE)
    shown = Article.objects.get(pk=draft.pk)  # the draft as the confirmation page showed it
    workflow.submit(draft, by=named_newsroom.author)
    monkeypatch.setattr(ArticleAdmin, "get_object", lambda self, request, object_id, from_field=None: shown)
    chief = browser(named_newsroom.chief)

    response = chief.post(reverse("admin:bulletin_article_delete", args=[draft.pk]), {"post": "yes"}, follow=True)

    assert read_page(response).messages() == [f"《{TITLE}》待审，只有草稿和已撤稿的稿件可以删除。"]
    assert Article.objects.get(pk=draft.pk).status == "in_review"


def test_a_draft_with_a_history_of_edits_is_deleted_from_its_page(named_newsroom, read_page):
    draft = make.draft(by=named_newsroom.author, title=TITLE)
    editor = browser(named_newsroom.author)
    form = read_page(editor.get(change_url(draft))).form("article_form", submit="_save")
    form["body"] = NEW_BODY
    editor.post(change_url(draft), form)
    chief = browser(named_newsroom.chief)

    response = chief.post(reverse("admin:bulletin_article_delete", args=[draft.pk]), {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert not Article.objects.filter(pk=draft.pk).exists()
    assert WorkflowLog.objects.get(object_id=draft.pk, action="delete").actor == named_newsroom.chief


def test_the_list_action_confirmed_before_one_article_was_submitted_deletes_nothing_and_says_why(
    named_newsroom, monkeypatch, read_page
):
    draft = make.draft(by=named_newsroom.author, title="基层科协换届")
    submitted = workflow.submit(make.draft(by=named_newsroom.author, title=TITLE), by=named_newsroom.author)
    # As it was when the confirmation page was shown: both were drafts.
    monkeypatch.setattr(ArticleAdmin, "has_delete_permission", lambda self, request, obj=None: True)
    chief = browser(named_newsroom.chief)

    response = chief.post(
        reverse("admin:bulletin_article_changelist"),
        {"action": "delete_selected", "_selected_action": [draft.pk, submitted.pk], "post": "yes"},
        follow=True,
    )

    assert read_page(response).messages() == [f"没有删除任何稿件：《{TITLE}》待审，只有草稿和已撤稿的稿件可以删除。"]
    assert Article.objects.filter(pk__in=[draft.pk, submitted.pk]).count() == 2
