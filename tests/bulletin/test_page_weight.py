"""An article page stays light: most readers open it on a phone, from a link in a chat."""

import html5lib
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.html import strip_tags

from tests import factories as make

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 60 * 1024  # HTML and CSS, before images


def parse(response):
    assert response.status_code == 200
    return html5lib.parse(response.content.decode(), treebuilder="etree", namespaceHTMLElements=False)


def stylesheet_sizes(tree):
    """``{href: bytes}`` of every stylesheet the page links to (all of them served from static/)."""
    sizes = {}
    for link in tree.iter("link"):
        if "stylesheet" in link.get("rel", "").split():
            href = link.get("href")
            assert href.startswith(settings.STATIC_URL), f"stylesheet not from static files: {href}"
            path = finders.find(href.removeprefix(settings.STATIC_URL).split("?")[0])
            assert path, f"stylesheet not found: {href}"
            with open(path, "rb") as file:
                sizes[href] = len(file.read())
    return sizes


def test_a_typical_article_page_with_its_css_weighs_under_60_kb(client, published_issue):
    article = make.typical_article(published_issue)
    assert 1100 <= len(strip_tags(article.body)) <= 1300  # about 1,200 characters, as most features

    response = client.get(article.get_absolute_url())
    css = stylesheet_sizes(parse(response))

    total = len(response.content) + sum(css.values())
    assert css, "the page links no stylesheet"
    assert total < PAGE_BUDGET, f"{total} bytes: HTML {len(response.content)}, CSS {css}"


@pytest.mark.parametrize("page", ["home", "issue", "article"])
def test_public_pages_run_no_javascript(client, published_issue, page):
    article = make.typical_article(published_issue)
    url = {"home": "/", "issue": published_issue.get_absolute_url(), "article": article.get_absolute_url()}[page]

    scripts = list(parse(client.get(url)).iter("script"))

    # Structured data (JSON-LD) is not code the browser runs; anything else would be.
    assert [s.attrib for s in scripts if s.get("type") != "application/ld+json"] == []
