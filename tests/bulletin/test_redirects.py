"""Stable addresses: a draft's slug follows its title, a published article keeps its address,
and an address an article had while public sends readers on with a 301."""

import pytest
from django.urls import reverse

from bulletin import redirects, workflow
from bulletin.models import Article, ArticleRedirect
from tests import factories as make

pytestmark = pytest.mark.django_db


def reload(article):
    return Article.objects.select_related("issue").get(pk=article.pk)


# Slugs -------------------------------------------------------------------------------------------


def test_draft_slug_follows_a_new_title(editor):
    draft = make.draft(by=editor, title="科普大篷车进校园")
    assert draft.slug == "ke-pu-da-peng-che-jin-xiao-yuan"

    draft = reload(draft)
    draft.title = "院士专家进企业"
    draft.save()

    assert reload(draft).slug == "yuan-shi-zhuan-jia-jin-qi-ye"


def test_slug_an_editor_chose_stays_when_the_draft_is_retitled(editor):
    draft = make.draft(by=editor, title="科普大篷车进校园", slug="kepu-dapengche")

    draft = reload(draft)
    draft.title = "院士专家进企业"
    draft.save()

    assert reload(draft).slug == "kepu-dapengche"


def test_published_article_keeps_its_address_when_a_revision_brings_a_new_title(newsroom, published_issue):
    article = newsroom.approved(published_issue, title="科普大篷车进校园")
    workflow.publish(article, by=newsroom.chief)
    url = reload(article).get_absolute_url()

    revision = workflow.start_revision(reload(article), by=newsroom.author, changes={"title": "院士专家进企业"})
    newsroom.review(revision)
    workflow.publish(revision, by=newsroom.chief)

    article = reload(article)
    assert article.title == "院士专家进企业"
    assert article.get_absolute_url() == url


# Redirects ---------------------------------------------------------------------------------------


def move(article, **fields):
    """Change ``article``'s place the way the admin does, remembering its address."""
    with redirects.remembering_addresses(Article.objects.filter(pk=article.pk)):
        for name, value in fields.items():
            setattr(article, name, value)
        article.save()
    return reload(article)


def test_old_address_of_a_moved_article_redirects_permanently(client, published_issue):
    article = make.article(published_issue, slug="old-slug")
    old = article.get_absolute_url()

    article = move(article, slug="new-slug")

    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_old_address_of_web_news_redirects(client):
    news = make.news(slug="old-news")

    news = move(news, slug="new-news")

    response = client.get("/news/old-news/")
    assert response.status_code == 301
    assert response["Location"] == "/news/new-news/"


def test_old_address_of_an_article_that_is_not_public_is_not_found(client, published_issue):
    article = make.article(published_issue, slug="old-slug", status=make.WITHDRAWN, published_at=make.yesterday())
    old = article.get_absolute_url()

    article = move(article, slug="new-slug")

    assert ArticleRedirect.objects.filter(old_path=old, article=article).exists()
    assert client.get(old).status_code == 404

    article.status = make.PUBLISHED
    article.save(update_fields=["status"])
    assert client.get(old).status_code == 301


def test_a_draft_that_never_was_public_leaves_no_old_address(published_issue, editor):
    draft = make.draft(published_issue, by=editor, slug="first-try")

    move(draft, slug="second-try")

    assert not ArticleRedirect.objects.exists()


def test_unknown_address_is_still_not_found(client, published_issue):
    assert client.get(f"{published_issue.get_absolute_url()}no-such-article/").status_code == 404
    assert client.get("/news/no-such-article/").status_code == 404


def test_an_article_now_at_an_old_address_wins_over_the_redirect(client, read_page, published_issue):
    moved = make.article(published_issue, slug="shared")
    move(moved, slug="elsewhere")
    newcomer = make.article(published_issue, slug="shared")

    page = read_page(client.get(newcomer.get_absolute_url()))

    assert page.find("h1", class_="article__title").text == newcomer.title


def test_renumbering_a_released_issue_in_the_admin_keeps_its_articles_reachable(chief_client, published_issue):
    article = make.article(published_issue, slug="yuan-shi")
    old = article.get_absolute_url()

    response = chief_client.post(
        reverse("admin:bulletin_issue_change", args=[published_issue.pk]),
        make.issue_form(number="4", running_number="122", theme="党史学习教育"),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert reload(article).get_absolute_url() == "/issues/2026/4/yuan-shi/"
    response = chief_client.get(old)
    assert response.status_code == 301
    assert response["Location"] == "/issues/2026/4/yuan-shi/"


def test_moving_a_withdrawn_article_in_the_admin_remembers_its_address(staff_client, published_issue):
    section = make.section("科协动态")
    article = make.article(
        published_issue, section=section, slug="old-slug", status=make.WITHDRAWN, published_at=make.yesterday()
    )

    response = staff_client.post(
        reverse("admin:bulletin_article_change", args=[article.pk]),
        make.article_form(
            section=section,
            issue=str(published_issue.pk),
            title=article.title,
            slug="new-slug",
            loaded_version=article.version,
        ),
    )

    assert response.status_code == 302
    assert ArticleRedirect.objects.get().old_path == f"{published_issue.get_absolute_url()}old-slug/"


def test_retitling_a_draft_in_the_admin_gives_it_the_new_slug(staff_client, editor):
    section = make.section("科协动态")
    draft = make.draft(by=editor, section=section, title="科普大篷车进校园")

    response = staff_client.post(
        reverse("admin:bulletin_article_change", args=[draft.pk]),
        make.article_form(section=section, title="院士专家进企业", slug=draft.slug, loaded_version=draft.version),
    )

    assert response.status_code == 302
    assert reload(draft).slug == "yuan-shi-zhuan-jia-jin-qi-ye"
    assert not ArticleRedirect.objects.exists()
