"""An article printed from the browser: A4, with title, byline, source and address, no site chrome.

The PDF goes to test-artifacts/article-print.pdf (not committed), for a person to look at.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import factories as make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_an_article_prints_with_its_source_and_address_but_without_navigation(live_server, new_page, settings):
    settings.SITE_URL = "https://kexie.example"
    issue = make.issue(year=2026, number=2, running_number=122)
    article = make.typical_article(issue)
    make.article(issue, title="省科协召开全委会议", section=article.section, first_page=25)
    url = f"{live_server.url}{article.get_absolute_url()}"

    page = new_page(width=1280, height=900)
    page.goto(url)
    source = page.locator(".article__source")
    expect(source).to_be_hidden()  # on screen the address bar says it already

    page.emulate_media(media="print")
    expect(page.get_by_role("heading", level=1)).to_have_text("科普大篷车开进山区学校")
    expect(page.locator(".article__byline")).to_have_text("文_省科协科普部 王晓 李可")
    expect(source).to_be_visible()
    expect(source).to_contain_text("2026年第2期（总第122期）第12—14页")
    expect(source).to_contain_text(f"https://kexie.example{article.get_absolute_url()}")
    for chrome in (".site-nav", ".site-footer", ".breadcrumb", ".pager", ".article__foot .related", ".skip-link"):
        expect(page.locator(chrome).first).to_be_hidden()

    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(path=ARTIFACTS / "article-print.pdf", format="A4", print_background=False)
    assert pdf.startswith(b"%PDF")
