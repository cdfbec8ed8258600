"""Fill the benchmark database with an archive: issues of articles, people, events, photos.

Rows are written with ``bulk_create``, which skips ``save()``: the fields ``save()`` would derive
are computed here by the functions ``save()`` itself calls (``pinyin_slug``/``name_slug`` made
unique with ``unique_slug``, ``derive_fields()`` for people and events, ``derive_search_fields()``
for articles, on both cores); rich text is cleaned by ``RichTextField.pre_save``, which
``bulk_create`` does run. The articles' search index is dropped while they are written and built
once at the end, as a restore would; ``bench/inprocess.py`` times the project's own
``rebuild_search_index`` over the finished archive.

Run by ``bench/run.py`` with the benchmark's environment; prints progress and writes what it made
and how long each step took to ``--report`` (JSON).
"""

import argparse
import importlib
import io
import itertools
import json
import multiprocessing
import random
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

import django

SIZES = {
    # years, issues a year, articles an issue, people, events, web news a month
    "quick": (2, 12, 20, 200, 200, 2),
    "standard": (20, 12, 60, 2000, 3000, 3),
    # A semi-monthly over 70 years: 100,800 articles in issues.
    "large": (70, 24, 60, 5000, 5000, 3),
}
# How one issue's articles fall into the sections, in table-of-contents order, per 60 articles,
# and how long they run: briefs in the short-news columns, features in 科海观澜.
SECTION_SHARES = {
    "要情快报": (8, "news"),
    "学教动态": (8, "news"),
    "学教短波": (10, "brief"),
    "科协动态": (12, "news"),
    "基层风采": (10, "news"),
    "八方简讯": (6, "brief"),
    "科海观澜": (4, "feature"),
    "热点科普": (2, "feature"),
}
RARE_TERM_ARTICLES = 12
PHOTO_FILES = 24
PHOTO_SHARE = 0.4
BATCH = 1000
# Characters of a page of the printed issue, to number pages.
CHARACTERS_A_PAGE = 1500


# What Article.derive_search_fields() reads.
INDEXED_FIELDS = ("kicker", "title", "subtitle", "summary", "body", "byline", "contributor")


def search_fields(fields):
    """The search text ``save()`` would derive for an article of ``fields`` (in a worker process)."""
    from bulletin.models import Article

    article = Article(**fields)
    article.derive_search_fields()
    return article.search_title, article.search_body


@dataclass
class Size:
    years: int
    issues_per_year: int
    per_issue: int
    people: int
    events: int
    news_per_month: int

    @property
    def issues(self):
        return self.years * self.issues_per_year


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default="standard")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--report", required=True, help="where to write what was made and how long it took (JSON)")
    args = parser.parse_args(argv)
    django.setup()
    report = Generator(Size(*SIZES[args.size]), seed=args.seed).run()
    Path(args.report).write_text(json.dumps(report, ensure_ascii=False, indent=1))


class Generator:
    def __init__(self, size, *, seed):
        from bench.prose import Writer

        self.size = size
        self.random = random.Random(seed)
        self.write = Writer(seed)
        self.timings = {}
        self.created = []  # (pk, status, published_at) of every article
        self.queued = None  # (articles, their search text being derived by the pool)
        self.characters = 0
        self.started = time.monotonic()

    def step(self, name, function, *args):
        began = time.monotonic()
        result = function(*args)
        self.timings[name] = round(time.monotonic() - began, 2)
        print(f"  {name}: {self.timings[name]} s (total {time.monotonic() - self.started:.0f} s)", flush=True)
        return result

    def run(self):
        from django.contrib.postgres.indexes import GinIndex
        from django.db import connection

        from bulletin.models import Article
        from publishing import search

        name = importlib.import_module("bulletin.migrations.0013_article_search_document").DOCUMENT_INDEX
        index = GinIndex(fields=[search.DOCUMENT_FIELD], name=name)
        # Forked before the first query, so that no worker shares the database connection.
        self.pool = multiprocessing.get_context("fork").Pool(multiprocessing.cpu_count())
        self.step("users, sections, topics", self.structure)
        self.step("photo files", self.photo_files)
        self.step("people", self.people)
        self.step("issues", self.issues)
        with connection.schema_editor() as editor:
            editor.remove_index(Article, index)
        self.step("articles", self.articles)
        self.step("web news", self.web_news)
        self.step("issue in preparation", self.issue_in_preparation)
        self.pool.close()
        with connection.schema_editor() as editor:
            self.step("search index", editor.add_index, Article, index)
        self.step("article people, topics, photos, log", self.relations)
        self.step("events", self.events)
        with connection.cursor() as cursor:
            self.step("vacuum analyze", cursor.execute, "VACUUM ANALYZE")
        return {
            "size": asdict(self.size),
            "articles": Article.objects.count(),
            "characters": self.characters,
            "seconds": round(time.monotonic() - self.started, 1),
            "steps": self.timings,
        }

    # Structure ------------------------------------------------------------------------------

    def structure(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from publishing.models import ReviewStage
        from website.demo import content, loader

        User = get_user_model()
        demo = content.read()
        self.sections = loader.load_sections(demo.subsections)
        self.topics = list(loader.load_topics(demo.topics).values())
        self.stages = list(ReviewStage.objects.order_by("order"))

        def user(username, group=None, **fields):
            account, _ = User.objects.update_or_create(
                username=username, defaults={"is_staff": True, "email": f"{username}@example.org", **fields}
            )
            account.set_unusable_password()
            account.save()
            if group:
                account.groups.set([Group.objects.get(name=group)])
            return account

        self.editors = [user(f"editor{n}", "编辑", first_name=self.write.name()) for n in range(1, 6)]
        self.reviewers = [user(f"reviewer{n}", "审核") for n in range(1, 4)]
        self.chief = user("chief", "主编")
        self.admin = user("bench-admin", is_superuser=True)

    def photo_files(self):
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage
        from PIL import Image

        self.photos = []
        for n in range(PHOTO_FILES):
            name = f"articles/bench/photo-{n + 1:02}.jpg"
            if not default_storage.exists(name):
                tint = (self.random.randrange(256), self.random.randrange(256), self.random.randrange(256))
                image = Image.new("RGB", (1600, 1067), tint)
                image.paste((255 - tint[0], tint[1], tint[2]), (200, 150, 1000, 700))
                buffer = io.BytesIO()
                image.save(buffer, "JPEG", quality=80)
                name = default_storage.save(name, ContentFile(buffer.getvalue()))
            self.photos.append(name)

    def people(self):
        from people.models import Person
        from publishing.slugs import name_slug, unique_slug

        taken = set()
        people = []
        for _ in range(self.size.people):
            person = Person(
                name=self.write.name(),
                title=self.write.job_title(),
                organisation=self.write.unit(),
                bio="".join(f"<p>{self.write.paragraph()}</p>" for _ in range(self.random.randint(1, 3))),
            )
            person.slug = unique_slug(name_slug(person.name), taken.__contains__, max_length=60)
            taken.add(person.slug)
            person.derive_fields()
            people.append(person)
        self.people = Person.objects.bulk_create(people, batch_size=BATCH)
        # A few people (the association's leaders) are in a great many articles, most in few.
        self.people_weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(self.people))))

    # Issues and articles --------------------------------------------------------------------

    def issue_dates(self):
        """(year, number, release time) of every issue, oldest first, the newest this month."""
        from django.utils import timezone

        today = timezone.localdate()
        per_year = self.size.issues_per_year
        days = (10,) if per_year == 12 else (5, 20)
        slots = []
        year, month = today.year, today.month
        while len(slots) < self.size.issues:
            for n in reversed(range(len(days))):
                moment = timezone.make_aware(datetime(year, month, days[n], 8, 0))
                if moment < timezone.now():
                    slots.append((year, (month - 1) * len(days) + n + 1, moment))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return list(reversed(slots[: self.size.issues]))

    def issues(self):
        from bulletin.models import Issue

        rows = [
            Issue(
                year=year,
                number=number,
                running_number=index + 1,
                theme=self.write.phrase(6, 14),
                page_count=64,
                released_on=moment.date(),
                status=Issue.Status.PUBLISHED,
                published_at=moment,
            )
            for index, (year, number, moment) in enumerate(self.issue_dates())
        ]
        self.issue_rows = Issue.objects.bulk_create(rows, batch_size=BATCH)

    def length(self, kind):
        if kind == "brief":
            return self.random.randint(60, 600)
        if kind == "feature":
            return self.random.randint(2500, 11_000)
        return self.write.article_length()

    def article(self, *, issue, section, kind, position, published_at, status, plant=None):
        from bulletin.models import Article

        length = self.length(kind)
        self.characters += length
        author = self.person()
        return Article(
            issue=issue,
            section=section,
            kicker=self.write.phrase(3, 8) + "：" if self.random.random() < 0.1 else "",
            title=self.write.phrase(8, 22),
            subtitle="——" + self.write.phrase(6, 14) if self.random.random() < 0.08 else "",
            summary=self.write.sentence() if self.random.random() < 0.3 else "",
            body=self.write.body_html(length, plant=plant),
            byline=f"文_{author.organisation} {author.name}" if self.random.random() < 0.6 else "",
            contributor=self.write.unit() if self.random.random() < 0.4 else "",
            position=position,
            status=status,
            published_at=published_at,
            created_by=self.random.choice(self.editors),
            updated_by=self.random.choice(self.editors),
        )

    def person(self):
        return self.random.choices(self.people, cum_weights=self.people_weights)[0]

    def issue_plan(self):
        """(section, kind) of each article of an issue, in table-of-contents order."""
        scale = self.size.per_issue / sum(share for share, _ in SECTION_SHARES.values())
        plan = []
        for name, (share, kind) in SECTION_SHARES.items():
            plan += [(self.sections[name], kind)] * max(1, round(share * scale))
        return plan[: self.size.per_issue]

    def articles(self):
        from bench.prose import RARE_TERM
        from bulletin.models import Article
        from publishing.slugs import pinyin_slug, unique_slug

        plan = self.issue_plan()
        total = len(self.issue_rows) * len(plan)
        planted = set(self.random.sample(range(total), min(RARE_TERM_ARTICLES, total)))
        pending, done, serial = [], 0, 0
        for issue in self.issue_rows:
            taken, page = set(), 3.0
            for position, (section, kind) in enumerate(plan, start=1):
                article = self.article(
                    issue=issue,
                    section=section,
                    kind=kind,
                    position=position,
                    published_at=issue.published_at,
                    status=Article.Status.PUBLISHED,
                    plant=RARE_TERM if serial in planted else None,
                )
                serial += 1
                article.slug = unique_slug(pinyin_slug(article.title), taken.__contains__, max_length=80)
                taken.add(article.slug)
                article.first_page = int(page)
                page += len(article.body) / CHARACTERS_A_PAGE
                article.last_page = max(article.first_page, min(int(page), issue.page_count))
                article.first_page = min(article.first_page, article.last_page)
                pending.append(article)
            if len(pending) >= BATCH:
                done += self.flush(pending)
                print(f"    articles: {done:,}/{total:,}", flush=True)
        done += self.flush(pending)
        done += self.write_queued()

    def flush(self, pending):
        """Send ``pending`` to the workers for its search text and write the batch sent before it.

        This process writes the prose while the workers derive the search text of the previous batch, so both cores
        work; returns how many articles were written.
        """
        batch = list(pending)
        pending.clear()
        fields = [{name: getattr(a, name) for name in INDEXED_FIELDS} for a in batch]
        deriving = self.pool.map_async(search_fields, fields, chunksize=50)
        written = self.write_queued()
        self.queued = (batch, deriving)
        return written

    def write_queued(self):
        """Write the batch the workers are deriving the search text of, once they are done; returns its size."""
        from bulletin.models import Article
        from publishing import search

        if self.queued is None:
            return 0
        batch, deriving = self.queued
        self.queued = None
        for article, (title, body) in zip(batch, deriving.get(), strict=True):
            article.search_title, article.search_body = title, body
            article.search_document = search.document(title, body)
        self.created.extend(
            (a.pk, a.status, a.published_at) for a in Article.objects.bulk_create(batch, batch_size=BATCH)
        )
        return len(batch)

    def web_news(self):
        from bulletin.models import Article
        from publishing.slugs import pinyin_slug, unique_slug

        first = self.issue_rows[0].published_at
        months = self.size.years * 12
        taken, pending = set(), []
        for index in range(months * self.size.news_per_month):
            day = first + timedelta(days=index * 30 / self.size.news_per_month, hours=self.random.randint(1, 9))
            article = self.article(
                issue=None,
                section=self.sections[self.random.choice(("要情快报", "科协动态", "基层风采"))],
                kind="brief" if self.random.random() < 0.5 else "news",
                position=0,
                published_at=day,
                status=Article.Status.PUBLISHED,
            )
            article.slug = unique_slug(pinyin_slug(article.title), taken.__contains__, max_length=80)
            taken.add(article.slug)
            pending.append(article)
        self.flush(pending)
        self.write_queued()

    def issue_in_preparation(self):
        """Next month's issue, being edited: drafts, articles at every review stage, approved ones."""
        from django.utils import timezone

        from bulletin.models import Issue
        from publishing.slugs import pinyin_slug, unique_slug

        latest = self.issue_rows[-1]
        per_year = self.size.issues_per_year
        year, number = (latest.year, latest.number + 1) if latest.number < per_year else (latest.year + 1, 1)
        issue = Issue.objects.create(year=year, number=number, running_number=latest.running_number + 1, page_count=64)
        taken, pending, now = set(), [], timezone.now()
        for position, (section, kind) in enumerate(self.issue_plan(), start=1):
            state = self.random.choice(("draft", "in_review", "in_review", "approved"))
            article = self.article(
                issue=issue, section=section, kind=kind, position=position, published_at=None, status=state
            )
            if state == "in_review":
                article.review_stage = self.random.choice(self.stages)
                article.stage_entered_at = now - timedelta(hours=self.random.randint(1, 200))
            article.slug = unique_slug(pinyin_slug(article.title), taken.__contains__, max_length=80)
            taken.add(article.slug)
            pending.append(article)
        self.flush(pending)
        self.write_queued()

    def relations(self):
        from django.contrib.contenttypes.models import ContentType

        from bulletin.models import Article, ArticlePerson, ArticlePhoto
        from publishing.models import WorkflowLog

        article_type = ContentType.objects.get_for_model(Article)
        Topics = Article.topics.through
        links, photos, topics, log = [], [], [], []
        for pk, status, published_at in self.created:
            if self.random.random() < 0.5:
                people = {self.person() for _ in range(self.random.randint(1, 3))}
                links += [
                    ArticlePerson(
                        article_id=pk,
                        person=person,
                        role=self.random.choice(ArticlePerson.Role.values),
                        position=n,
                    )
                    for n, person in enumerate(people)
                ]
            if self.random.random() < PHOTO_SHARE:
                photos += [
                    ArticlePhoto(
                        article_id=pk,
                        image=self.random.choice(self.photos),
                        alt=self.write.phrase(8, 20),
                        caption=self.write.phrase(8, 24),
                        credit=self.write.name(),
                        position=n,
                    )
                    for n in range(self.random.choice((1, 1, 1, 2, 3)))
                ]
            if self.random.random() < 0.3:
                topics.append(Topics(article_id=pk, topic=self.random.choice(self.topics)))
            if status == "published":
                log += self.decisions(article_type, pk, published_at)
        for model, rows in ((ArticlePerson, links), (ArticlePhoto, photos), (Topics, topics), (WorkflowLog, log)):
            model.objects.bulk_create(rows, batch_size=BATCH * 5)
            print(f"    {model._meta.verbose_name}: {len(rows):,}", flush=True)

    def decisions(self, article_type, pk, published_at):
        """The log of a published article: submitted, approved at every stage, published."""
        from publishing.models import WorkflowLog

        entries = [("submit", "draft", "in_review", self.stages[0])]
        entries += [("approve", "in_review", "in_review", stage) for stage in self.stages[:-1]]
        entries += [("approve", "in_review", "approved", self.stages[-1]), ("publish", "approved", "published", None)]
        start = published_at - timedelta(days=len(entries))
        return [
            WorkflowLog(
                content_type=article_type,
                object_id=pk,
                action=action,
                from_status=source,
                to_status=target,
                stage=stage,
                stage_name=stage.name if stage else "",
                actor=self.chief if action == "publish" else self.random.choice(self.reviewers),
                at=start + timedelta(days=n),
            )
            for n, (action, source, target, stage) in enumerate(entries)
        ]

    # Events ---------------------------------------------------------------------------------

    def events(self):
        from django.utils import timezone

        from events.models import Event
        from publishing.slugs import pinyin_slug, unique_slug

        first = self.issue_rows[0].published_at.date()
        span = (timezone.localdate() - first).days + 60  # some are still to come
        taken, events = set(), []
        for _ in range(self.size.events):
            start = first + timedelta(days=self.random.randrange(span))
            event = Event(
                title=self.write.phrase(8, 20),
                start_date=start,
                start_time=clock(self.random.randint(8, 16), 30) if self.random.random() < 0.7 else None,
                end_date=start + timedelta(days=self.random.randint(1, 3)) if self.random.random() < 0.2 else None,
                place=self.write.unit() + "报告厅",
                organiser=self.write.unit(),
                description="".join(f"<p>{self.write.paragraph()}</p>" for _ in range(self.random.randint(1, 4))),
                status=Event.Status.PUBLISHED,
                published_at=timezone.make_aware(datetime.combine(start - timedelta(days=14), clock(9))),
            )
            event.slug = unique_slug(pinyin_slug(event.title), taken.__contains__, max_length=80)
            taken.add(event.slug)
            event.derive_fields()
            events.append(event)
        events = Event.objects.bulk_create(events, batch_size=BATCH)
        published = [pk for pk, status, _ in self.created if status == "published"]
        article_links = [
            Event.articles.through(event_id=event.pk, article_id=self.random.choice(published))
            for event in events
            if self.random.random() < 0.6
        ]
        people_links = [
            Event.people.through(event_id=event.pk, person_id=person.pk)
            for event in events
            for person in {self.person() for _ in range(self.random.randint(0, 2))}
        ]
        Event.articles.through.objects.bulk_create(article_links, batch_size=BATCH * 5)
        Event.people.through.objects.bulk_create(people_links, batch_size=BATCH * 5)


if __name__ == "__main__":
    sys.exit(main())
