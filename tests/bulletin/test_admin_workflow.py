"""The workflow as people meet it in the admin: the decision panel, its buttons and what they do.

The rules themselves are proven in ``test_workflow.py`` and ``test_permission_matrix.py``; these
tests go through the pages, as the author, the reviewers and the editor-in-chief would, and
check what each of them sees afterwards.
"""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from bulletin import workflow
from bulletin.models import Article, Issue
from publishing.models import ACTION_LABELS, ReviewStage, WorkflowLog
from tests import factories as make

pytestmark = pytest.mark.django_db


TITLE = "全省科协系统动员大会召开"
BODY = "<p>全省科协系统动员大会在郑州召开。</p>"
NEW_BODY = "<p>全省科协系统动员大会在郑州隆重召开。</p>"


def admin_url(obj, view="change", *args):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=[obj.pk, *args])


def decide(client, obj, action, **data):
    """Press the button of ``action`` on ``obj``'s page, as it stands now, and land where the admin
    sends us. (The button names the version its page showed.)"""
    data.setdefault("version", type(obj).objects.get(pk=obj.pk).version)
    return client.post(admin_url(obj, "transition", action), data, follow=True)


def panel(page):
    return page.region("审核流程")


def state(obj):
    obj.refresh_from_db()
    return obj.status, obj.review_stage.name if obj.review_stage else None


def log_of(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return list(
        WorkflowLog.objects.filter(content_type=content_type, object_id=obj.pk).values_list("action", flat=True)
    )


def local_minute(moment):
    """``moment`` as a datetime-local input shows it, and the aware time that input stands for."""
    moment = timezone.localtime(moment).replace(second=0, microsecond=0)
    return moment.strftime("%Y-%m-%dT%H:%M"), moment


# The panel offers what the workflow allows -------------------------------------------------------


def article_in(state_name, newsroom):
    author = newsroom.author
    if state_name == "draft":
        return make.draft(by=author, title=TITLE)
    if state_name in ("初审", "复审", "终审"):
        return make.in_review(at=state_name, by=author, title=TITLE)
    if state_name == "approved":
        return newsroom.approved(title=TITLE)
    status = make.WITHDRAWN if state_name == "withdrawn" else make.PUBLISHED
    return make.news(title=TITLE, status=status, created_by=author, updated_by=author)


@pytest.mark.parametrize(
    ("role", "state_name", "expected"),
    [
        ("author", "draft", ["提交审核"]),
        ("reviewer", "draft", []),
        ("author", "初审", []),
        ("reviewer", "初审", ["审核通过", "退回修改"]),
        ("superuser", "初审", ["审核通过", "退回修改"]),
        ("reviewer", "终审", []),
        ("chief", "终审", ["审核通过", "退回修改"]),
        ("author", "approved", []),
        ("reviewer", "approved", ["退回修改"]),
        ("chief", "approved", ["退回修改", "发布"]),
        ("author", "published", ["修改已发布稿件"]),
        ("chief", "published", ["撤稿", "修改已发布稿件"]),
        ("author", "withdrawn", ["重新编辑"]),
    ],
)
def test_the_article_page_offers_exactly_the_decisions_the_user_may_take(
    newsroom, client, read_page, role, state_name, expected
):
    article = article_in(state_name, newsroom)
    user = getattr(newsroom, role)
    client.force_login(user)

    buttons = panel(read_page(client.get(admin_url(article)))).buttons()

    assert buttons == expected
    decisions = [ACTION_LABELS[action] for action in workflow.available_actions(article, user)]
    assert decisions == [label for label in expected if label != "修改已发布稿件"]


def test_an_author_who_also_reviews_is_told_why_they_cannot_approve_their_own_article(newsroom, client, read_page):
    author_and_reviewer = make.user("both", groups=[make.EDITOR, make.REVIEWER], is_staff=True)
    article = make.in_review(at="初审", by=author_and_reviewer, title=TITLE)
    client.force_login(author_and_reviewer)

    shown = panel(read_page(client.get(admin_url(article))))

    assert "审核通过" not in shown.buttons()
    assert shown.contains("审核通过：不能审核自己创建或修改过的稿件。")


def test_a_reviewer_who_decided_the_previous_stage_is_told_another_person_decides_this_one(newsroom, client, read_page):
    article = make.draft(by=newsroom.author, title=TITLE)
    workflow.submit(article, by=newsroom.author)
    workflow.approve(article, by=newsroom.reviewer)
    client.force_login(newsroom.reviewer)

    shown = panel(read_page(client.get(admin_url(article))))

    assert "审核通过" not in shown.buttons()
    assert shown.contains("同一稿件的各审核环节须由不同的人决定，您已审过前一环节。")


# Pressing the buttons ----------------------------------------------------------------------------


def test_a_workflow_address_refuses_a_get_and_changes_nothing(newsroom, client):
    article = make.draft(by=newsroom.author, title=TITLE)
    client.force_login(newsroom.author)

    response = client.get(admin_url(article, "transition", "submit"))

    assert response.status_code == 405
    assert state(article) == ("draft", None)


def test_an_unknown_workflow_action_is_not_found(newsroom, client):
    article = make.draft(by=newsroom.author, title=TITLE)
    client.force_login(newsroom.superuser)

    assert client.post(admin_url(article, "transition", "delete")).status_code == 404
    assert state(article) == ("draft", None)


@pytest.mark.parametrize(
    "address",
    [
        "/admin/bulletin/article/abc/workflow/submit/",
        "/admin/bulletin/article/abc/revise/",
        "/admin/bulletin/article/{pk}/workflow/revise/",
    ],
)
def test_a_malformed_workflow_address_acts_on_nothing(newsroom, client, address):
    article = make.draft(by=newsroom.author, title=TITLE)
    client.force_login(newsroom.superuser)
    client.raise_request_exception = False

    response = client.post(address.format(pk=article.pk))

    # Not found, or handed to the admin's own address for a missing object: never an error page.
    assert response.status_code in (302, 404)
    assert state(article) == ("draft", None)


def test_submitting_from_the_page_sends_the_article_to_the_first_stage(newsroom, client, read_page):
    article = make.draft(by=newsroom.author, title=TITLE)
    client.force_login(newsroom.author)

    response = decide(client, article, "submit")

    assert response.redirect_chain == [(admin_url(article), 302)]
    assert read_page(response).messages() == [f"已提交《{TITLE}》，等待“初审”。"]
    assert state(article) == ("in_review", "初审")


def test_a_decision_the_user_may_not_take_is_refused_in_chinese_and_changes_nothing(newsroom, client, read_page):
    article = make.in_review(at="初审", by=newsroom.chief, title=TITLE)
    client.force_login(newsroom.author)

    response = decide(client, article, "approve", comment="同意")

    assert read_page(response).messages() == ["您没有“审核通过”的权限。", "您填写的意见没有提交，可复制后再用：同意"]
    assert state(article) == ("in_review", "初审")
    assert log_of(article) == []


def test_separation_of_duties_holds_when_the_button_is_posted_anyway(newsroom, client, read_page):
    author_and_reviewer = make.user("both", groups=[make.EDITOR, make.REVIEWER], is_staff=True)
    article = make.in_review(at="初审", by=author_and_reviewer, title=TITLE)
    client.force_login(author_and_reviewer)

    response = decide(client, article, "approve")

    assert read_page(response).messages() == ["不能审核自己创建或修改过的稿件。"]
    assert state(article) == ("in_review", "初审")


def test_staff_in_no_group_cannot_take_a_decision(newsroom, client):
    article = make.draft(by=newsroom.author, title=TITLE)
    client.force_login(newsroom.nobody)

    assert client.post(admin_url(article, "transition", "submit")).status_code == 403
    assert state(article) == ("draft", None)


@pytest.mark.parametrize("comment", ["", "   "])
def test_sending_back_without_a_comment_is_refused_in_chinese_and_changes_nothing(newsroom, client, read_page, comment):
    article = make.in_review(at="初审", by=newsroom.author, title=TITLE)
    client.force_login(newsroom.reviewer)

    response = decide(client, article, "send_back", comment=comment)

    assert read_page(response).messages() == ["退回修改时请写明原因，作者会看到这条意见。"]
    assert state(article) == ("in_review", "初审")
    assert log_of(article) == []


def test_a_send_back_comment_is_shown_to_the_author_until_they_resubmit(named_newsroom, client, read_page):
    newsroom = named_newsroom
    article = make.draft(by=newsroom.author, title=TITLE)
    workflow.submit(article, by=newsroom.author)
    client.force_login(newsroom.reviewer)

    response = decide(client, article, "send_back", comment="第二段的数据请核实出处。")

    assert read_page(response).messages() == [f"已把《{TITLE}》退回修改，作者会看到您的意见。"]
    assert state(article) == ("draft", None)

    client.force_login(newsroom.author)
    shown = panel(read_page(client.get(admin_url(article))))
    assert shown.in_order("退回修改意见", "王芳", "在“初审”环节退回", "第二段的数据请核实出处。")
    assert shown.buttons() == ["提交审核"]

    decide(client, article, "submit")
    shown = panel(read_page(client.get(admin_url(article))))
    assert not shown.contains("退回修改意见")
    assert not shown.contains("第二段的数据请核实出处。")


def test_the_author_is_mailed_the_comment_of_a_send_back_taken_on_the_page(
    newsroom, client, mailoutbox, django_capture_on_commit_callbacks
):
    article = make.in_review(at="初审", by=newsroom.author, title=TITLE)
    client.force_login(newsroom.reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        decide(client, article, "send_back", comment="第二段的数据请核实出处。")

    assert [mail.to for mail in mailoutbox] == [["author@kexie.example"]]
    assert "审核意见：第二段的数据请核实出处。" in mailoutbox[0].body


def test_a_refused_decision_sends_no_mail(newsroom, client, mailoutbox, django_capture_on_commit_callbacks):
    article = make.in_review(at="初审", by=newsroom.author, title=TITLE)
    client.force_login(newsroom.reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        decide(client, article, "send_back", comment="")

    assert mailoutbox == []


def test_the_timeline_lists_every_decision_newest_first_with_who_took_it_and_why(named_newsroom, client, read_page):
    newsroom = named_newsroom
    article = make.draft(by=newsroom.author, title=TITLE)
    for user, action, comment in [
        (newsroom.author, "submit", "请审阅"),
        (newsroom.reviewer, "approve", "事实无误"),
        (newsroom.second_reviewer, "send_back", "标题太长"),
    ]:
        client.force_login(user)
        decide(client, article, action, comment=comment)
    client.force_login(newsroom.author)

    timeline = read_page(client.get(admin_url(article))).region("审核记录")

    assert timeline.in_order(
        "退回修改（复审） · 李娜 · 之后为“草稿”",
        "标题太长",
        "审核通过（初审） · 王芳 · 之后为“待审”",
        "事实无误",
        "提交审核（初审） · 张伟 · 之后为“待审”",
        "请审阅",
    )
    assert not timeline.contains("芳 王")
    when = timezone.localtime(WorkflowLog.objects.latest("at").at)
    assert timeline.contains(f"{when:%Y-%m-%d %H:%M} 退回修改")


# Scheduled publishing ----------------------------------------------------------------------------


def test_publishing_for_a_future_time_keeps_the_article_off_the_site_until_then(
    newsroom, client, read_page, monkeypatch
):
    article = newsroom.approved(title=TITLE)
    typed, moment = local_minute(timezone.now() + timedelta(days=2))
    client.force_login(newsroom.chief)

    response = decide(client, article, "publish", at=typed)

    assert read_page(response).messages() == [f"《{TITLE}》将于 {moment:%Y-%m-%d %H:%M} 发布，到时读者即可看到。"]
    assert state(article) == ("published", None)
    assert article.published_at == moment
    shown = panel(read_page(client.get(admin_url(article))))
    assert shown.contains(f"定时发布：将于 {moment:%Y-%m-%d %H:%M} 上线，在此之前读者看不到。")
    assert client.get(article.get_absolute_url()).status_code == 404

    monkeypatch.setattr("django.utils.timezone.now", lambda: moment + timedelta(minutes=1))

    assert TITLE in read_page(client.get(article.get_absolute_url())).text


def test_publishing_for_a_time_already_past_is_refused_in_chinese(newsroom, client, read_page):
    article = newsroom.approved(title=TITLE)
    typed, _ = local_minute(timezone.now() - timedelta(hours=1))
    client.force_login(newsroom.chief)

    response = decide(client, article, "publish", at=typed)

    assert read_page(response).messages() == ["定时发布的时间须晚于现在；要立即发布，请留空。"]
    assert state(article) == ("approved", None)
    assert article.published_at is None


def test_the_publish_button_without_a_time_publishes_at_once(newsroom, client, read_page):
    article = newsroom.approved(title=TITLE)
    client.force_login(newsroom.chief)

    response = decide(client, article, "publish", at="")

    assert read_page(response).messages() == [f"《{TITLE}》已发布，读者现在可以看到了。"]
    assert TITLE in read_page(client.get(article.get_absolute_url())).text


# A published article is changed through its revision ---------------------------------------------


@pytest.fixture
def live(newsroom):
    """Web news of the author's, published yesterday."""
    return make.news(title=TITLE, body=BODY, created_by=newsroom.author, updated_by=newsroom.author)


def post_form(client, read_page, obj, **changes):
    """Open ``obj``'s change page, change some fields and press 保存."""
    data = read_page(client.get(admin_url(obj))).form(f"{obj._meta.model_name}_form", submit="_save")
    data.update(changes)
    return client.post(admin_url(obj), data, follow=True)


def test_saving_a_published_article_makes_a_revision_and_readers_keep_the_old_text(newsroom, live, client, read_page):
    client.force_login(newsroom.author)

    response = post_form(client, read_page, live, body=NEW_BODY)

    revision = Article.objects.get(live_article=live)
    assert response.redirect_chain == [(admin_url(revision), 302)]
    assert read_page(response).messages() == ["已另存为修改稿，审核通过并发布后才会替换网站上的版本。"]
    assert (revision.status, revision.body) == ("draft", NEW_BODY)
    live.refresh_from_db()
    assert (live.status, live.body) == ("published", BODY)
    public = read_page(client.get(live.get_absolute_url())).text
    assert "在郑州召开" in public
    assert "隆重" not in public


def test_saving_a_published_article_unchanged_makes_no_revision(newsroom, live, client, read_page):
    client.force_login(newsroom.author)

    response = post_form(client, read_page, live)

    assert read_page(response).messages() == ["没有修改，网站上的版本保持不变。"]
    assert not Article.objects.filter(live_article=live).exists()


def test_the_revise_button_opens_the_revision_to_edit(newsroom, live, client, read_page):
    client.force_login(newsroom.author)

    response = client.post(admin_url(live, "revise"), follow=True)

    revision = Article.objects.get(live_article=live)
    assert response.redirect_chain == [(admin_url(revision), 302)]
    page = read_page(response)
    assert page.messages() == ["这是本文的修改稿：在这里修改，审核通过并发布后才会替换网站上的版本。"]
    assert panel(page).contains(f"这是已发布稿件《{TITLE}》的修改稿。")
    assert page.find("input", name="title") is not None


def test_the_live_page_is_read_only_while_its_revision_is_pending(newsroom, live, client, read_page):
    workflow.start_revision(live, by=newsroom.author, changes={"body": NEW_BODY})
    client.force_login(newsroom.author)

    page = read_page(client.get(admin_url(live)))

    assert page.find("input", name="title") is None
    assert page.find("textarea", name="body") is None
    assert "保存" not in page.buttons()
    assert "修改已发布稿件" not in page.buttons()
    assert panel(page).contains("本文已有一份修改稿（草稿，author 最后编辑）。请在修改稿上修改")


def test_publishing_the_approved_revision_replaces_what_readers_see(newsroom, live, client, read_page):
    revision = workflow.start_revision(live, by=newsroom.author, changes={"body": NEW_BODY})
    newsroom.review(revision)
    client.force_login(newsroom.chief)

    response = decide(client, revision, "publish")

    assert response.redirect_chain == [(admin_url(live), 302)]
    assert read_page(response).messages() == [f"《{TITLE}》已发布，读者现在可以看到了。"]
    assert not Article.objects.filter(pk=revision.pk).exists()
    assert "在郑州隆重召开" in read_page(client.get(live.get_absolute_url())).text


def test_a_revision_cannot_be_scheduled_for_later(newsroom, live, client, read_page):
    revision = workflow.start_revision(live, by=newsroom.author, changes={"body": NEW_BODY})
    newsroom.review(revision)
    client.force_login(newsroom.chief)
    page = read_page(client.get(admin_url(revision)))
    assert page.find("input", name="at") is None

    typed, _ = local_minute(timezone.now() + timedelta(days=1))
    response = decide(client, revision, "publish", at=typed)

    assert read_page(response).messages() == ["修改稿只能立即发布：读者此刻看到的是原稿，定时替换容易出错。"]
    assert state(revision) == ("approved", None)


# What cannot be edited or deleted ----------------------------------------------------------------


def test_an_approved_article_is_shown_read_only(newsroom, client, read_page):
    article = newsroom.approved(title=TITLE, body=BODY)
    client.force_login(newsroom.author)

    page = read_page(client.get(admin_url(article)))

    assert page.find("input", name="title") is None
    assert page.find("textarea", name="body") is None
    assert panel(page).contains("本稿已审核通过，内容不能再直接修改；如需修改，请审核人退回。")


def test_posting_a_change_to_an_approved_article_changes_nothing(newsroom, client, read_page):
    article = newsroom.approved(title=TITLE, body=BODY)
    client.force_login(newsroom.chief)
    data = read_page(client.get(admin_url(article))).form("article_form", submit="_save")
    data.update(make.article_form(section=article.section, title="改过的标题", body=NEW_BODY))

    client.post(admin_url(article), data)

    article.refresh_from_db()
    assert (article.title, article.body, article.status) == (TITLE, BODY, "approved")


@pytest.mark.parametrize("state_name", ["初审", "approved", "published"])
def test_reviewed_or_published_articles_cannot_be_deleted(newsroom, client, state_name):
    article = article_in(state_name, newsroom)
    client.force_login(newsroom.chief)

    assert client.get(admin_url(article, "delete")).status_code == 403
    assert client.post(admin_url(article, "delete"), {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


@pytest.mark.parametrize("state_name", ["draft", "withdrawn"])
def test_drafts_and_withdrawn_articles_can_be_deleted(newsroom, client, state_name):
    article = article_in(state_name, newsroom)
    client.force_login(newsroom.chief)

    response = client.post(admin_url(article, "delete"), {"post": "yes"})

    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()


# The issue page: release and unpublish -----------------------------------------------------------


@pytest.fixture
def issue(draft_issue):
    return draft_issue


def release_panel(page):
    return page.region("本期发布")


def test_only_the_chief_sees_the_release_button(newsroom, issue, client, read_page):
    client.force_login(newsroom.chief)
    assert release_panel(read_page(client.get(admin_url(issue)))).buttons() == ["发布本期"]

    client.force_login(newsroom.author)
    shown = release_panel(read_page(client.get(admin_url(issue))))
    assert shown.buttons() == []
    assert shown.contains("本期由主编发布。")


def test_an_editor_posting_a_release_is_refused_and_the_issue_stays_a_draft(newsroom, issue, client, read_page):
    newsroom.approved(issue, title=TITLE)
    client.force_login(newsroom.author)

    response = client.post(admin_url(issue, "release"), follow=True)

    assert read_page(response).messages() == ["只有主编可以发布期刊。"]
    issue.refresh_from_db()
    assert (issue.status, issue.published_at) == ("draft", None)
    assert Article.objects.get(title=TITLE).status == "approved"


def test_a_refused_release_names_the_articles_that_block_it(newsroom, issue, client, read_page):
    newsroom.approved(issue, title="已审好的稿件")
    make.draft(issue, by=newsroom.author, title="还在写的稿件")
    make.in_review(issue, at="复审", by=newsroom.author, title="正在复审的稿件")
    client.force_login(newsroom.chief)

    response = client.post(admin_url(issue, "release"), follow=True)

    [message] = read_page(response).messages()
    assert message.startswith("以下稿件尚未审核通过，本期不能发布：")
    assert "《还在写的稿件》（草稿）" in message
    assert "《正在复审的稿件》（待审）" in message
    assert "已审好的稿件" not in message
    issue.refresh_from_db()
    assert issue.status == "draft"
    assert Article.objects.get(title="已审好的稿件").status == "approved"


def test_releasing_with_move_out_ticked_publishes_the_ready_articles_and_moves_out_the_rest(
    newsroom, issue, client, read_page
):
    ready = newsroom.approved(issue, title="已审好的稿件")
    unready = make.draft(issue, by=newsroom.author, title="还在写的稿件")
    client.force_login(newsroom.chief)
    data = read_page(client.get(admin_url(issue))).form("issue-release")
    data["move_out_unapproved"] = "1"

    response = client.post(admin_url(issue, "release"), data, follow=True)

    assert read_page(response).messages() == [f"{issue.short_name}已发布，本期审核通过的稿件随之上线。"]
    issue.refresh_from_db()
    ready.refresh_from_db()
    unready.refresh_from_db()
    assert issue.status == "published"
    assert (ready.status, ready.issue) == ("published", issue)
    assert (unready.status, unready.issue) == ("draft", None)
    assert "已审好的稿件" in read_page(client.get(issue.get_absolute_url())).text


def test_the_chief_can_unpublish_a_released_issue(newsroom, published_issue, client, read_page):
    article = make.article(published_issue, title=TITLE)
    client.force_login(newsroom.chief)
    shown = release_panel(read_page(client.get(admin_url(published_issue))))
    assert shown.buttons() == ["撤回本期"]

    response = client.post(admin_url(published_issue, "unpublish"), {"comment": "封面有误"}, follow=True)

    assert read_page(response).messages() == [f"{published_issue.short_name}已撤回，读者不再能看到本期及其稿件。"]
    published_issue.refresh_from_db()
    assert published_issue.status == "draft"
    assert client.get(article.get_absolute_url()).status_code == 404


def test_the_issue_page_lists_the_articles_not_their_pending_revisions(newsroom, published_issue, client, read_page):
    live = make.article(published_issue, title=TITLE, created_by=newsroom.author)
    workflow.start_revision(live, by=newsroom.author, changes={"title": "动员大会隆重召开"})
    client.force_login(newsroom.chief)

    page = read_page(client.get(admin_url(published_issue)))

    inline = page.find("div", id="articles-group")
    rows = [row for row in inline.element.iter("tr") if "has_original" in row.get("class", "")]
    assert len(rows) == 1
    assert TITLE in "".join(rows[0].itertext())
    assert "动员大会隆重召开" not in page.text
    assert "（修改稿）" not in page.text


# History and restoring ---------------------------------------------------------------------------


@pytest.fixture
def withdrawn(newsroom):
    """Web news published with BODY, withdrawn, then corrected to NEW_BODY: three saved versions."""
    article = make.news(title=TITLE, body=BODY, created_by=newsroom.author, updated_by=newsroom.author)
    workflow.withdraw(article, by=newsroom.chief, comment="数据有误")
    article.refresh_from_db()
    article.body = NEW_BODY
    article.save()
    return article


def test_the_history_page_lists_every_saved_version_with_a_restore_button_for_the_older_ones(
    newsroom, withdrawn, client, read_page
):
    client.force_login(newsroom.author)

    page = read_page(client.get(admin_url(withdrawn, "history")))

    assert page.contains("共 3 个版本")
    rows = page.find("table", id="change-history").rows()[1:]
    assert [row[3] for row in rows] == ["已撤稿", "已撤稿", "已发布"]
    assert rows[0][-1] == "当前版本"
    assert [row[-1] for row in rows[1:]] == ["恢复", "恢复"]
    for record in withdrawn.history.all()[1:]:
        assert page.find("form", action=admin_url(withdrawn, "restore", record.history_id)) is not None


def test_restoring_brings_back_the_old_text_and_keeps_the_state(newsroom, withdrawn, client, read_page):
    first = withdrawn.history.earliest()
    client.force_login(newsroom.author)

    response = client.post(admin_url(withdrawn, "restore", first.history_id), follow=True)

    when = timezone.localtime(first.history_date)
    assert read_page(response).messages() == [f"已恢复为 {when:%Y-%m-%d %H:%M} 的版本，稿件的审核状态不变。"]
    withdrawn.refresh_from_db()
    assert (withdrawn.body, withdrawn.status) == (BODY, "withdrawn")


def test_simple_historys_own_revert_page_is_not_found(newsroom, withdrawn, client):
    first = withdrawn.history.earliest()
    client.force_login(newsroom.superuser)
    url = reverse("admin:bulletin_article_simple_history", args=[withdrawn.pk, first.history_id])

    assert client.get(url).status_code == 404
    assert client.post(url, {"title": TITLE}).status_code == 404
    withdrawn.refresh_from_db()
    assert (withdrawn.body, withdrawn.status) == (NEW_BODY, "withdrawn")


# Review stages and the decision log --------------------------------------------------------------


def test_the_chief_can_reduce_review_to_one_stage_after_the_others_were_used(newsroom, client, read_page):
    reviewed = newsroom.approved(title="三审过的稿件")
    client.force_login(newsroom.chief)
    for name in ("复审", "终审"):
        response = client.post(admin_url(ReviewStage.objects.get(name=name), "delete"), {"post": "yes"}, follow=True)
        assert read_page(response).messages() == [f"成功删除了 审核环节“{name}”。"]
    assert [stage.name for stage in ReviewStage.objects.all()] == ["初审"]

    article = make.draft(by=newsroom.author, title=TITLE)
    workflow.submit(article, by=newsroom.author)
    client.force_login(newsroom.reviewer)
    response = decide(client, article, "approve", comment="同意")

    assert read_page(response).messages() == [f"《{TITLE}》已通过全部审核环节，等待发布。"]
    assert state(article) == ("approved", None)
    timeline = read_page(client.get(admin_url(reviewed))).region("审核记录")
    assert timeline.in_order("审核通过（终审）", "审核通过（复审）", "审核通过（初审）")


def test_a_stage_an_article_is_waiting_in_cannot_be_deleted(newsroom, client, read_page):
    make.in_review(at="复审", by=newsroom.author, title=TITLE)
    client.force_login(newsroom.chief)

    response = client.post(admin_url(make.stage("复审"), "delete"), {"post": "yes"})

    assert read_page(response).contains("无法删除 审核环节")
    assert ReviewStage.objects.filter(name="复审").exists()


def test_the_chief_can_read_the_decision_log(newsroom, client, read_page):
    article = newsroom.approved(title=TITLE)
    client.force_login(newsroom.chief)

    page = read_page(client.get(reverse("admin:publishing_workflowlog_changelist")))

    assert page.contains(f"稿件：{TITLE}")
    assert page.in_order("审核通过", "终审", "zhubian", "同意刊发")
    entry = WorkflowLog.objects.filter(object_id=article.pk).latest("at")
    detail = read_page(client.get(admin_url(entry)))
    assert "保存" not in detail.buttons()


def test_nobody_can_add_change_or_delete_a_decision_log_row(newsroom, client):
    article = newsroom.approved(title=TITLE)
    entry = WorkflowLog.objects.filter(object_id=article.pk).latest("at")
    client.force_login(newsroom.superuser)

    assert client.post(reverse("admin:publishing_workflowlog_add"), {"comment": "补记"}).status_code == 403
    assert client.post(admin_url(entry), {"comment": "改过的意见"}).status_code == 403
    assert client.post(admin_url(entry, "delete"), {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.comment == "同意刊发"


def test_an_editor_cannot_open_the_review_stages_or_the_decision_log(newsroom, client):
    client.force_login(newsroom.author)

    assert client.get(reverse("admin:publishing_reviewstage_changelist")).status_code == 403
    assert client.get(reverse("admin:publishing_workflowlog_changelist")).status_code == 403


def test_a_released_issue_is_not_released_again_from_a_stale_page(newsroom, issue, client, read_page):
    newsroom.approved(issue, title=TITLE)
    client.force_login(newsroom.chief)
    client.post(admin_url(issue, "release"), follow=True)

    response = client.post(admin_url(issue, "release"), follow=True)

    assert read_page(response).messages() == [f"{issue.short_name}已经发布。"]
    assert Issue.objects.get(pk=issue.pk).status == "published"
