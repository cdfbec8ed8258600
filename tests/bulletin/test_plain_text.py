"""Plain text is stored clean: titles and names on one line, no control characters anywhere.

A vertical tab (Word's line break, pasted) or a NUL from a hand-made POST is something XML
cannot carry, so a title holding one took down every feed that listed the article.
"""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from bulletin.models import Article
from tests import factories as make

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_titles(client, article):
    """The item titles of each of the six feeds that list ``article``, by address."""
    issue = article.issue
    addresses = [
        reverse(f"bulletin:{feed}-{format}", kwargs=kwargs)
        for feed, kwargs in [
            ("feed", {}),
            ("section-feed", {"slug": article.section.slug}),
            ("issue-feed", {"year": issue.year, "number": issue.number}),
        ]
        for format in ["rss", "atom"]
    ]
    titles = {}
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        root = ET.fromstring(response.content)
        titles[address] = [item.findtext("title") for item in root.iter("item")] + [
            entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")
        ]
    return titles


def test_a_title_typed_with_a_vertical_tab_and_a_line_break_in_the_admin_is_one_line_in_every_feed(
    client, staff_client, published_issue, admin_errors
):
    data = make.article_form(
        section=make.section("科海观澜"), issue=str(published_issue.pk), title="科技\x0b创新\n引领发展"
    )
    response = staff_client.post(reverse("admin:bulletin_article_add"), data)
    assert response.status_code == 302, admin_errors(response)
    Article.objects.update(status=make.PUBLISHED, published_at=make.yesterday())
    client.logout()

    titles = feed_titles(client, Article.objects.get())

    assert set(map(tuple, titles.values())) == {("科技 创新 引领发展",)}


def test_a_title_saved_with_control_characters_is_one_line_in_every_feed(client, published_issue):
    article = make.article(published_issue, title="科技\x0b创新\r\n引领\x00发展\t")

    titles = feed_titles(client, article)

    assert set(map(tuple, titles.values())) == {("科技 创新 引领发展",)}


def test_a_summary_keeps_its_lines_and_loses_other_control_characters(published_issue):
    article = make.article(published_issue, summary="第一段\r\n第二段\x01\x0c第三段\x7f")

    article.refresh_from_db()
    assert article.summary == "第一段\n第二段\n第三段"


@pytest.mark.parametrize(
    ("make_one", "field"),
    [
        (lambda text: make.article(None, kicker=text), "kicker"),
        (lambda text: make.article(None, subtitle=text), "subtitle"),
        (lambda text: make.article(None, byline=text), "byline"),
        (lambda text: make.article(None, contributor=text), "contributor"),
        (lambda text: make.event(title=text), "title"),
        (lambda text: make.event(place=text), "place"),
        (lambda text: make.event(organiser=text), "organiser"),
        (lambda text: make.issue(theme=text), "theme"),
        (lambda text: make.section(text), "name"),
        (lambda text: make.topic(text), "name"),
        (lambda text: make.person(text), "name"),
        (lambda text: make.person("张启航", organisation=text), "organisation"),
    ],
)
def test_titles_and_names_are_stored_on_one_line(make_one, field):
    obj = make_one("省科协\n\x0b学会\x1f部")

    obj.refresh_from_db()
    assert getattr(obj, field) == "省科协 学会部"


def test_a_topic_named_as_an_existing_one_but_for_a_line_break_is_refused_as_taken(admin_client, admin_errors):
    make.topic("乡村 振兴")

    response = admin_client.post(
        reverse("admin:bulletin_topic_add"), {"name": "乡村\n振兴", "slug": "", "description": "", "_save": "保存"}
    )

    assert response.status_code == 200
    assert admin_errors(response) == ["具有 专题名称 的 专题 已存在。"]
