"""What an article's page shows, read in one statement (``publishing.statements``).

The article with its issue and section, and in columns of JSON its topics, people, photos, public
events, the titles of its issue's contents (for the previous and next article) and the newest
related articles. Visibility is ``public()``'s, at the moment given as ``now``: the article itself
(unless previewed), its neighbours, the related articles and the events alike.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from bulletin.models import Article, ArticlePerson, ArticlePhoto, Issue, Section, Topic
from people.models import Person
from publishing.search import STORED_FIELDS
from publishing.statements import NOW, JSONRows, Param, Statement, instances

RELATED_COUNT = 4

ARTICLE_FIELDS = [f.attname for f in Article._meta.concrete_fields if f.name not in STORED_FIELDS]
ISSUE_FIELDS = [f.attname for f in Issue._meta.concrete_fields]
SECTION_FIELDS = [f.attname for f in Section._meta.concrete_fields]
TOPIC_FIELDS = ("id", "name", "slug")
PHOTO_FIELDS = ("id", "article_id", "image", "alt", "caption", "credit", "position")
LINK_FIELDS = ("id", "article_id", "person_id", "role", "printed_title", "position")
PERSON_FIELDS = ("id", "name", "slug", "title")
NEIGHBOUR_FIELDS = ("id", "title", "slug")
RELATED_FIELDS = ("id", "title", "slug", "published_at", "issue_id", "section_id")
EVENT_FIELDS = ("id", "title", "slug", "start_date", "start_time", "end_date", "end_time")
# The events app relates events to articles (Event.articles); the periodical reads the relation
# and never imports the app.
Event = Article._meta.get_field("events").related_model


def page_statement(name, articles):
    """The statement of one article of ``articles`` (filtered by ``Param``s) with all its page shows."""

    def build():
        here = OuterRef("pk")
        # The article's people, asked from inside Exists() inside the related articles' subquery:
        # three queries out.
        people_of_here = ArticlePerson.objects.filter(article=OuterRef(OuterRef(here))).values("person")
        # Other public articles in its section or about any of its people, newest first; a pending
        # revision (previewed) leaves out the article it revises.
        related = (
            Article.objects.public(now=NOW)
            .filter(
                Q(section=OuterRef("section"))
                | Exists(ArticlePerson.objects.filter(article=OuterRef("pk"), person__in=people_of_here))
            )
            .exclude(pk=here)
            .exclude(pk=Coalesce(OuterRef("live_article"), here))
            .latest_first()[:RELATED_COUNT]
        )
        columns = {
            "topics": JSONRows(Topic.objects.filter(articles=here).order_by("name"), *TOPIC_FIELDS),
            "links": JSONRows(
                ArticlePerson.objects.filter(article=here).order_by("position", "pk"),
                *LINK_FIELDS,
                *(f"person__{field}" for field in PERSON_FIELDS),
            ),
            "photos": JSONRows(ArticlePhoto.objects.filter(article=here).order_by("position", "pk"), *PHOTO_FIELDS),
            "contents": JSONRows(
                Article.objects.public_in(OuterRef("issue"), now=NOW).in_toc_order(), *NEIGHBOUR_FIELDS
            ),
            "events": JSONRows(
                Event.objects.public(now=NOW).filter(articles=here).order_by("start_date"), *EVENT_FIELDS
            ),
            "related": JSONRows(related, *RELATED_FIELDS, "issue__year", "issue__number", "section__name"),
        }
        return articles.values_list(
            *ARTICLE_FIELDS,
            *(f"issue__{field}" for field in ISSUE_FIELDS),
            *(f"section__{field}" for field in SECTION_FIELDS),
            *(f"section__parent__{field}" for field in SECTION_FIELDS),
            *columns.values(),
        )[:1]

    return Statement(name, build)


def read(statement, **values):
    """``(article, page)`` for the statement's article now, or ``(None, None)`` if there is none:
    ``article`` with its issue, section, topics, people and photos loaded, ``page`` what else the
    page shows."""
    rows = statement.rows(now=timezone.now(), **values)
    if not rows:
        return None, None
    row = iter(rows[0])

    def take(model, names):
        return model.from_db(None, names, [next(row) for _ in names])

    article = take(Article, ARTICLE_FIELDS)
    issue = take(Issue, ISSUE_FIELDS)
    section = take(Section, SECTION_FIELDS)
    parent = take(Section, SECTION_FIELDS)
    topics, links, photos, contents, events, related = row
    article.issue = issue if article.issue_id else None
    section.parent = parent if section.parent_id else None
    article.section = section
    people = instances(Person, PERSON_FIELDS, [link[len(LINK_FIELDS) :] for link in links])
    links = instances(ArticlePerson, LINK_FIELDS, [link[: len(LINK_FIELDS)] for link in links])
    for link, person in zip(links, people, strict=True):
        link.person = person
    # As prefetch_related() leaves them: article.topics.all() and the rest ask no query.
    article._prefetched_objects_cache = {
        "topics": instances(Topic, TOPIC_FIELDS, topics),
        "person_links": links,
        "photos": instances(ArticlePhoto, PHOTO_FIELDS, photos),
    }
    previous, following = neighbours(article, contents)
    return article, {
        "previous_article": previous,
        "next_article": following,
        "related_articles": related_articles(related),
        "events": instances(Event, EVENT_FIELDS, events),
    }


def neighbours(article, contents):
    """The articles just before and after ``article`` in its issue's contents; None, None for news
    or for an article that is not among them (a preview)."""
    pks = [pk for pk, _, _ in contents]
    here = article.live_article_id or article.pk
    if here not in pks:
        return None, None
    index = pks.index(here)
    entries = instances(Article, NEIGHBOUR_FIELDS, contents[max(index - 1, 0) : index + 2])
    for entry in entries:
        entry.issue = article.issue
    previous = entries[0] if index > 0 else None
    following = entries[-1] if index + 1 < len(pks) else None
    return previous, following


def related_articles(rows):
    width = len(RELATED_FIELDS)
    articles = instances(Article, RELATED_FIELDS, [row[:width] for row in rows])
    for article, (year, number, section_name) in zip(articles, (row[width:] for row in rows), strict=True):
        article.issue = Issue(pk=article.issue_id, year=year, number=number) if article.issue_id else None
        article.section = Section(pk=article.section_id, name=section_name)
    return articles


IN_ISSUE = page_statement(
    "article_page",
    Article.objects.public(now=NOW).filter(
        issue__year=Param("year", models.IntegerField()),
        issue__number=Param("number", models.IntegerField()),
        slug=Param("slug", models.CharField()),
    ),
)
NEWS = page_statement(
    "news_page", Article.objects.public(now=NOW).web_only().filter(slug=Param("slug", models.CharField()))
)
# Any article in any state, for staff: the one deliberate exception to public() (ArticlePreviewView).
PREVIEW = page_statement("article_preview", Article.objects.filter(pk=Param("pk", models.IntegerField())))
