"""sitemap.xml lists every public page with its last change, and nothing readers cannot see;
robots.txt, which keeps crawlers off previews without naming the admin's address."""

import importlib.util
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bulletin.models import ArticlePerson
from tests import factories as make
from tests.xss import parse

pytestmark = pytest.mark.django_db

SITE = "https://kexie.example"
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{NS}urlset"
    return {url.findtext(f"{NS}loc"): url.findtext(f"{NS}lastmod") for url in root.iter(f"{NS}url")}


def test_sitemap_lists_public_pages_with_lastmod(client, published_issue):
    section = make.section("科海观澜")
    article = make.article(published_issue, section=section)
    news = make.news()
    person = make.person("张启航")
    make.link(article, person, role=ArticlePerson.Role.AUTHOR)
    event = make.event(title="科普大篷车进校园")

    urls = sitemap(client)

    for page in (
        "/",
        reverse("bulletin:issue-archive"),
        reverse("events:event-list"),
        published_issue.get_absolute_url(),
        article.get_absolute_url(),
        news.get_absolute_url(),
        section.get_absolute_url(),
        person.get_absolute_url(),
        event.get_absolute_url(),
    ):
        assert f"{SITE}{page}" in urls, page
        assert urls[f"{SITE}{page}"], f"no lastmod for {page}"
    assert all(loc.startswith(f"{SITE}/") for loc in urls)


def test_sitemap_never_lists_what_readers_cannot_see(client, published_issue, draft_issue):
    visible = make.article(published_issue)
    hidden = [
        make.article(published_issue, status=make.DRAFT),
        make.article(published_issue, status=make.IN_REVIEW, review_stage=make.stage("初审")),
        make.article(published_issue, status=make.WITHDRAWN, published_at=make.yesterday()),
        make.article(published_issue, published_at=timezone.now() + timedelta(days=1)),
        make.article(draft_issue),
        make.news(status=make.APPROVED),
    ]
    draft_person = make.person("未公开人物")
    make.link(hidden[0], draft_person)
    draft_event = make.event(status=make.DRAFT)

    urls = sitemap(client)

    pages = [path.removeprefix(SITE) for path in urls]
    assert f"{SITE}{visible.get_absolute_url()}" in urls
    for article in hidden:
        assert f"{SITE}{article.get_absolute_url()}" not in urls, article.get_status_display()
    assert f"{SITE}{draft_issue.get_absolute_url()}" not in urls
    assert f"{SITE}{draft_person.get_absolute_url()}" not in urls
    assert f"{SITE}{draft_event.get_absolute_url()}" not in urls
    assert not any("/preview/" in page or "/admin/" in page for page in pages)


def test_section_without_public_articles_is_left_out(client, published_issue):
    empty = make.section("空栏目")
    make.article(published_issue, section=empty, status=make.DRAFT)

    assert f"{SITE}{empty.get_absolute_url()}" not in sitemap(client)


def test_robots_txt_allows_all_but_previews_and_points_to_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /preview/" in lines
    assert "Disallow: /" not in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines


@pytest.fixture
def secret_admin_url(settings):
    """The admin at an unguessable address, as the README advises for production."""
    settings.ADMIN_URL = "redaktion-7f3k/"
    # config.urls reads ADMIN_URL when it is imported: a fresh copy of it routes this test.
    spec = importlib.util.find_spec("config.urls")
    settings.ROOT_URLCONF = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(settings.ROOT_URLCONF)
    assert reverse("admin:index") == "/redaktion-7f3k/"
    return settings.ADMIN_URL


def test_robots_txt_does_not_give_away_the_admin_address(client, secret_admin_url):
    robots = client.get("/robots.txt").content.decode()

    assert "redaktion-7f3k" not in robots


def test_the_admin_asks_search_engines_not_to_index_it(client, secret_admin_url):
    login = parse(client.get(reverse("admin:login")).content.decode())

    robots = [meta.get("content") for meta in login.iter("meta") if meta.get("name") == "robots"]
    assert robots == ["noindex, nofollow, noarchive"]
