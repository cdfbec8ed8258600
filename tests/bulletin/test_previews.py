"""Previews of unpublished articles: for staff in the public template, and through share links
for an outside expert without an account. Everyone else learns nothing, not even that it exists."""

from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bulletin import workflow
from bulletin.models import ShareLink
from tests import factories as make

pytestmark = pytest.mark.django_db

TITLE = "全省科协系统动员大会召开"
BODY = "<p>全省科协系统动员大会在郑州召开。</p>"
NEW_BODY = "<p>全省科协系统动员大会在开封召开。</p>"


def preview_url(article):
    return reverse("bulletin:preview-article", args=[article.pk])


def banner(page):
    found = page.find("p", class_="preview-banner")
    return found.text if found else None


# Staff preview ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["author", "reviewer", "chief", "superuser"])
def test_staff_who_may_view_articles_see_a_draft_as_readers_will_with_a_banner(newsroom, client, read_page, role):
    article = make.draft(by=newsroom.author, title=TITLE, body=BODY)
    client.force_login(getattr(newsroom, role))

    page = read_page(client.get(preview_url(article)))

    assert banner(page) == "预览：本稿尚未发布（状态：草稿）"
    assert page.in_order(TITLE, "全省科协系统动员大会在郑州召开。")


def test_the_meta_line_of_an_unpublished_article_has_no_date_and_no_stray_separator(newsroom, client, read_page):
    article = make.draft(by=newsroom.author, title=TITLE, body=BODY)
    client.force_login(newsroom.author)

    meta = read_page(client.get(preview_url(article))).find("p", class_="article__meta meta")

    assert meta.text == "网络新闻"
    assert meta.element.find(".//time") is None


def test_the_preview_banner_names_the_stage_an_article_waits_in(newsroom, client, read_page):
    article = make.in_review(at="复审", by=newsroom.author, title=TITLE)
    client.force_login(newsroom.reviewer)

    assert banner(read_page(client.get(preview_url(article)))) == "预览：本稿尚未发布（状态：待审·复审）"


def test_the_preview_of_a_revision_shows_its_text_not_the_live_one(newsroom, client, read_page):
    live = make.news(title=TITLE, body=BODY, created_by=newsroom.author)
    revision = workflow.start_revision(live, by=newsroom.author, changes={"body": NEW_BODY})
    client.force_login(newsroom.reviewer)

    page = read_page(client.get(preview_url(revision)))

    assert banner(page) == "预览：这是已发布稿件的修改稿，尚未发布（状态：草稿）"
    assert page.contains("在开封召开")
    assert not page.contains("在郑州召开")


def test_the_preview_of_a_scheduled_article_says_when_readers_will_see_it(newsroom, client, read_page):
    moment = timezone.now() + timedelta(days=1)
    article = make.news(title=TITLE, published_at=moment)
    client.force_login(newsroom.author)

    shown = banner(read_page(client.get(preview_url(article))))

    assert shown == f"预览：本稿定于 {timezone.localtime(moment):%Y-%m-%d %H:%M} 发布，读者届时才能看到"


def test_the_preview_is_never_cached_nor_indexed(newsroom, client):
    article = make.draft(by=newsroom.author, title=TITLE)
    client.force_login(newsroom.author)

    response = client.get(preview_url(article))

    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "must-revalidate", "private", "max-age=0"} <= cache_control
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_anonymous_visitors_cannot_preview_a_draft(newsroom, client):
    article = make.draft(by=newsroom.author, title=TITLE)

    assert client.get(preview_url(article)).status_code == 404


@pytest.mark.parametrize("who", ["staff_without_role", "not_staff"])
def test_logged_in_users_who_may_not_view_articles_in_the_admin_cannot_preview(newsroom, client, who):
    article = make.draft(by=newsroom.author, title=TITLE)
    # Outside the admin, an editor's group alone is not enough: previews are for staff.
    client.force_login(make.user("reader", groups=[make.EDITOR]) if who == "not_staff" else newsroom.nobody)

    response = client.get(preview_url(article))

    assert response.status_code == 404
    assert TITLE not in response.content.decode()


def test_previewing_an_article_that_does_not_exist_is_not_found(newsroom, client):
    client.force_login(newsroom.author)

    assert client.get(reverse("bulletin:preview-article", args=[999999])).status_code == 404


# Share links -----------------------------------------------------------------------------------


@pytest.fixture
def article(newsroom):
    return make.in_review(at="初审", by=newsroom.author, title=TITLE, body=BODY)


@pytest.fixture
def reviewer_client(newsroom, client):
    client.force_login(newsroom.reviewer)
    return client


@pytest.fixture
def expert():
    """An outside expert's browser: no account, no session."""
    return Client()


def share(client, read_page, article):
    """Press 为当前版本创建分享链接 and return the address the page then shows."""
    response = client.post(reverse("review:share-link-create", args=[article.pk]), follow=True)
    page = read_page(response)
    addresses = [href for _, href in page.anchors() if "/preview/shared/" in href]
    assert len(addresses) == 1, addresses
    return addresses[0]


def test_a_reviewer_creates_a_share_link_that_expires_after_the_configured_days(
    article, reviewer_client, read_page, settings
):
    settings.SHARE_LINK_DAYS = 5

    response = reviewer_client.post(reverse("review:share-link-create", args=[article.pk]), follow=True)

    page = read_page(response)
    assert response.redirect_chain == [(reverse("review:share-links", args=[article.pk]), 302)]
    assert page.messages() == [f"已为《{TITLE}》的当前版本创建分享链接，5天后失效。"]
    link = ShareLink.objects.get()
    assert abs(link.expires_at - (timezone.now() + timedelta(days=5))) < timedelta(minutes=1)
    [row] = page.find("table", class_="review-table").rows()[1:]
    assert row[2:5] == ["reviewer", f"{timezone.localtime(link.expires_at):%Y-%m-%d %H:%M}", "有效"]


def test_share_links_are_addresses_on_the_public_site_whatever_host_the_request_names(
    article, reviewer_client, read_page, settings
):
    settings.SITE_URL = "https://kexie.example"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]
    reviewer_client.post(reverse("review:share-link-create", args=[article.pk]))

    response = reviewer_client.get(reverse("review:share-links", args=[article.pk]), HTTP_HOST="evil.example")

    [shared] = [href for _, href in read_page(response).anchors() if "/preview/shared/" in href]
    # The token is signed with the time it is written, so it is compared by what it stands for.
    prefix = "https://kexie.example/preview/shared/"
    assert shared.startswith(prefix)
    assert ShareLink.from_token(shared.removeprefix(prefix).rstrip("/")) == ShareLink.objects.get()


def test_an_expert_without_an_account_reads_the_shared_version(article, reviewer_client, read_page, expert):
    address = share(reviewer_client, read_page, article)

    response = expert.get(address)

    page = read_page(response)
    assert page.in_order(TITLE, "全省科协系统动员大会在郑州召开。")
    expires = timezone.localtime(ShareLink.objects.get().expires_at)
    assert banner(page) == f"外审预览：此链接于 {expires:%Y-%m-%d %H:%M} 失效"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_share_link_keeps_showing_its_version_after_later_edits(article, reviewer_client, read_page, expert):
    address = share(reviewer_client, read_page, article)
    article.refresh_from_db()
    article.body = NEW_BODY
    article.title = "动员大会改期"
    article.save()

    page = read_page(expert.get(address))

    assert page.contains(TITLE)
    assert page.contains("在郑州召开")
    assert not page.contains("开封")
    assert not page.contains("改期")


def test_a_revoked_share_link_stops_working(article, reviewer_client, read_page, expert):
    address = share(reviewer_client, read_page, article)
    link = ShareLink.objects.get()

    response = reviewer_client.post(reverse("review:share-link-revoke", args=[article.pk, link.pk]), follow=True)

    page = read_page(response)
    assert page.messages() == ["链接已撤销，外审专家将无法再打开。"]
    assert "已撤销" in page.find("table", class_="review-table").rows()[1][4]
    assert expert.get(address).status_code == 404


def test_an_expired_share_link_stops_working(article, reviewer_client, read_page, expert):
    address = share(reviewer_client, read_page, article)
    ShareLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert expert.get(address).status_code == 404


def test_a_tampered_or_forged_share_link_is_not_found(article, reviewer_client, read_page, expert):
    address = share(reviewer_client, read_page, article)
    token = address.rstrip("/").rsplit("/", 1)[1]
    pk = ShareLink.objects.get().pk

    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    signed_elsewhere = signing.dumps(pk)  # a valid signature, but not for share links
    for forged in (tampered, signed_elsewhere, "abc"):
        assert expert.get(reverse("bulletin:shared-preview", args=[forged])).status_code == 404, forged
    assert expert.get(address).status_code == 200


def test_an_editor_cannot_create_or_list_share_links(newsroom, article, client):
    client.force_login(newsroom.author)

    assert client.post(reverse("review:share-link-create", args=[article.pk])).status_code == 403
    assert client.get(reverse("review:share-links", args=[article.pk])).status_code == 403
    assert not ShareLink.objects.exists()


@pytest.mark.parametrize(("role", "offered"), [("author", False), ("reviewer", True)])
def test_only_those_who_may_share_are_offered_the_share_links_page(newsroom, article, client, read_page, role, offered):
    client.force_login(getattr(newsroom, role))

    page = read_page(client.get(reverse("review:article-diff", args=[article.pk])))

    assert page.contains("外审分享链接") is offered


def test_an_editor_cannot_revoke_a_share_link(newsroom, article, reviewer_client, read_page):
    share(reviewer_client, read_page, article)
    link = ShareLink.objects.get()
    reviewer_client.force_login(newsroom.author)

    response = reviewer_client.post(reverse("review:share-link-revoke", args=[article.pk, link.pk]))

    assert response.status_code == 403
    link.refresh_from_db()
    assert link.revoked_at is None


def test_withdrawing_an_article_revokes_the_share_links_made_while_it_was_reviewed(
    newsroom, article, reviewer_client, read_page, expert
):
    address = share(reviewer_client, read_page, article)
    workflow.approve(article, by=newsroom.reviewer)
    workflow.approve(article, by=newsroom.second_reviewer)
    workflow.approve(article, by=newsroom.chief)
    workflow.publish(article, by=newsroom.chief)
    assert expert.get(address).status_code == 200

    workflow.withdraw(article, by=newsroom.chief, comment="数据有误，撤下核实")

    assert expert.get(address).status_code == 404
    assert ShareLink.objects.get().revoked_at is not None
