"""Upgrades: content written under the first migrations survives every later one; all reverse.

Rows are written with the historical models of the first migrations (the models as they were),
then the database is migrated to the latest state and read with today's models.
"""

import importlib
from datetime import date, datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bulletin.models import Article, ArticlePhoto, Issue, Section
from events.models import Event
from people.models import Person
from publishing import search
from publishing.diff import text_of
from publishing.models import ReviewStage
from tests import factories as make
from website.demo import content

pytestmark = pytest.mark.django_db(transaction=True)

FIRST = [("people", "0001_initial"), ("bulletin", "0001_initial"), ("events", "0001_initial")]
DEMO = content.read()
REPORT = DEMO.issues[2026, 5]["articles"][0]  # the plenary report, with its author
SHAN = DEMO.people["shan"]


def migrate(targets):
    """Migrate to ``targets``; return the historical apps of that state (none for zero)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    if all(name for _app, name in targets):
        return executor.loader.project_state(targets).apps
    return None


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def fresh_content_types():
    yield
    # Migrating back and forth recreates content types under new ids; the cache must not keep the old.
    ContentType.objects.clear_cache()


def write_first_content(old):
    """An issue, a section, an article with its author, topic and photo, one in review, an event."""
    User = old.get_model("auth", "User")
    Section_ = old.get_model("bulletin", "Section")
    editor = User.objects.create(username="old-editor")
    Section_.objects.all().delete()
    section = Section_.objects.create(name="要情快报", slug="yaoqingkuaibao", order=10, description="本刊自定的介绍")
    issue = old.get_model("bulletin", "Issue").objects.create(
        year=2026, number=5, running_number=125, status="published", released_on=date(2026, 10, 30), page_count=48
    )
    article = old.get_model("bulletin", "Article").objects.create(
        issue=issue,
        section=section,
        title=REPORT["title"],
        subtitle=REPORT["subtitle"],
        byline=REPORT["byline"],
        summary=REPORT["summary"],
        body=REPORT["body"],
        slug="ning-xin-ju-li",
        first_page=1,
        last_page=5,
        status="published",
        published_at=timezone.make_aware(datetime(2026, 10, 30, 9)),
        created_by=editor,
        updated_by=editor,
    )
    waiting = old.get_model("bulletin", "Article").objects.create(
        issue=issue, section=section, title="送审中的稿件", slug="song-shen", status="in_review"
    )
    person = old.get_model("people", "Person").objects.create(
        name=SHAN["name"], slug="shan-li-xin", title=SHAN["title"], organisation=SHAN["organisation"], bio=SHAN["bio"]
    )
    old.get_model("people", "Person").objects.create(name="7号讲解员", slug="7-hao")
    old.get_model("bulletin", "ArticlePerson").objects.create(
        article=article, person=person, role="author", printed_title=SHAN["title"]
    )
    topic = old.get_model("bulletin", "Topic").objects.create(name="科学普及", slug="kexue-puji")
    article.topics.add(topic)
    image = default_storage.save("articles/2026/10/plenary.jpg", ContentFile(make.image_bytes()))
    old.get_model("bulletin", "ArticlePhoto").objects.create(article=article, image=image, caption="会场全景")
    old.get_model("bulletin", "ArticlePhoto").objects.create(article=waiting, image=image, caption="")
    event = old.get_model("events", "Event").objects.create(
        title="全国科普日河南主场活动", slug="kepuri", start_date=date(2026, 9, 20), status="published", place="郑州"
    )
    event.articles.add(article)
    event.people.add(person)


def test_content_of_the_first_migrations_survives_every_upgrade(fresh_content_types):
    write_first_content(migrate(FIRST))

    migrate(latest())

    issue = Issue.objects.get(running_number=125)
    assert issue.published_at == timezone.make_aware(datetime(2026, 10, 30))
    article = Article.objects.get(title=REPORT["title"])
    assert article.body == REPORT["body"]
    assert (article.subtitle, article.byline, article.first_page, article.status) == (
        REPORT["subtitle"],
        REPORT["byline"],
        1,
        "published",
    )
    assert article.search_title == search.index_text(article.kicker, article.title, article.subtitle)
    assert article.search_body == search.index_text(
        article.summary, text_of(article.body), article.byline, article.contributor
    )
    assert list(article.person_links.values_list("person__name", "role", "printed_title")) == [
        (SHAN["name"], "author", SHAN["title"])
    ]
    assert list(article.topics.values_list("name", flat=True)) == ["科学普及"]
    # Review stages did not exist: an article waiting for review starts again as a draft.
    assert Article.objects.get(title="送审中的稿件").status == "draft"


def test_derived_fields_of_people_photos_and_events_are_filled_by_the_upgrade(fresh_content_types):
    write_first_content(migrate(FIRST))

    migrate(latest())

    person = Person.objects.get(slug="shan-li-xin")
    assert person.initial == "S"
    assert Person.objects.get(slug="7-hao").initial == ""
    assert person.search_title == search.index_text(person.name)
    assert person.search_body == search.index_text(person.title, person.organisation, text_of(person.bio))
    photos = dict(ArticlePhoto.objects.values_list("article__title", "alt"))
    assert photos == {REPORT["title"]: "会场全景", "送审中的稿件": "《送审中的稿件》配图"}
    assert ArticlePhoto.objects.first().image.read() == make.image_bytes()
    event = Event.objects.get(slug="kepuri")
    assert event.published_at == event.updated_at
    assert event.search_title == search.index_text(event.title)
    assert list(event.articles.values_list("title", flat=True)) == [REPORT["title"]]
    assert list(event.people.values_list("name", flat=True)) == [SHAN["name"]]


def test_the_search_text_migration_reads_and_writes_a_batch_of_rows_at_a_time(monkeypatch):
    people = [make.person(f"研究员{i}", organisation="省农科院", bio=f"<p>第{i}篇论文</p>") for i in range(3)]
    Person.objects.update(search_title="", search_body="")
    monkeypatch.setattr(search, "BATCH_SIZE", 2)
    migration = importlib.import_module("people.migrations.0004_search").Migration
    (fill,) = [operation for operation in migration.operations if isinstance(operation, search.FillSearchText)]
    state = MigrationExecutor(connection).loader.project_state(("people", "0004_search"))

    with CaptureQueriesContext(connection) as queries, connection.schema_editor() as editor:
        fill.database_forwards("people", editor, state, state)

    statements = [query["sql"].split()[0] for query in queries if "people_person" in query["sql"]]
    assert statements == ["SELECT", "UPDATE", "SELECT", "UPDATE"]
    for person in people:
        person.refresh_from_db()
        assert person.search_title == search.index_text(person.name)
        assert person.search_body == search.index_text(person.title, person.organisation, text_of(person.bio))


def test_the_upgrade_keeps_an_existing_section_and_adds_the_missing_ones_and_the_roles(fresh_content_types):
    write_first_content(migrate(FIRST))

    migrate(latest())

    assert Section.objects.get(name="要情快报").description == "本刊自定的介绍"
    assert Section.objects.count() == 5
    assert list(ReviewStage.objects.values_list("name", "group__name")) == [
        ("初审", "审核"),
        ("复审", "审核"),
        ("终审", "主编"),
    ]


OURS = ("bulletin", "people", "events")


def test_every_migration_of_ours_reverses_to_zero_and_applies_again(fresh_content_types):
    # Third-party apps are left alone: django-tasks-db's 0013 cannot be reversed.
    leaves = latest()

    migrate([(app, None) for app in OURS])
    assert not [key for key in MigrationRecorder(connection).applied_migrations() if key[0] in OURS]
    migrate(leaves)

    assert MigrationExecutor(connection).migration_plan(leaves) == []
    assert Section.objects.count() == 5
    assert ReviewStage.objects.count() == 3
