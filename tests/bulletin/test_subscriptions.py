"""Readers' email subscriptions to new issues (bulletin.subscriptions): the form, the confirmation
mail and its link, the issue mail each released issue sends, one-click unsubscribing, and what
staff see.

Mail goes through the locmem outbox. Releasing runs what the release leaves for after its commit
(``commit``), as a request would; the readers' PDF, which a release also rebuilds, is not made.
"""

import csv
import io
import re
import smtplib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.core import signing
from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bulletin import subscriptions, workflow
from bulletin.models import Delivery, IssuePrint, Subscriber
from bulletin.scheduled import content_goes_live
from tests import factories as make
from tests.bulletin.test_races import INTERLEAVINGS
from tests.conftest import Page, logged_in, run_worker

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
SUBSCRIBE = "/subscribe/"
READER = "reader@example.com"
CONFIRM_LINK = re.compile(r"https?://\S+/subscribe/confirm/\S+/")
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks race only on PostgreSQL")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    """A release rebuilds the readers' PDF; these tests are about mail, so none is laid out."""

    def ready(pk):
        edition = IssuePrint.objects.get(pk=pk)
        edition.state = IssuePrint.State.READY
        return edition

    monkeypatch.setattr("bulletin.print_edition.build_edition", ready)


@pytest.fixture
def sections(db):
    """Two of the periodical's sections, in print order: 科协动态, then 科海观澜."""
    return {
        "科协动态": make.section("科协动态", order=30, slug="kexiedongtai"),
        "科海观澜": make.section("科海观澜", order=50, slug="kehaiguanlan"),
    }


@pytest.fixture
def issue(sections):
    """2026年第3期, not yet released: a cover and three approved articles in two sections."""
    issue = make.draft_issue(
        year=2026,
        number=3,
        running_number=123,
        theme="科技创新",
        cover_image=make.image_upload("cover.jpg", size=(600, 800)),
    )
    news, science = sections["科协动态"], sections["科海观澜"]
    make.article(issue, title="省科协召开常委会议", section=news, status=make.APPROVED, position=1, slug="changwei")
    make.article(
        issue,
        kicker="科普进基层：",
        title="科普大篷车开进山区",
        section=news,
        status=make.APPROVED,
        position=2,
        slug="dapengche",
    )
    make.article(issue, title="量子计算的新进展", section=science, status=make.APPROVED, position=1, slug="liangzi")
    return issue


def release(commit, chief, issue, **kwargs):
    return commit(lambda: workflow.release_issue(issue, by=chief, **kwargs))


def subscriber(email=READER, *, sections=()):
    """A confirmed subscriber, as following the confirmation link leaves one."""
    obj = Subscriber.objects.create(email=email, status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now())
    obj.sections.set(sections)
    return obj


def issue_mails(outbox):
    return [mail for mail in outbox if mail.subject.endswith("已出版")]


def html_of(mail):
    [(html, kind)] = mail.alternatives
    assert kind == "text/html"
    return Page.parse(html)


def local(url):
    assert url.startswith(SITE), url
    return url.removeprefix(SITE)


@pytest.fixture
def subscribe(commit):
    """``subscribe(client, email, sections)``: send the form, and the mail it leaves for after its commit."""

    def send(client, email=READER, sections=(), **headers):
        return commit(lambda: client.post(SUBSCRIBE, {"email": email, "sections": list(sections)}, **headers))

    return send


def confirm_link(mail):
    return local(CONFIRM_LINK.search(mail.body).group())


def confirm(client, mail):
    """Follow the confirmation link of ``mail`` and press its button, as the reader would."""
    link = confirm_link(mail)
    page = Page.parse(client.get(link).content.decode())
    return client.post(link, page.form("subscription-step"))


# Subscribing ------------------------------------------------------------------------------------


def test_the_footer_of_every_page_leads_to_the_subscription_form(client, read_page):
    page = read_page(client.get(reverse("bulletin:home")))

    assert ("邮件订阅新刊", SUBSCRIBE) in page.anchors()


def test_a_reader_subscribes_and_is_mailed_only_once_the_link_in_the_confirmation_mail_is_followed(
    client, read_page, mailoutbox, sections, commit
):
    form = read_page(client.get(SUBSCRIBE)).form("subscribe-form")
    form.update(email="  Reader@Example.COM ", sections=["kehaiguanlan"])

    sent = commit(lambda: client.post(SUBSCRIBE, form, follow=True))

    assert read_page(sent).contains("请查收确认邮件")
    [mail] = mailoutbox
    assert (mail.to, mail.subject) == ([READER], "请确认订阅《科协通讯》")
    assert "只订阅这些栏目：科海观澜" in mail.body and "7天内" in mail.body
    assert Subscriber.objects.get().status == "pending"

    page = read_page(client.get(confirm_link(mail)))
    assert page.buttons() == ["搜索", "确认订阅"]
    assert Subscriber.objects.get().status == "pending"  # a mail program opening the link confirms nothing

    done = read_page(confirm(client, mail))

    assert done.contains("订阅成功") and done.contains("“科海观澜”栏目的目录")
    reader = Subscriber.objects.get()
    assert (reader.email, reader.status) == (READER, "confirmed")
    assert list(reader.sections.all()) == [sections["科海观澜"]]


def test_following_the_confirmation_link_twice_changes_nothing(client, read_page, mailoutbox, subscribe):
    subscribe(client)
    confirm(client, mailoutbox[0])
    confirmed_at = Subscriber.objects.get().confirmed_at

    again = read_page(confirm(client, mailoutbox[0]))

    assert again.contains("订阅成功")
    assert Subscriber.objects.get().confirmed_at == confirmed_at


def test_an_address_already_subscribed_gets_the_same_answer_and_no_second_subscription(
    client, mailoutbox, sections, subscribe
):
    subscriber(READER)

    answer = subscribe(client, "READER@example.com", sections=["kexiedongtai"])

    assert answer.status_code == 302 and answer.url == subscribe(client, "new@example.com").url
    assert Subscriber.objects.filter(email=READER).count() == 1
    # Nothing changes until the owner follows the new link: a stranger cannot narrow what they get.
    assert list(Subscriber.objects.get(email=READER).sections.all()) == []
    confirm(client, mailoutbox[0])
    assert list(Subscriber.objects.get(email=READER).sections.all()) == [sections["科协动态"]]


def test_an_address_is_kept_trimmed_in_lower_case_with_its_domain_in_ascii(client, subscribe):
    subscribe(client, " Li.Ming@例子.中国 ")

    assert list(Subscriber.objects.values_list("email", flat=True)) == ["li.ming@xn--fsqu00a.xn--fiqs8s"]


def test_the_database_refuses_a_second_row_for_the_same_address():
    subscriber(READER)

    with pytest.raises(IntegrityError):
        Subscriber.objects.create(email=READER)


def test_a_bad_address_gets_a_clear_error_and_the_form_keeps_what_was_typed(client, mailoutbox, sections, subscribe):
    response = subscribe(client, "reader@@example", sections=["kehaiguanlan"])

    assert response.status_code == 200
    page = Page.parse(response.content.decode())
    assert page.contains("请填写有效的邮箱地址，如 name@example.com。")
    assert page.form("subscribe-form") == {
        "csrfmiddlewaretoken": page.form("subscribe-form")["csrfmiddlewaretoken"],
        "email": "reader@@example",
        "sections": "kehaiguanlan",
    }
    assert (Subscriber.objects.count(), mailoutbox) == (0, [])


def test_an_empty_address_is_asked_for(client, subscribe):
    page = Page.parse(subscribe(client, "").content.decode())

    assert page.contains("请填写邮箱地址。")


def test_a_client_that_asks_too_often_is_told_to_wait_and_keeps_what_it_typed(client, mailoutbox, subscribe):
    for n in range(subscriptions.REQUEST_LIMIT):
        assert subscribe(client, f"reader{n}@example.com", REMOTE_ADDR="203.0.113.7").status_code == 302

    refused = subscribe(client, "one-more@example.com", REMOTE_ADDR="203.0.113.7")
    elsewhere = subscribe(client, "one-more@example.com", REMOTE_ADDR="198.51.100.2")

    assert refused.status_code == 429
    page = Page.parse(refused.content.decode())
    assert page.contains("同一网络每1小时最多提交5次订阅，请稍后再试。")
    assert page.form("subscribe-form")["email"] == "one-more@example.com"
    assert elsewhere.status_code == 302
    assert len(mailoutbox) == subscriptions.REQUEST_LIMIT + 1


def test_a_confirmation_link_older_than_a_week_has_expired(client, mailoutbox, subscribe, monkeypatch):
    subscribe(client)
    week_later = time.time() + timedelta(days=subscriptions.CONFIRMATION_DAYS, minutes=1).total_seconds()
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: week_later))  # the clock signatures are read by

    response = client.get(confirm_link(mailoutbox[0]))

    assert response.status_code == 400
    page = Page.parse(response.content.decode())
    assert page.contains("链接已失效") and page.contains("已经过期")
    assert Subscriber.objects.get().status == "pending"


def test_a_forged_confirmation_link_confirms_nothing(client):
    pending = Subscriber.objects.create(email=READER)
    forged = reverse("bulletin:subscription-confirm", args=[f"[{pending.pk}, []]:forged"])

    response = client.post(forged)

    assert response.status_code == 400
    assert Subscriber.objects.get().status == "pending"


# The issue mail ---------------------------------------------------------------------------------


def test_releasing_an_issue_mails_its_cover_and_contents_to_confirmed_subscribers_only(
    client, commit, chief_editor, issue, mailoutbox
):
    subscriber(READER)
    Subscriber.objects.create(email="pending@example.com")
    subscriptions.unsubscribe(subscriber("left@example.com"))

    release(commit, chief_editor, issue)

    [mail] = issue_mails(mailoutbox)
    assert mail.to == [READER]
    assert mail.subject == "《科协通讯》2026年第3期（总第123期）已出版"
    html = html_of(mail)
    assert html.in_order("科协通讯", "2026年第3期", "本期主题：科技创新", "本期目录")
    [cover] = html.images()
    assert cover.startswith(f"{SITE}/media/") and cover.endswith(".jpg")
    assert client.get(local(cover)).status_code == 200
    articles = [(text, href) for text, href in html.anchors() if "/issues/2026/3/" in href and text]
    assert [text for text, _href in articles] == [
        "在网站上阅读本期",
        "省科协召开常委会议",
        "科普进基层：科普大篷车开进山区",
        "量子计算的新进展",
    ]
    assert html.in_order("科协动态", "省科协召开常委会议", "科普大篷车开进山区", "科海观澜", "量子计算的新进展")
    for _text, href in articles:
        assert client.get(local(href)).status_code == 200
    assert "量子计算的新进展" in mail.body and f"{SITE}/issues/2026/3/liangzi/" in mail.body


def test_every_issue_mail_offers_one_click_unsubscribing(commit, chief_editor, issue, mailoutbox):
    reader = subscriber(READER)

    release(commit, chief_editor, issue)

    [mail] = issue_mails(mailoutbox)
    message = mail.message()
    # The token is signed with the current second: compared by the subscriber it names.
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    token = unsubscribe.removeprefix(f"{SITE}/unsubscribe/").removesuffix("/")
    assert signing.loads(token, salt=subscriptions.UNSUBSCRIBE_SALT) == reader.pk
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert ("退订", unsubscribe) in html_of(mail).anchors()
    assert f"退订：{unsubscribe}" in mail.body


def test_a_reader_of_some_sections_gets_only_those_and_no_mail_for_an_issue_without_them(
    commit, chief_editor, issue, sections, mailoutbox
):
    subscriber("science@example.com", sections=[sections["科海观澜"]])
    subscriber("other@example.com", sections=[make.section("基层风采", order=40)])

    release(commit, chief_editor, issue)

    [mail] = issue_mails(mailoutbox)
    assert mail.to == ["science@example.com"]
    html = html_of(mail)
    assert html.contains("您订阅的栏目：科海观澜") and html.contains("量子计算的新进展")
    assert not html.contains("省科协召开常委会议") and "省科协召开常委会议" not in mail.body
    skipped = Delivery.objects.get(subscriber__email="other@example.com")
    assert (skipped.state, skipped.error) == ("skipped", "本期没有所订栏目的稿件")


def test_releasing_again_or_running_the_mailing_again_sends_nothing_more(commit, chief_editor, issue, mailoutbox):
    subscriber(READER)
    release(commit, chief_editor, issue)

    commit(lambda: subscriptions.mail_issue.call(issue.pk))
    commit(lambda: workflow.unpublish_issue(issue, by=chief_editor, comment="更正封面"))
    release(commit, chief_editor, issue)

    assert [mail.to for mail in issue_mails(mailoutbox)] == [[READER]]
    assert Delivery.objects.get().state == "sent"


def test_a_long_list_is_mailed_in_batches_each_queueing_the_next(commit, chief_editor, issue, mailoutbox, monkeypatch):
    monkeypatch.setattr(subscriptions, "BATCH_SIZE", 2)
    readers = [subscriber(f"reader{n}@example.com").email for n in range(5)]
    runs = []
    monkeypatch.setattr(subscriptions.Mailing, "send_next", counting(subscriptions.Mailing.send_next, runs))

    release(commit, chief_editor, issue)

    assert sorted(mail.to[0] for mail in issue_mails(mailoutbox)) == readers
    assert len(runs) == 6  # three batches of two: the last one finds nothing more


def counting(method, calls):
    def wrapped(self):
        calls.append(self)
        return method(self)

    return wrapped


def test_an_issue_released_for_later_is_mailed_only_when_its_time_comes(
    commit, chief_editor, issue, mailoutbox, travel
):
    subscriber(READER)
    later = timezone.now() + timedelta(hours=2)
    release(commit, chief_editor, issue, at=later)

    commit(lambda: content_goes_live.call((later - timedelta(hours=1)).isoformat(), timezone.now().isoformat()))
    before = issue_mails(mailoutbox)
    travel(later + timedelta(seconds=30))
    commit(lambda: content_goes_live.call((later - timedelta(seconds=30)).isoformat(), timezone.now().isoformat()))

    assert before == []
    assert [mail.to for mail in issue_mails(mailoutbox)] == [[READER]]


@pytest.mark.django_db(transaction=True)
def test_with_the_worker_an_issue_released_for_later_waits_for_its_moment(
    chief_editor, issue, mailoutbox, worker_queue, travel
):
    subscriber(READER)
    later = timezone.now() + timedelta(hours=2)
    workflow.release_issue(issue, by=chief_editor, at=later)

    run_worker()
    before = issue_mails(mailoutbox)
    travel(later + timedelta(minutes=1))
    run_worker()

    assert before == []
    assert [mail.to for mail in issue_mails(mailoutbox)] == [[READER]]


def test_an_issue_taken_back_before_its_moment_is_never_mailed(commit, chief_editor, issue, mailoutbox, travel):
    subscriber(READER)
    later = timezone.now() + timedelta(hours=2)
    release(commit, chief_editor, issue, at=later)
    commit(lambda: workflow.unpublish_issue(issue, by=chief_editor, comment="推迟出版"))

    travel(later + timedelta(minutes=1))
    handled = commit(lambda: subscriptions.mail_issue.call(issue.pk))

    assert (handled, issue_mails(mailoutbox), Delivery.objects.count()) == (0, [], 0)


class RefusingOutbox(locmem.EmailBackend):
    """A mail server that takes every mail but those to ``gone@…``, a mailbox that does not exist."""

    def send_messages(self, messages):
        for message in messages:
            if message.to[0].startswith("gone@"):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"5.1.1 User unknown")})
        return super().send_messages(messages)


def test_an_address_the_server_refuses_is_recorded_as_bounced_and_not_mailed_again(
    commit, chief_editor, issue, mailoutbox, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingOutbox"
    gone, reader = subscriber("gone@example.com"), subscriber(READER)
    release(commit, chief_editor, issue)
    following = make.draft_issue(year=2026, number=4, running_number=124)
    make.article(following, title="下一期的稿件", status=make.APPROVED)

    release(commit, chief_editor, following)

    bounced = Delivery.objects.get(subscriber=gone, issue=issue)
    assert (bounced.state, bounced.error) == ("bounced", "收件服务器拒收：550 5.1.1 User unknown")
    gone.refresh_from_db()
    assert gone.status == "bounced" and gone.bounced_at is not None
    assert not Delivery.objects.filter(subscriber=gone, issue=following).exists()
    assert [mail.to for mail in issue_mails(mailoutbox)] == [[READER], [READER]]
    assert Delivery.objects.filter(subscriber=reader, state="sent").count() == 2


class UnreachableServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server unreachable")


@pytest.mark.django_db(transaction=True)
def test_a_mail_the_server_cannot_take_now_is_recorded_and_sent_when_the_job_tries_again(
    chief_editor, issue, mailoutbox, worker_queue, settings, travel
):
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableServer"
    subscriber(READER)
    workflow.release_issue(issue, by=chief_editor)

    run_worker()
    failed = Delivery.objects.get()
    retry = DBTaskResult.objects.filter(task_path__endswith="mail_issue", status="READY").get()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    travel(retry.run_after + timedelta(seconds=1))
    run_worker()

    assert (failed.state, failed.attempts) == ("pending", 1)
    assert failed.error == "ConnectionRefusedError: SMTP server unreachable"
    assert [mail.to for mail in issue_mails(mailoutbox)] == [[READER]]
    sent = Delivery.objects.get()
    assert (sent.state, sent.attempts) == ("sent", 1)


# Unsubscribing ----------------------------------------------------------------------------------


def test_one_click_unsubscribing_needs_no_csrf_token_nor_login_and_may_be_repeated(
    commit, chief_editor, issue, mailoutbox
):
    reader = subscriber(READER)
    mail_program = Client(enforce_csrf_checks=True)
    url = f"/unsubscribe/{subscriptions.unsubscribe_token(reader)}/"

    first = mail_program.post(url, {"List-Unsubscribe": "One-Click"})
    again = mail_program.post(url, {"List-Unsubscribe": "One-Click"})
    release(commit, chief_editor, issue)

    assert (first.status_code, again.status_code) == (200, 200)
    assert Page.parse(again.content.decode()).contains("已退订")
    reader.refresh_from_db()
    assert reader.status == "unsubscribed" and reader.unsubscribed_at is not None
    assert issue_mails(mailoutbox) == []


def test_the_unsubscribe_link_opened_in_a_browser_asks_before_it_unsubscribes(client, read_page):
    reader = subscriber(READER)
    url = f"/unsubscribe/{subscriptions.unsubscribe_token(reader)}/"

    page = read_page(client.get(url))
    reader.refresh_from_db()
    status_after_opening = reader.status
    done = read_page(client.post(url, page.form("subscription-step")))

    assert page.contains("退订新刊邮件") and "退订" in page.buttons()
    assert status_after_opening == "confirmed"
    assert done.contains("这个邮箱地址不会再收到新刊邮件")
    reader.refresh_from_db()
    assert reader.status == "unsubscribed"


def test_a_forged_unsubscribe_link_is_not_found(client):
    subscriber(READER)

    assert client.post("/unsubscribe/MQ:forged/").status_code == 404
    assert Subscriber.objects.get().status == "confirmed"


def test_a_reader_who_unsubscribed_can_subscribe_again(client, mailoutbox, subscribe):
    reader = subscriber(READER)
    subscriptions.unsubscribe(reader)

    subscribe(client)
    confirm(client, mailoutbox[0])

    reader.refresh_from_db()
    assert (reader.status, reader.unsubscribed_at) == ("confirmed", None)


# Staff, and what nobody else sees ---------------------------------------------------------------


@pytest.fixture
def list_keeper(db):
    """A staff member given the permission to see subscribers."""
    user = make.staff_without_role("keeper")
    user.user_permissions.add(Permission.objects.get(codename="view_subscriber"))
    return user


def test_staff_with_the_permission_see_how_many_are_confirmed_pending_and_unsubscribed(list_keeper, read_page):
    subscriber("a@example.com")
    subscriber("b@example.com")
    Subscriber.objects.create(email="c@example.com")
    subscriptions.unsubscribe(subscriber("d@example.com"))

    page = read_page(logged_in(list_keeper).get(reverse("admin:bulletin_subscriber_changelist")))

    assert page.contains("已订阅 (2)") and page.contains("待确认 (1)") and page.contains("已退订 (1)")
    assert page.contains("a@example.com")


def test_staff_with_the_permission_export_the_subscribers_as_csv(list_keeper, sections):
    subscriber("a@example.com", sections=[sections["科海观澜"]])
    subscriber("=1+2@example.com")
    chosen = list(Subscriber.objects.values_list("pk", flat=True))

    response = logged_in(list_keeper).post(
        reverse("admin:bulletin_subscriber_changelist"), {"action": "export_csv", "_selected_action": chosen}
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == ["邮箱地址", "状态", "订阅的栏目", "提交时间", "确认时间", "退订时间"]
    assert [row[:3] for row in rows[1:]] == [
        ["'=1+2@example.com", "已订阅", "全部栏目"],
        ["a@example.com", "已订阅", "科海观澜"],
    ]


def test_staff_without_the_permission_see_no_address(staff_client, chief_client):
    subscriber(READER)

    for client in (staff_client, chief_client):
        assert client.get(reverse("admin:bulletin_subscriber_changelist")).status_code == 403
        assert client.get(reverse("admin:bulletin_delivery_changelist")).status_code == 403
        assert READER not in client.get(reverse("admin:index")).content.decode()


def test_no_public_page_or_feed_shows_a_subscribers_address(client, commit, chief_editor, issue):
    subscriber(READER)
    release(commit, chief_editor, issue)

    for url in (
        reverse("bulletin:home"),
        issue.get_absolute_url(),
        reverse("bulletin:feed-rss"),
        reverse("bulletin:feed-atom"),
        reverse("sitemap"),
        reverse("website:search") + "?q=reader",
        SUBSCRIBE,
        reverse("bulletin:subscription-sent"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert READER not in response.content.decode(), url


def test_staff_send_again_what_a_mailing_left_when_its_retries_ran_out(
    commit, chief_editor, issue, mailoutbox, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableServer"
    subscriber(READER)
    release(commit, chief_editor, issue)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    operator = make.superuser("root")

    response = commit(
        lambda: logged_in(operator).post(
            reverse("admin:bulletin_delivery_changelist"),
            {"action": "send_again", "_selected_action": list(Delivery.objects.values_list("pk", flat=True))},
        )
    )

    assert response.status_code == 302
    assert [mail.to for mail in issue_mails(mailoutbox)] == [[READER]]
    assert Delivery.objects.get().state == "sent"


# Two workers at once ----------------------------------------------------------------------------


class SlowOutbox(locmem.EmailBackend):
    """A mail server that takes a moment per mail, long enough for another worker to come by."""

    def send_messages(self, messages):
        time.sleep(0.02)
        return super().send_messages(messages)


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("delays", INTERLEAVINGS)
def test_two_workers_mailing_an_issue_at_once_send_each_address_one_mail(delays, settings, mailoutbox):
    settings.EMAIL_BACKEND = f"{__name__}.SlowOutbox"
    issue = make.issue(year=2026, number=7, running_number=127)
    make.article(issue, title="省科协召开常委会议")
    readers = [subscriber(f"reader{n}@example.com").email for n in range(8)]
    barrier = threading.Barrier(2)

    def worker(delay):
        try:
            barrier.wait()
            time.sleep(delay)
            return subscriptions.mail_issue.call(issue.pk)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        handled = list(pool.map(worker, delays))

    assert sum(handled) == len(readers)
    assert sorted(mail.to[0] for mail in issue_mails(mailoutbox)) == readers
    assert set(Delivery.objects.values_list("state", flat=True)) == {"sent"}
