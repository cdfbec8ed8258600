"""The table of contents and the flatplan check, as the printed issue reads."""

import pytest

from bulletin.models import Article, table_of_contents
from tests import factories as make

pytestmark = pytest.mark.django_db


@pytest.fixture
def sections():
    """卷首 (1) · 学党史 强科技 (2) with sub-columns 要情快报 and 学教短波 · 科协动态 (30)."""
    front = make.section("卷首", order=1)
    special = make.section("学党史 强科技", order=2)
    return {
        "front": front,
        "special": special,
        # Sub-columns' own order numbers are larger than the next main section's: they still
        # follow their parent.
        "news": make.section("要情快报", parent=special, order=60),
        "briefs": make.section("学教短波", parent=special, order=70),
        "association": make.section("科协动态", order=30),
    }


def titles(articles):
    return [a.title for a in articles]


def test_articles_come_in_section_order_then_by_position(published_issue, sections):
    make.article(published_issue, title="科协动态二", section=sections["association"], position=2)
    make.article(published_issue, title="科协动态一", section=sections["association"], position=1)
    make.article(published_issue, title="倡议书", section=sections["front"], position=1)

    articles = Article.objects.filter(issue=published_issue).in_toc_order()

    assert titles(articles) == ["倡议书", "科协动态一", "科协动态二"]


def test_sub_columns_follow_their_parent_in_their_own_order(published_issue, sections):
    make.article(published_issue, title="全省科协系统动员大会", section=sections["association"])
    make.article(published_issue, title="短波", section=sections["briefs"])
    make.article(published_issue, title="要情", section=sections["news"])
    make.article(published_issue, title="专栏导语", section=sections["special"])
    make.article(published_issue, title="倡议书", section=sections["front"])

    articles = Article.objects.filter(issue=published_issue).in_toc_order()

    assert titles(articles) == ["倡议书", "专栏导语", "要情", "短波", "全省科协系统动员大会"]


def test_table_of_contents_groups_articles_under_their_sections(published_issue, sections):
    make.article(published_issue, title="科协动态一", section=sections["association"])
    make.article(published_issue, title="要情二", section=sections["news"], position=2)
    make.article(published_issue, title="要情一", section=sections["news"], position=1)

    toc = table_of_contents(published_issue.articles.for_toc())

    assert [(g.section.name, titles(g.articles)) for g in toc] == [
        ("学党史 强科技", []),
        ("要情快报", ["要情一", "要情二"]),
        ("科协动态", ["科协动态一"]),
    ]


def test_table_of_contents_marks_sub_columns(published_issue, sections):
    make.article(published_issue, section=sections["news"])

    parent, child = table_of_contents(published_issue.articles.for_toc())

    assert (parent.is_subcolumn, child.is_subcolumn) == (False, True)


def test_table_of_contents_leaves_out_sections_without_articles(published_issue, sections):
    make.article(published_issue, section=sections["front"])

    toc = table_of_contents(published_issue.articles.for_toc())

    assert [g.section.name for g in toc] == ["卷首"]


# Flatplan ---------------------------------------------------------------------------------------


def test_flatplan_is_clean_when_pages_run_on_in_contents_order(sections):
    issue = make.issue(page_count=4)
    make.article(issue, section=sections["front"], first_page=1, last_page=2)
    make.article(issue, section=sections["association"], first_page=3, last_page=4)
    make.article(issue, section=sections["association"], first_page=4, position=1)  # items share a page

    report = issue.flatplan_report()

    assert report.ok
    assert (report.uncovered_pages, report.out_of_order) == ([], [])


def test_flatplan_lists_pages_no_article_covers(sections):
    issue = make.issue(page_count=8)
    make.article(issue, section=sections["front"], first_page=1, last_page=2)
    make.article(issue, section=sections["association"], first_page=5, last_page=6)

    report = issue.flatplan_report()

    assert report.uncovered_pages == [3, 4, 7, 8]
    assert not report.ok


def test_flatplan_lists_articles_printed_before_an_article_ahead_of_them_in_the_contents(sections):
    issue = make.issue(page_count=4)
    make.article(issue, section=sections["front"], first_page=3, last_page=4)
    misplaced = make.article(issue, section=sections["association"], first_page=1, last_page=2)

    report = issue.flatplan_report()

    assert report.out_of_order == [misplaced]
    assert report.uncovered_pages == []


def test_flatplan_ignores_withdrawn_articles(sections):
    issue = make.issue(page_count=2)
    make.article(issue, section=sections["front"], first_page=1, last_page=2, status=make.WITHDRAWN)

    assert issue.flatplan_report().uncovered_pages == [1, 2]
