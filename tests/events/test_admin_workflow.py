"""The event page in the admin has the same decision panel, buttons and locking as articles."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bulletin import workflow
from events.models import Event
from publishing.models import ACTION_LABELS, WorkflowLog
from tests import factories as make

pytestmark = pytest.mark.django_db


TITLE = "全委会议"


def admin_url(event, view="change", *args):
    return reverse(f"admin:events_event_{view}", args=[event.pk, *args])


def decide(client, event, action, **data):
    data.setdefault("version", type(event).objects.get(pk=event.pk).version)
    return client.post(admin_url(event, "transition", action), data, follow=True)


def panel(page):
    return page.region("审核流程")


def state(event):
    event.refresh_from_db()
    return event.status, event.review_stage.name if event.review_stage else None


def event_in(state_name, newsroom):
    author = newsroom.author
    fields = {"title": TITLE, "place": "省科技馆", "created_by": author, "updated_by": author}
    if state_name == "draft":
        return make.event(status=make.DRAFT, **fields)
    if state_name in ("初审", "复审", "终审"):
        stage = make.stage(state_name)
        return make.event(status=make.IN_REVIEW, review_stage=stage, stage_entered_at=timezone.now(), **fields)
    if state_name == "approved":
        return newsroom.review(make.event(status=make.DRAFT, **fields))
    return make.event(**fields)


@pytest.mark.parametrize(
    ("role", "state_name", "expected"),
    [
        ("author", "draft", ["提交审核"]),
        ("reviewer", "初审", ["审核通过", "退回修改"]),
        ("reviewer", "终审", []),
        ("chief", "终审", ["审核通过", "退回修改"]),
        ("chief", "approved", ["退回修改", "发布"]),
        ("author", "published", []),
        ("chief", "published", ["撤稿"]),
    ],
)
def test_the_event_page_offers_exactly_the_decisions_the_user_may_take(
    newsroom, client, read_page, role, state_name, expected
):
    event = event_in(state_name, newsroom)
    user = getattr(newsroom, role)
    client.force_login(user)

    buttons = panel(read_page(client.get(admin_url(event)))).buttons()

    assert buttons == expected
    assert buttons == [ACTION_LABELS[a] for a in workflow.available_actions(event, user)]


def test_the_author_of_an_event_who_also_reviews_cannot_approve_it(newsroom, client, read_page):
    author_and_reviewer = make.user("both", groups=[make.EDITOR, make.REVIEWER], is_staff=True)
    event = make.event(
        title=TITLE,
        status=make.IN_REVIEW,
        review_stage=make.stage("初审"),
        stage_entered_at=timezone.now(),
        created_by=author_and_reviewer,
        updated_by=author_and_reviewer,
    )
    client.force_login(author_and_reviewer)

    shown = panel(read_page(client.get(admin_url(event))))

    assert "审核通过" not in shown.buttons()
    assert shown.contains("审核通过：不能审核自己创建或修改过的活动。")


def test_submitting_an_event_from_its_page_sends_it_to_the_first_stage(newsroom, client, read_page):
    event = event_in("draft", newsroom)
    client.force_login(newsroom.author)

    response = decide(client, event, "submit")

    assert response.redirect_chain == [(admin_url(event), 302)]
    assert read_page(response).messages() == [f"已提交《{TITLE}》，等待“初审”。"]
    assert state(event) == ("in_review", "初审")


def test_an_event_workflow_address_refuses_a_get_and_an_unknown_action(newsroom, client):
    event = event_in("draft", newsroom)
    client.force_login(newsroom.author)

    assert client.get(admin_url(event, "transition", "submit")).status_code == 405
    assert client.post(admin_url(event, "transition", "approve_all")).status_code == 404
    assert state(event) == ("draft", None)


def test_an_editor_cannot_approve_an_event_and_nothing_changes(newsroom, client, read_page):
    event = event_in("初审", newsroom)
    client.force_login(make.editor("another"))

    response = decide(client, event, "approve")

    assert read_page(response).messages() == ["您没有“审核通过”的权限。"]
    assert state(event) == ("in_review", "初审")
    assert not WorkflowLog.objects.exists()


def test_sending_an_event_back_needs_a_comment_which_the_author_then_sees(named_newsroom, client, read_page):
    newsroom = named_newsroom
    event = event_in("初审", newsroom)
    client.force_login(newsroom.reviewer)

    refused = decide(client, event, "send_back", comment="")
    assert read_page(refused).messages() == ["退回修改时请写明原因，作者会看到这条意见。"]
    assert state(event) == ("in_review", "初审")

    decide(client, event, "send_back", comment="活动地点请写全称。")
    assert state(event) == ("draft", None)

    client.force_login(newsroom.author)
    page = read_page(client.get(admin_url(event)))
    assert panel(page).in_order("退回修改意见", "王芳", "在“初审”环节退回", "活动地点请写全称。")
    assert page.region("审核记录").in_order("退回修改（初审） · 王芳 · 之后为“草稿”", "活动地点请写全称。")


def test_an_event_published_for_later_stays_off_the_site_until_then(newsroom, client, read_page, monkeypatch):
    event = event_in("approved", newsroom)
    moment = timezone.localtime(timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    client.force_login(newsroom.chief)

    response = decide(client, event, "publish", at=moment.strftime("%Y-%m-%dT%H:%M"))

    assert read_page(response).messages() == [f"《{TITLE}》将于 {moment:%Y-%m-%d %H:%M} 发布，到时读者即可看到。"]
    event.refresh_from_db()
    assert (event.status, event.published_at) == ("published", moment)
    assert client.get(event.get_absolute_url()).status_code == 404
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment + timedelta(minutes=1))
    assert TITLE in read_page(client.get(event.get_absolute_url())).text


def test_an_event_cannot_be_published_for_a_time_already_past(newsroom, client, read_page):
    event = event_in("approved", newsroom)
    past = timezone.localtime(timezone.now() - timedelta(days=1))
    client.force_login(newsroom.chief)

    response = decide(client, event, "publish", at=past.strftime("%Y-%m-%dT%H:%M"))

    assert read_page(response).messages() == ["定时发布的时间须晚于现在；要立即发布，请留空。"]
    assert state(event) == ("approved", None)


def test_an_approved_event_is_read_only(newsroom, client, read_page):
    event = event_in("approved", newsroom)
    client.force_login(newsroom.author)

    page = read_page(client.get(admin_url(event)))

    assert page.find("input", name="title") is None
    assert page.find("input", name="place") is None


@pytest.mark.parametrize(("state_name", "deletable"), [("draft", True), ("初审", False), ("published", False)])
def test_only_events_readers_never_saw_can_be_deleted(newsroom, client, state_name, deletable):
    event = event_in(state_name, newsroom)
    client.force_login(newsroom.chief)

    response = client.post(admin_url(event, "delete"), {"post": "yes"})

    assert response.status_code == (302 if deletable else 403)
    assert Event.objects.filter(pk=event.pk).exists() is not deletable


def test_a_published_event_is_corrected_in_place(newsroom, client, read_page):
    event = event_in("published", newsroom)
    client.force_login(newsroom.author)
    data = read_page(client.get(admin_url(event))).form("event_form", submit="_save")
    data["place"] = "省科技馆报告厅"

    client.post(admin_url(event), data)

    assert state(event) == ("published", None)
    assert "省科技馆报告厅" in read_page(client.get(event.get_absolute_url())).text


def test_a_stale_event_form_is_refused_and_the_merged_one_saved(newsroom, read_page, admin_errors):
    event = event_in("draft", newsroom)
    first, second = Client(), Client()
    first.force_login(make.named(make.editor("zhangwei"), "张", "伟"))
    second.force_login(make.editor("lina"))
    theirs = read_page(first.get(admin_url(event))).form("event_form", submit="_save")
    mine = read_page(second.get(admin_url(event))).form("event_form", submit="_save")
    theirs["place"] = "省科技馆报告厅"
    first.post(admin_url(event), theirs)
    mine["organiser"] = "省科协"

    refused = second.post(admin_url(event), mine)

    event.refresh_from_db()
    when = timezone.localtime(event.updated_at)
    assert admin_errors(refused) == [
        f"《{TITLE}》在您打开之后有了新的变化：张伟 于 {when:%Y-%m-%d %H:%M} 修改了地点。您的修改尚未保存。"
        "最新的内容列在下面，请对照后把您的修改合并进表单，再保存一次。"
    ]
    assert read_page(refused).region("张伟 于").definitions() == {"地点": "省科技馆报告厅", "主办单位": "（空）"}
    assert (event.place, event.organiser) == ("省科技馆报告厅", "")

    merged = read_page(refused).form("event_form", submit="_save")
    merged["place"] = "省科技馆报告厅"
    assert second.post(admin_url(event), merged).status_code == 302
    event.refresh_from_db()
    assert (event.place, event.organiser) == ("省科技馆报告厅", "省科协")
