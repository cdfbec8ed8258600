"""The print edition of a demo issue, read back as a person proofreads it.

The demo content is loaded and the PDF built once for the module, inside a transaction that is
rolled back; the tests read the finished PDF. Its first pages go to test-artifacts/print/.
"""

import re
import tempfile
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from bulletin import print_edition
from bulletin.models import Issue, table_of_contents
from tests.print.conftest import require_poppler, squeezed
from website import demo

# The tests read a finished PDF, but pytest-django creates the test database only for modules
# that ask for it, and the module's fixture needs it.
pytestmark = pytest.mark.django_db


@dataclass
class Expected:
    """What the issue's public page shows, to compare the PDF with."""

    short_name: str
    running_number: int
    theme: str
    cover_caption: str
    sections: list  # (name, pinyin or "" for a sub-column, [titles]), headed sections only, in order
    titles: list  # every article title, in table-of-contents order
    pdf: bytes


@pytest.fixture(scope="module")
def demo_issue(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        tempfile.TemporaryDirectory() as media,
        override_settings(MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        cache.clear()
        demo.load()
        issue = Issue.objects.public().get(year=2026, number=5)
        toc = table_of_contents(print_edition.edition_articles(issue, proof=False))
        edition = print_edition.edition_for(issue, print_edition.public_layout())
        edition = print_edition.build_edition(edition.pk)
        with edition.file.open("rb") as file:
            pdf = file.read()
        expected = Expected(
            short_name=issue.short_name,
            running_number=issue.running_number,
            theme=issue.theme,
            cover_caption=issue.cover_caption,
            sections=[
                (
                    group.section.name,
                    "" if group.is_subcolumn else group.section.pinyin_name,
                    [a.title for a in group.articles],
                )
                for group in toc
                if group.section.show_heading
            ],
            titles=[article.title for group in toc for article in group.articles],
            pdf=pdf,
        )
        transaction.set_rollback(True)
    cache.clear()
    return expected


@pytest.fixture
def proof(demo_issue, read_pdf):
    return read_pdf(demo_issue.pdf)


def front_and_body(pdf):
    """The cover and contents pages, and the numbered pages after them (from page 1 on)."""
    first = next(n for n, page in enumerate(pdf.pages) if folio(page) == 1)
    return pdf.pages[:first], pdf.pages[first:]


def folio(page):
    """The page number printed at the foot of ``page``, or None."""
    lines = [line for line in page.splitlines() if line.strip()]
    match = re.fullmatch(r"\s*(\d+)\s*", lines[-1]) if lines else None
    return int(match[1]) if match else None


def in_order(text, items):
    """Whether every one of ``items`` appears in ``text`` (white space ignored), in this order."""
    text, start = squeezed(text), 0
    for item in items:
        found = text.find(squeezed(item), start)
        if found == -1:
            return False
        start = found + len(squeezed(item))
    return True


def test_cover_names_the_periodical_the_issue_and_its_theme(demo_issue, proof):
    cover = squeezed(proof.pages[0])
    assert squeezed(settings.PERIODICAL_NAME) in cover
    assert demo_issue.short_name in cover
    assert f"总第{demo_issue.running_number}期" in cover
    assert squeezed(demo_issue.theme) in cover
    assert squeezed(demo_issue.cover_caption) in cover


def test_contents_lists_every_section_and_article_in_order(demo_issue, proof):
    front, _ = front_and_body(proof)
    contents = "\n".join(front[1:])
    assert "目" in contents and "录" in contents
    assert in_order(contents, [item for name, _, titles in demo_issue.sections for item in (name, *titles)])
    assert in_order(contents, demo_issue.titles)


def test_articles_follow_in_contents_order_each_section_opening_with_its_name(demo_issue, proof):
    _, body = front_and_body(proof)
    text = "\n".join(body)
    assert in_order(text, demo_issue.titles)
    opened = [
        item for name, pinyin, titles in demo_issue.sections for item in (name, pinyin.upper(), titles[0]) if item
    ]
    assert in_order(text, opened)


def test_contents_page_numbers_are_the_pages_where_the_articles_start(demo_issue, proof):
    front, body = front_and_body(proof)
    contents = squeezed("\n".join(front[1:]))
    for title in demo_issue.titles:
        listed = re.search(re.escape(squeezed(title)) + r"\.*(\d+)", contents)
        assert listed, f"《{title}》 has no page number in the contents"
        starts = next(page for page in body if squeezed(title) in squeezed(page))
        assert folio(starts) == int(listed[1]), f"《{title}》 is listed on page {listed[1]}, starts on {folio(starts)}"


def test_running_heads_name_the_periodical_and_the_section(demo_issue, proof):
    _, body = front_and_body(proof)
    name, _, titles = demo_issue.sections[0]
    head = next(page for page in body if squeezed(titles[0]) in squeezed(page)).strip().splitlines()[0]
    assert squeezed(settings.PERIODICAL_NAME) in squeezed(head)
    assert demo_issue.short_name in head
    assert name in head


def test_chinese_text_is_extractable_and_every_font_embedded(proof):
    fonts = proof.fonts()
    assert any("CJK" in name for name, _ in fonts), fonts
    assert all(embedded for _, embedded in fonts), fonts
    assert "省科协" in proof.text


def test_released_issue_is_not_marked_as_a_proof(proof):
    assert "样稿" not in proof.text


def test_first_pages_are_rendered_for_a_person_to_look_at(proof):
    require_poppler()
    pictures = proof.images("demo-issue", last=6)
    assert len(pictures) == 6
    assert pictures[0].stat().st_size > 5_000  # the cover, not a blank page
