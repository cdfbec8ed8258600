"""The print edition's QR codes, read back from pictures of its pages as a reader's phone would.

The issue is built once for the module, inside a transaction that is rolled back; the tests read
the finished PDF. A proof carries codes too: it shows the issue as it will go to press.
"""

import tempfile
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from bulletin import print_edition, seo
from tests import factories as make
from tests.print.conftest import require_poppler, squeezed
from tests.qr_codes import page_codes

pytestmark = pytest.mark.django_db

SITE_URL = "https://www.kexie.example.cn"
LABEL = "扫码阅读网络版"


@dataclass
class Edition:
    pdf: bytes
    issue_url: str
    titles: list  # in table-of-contents order
    urls: list  # the articles' addresses on the website, in the same order


def fill(issue):
    """Three articles in two sections: a short one, a typical one with photos and a long one."""
    news, science = make.section("科协动态", order=10), make.section("科海观澜", order=20)
    articles = [
        make.article(issue, section=news, title="省科协召开学术年会筹备会", body=make.typical_body(1)),
        make.typical_article(issue, section=news, photos=1),
        make.article(issue, section=science, title="冬小麦为什么要熬过寒冬", body=make.typical_body(8)),
    ]
    return articles


def build(issue):
    edition = print_edition.edition_for(issue, print_edition.public_layout())
    edition = print_edition.build_edition(edition.pk)
    with edition.file.open("rb") as file:
        return file.read()


def web_address(obj):
    return seo.absolute_url(obj.get_absolute_url())


@pytest.fixture(scope="module")
def edition(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        tempfile.TemporaryDirectory() as media,
        override_settings(MEDIA_ROOT=media, SITE_URL=SITE_URL),
        transaction.atomic(),
    ):
        cache.clear()
        issue = make.issue(
            year=2026, number=2, running_number=122, theme="党史学习教育", cover_image=make.image_upload()
        )
        articles = fill(issue)
        built = Edition(
            pdf=build(issue),
            issue_url=web_address(issue),
            titles=[article.title for article in articles],
            urls=[web_address(article) for article in articles],
        )
        transaction.set_rollback(True)
    cache.clear()
    return built


@pytest.fixture
def printed(edition, read_pdf):
    return read_pdf(edition.pdf)


@pytest.fixture
def codes(printed):
    """The codes on each page, in reading order: by column (left half first), then down the page."""
    pages = page_codes(printed.path)
    return [sorted(page, key=lambda code: (code.x >= code.page_width / 2, code.y)) for page in pages]


def test_the_cover_and_every_article_say_what_their_code_is_for(edition, printed):
    assert LABEL in squeezed(printed.pages[0])
    assert squeezed(printed.text).count(LABEL) == len(edition.titles) + 1
    for title in edition.titles:
        assert squeezed(title) in squeezed(printed.text)


def test_the_cover_code_leads_to_the_issue_on_the_website(edition, printed, codes):
    assert [code.text for code in codes[0]] == [edition.issue_url]
    assert edition.issue_url.startswith(SITE_URL)
    assert "目" in printed.pages[1]  # the code keeps the cover to its page


def test_each_article_code_leads_to_the_article_on_the_website(edition, codes):
    printed_codes = [code.text for page in codes[1:] for code in page]

    assert printed_codes == edition.urls
    assert all(url.startswith(f"{SITE_URL}/") for url in edition.urls)


def test_each_code_is_printed_at_the_end_of_its_article(edition, printed, codes):
    for title, url in zip(edition.titles, edition.urls, strict=True):
        starts = next(n for n, page in enumerate(printed.pages) if squeezed(title) in squeezed(page))
        coded = next(n for n, page in enumerate(codes) if url in [code.text for code in page])
        assert coded >= starts, f"《{title}》 starts on page {starts + 1}, its code is on page {coded + 1}"


def test_a_proof_carries_the_codes_of_the_addresses_its_issue_will_have(draft_issue, settings, read_pdf):
    require_poppler()
    settings.SITE_URL = SITE_URL
    article = make.article(draft_issue, title="尚在审核的稿件", status=make.IN_REVIEW, review_stage=make.stage("初审"))

    proof = read_pdf(build(draft_issue))

    pages = page_codes(proof.path)
    assert [code.text for code in pages[0]] == [web_address(draft_issue)]
    assert [code.text for page in pages[1:] for code in page] == [web_address(article)]
    assert "样稿" in proof.text
