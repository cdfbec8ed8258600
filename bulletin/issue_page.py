"""What an issue's page shows, read in one statement (``publishing.statements``).

The issue, and in columns of JSON its public contents in printed order, the sections they stand
under, and the PDF readers may download. Visibility is ``public()``'s and ``public_in()``'s at the
moment given as ``now``; the PDF is ``print_edition.readers_editions()``.
"""

from django.db import models
from django.db.models import OuterRef
from django.utils import timezone

from bulletin import print_edition
from bulletin.models import Article, Issue, IssuePrint, Section, table_of_contents
from bulletin.models.articles import TOC_COLUMNS
from publishing.statements import NOW, JSONRows, Param, Statement, instances

ISSUE_FIELDS = [f.attname for f in Issue._meta.concrete_fields]
CONTENTS_FIELDS = ("id", *TOC_COLUMNS)
# What a contents list shows of a section, its parent's included. Every section: a few dozen rows
# at most, and asking only for those the issue uses would nest its contents twice more.
SECTION_FIELDS = ("id", "name", "slug", "parent_id", "order", "show_heading", "pinyin_name")
EDITION_FIELDS = ("id", "page_total")


def build():
    issue = OuterRef("pk")
    columns = (
        JSONRows(Article.objects.public_in(issue, now=NOW).in_toc_order(), *CONTENTS_FIELDS),
        JSONRows(Section.objects.order_by(), *SECTION_FIELDS),
        JSONRows(
            print_edition.readers_editions(
                issue, Param("paper", models.CharField()), Param("recorded_pages", models.BooleanField())
            )[:1],
            *EDITION_FIELDS,
        ),
    )
    issues = Issue.objects.public(now=NOW).filter(
        year=Param("year", models.IntegerField()), number=Param("number", models.IntegerField())
    )
    return issues.values_list(*ISSUE_FIELDS, *columns)[:1]


STATEMENT = Statement("issue_page", build)


def read(year, number):
    """``(issue, page)`` for the public issue ``number`` of ``year``, or ``(None, None)``:
    ``page`` holds its table of contents (``toc``) and its PDF for readers (``print_edition``)."""
    layout = print_edition.public_layout()
    rows = STATEMENT.rows(
        now=timezone.now(), year=year, number=number, paper=layout.paper, recorded_pages=layout.recorded_pages
    )
    if not rows:
        return None, None
    *values, contents, sections, editions = rows[0]
    issue = Issue.from_db(None, ISSUE_FIELDS, values)
    sections = {section.pk: section for section in instances(Section, SECTION_FIELDS, sections)}
    for section in sections.values():
        section.parent = sections.get(section.parent_id)
    articles = instances(Article, CONTENTS_FIELDS, contents)
    for article in articles:
        article.issue = issue
        article.section = sections[article.section_id]
    editions = instances(IssuePrint, EDITION_FIELDS, editions)
    return issue, {"toc": table_of_contents(articles), "print_edition": editions[0] if editions else None}
