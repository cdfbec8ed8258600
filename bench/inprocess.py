"""Measurements taken inside one Django process against the benchmark database.

``pages``: the addresses of the pages the load runs request. ``sql``: queries and SQL time of
one uncached request per page. ``admin``: server time and queries of the editors' pages, as a
logged-in superuser. ``actions``: releasing an issue of 60 articles, reindexing the archive,
importing 60 Word files. ``publishing ROUNDS INTERVAL``: news published and withdrawn while
``bench.freshness`` reads the home page through the edge. Each prints one line of JSON. ``profile PAGE [N]`` shows where one
page's time goes.

Run by ``bench/run.py`` as ``python -m bench.inprocess WHAT`` with the benchmark's environment.
"""

import io
import json
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import django

REPEATS = 5
WORD_STYLES = {"Normal", "Default Paragraph Font", "Normal Table", "Title", "Heading 1", "Heading 2", "Caption"}
ACTION_REPEATS = 3


class SqlMeter:
    """Counts the queries and SQL time of a block, through ``connection.execute_wrapper``."""

    def __init__(self):
        self.queries = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1

    def figures(self):
        return {"queries": self.queries, "sql_ms": round(self.seconds * 1000, 1)}


@contextmanager
def metered():
    from django.db import connection

    meter = SqlMeter()
    with connection.execute_wrapper(meter):
        yield meter


def timed(function, repeats):
    """Median and spread of ``repeats`` calls after one to warm up, and the queries of one call."""
    function()
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        seconds.append((time.perf_counter() - started) * 1000)
    with metered() as meter:
        function()
    return {
        "median_ms": round(statistics.median(seconds), 1),
        "min_ms": round(min(seconds), 1),
        "max_ms": round(max(seconds), 1),
        "runs": repeats,
        **meter.figures(),
    }


# Pages ---------------------------------------------------------------------------------------


def pages():
    """The page of each kind the benchmark requests, chosen as a reader would meet them."""
    from django.db.models import Count
    from django.db.models.functions import Length
    from django.urls import reverse

    from bench.prose import COMMON_TERM, RARE_TERM
    from bulletin.models import Article, Issue, Section
    from people.models import Person

    issue = Issue.objects.public().first()
    in_issue = Article.objects.public().filter(issue=issue).annotate(length=Length("body")).order_by("length")
    # An article of typical length: the median of the newest issue.
    article = in_issue[in_issue.count() // 2]
    section = Section.objects.get(name="科协动态")
    # The person in the most articles: the page that grows with the archive if anything does.
    person = Person.objects.annotate(n=Count("article_links")).order_by("-n", "pk").first()
    search = reverse("website:search")
    return {
        "home": reverse("bulletin:home"),
        "issue": issue.get_absolute_url(),
        "article": article.get_absolute_url(),
        "section": section.get_absolute_url(),
        "person": person.get_absolute_url(),
        "search_common": f"{search}?q={COMMON_TERM}",
        "search_rare": f"{search}?q={RARE_TERM}",
        "feed": reverse("bulletin:feed-rss"),
    }


def client():
    from django.test import Client

    return Client(HTTP_HOST="localhost")


def without_page_cache():
    from django.conf import settings
    from django.test import override_settings

    middleware = [m for m in settings.MIDDLEWARE if m != "publishing.pagecache.PageCacheMiddleware"]
    return override_settings(MIDDLEWARE=middleware)


def sql(paths):
    """Queries and SQL time of each page built afresh (the page cache left out), and its size."""
    from urllib.parse import quote, urlsplit

    browser = client()
    figures = {}
    with without_page_cache():
        for name, path in paths.items():
            parts = urlsplit(path)
            url = parts.path + (f"?{quote(parts.query, safe='=&')}" if parts.query else "")
            browser.get(url)  # renditions, jieba and template caches are warm, as in a running worker
            with metered() as meter:
                started = time.perf_counter()
                response = browser.get(url)
                elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (path, response.status_code)
            figures[name] = {**meter.figures(), "server_ms": round(elapsed, 1), "html_bytes": len(response.content)}
    return figures


# Admin ---------------------------------------------------------------------------------------


def admin():
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.urls import reverse
    from django.utils.http import urlencode

    from bench.prose import COMMON_TERM
    from bulletin.models import Article, Issue, Section

    user = get_user_model().objects.get(username="bench-admin")
    browser = client()
    browser.force_login(user)
    changelist = reverse("admin:bulletin_article_changelist")
    latest = Issue.objects.public().first()
    busy = Article.objects.filter(status="published").annotate(n=Count("person_links")).order_by("-n", "-pk").first()
    section = Section.objects.get(name="科协动态")
    queries = {
        "changelist": changelist,
        "changelist_filtered": changelist
        + "?"
        + urlencode({"status__exact": "published", "section__id__exact": section.pk, "issue__year": latest.year}),
        "changelist_search": changelist + "?" + urlencode({"q": COMMON_TERM}),
        "changelist_page_100": changelist + f"?p={max(1, min(100, Article.objects.count() // 100))}",
        "article_change": reverse("admin:bulletin_article_change", args=[busy.pk]),
        "review_queue": reverse("review:queue"),
    }
    results = {"articles": Article.objects.count()}
    for name, url in queries.items():

        def request(url=url):
            response = browser.get(url)
            assert response.status_code == 200, (url, response.status_code)
            response.content  # noqa: B018 -- rendering a TemplateResponse happens here

        results[name] = {"url": url, **timed(request, REPEATS)}
    return results


# Editorial actions -----------------------------------------------------------------------------


def fresh_issue(articles=60):
    """A draft issue of ``articles`` approved articles, as one is just before its release."""
    from django.db.models import Max

    from bulletin.models import Article, Issue

    top = Issue.objects.aggregate(year=Max("year"), running=Max("running_number"))
    issue = Issue.objects.create(year=top["year"] + 1, number=1, running_number=top["running"] + 1, page_count=64)
    copies, slugs = [], set()
    # The newest published articles of any issues: the quick archive's issues are smaller than 60.
    # defer(None): bulk_create writes every column, and the manager leaves out the search text.
    for article in (
        Article.objects.defer(None).filter(issue__isnull=False, status="published").order_by("-pk")[:articles]
    ):
        article.pk = None
        article.issue = issue
        article.status = "approved"
        article.published_at = None
        article.slug = f"{article.slug}-{len(slugs)}" if article.slug in slugs else article.slug
        slugs.add(article.slug)
        copies.append(article)
    Article.objects.bulk_create(copies)
    return issue


def remove(issue):
    """Take a benchmark issue and its articles out again, so the archive keeps its size."""
    from bulletin.models import Article

    for article in Article.objects.filter(issue=issue):
        article.delete()
    issue.delete()


def release():
    from django.contrib.auth import get_user_model

    from bulletin import workflow

    chief = get_user_model().objects.get(username="chief")
    runs, figures = [], None
    for _ in range(ACTION_REPEATS):
        issue = fresh_issue()
        with metered() as meter:
            started = time.perf_counter()
            workflow.release_issue(issue, by=chief)
            runs.append((time.perf_counter() - started) * 1000)
        figures = meter.figures()
        remove(issue)
    return summary(runs, figures)


def reindex():
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("rebuild_search_index", verbosity=0)
    return {"seconds": round(time.perf_counter() - started, 1)}


def docx_files(folder, count=60):
    """``count`` Word files as contributors send them: kicker, title, byline, text, a photo, 供稿."""
    import docx
    from PIL import Image

    from bench.prose import Writer

    folder.mkdir(parents=True, exist_ok=True)
    write = Writer(seed=8)
    photo = io.BytesIO()
    Image.new("RGB", (1200, 800), (90, 140, 60)).save(photo, "JPEG", quality=80)
    files = []
    for n in range(count):
        document = docx.Document()
        # python-docx's template defines some 160 styles (350 KB of XML); a Word file carries the
        # few its text uses, and parsing the rest would make the import look several times slower.
        for style in list(document.styles):
            if style.name not in WORD_STYLES:
                style.delete()
        if n % 5 == 0:
            document.add_paragraph(write.phrase(3, 8) + "：")
        document.add_paragraph(write.phrase(8, 22), style="Heading 1")
        document.add_paragraph(f"文_{write.unit()} {write.name()}")
        for index, paragraph in enumerate(write.paragraphs(write.article_length())):
            document.add_paragraph(paragraph)
            if index == 0 and n % 3 == 0:
                document.add_picture(io.BytesIO(photo.getvalue()))
                document.add_paragraph("图为" + write.phrase(8, 16))
        document.add_paragraph(f"（供稿：{write.unit()}）")
        path = folder / f"{n + 1:02}.docx"
        document.save(path)
        files.append(path)
    return files


def docx_import(folder):
    from django.contrib.auth import get_user_model

    from bulletin import docx_import
    from bulletin.models import Article, Issue, Section

    files = docx_files(folder)
    editor = get_user_model().objects.get(username="editor1")
    issue = Issue.objects.filter(status=Issue.Status.DRAFT).order_by("-running_number").first()
    section = Section.objects.get(name="科协动态")
    runs, figures = [], None
    for _ in range(ACTION_REPEATS):
        with metered() as meter:
            started = time.perf_counter()
            results = docx_import.import_articles(files, issue=issue, section=section, by=editor)
            runs.append((time.perf_counter() - started) * 1000)
        figures = meter.figures()
        for article in Article.objects.filter(pk__in=[result.article.pk for result in results]):
            for photo in article.photos.all():
                photo.image.delete(save=False)
            article.delete()
    return summary(runs, figures)


def summary(runs_ms, figures):
    return {
        "median_ms": round(statistics.median(runs_ms), 1),
        "min_ms": round(min(runs_ms), 1),
        "max_ms": round(max(runs_ms), 1),
        "runs": len(runs_ms),
        **figures,
    }


def actions(folder):
    return {"release_60": release(), "docx_import_60": docx_import(Path(folder)), "reindex": reindex()}


def publishing_rounds(rounds, interval):
    """Every ``interval`` seconds, ``rounds`` times: publish a web news item (approved first, as
    reviewers leave it), and half an interval later withdraw the one published the round before.

    Run with ``EDGE_PURGE_URLS`` naming the edge the readers go through: each call returns once
    the page cache and the edge have been told. Returns the wall-clock times each call started and
    returned, for ``bench.freshness`` to compare with what readers got; the items are deleted.
    """
    from django.contrib.auth import get_user_model

    from bulletin import workflow
    from bulletin.models import Article, Section

    chief = get_user_model().objects.get(username="chief")
    section = Section.objects.get(name="科协动态")
    events, made = [], []
    started = time.time()

    def timed_call(action, article, call):
        begun = time.time()
        call()
        events.append({"action": action, "title": article.title, "started": begun, "returned": time.time()})

    for number in range(rounds):
        time.sleep(max(0, started + number * interval - time.time()))
        article = Article.objects.create(
            section=section,
            title=f"时效测试稿第{number + 1}篇{int(started)}",
            body="<p>测试正文。</p>",
            status="approved",
        )
        made.append(article)
        timed_call("publish", article, lambda article=article: workflow.publish(article, by=chief))
        if number:
            time.sleep(max(0, started + (number + 0.5) * interval - time.time()))
            previous = Article.objects.get(pk=made[-2].pk)
            timed_call(
                "withdraw",
                previous,
                lambda previous=previous: workflow.withdraw(previous, by=chief, comment="时效测试：撤回"),
            )
    for article in made:
        Article.objects.filter(pk=article.pk).delete()
    return events


def profile(name, repeats=50):
    """Where one page's time goes: ``repeats`` uncached requests under pyinstrument, the call tree
    on standard error. Not part of ``bench/run``: for finding what to fix once it shows a miss."""
    from pyinstrument import Profiler

    path = pages()[name]
    browser = client()
    with without_page_cache():
        browser.get(path)
        profiler = Profiler(interval=0.0005)
        started = time.perf_counter()
        with profiler:
            for _ in range(repeats):
                browser.get(path)
    print(profiler.output_text(unicode=True, show_all=False), file=sys.stderr)
    return {"page": name, "path": path, "ms_per_request": round((time.perf_counter() - started) * 1000 / repeats, 1)}


def main(argv):
    django.setup()
    what = argv[0]
    if what == "pages":
        result = pages()
    elif what == "sql":
        result = sql(json.loads(argv[1]))
    elif what == "admin":
        result = admin()
    elif what == "actions":
        result = actions(argv[1])
    elif what == "publishing":
        result = publishing_rounds(int(argv[1]), float(argv[2]))
    elif what == "profile":
        result = profile(argv[1], *map(int, argv[2:3]))
    else:
        raise SystemExit(f"unknown measurement {what!r}")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
