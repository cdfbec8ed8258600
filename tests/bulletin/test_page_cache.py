"""Whole-page caching of public pages (publishing.pagecache): never stale, never personal.

Runs against Redis when REDIS_URL is set (CI) and the in-memory cache otherwise; the tests of a
stalled Redis start one of their own (tests.faults), and so do those of how a hit is read, which
run with both caches whatever the run (``each_cache``). Cached pages depend on tags: each
publishing action rebuilds the pages that show what it changed and leaves every other page cached.
Publishing actions defer the invalidation to the commit, so each runs under
``django_capture_on_commit_callbacks(execute=True)``, as it would commit in the admin.
"""

import io
import logging
import time
from collections import Counter
from datetime import datetime, timedelta
from urllib.parse import urlencode

import pytest
import redis
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from bulletin import workflow
from bulletin.filters import ArticleSearchFilter
from bulletin.views import HomeView
from people.filters import PersonFilter
from publishing import pagecache
from publishing.models import PendingInvalidation, PublicationStatus
from tests import factories as make
from tests import faults

pytestmark = pytest.mark.django_db

HOME = reverse("bulletin:home")
RSS = reverse("bulletin:feed-rss")
SITEMAP = reverse("sitemap")
CACHE = pagecache.CACHE_HEADER


def search(query):
    return f"{reverse('website:search')}?{urlencode({'q': query})}"


def pages_listing(issue, section, query):
    """The pages where a new article of ``issue`` and ``section`` matching ``query`` shows up."""
    return [HOME, issue.get_absolute_url(), section.get_absolute_url(), RSS, SITEMAP, search(query)]


@pytest.fixture(autouse=True)
def every_failure_logged(monkeypatch):
    """Cache failures are logged once a minute (config.logs.Throttle): each test starts afresh."""
    faults.fresh_log_throttles(monkeypatch)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit():`` runs what the block defers to the commit, as a real request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def warm(client):
    """``warm(urls)``: anonymous readers fetch each page until it comes from the cache without a
    single query. A copy served from the cache may ask the database whether invalidations are
    waiting, which each process does at most once a second: a hit may query when the second since
    the last check has run out (on a slow machine, while the previous page was built), and the hit
    right after it may not."""

    def fetch_until_cached(urls):
        for url in urls:
            first = client.get(url)
            assert first.status_code == 200, url
            for _ in range(3):
                with CaptureQueriesContext(connection) as queries:
                    again = client.get(url)
                assert again[CACHE] == "hit", url
                if not queries:
                    break
            assert len(queries) == 0, (url, [query["sql"] for query in queries])
            assert again.content == first.content

    return fetch_until_cached


def fresh(client, url):
    """The page as a reader now gets it, which must have been built afresh (not a stale copy)."""
    response = client.get(url)
    assert response[CACHE] == "miss", url
    return response


def shows(response, text):
    return text in response.content.decode()


# Each publishing action shows at once ---------------------------------------------------------


def test_publishing_an_article_shows_it_on_every_page_at_once(client, warm, commit, newsroom, published_issue):
    section = make.section("科协动态")
    make.article(published_issue, title="已在刊的稿件", section=section)
    article = newsroom.approved(published_issue, title="赤霉病防控新进展", section=section)
    pages = pages_listing(published_issue, section, "赤霉病")
    warm(pages)
    assert client.get(article.get_absolute_url()).status_code == 404

    with commit():
        workflow.publish(article, by=newsroom.chief)

    for url in pages:
        assert shows(fresh(client, url), article.get_absolute_url()), url
    assert client.get(article.get_absolute_url()).status_code == 200


def test_withdrawing_an_article_removes_it_from_every_page_at_once(client, warm, commit, newsroom, published_issue):
    section = make.section("科协动态")
    article = make.article(published_issue, title="赤霉病防控新进展", section=section)
    pages = pages_listing(published_issue, section, "赤霉病")
    warm([*pages, article.get_absolute_url()])
    assert all(shows(client.get(url), article.get_absolute_url()) for url in pages)

    with commit():
        workflow.withdraw(article, by=newsroom.chief, comment="数据有误")

    for url in pages:
        assert not shows(fresh(client, url), article.get_absolute_url()), url
    assert client.get(article.get_absolute_url()).status_code == 404


def test_publishing_an_edited_article_replaces_the_old_text_everywhere(client, warm, commit, newsroom, published_issue):
    section = make.section("科协动态")
    live = make.article(
        published_issue, title="麦田观察", body="<p>锈病零星发生。</p>", section=section, created_by=newsroom.author
    )
    pages = [*pages_listing(published_issue, section, "麦田"), live.get_absolute_url(), search("赤霉病")]
    warm(pages)
    revision = workflow.start_revision(
        live, by=newsroom.author, changes={"title": "麦田观察：赤霉病", "body": "<p>赤霉病零星发生。</p>"}
    )
    newsroom.review(revision)

    with commit():
        workflow.publish(revision, by=newsroom.chief)

    for url in [HOME, published_issue.get_absolute_url(), section.get_absolute_url(), RSS]:
        assert shows(fresh(client, url), "麦田观察：赤霉病"), url
    assert shows(fresh(client, search("麦田")), "观察：赤霉病")  # the search term itself is highlighted
    article_page = fresh(client, live.get_absolute_url())
    assert shows(article_page, "赤霉病零星发生") and not shows(article_page, "锈病")
    assert shows(fresh(client, search("赤霉病")), live.get_absolute_url())
    fresh(client, SITEMAP)


def test_releasing_an_issue_shows_it_and_its_articles_at_once(client, warm, commit, newsroom, draft_issue):
    section = make.section("科协动态")
    make.issue(year=2025, number=6)  # what the home page shows until the release
    article = newsroom.approved(draft_issue, title="赤霉病防控新进展", section=section)
    before = [HOME, reverse("bulletin:issue-archive"), section.get_absolute_url(), RSS, SITEMAP, search("赤霉病")]
    warm(before)
    assert client.get(draft_issue.get_absolute_url()).status_code == 404

    with commit():
        workflow.release_issue(draft_issue, by=newsroom.chief)

    for url in [HOME, section.get_absolute_url(), RSS, SITEMAP, search("赤霉病")]:
        assert shows(fresh(client, url), article.get_absolute_url()), url
    assert shows(fresh(client, reverse("bulletin:issue-archive")), draft_issue.get_absolute_url())
    assert shows(client.get(draft_issue.get_absolute_url()), article.get_absolute_url())


def test_unpublishing_an_issue_takes_it_and_its_articles_off_every_page_at_once(
    client, warm, commit, newsroom, published_issue
):
    section = make.section("科协动态")
    article = make.article(published_issue, title="赤霉病防控新进展", section=section)
    pages = pages_listing(published_issue, section, "赤霉病")
    warm([*pages, article.get_absolute_url(), reverse("bulletin:issue-archive")])

    with commit():
        workflow.unpublish_issue(published_issue, by=newsroom.chief, comment="封面有误")

    for url in [HOME, section.get_absolute_url(), RSS, SITEMAP, search("赤霉病")]:
        assert not shows(fresh(client, url), article.get_absolute_url()), url
    assert not shows(fresh(client, reverse("bulletin:issue-archive")), published_issue.get_absolute_url())
    assert client.get(published_issue.get_absolute_url()).status_code == 404
    assert client.get(article.get_absolute_url()).status_code == 404


# What is and is not invalidated ---------------------------------------------------------------


def hit(client, url):
    return client.get(url)[CACHE] == "hit"


def test_publishing_an_article_leaves_the_pages_that_do_not_show_it_cached(
    client, warm, commit, newsroom, published_issue
):
    section, elsewhere = make.section("科协动态"), make.section("学教动态")
    topic = make.topic("乡村振兴")
    other_issue = make.issue(year=2025, number=3)
    untouched = make.article(other_issue, title="往期的稿件", section=elsewhere, topics=[topic])
    neighbour = make.article(published_issue, title="同期的稿件", section=elsewhere)
    event = make.event(title="无关的活动")
    article = newsroom.approved(published_issue, title="赤霉病防控新进展", section=section)
    unrelated = [
        untouched.get_absolute_url(),
        other_issue.get_absolute_url(),
        elsewhere.get_absolute_url(),
        topic.get_absolute_url(),
        event.get_absolute_url(),
        reverse("events:event-list"),
    ]
    warm([*unrelated, neighbour.get_absolute_url()])

    with commit():
        workflow.publish(article, by=newsroom.chief)

    for url in unrelated:
        assert hit(client, url), url
    # Same issue: its previous/next links now lead to the new article.
    assert shows(fresh(client, neighbour.get_absolute_url()), article.get_absolute_url())


def test_publishing_an_article_rebuilds_the_pages_of_its_people_topics_events_and_related_articles(
    client, warm, commit, newsroom, published_issue
):
    section = make.section("科协动态")
    scientist, topic = make.person("林远"), make.topic("粮食安全")
    earlier = make.article(make.issue(year=2025, number=3), title="林远谈育种", section=make.section("学教动态"))
    make.link(earlier, scientist)
    same_column = make.article(make.issue(year=2025, number=4), title="上一期同栏目稿件", section=section)
    article = newsroom.approved(published_issue, title="赤霉病防控新进展", section=section, topics=[topic])
    make.link(article, scientist)
    event = make.event(title="小麦病害防控现场会", articles=[article])
    warm(
        [
            scientist.get_absolute_url(),
            event.get_absolute_url(),
            earlier.get_absolute_url(),
            same_column.get_absolute_url(),
        ]
    )

    with commit():
        workflow.publish(article, by=newsroom.chief)

    for url in [scientist.get_absolute_url(), event.get_absolute_url(), topic.get_absolute_url()]:
        assert shows(fresh(client, url), article.get_absolute_url()), url
    for related in (earlier, same_column):  # related through the person and through the column
        assert shows(fresh(client, related.get_absolute_url()), article.get_absolute_url())


def test_an_edited_article_that_moved_column_and_lost_a_person_leaves_their_pages_too(
    client, warm, commit, newsroom, published_issue
):
    old_section, new_section = make.section("科协动态"), make.section("基层风采")
    dropped = make.person("周岚")
    live = make.article(published_issue, title="麦田观察", section=old_section, created_by=newsroom.author)
    make.link(live, dropped)
    make.link(make.article(published_issue, title="另一篇稿件", section=make.section("学教动态")), dropped)
    warm([old_section.get_absolute_url(), new_section.get_absolute_url(), dropped.get_absolute_url()])
    revision = workflow.start_revision(live, by=newsroom.author, changes={"section": new_section})
    revision.person_links.all().delete()
    newsroom.review(revision)

    with commit():
        workflow.publish(revision, by=newsroom.chief)

    assert not shows(fresh(client, old_section.get_absolute_url()), live.get_absolute_url())
    assert shows(fresh(client, new_section.get_absolute_url()), live.get_absolute_url())
    assert not shows(fresh(client, dropped.get_absolute_url()), live.get_absolute_url())


def test_publishing_an_event_rebuilds_its_article_and_people_and_not_other_articles(
    client, warm, commit, newsroom, published_issue
):
    article, other = make.article(published_issue, title="现场会报道"), make.article(published_issue, title="别的稿件")
    speaker = make.person("许峰")
    make.link(article, speaker)
    event = make.event(
        title="小麦病害防控现场会", status=PublicationStatus.APPROVED, articles=[article], people=[speaker]
    )
    warm([article.get_absolute_url(), other.get_absolute_url(), speaker.get_absolute_url()])

    with commit():
        workflow.publish(event, by=newsroom.chief)

    for url in (article.get_absolute_url(), speaker.get_absolute_url(), reverse("events:event-list")):
        assert shows(fresh(client, url), event.get_absolute_url()), url
    assert hit(client, other.get_absolute_url())


def test_a_page_built_while_a_change_is_committed_is_not_stored(client, each_cache, monkeypatch, published_issue):
    build = HomeView.get_context_data

    def commit_meanwhile(view, **kwargs):
        pagecache.invalidate({"unrelated:1"})
        return build(view, **kwargs)

    with monkeypatch.context() as building:
        building.setattr(HomeView, "get_context_data", commit_meanwhile)
        assert client.get(HOME)[CACHE] == "pass"
    assert client.get(HOME)[CACHE] == "miss"
    assert client.get(HOME)[CACHE] == "hit"


def test_a_page_about_one_thing_that_names_nothing_is_not_stored(client, monkeypatch, caplog, published_issue):
    topic = make.topic("乡村振兴")
    make.article(published_issue, topics=[topic])
    monkeypatch.setattr(pagecache, "depends_on", lambda request, *tags: None)

    assert client.get(topic.get_absolute_url())[CACHE] == "pass"
    assert client.get(topic.get_absolute_url())[CACHE] == "pass"
    assert "names no content it depends on" in caplog.text


def test_work_readers_cannot_see_leaves_cached_pages_alone(client, warm, commit, newsroom, published_issue):
    section = make.section("科协动态")
    make.article(published_issue, title="已在刊的稿件", section=section)
    pages = pages_listing(published_issue, section, "赤霉病")
    warm(pages)

    with commit():
        draft = make.draft(published_issue, by=newsroom.author, title="赤霉病防控新进展", section=section)
        newsroom.review(draft)  # submitted and approved, still not public

    for url in pages:
        assert client.get(url)[CACHE] == "hit", url


def test_saving_a_section_in_the_admin_rebuilds_the_pages(client, warm, commit, chief_editor, published_issue):
    section = make.section("科协动态")
    make.article(published_issue, section=section)
    warm([HOME, section.get_absolute_url()])
    form = {
        "name": "科协要闻",
        "order": 100,
        "show_heading": "on",
        "slug": section.slug,
        "description": "",
        "fee_basis": "",
        "fee_rate": "0",
    }
    client.force_login(chief_editor)

    with commit():
        response = client.post(reverse("admin:bulletin_section_change", args=[section.pk]), form)

    assert response.status_code == 302
    client.logout()
    assert shows(fresh(client, section.get_absolute_url()), "科协要闻")
    assert shows(fresh(client, HOME), "科协要闻")


def test_error_pages_are_not_stored(client):
    missing = reverse("bulletin:news-detail", kwargs={"slug": "no-such-news"})

    assert client.get(missing).status_code == 404
    assert client.get(missing)[CACHE] == "pass"


def test_head_requests_are_answered_from_the_cached_page(client, each_cache, warm, published_issue):
    warm([HOME])

    response = client.head(HOME)

    assert response.status_code == 200
    assert response[CACHE] == "hit"


# Query strings --------------------------------------------------------------------------------


def test_tracking_parameters_make_no_new_copies_of_a_page(client, published_issue):
    make.article(published_issue, title="赤霉病防控新进展")

    for url in (HOME, published_issue.get_absolute_url()):
        variants = [client.get(url, {"utm_source": n}) for n in range(300)]

        assert Counter(response[CACHE] for response in variants) == {"miss": 1, "hit": 299}, url
        assert {response.content for response in variants} == {client.get(url).content}, url


def test_a_parameter_the_page_reads_still_makes_its_own_copy(client):
    for n in range(25):
        make.news(title=f"网站快讯{n}")
    news = reverse("bulletin:news-list")
    first = client.get(news)

    second = client.get(news, {"page": 2})

    assert second[CACHE] == "miss"
    assert second.content != first.content
    assert client.get(news, {"page": 2, "utm_source": "weixin"}).content == second.content


def test_tracking_parameters_are_not_carried_into_the_links_of_a_page(client, read_page):
    for n in range(25):
        make.news(title=f"网站快讯{n}")

    links = read_page(client.get(reverse("bulletin:news-list"), {"utm_source": "weixin"})).links()

    assert "?page=2" in links
    assert not [link for link in links if "utm_source" in link]


def test_the_search_and_people_pages_keep_every_filter_they_offer():
    assert set(pagecache.cached_pages()["website:search"].reads) == {"q", "page", *ArticleSearchFilter.base_filters}
    assert set(pagecache.cached_pages()["people:person-list"].reads) == {"page", *PersonFilter.base_filters}


# Scheduled content ----------------------------------------------------------------------------


@pytest.fixture
def travel(monkeypatch):
    """``travel(moment)``: from now on the site believes it is ``moment``."""

    def to(moment):
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)

    return to


def test_a_scheduled_article_appears_on_time_and_not_before(client, each_cache, travel, published_issue):
    # Mid-morning: pages are also keyed by the local date, which must not change within the test.
    tomorrow = datetime.combine(timezone.localdate() + timedelta(days=1), datetime.min.time())
    now = timezone.make_aware(tomorrow + timedelta(hours=10))
    travel(now)
    article = make.article(published_issue, title="定时发布的稿件", published_at=now + timedelta(minutes=10))
    assert not shows(client.get(HOME), article.get_absolute_url())
    assert client.get(HOME)[CACHE] == "hit"

    travel(now + timedelta(minutes=9))
    cached = client.get(HOME)
    assert cached[CACHE] == "hit" and not shows(cached, article.get_absolute_url())

    travel(now + timedelta(minutes=11))
    assert shows(fresh(client, HOME), article.get_absolute_url())
    assert shows(fresh(client, RSS), article.get_absolute_url())


def test_an_issue_released_for_later_appears_on_time(client, travel, commit, newsroom, draft_issue):
    now = timezone.now()
    article = newsroom.approved(draft_issue, title="下月刊出的稿件")
    with commit():
        workflow.release_issue(draft_issue, by=newsroom.chief, at=now + timedelta(hours=1))
    assert client.get(draft_issue.get_absolute_url()).status_code == 404
    assert not shows(client.get(SITEMAP), article.get_absolute_url())
    assert client.get(SITEMAP)[CACHE] == "hit"

    travel(now + timedelta(hours=1, seconds=1))

    assert shows(fresh(client, SITEMAP), article.get_absolute_url())
    assert client.get(draft_issue.get_absolute_url()).status_code == 200


def test_the_next_scheduled_time_is_asked_once_per_epoch(django_assert_num_queries, published_issue):
    soon = timezone.now() + timedelta(minutes=10)
    make.article(published_issue, published_at=soon + timedelta(minutes=5))
    make.event(published_at=soon)
    make.issue(published_at=soon + timedelta(days=1))
    epoch = pagecache.current_epoch()

    with django_assert_num_queries(1):
        assert pagecache.next_scheduled(epoch, timezone.now()) == soon
    with django_assert_num_queries(0):
        assert pagecache.next_scheduled(epoch, timezone.now()) == soon


# Staff ----------------------------------------------------------------------------------------


def test_staff_always_get_a_fresh_page_and_it_is_never_stored(client, editor, published_issue):
    client.get(HOME)  # an anonymous reader's copy, cached
    # Written straight to the database, so that no new version tells the cache: the cached copy
    # is now behind and only a freshly built page shows the article.
    article = make.article(published_issue, title="刚写进数据库的稿件")
    client.force_login(editor)

    staff_page = client.get(HOME)

    assert shows(staff_page, article.get_absolute_url())
    assert CACHE not in staff_page
    assert "private" in staff_page["Cache-Control"]
    client.logout()
    assert not shows(client.get(HOME), article.get_absolute_url())  # the staff page was not stored


def test_a_page_first_seen_by_staff_is_built_again_for_readers(client, editor, published_issue):
    client.force_login(editor)
    assert client.get(published_issue.get_absolute_url()).status_code == 200
    client.logout()

    assert client.get(published_issue.get_absolute_url())[CACHE] == "miss"


def test_previews_are_never_cached(client, editor, newsroom):
    draft = make.draft(by=newsroom.author, title="尚未发布的草稿")
    preview = reverse("bulletin:preview-article", kwargs={"pk": draft.pk})
    client.force_login(editor)
    assert shows(client.get(preview), "尚未发布的草稿")
    client.logout()

    assert client.get(preview).status_code == 404


# Conditional requests -------------------------------------------------------------------------


@pytest.mark.parametrize("url", [HOME, RSS, SITEMAP], ids=["page", "feed", "sitemap"])
def test_an_unchanged_page_is_answered_with_304(client, each_cache, url, published_issue):
    make.article(published_issue)
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]

    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 304


def test_after_publishing_a_conditional_request_gets_the_new_page(client, commit, newsroom, published_issue):
    url = published_issue.get_absolute_url()
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    article = newsroom.approved(published_issue, title="赤霉病防控新进展")

    with commit():
        workflow.publish(article, by=newsroom.chief)

    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert shows(response, "赤霉病防控新进展")


def test_a_page_changed_since_is_sent_in_full(client, commit, newsroom, published_issue):
    url = published_issue.get_absolute_url()
    client.get(url)
    article = newsroom.approved(published_issue, title="赤霉病防控新进展")
    with commit():
        workflow.publish(article, by=newsroom.chief)

    an_hour_ago = http_date(time.time() - 3600)
    assert client.get(url, headers={"If-Modified-Since": an_hour_ago}).status_code == 200


# The cache failing ----------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    """The cache is a Redis server nobody listens on, configured as in production."""
    settings.DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    settings.CACHES = faults.redis_cache(faults.DEAD_REDIS)


def test_pages_are_served_quickly_and_the_failure_logged_when_redis_is_down(
    client, redis_down, caplog, commit, newsroom, published_issue
):
    section = make.section("科协动态")
    article = make.article(published_issue, title="赤霉病防控新进展", section=section)
    caplog.set_level(logging.WARNING)

    urls = [*pages_listing(published_issue, section, "赤霉病"), article.get_absolute_url()]
    for url in urls:  # templates compiled, the search dictionary loaded: what is timed below is the cache
        assert client.get(url).status_code == 200, url

    for url in urls:
        pagecache._cache()._bulletin_unavailable_until = 0  # each request tries Redis again
        started = time.monotonic()
        response = client.get(url)
        assert response.status_code == 200, url
        assert response[CACHE] == "off"
        assert time.monotonic() - started < 1, url

    assert any(r.levelno >= logging.WARNING and "cache" in r.getMessage().lower() for r in caplog.records)
    with commit():  # publishing goes on, whatever the cache
        workflow.withdraw(article, by=newsroom.chief, comment="数据有误")
    assert client.get(article.get_absolute_url()).status_code == 404


def test_caching_resumes_when_the_cache_comes_back(client, monkeypatch, caplog, published_issue):
    cache = pagecache._cache()
    # The failure is remembered on the cache object, which outlives this test.
    monkeypatch.setattr(cache, "_bulletin_unavailable_until", 0, raising=False)

    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is down")

    with monkeypatch.context() as outage:
        outage.setattr(cache, "get", unreachable)
        assert client.get(HOME)[CACHE] == "off"
        assert client.get(HOME)[CACHE] == "off"
    assert "cache unavailable" in caplog.text
    assert client.get(HOME)[CACHE] == "off"  # not asked again at once
    clock = time.monotonic()
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: clock + pagecache.UNAVAILABLE_RETRY_SECONDS + 1)

    assert client.get(HOME)[CACHE] == "miss"
    assert client.get(HOME)[CACHE] == "hit"


# Invalidations that miss the cache ------------------------------------------------------------


@pytest.fixture
def own_redis(settings):
    """The cache is a Redis server of the test's own, configured as in production, to stall."""
    with faults.redis_server() as server:
        settings.CACHES = faults.redis_cache(server.url)
        yield server


@pytest.fixture
def later(monkeypatch):
    """``later(seconds)``: from now on the clock of retries and checks reads ``seconds`` later."""

    def by(seconds):
        clock = time.monotonic()
        monkeypatch.setattr(pagecache.time, "monotonic", lambda: clock + seconds)

    return by


def test_a_withdrawal_during_a_redis_stall_returns_at_once_and_is_seen_once_redis_answers(
    client, own_redis, commit, later, newsroom
):
    article = make.news(title="赤霉病防控新进展")
    url, news = article.get_absolute_url(), reverse("bulletin:news-list")
    for page in (url, news):
        client.get(page)
        assert client.get(page)[CACHE] == "hit", page
    own_redis.stall(2)

    started = time.monotonic()
    with commit():
        workflow.withdraw(article, by=newsroom.chief, comment="数据有误")

    assert time.monotonic() - started < 1.5
    own_redis.wait_until_it_answers()
    later(pagecache.UNAVAILABLE_RETRY_SECONDS + 1)  # this process tries the cache again
    assert client.get(url).status_code == 404
    assert not shows(fresh(client, news), url)


def test_a_reader_who_finds_redis_stalled_waits_once_and_the_next_ones_not_at_all(
    client, own_redis, later, settings, published_issue
):
    url = make.article(published_issue, title="赤霉病防控新进展").get_absolute_url()
    client.get(url)
    assert client.get(url)[CACHE] == "hit"
    own_redis.stall(2)

    started = time.monotonic()
    assert client.get(url)[CACHE] == "off"
    assert time.monotonic() - started < 2 * settings.REDIS_TIMEOUT_SECONDS  # one wait, then the page is built
    started = time.monotonic()
    assert client.get(url)[CACHE] == "off"  # not asked again within UNAVAILABLE_RETRY_SECONDS
    assert time.monotonic() - started < settings.REDIS_TIMEOUT_SECONDS

    own_redis.wait_until_it_answers()
    later(pagecache.UNAVAILABLE_RETRY_SECONDS + 1)
    assert client.get(url)[CACHE] == "hit"


def test_the_pages_to_rebuild_are_recorded_with_the_change_and_rolled_back_with_it(
    django_capture_on_commit_callbacks, newsroom
):
    article = make.news(title="赤霉病防控新进展")
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.withdraw(article, by=newsroom.chief, comment="数据有误")
        raise RuntimeError("the request fails after the withdrawal")
    assert not PendingInvalidation.objects.exists()

    with django_capture_on_commit_callbacks() as after_commit:
        workflow.withdraw(article, by=newsroom.chief, comment="数据有误")

    [pending] = PendingInvalidation.objects.all()
    assert pagecache.tag(article) in pending.tags
    for callback in after_commit:
        callback()
    assert not PendingInvalidation.objects.exists()


def test_an_invalidation_lost_with_its_process_is_applied_before_a_cached_page_is_served(
    client, warm, later, django_capture_on_commit_callbacks, newsroom
):
    article = make.news(title="赤霉病防控新进展")
    url, news = article.get_absolute_url(), reverse("bulletin:news-list")
    warm([url, news])
    with django_capture_on_commit_callbacks():  # committed; the process stops before telling the cache
        workflow.withdraw(article, by=newsroom.chief, comment="数据有误")

    later(pagecache.PENDING_CHECK_SECONDS + 1)

    assert client.get(url).status_code == 404
    assert not shows(fresh(client, news), url)


def test_the_replay_command_applies_what_a_stopped_process_left(
    client, warm, django_capture_on_commit_callbacks, newsroom
):
    article = make.news(title="赤霉病防控新进展")
    warm([article.get_absolute_url()])
    with django_capture_on_commit_callbacks():
        workflow.withdraw(article, by=newsroom.chief, comment="数据有误")
    output = io.StringIO()

    call_command("replay_page_invalidations", stdout=output)

    assert "已送达 1 条" in output.getvalue()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_the_replay_command_keeps_what_the_cache_cannot_take_yet(redis_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        pagecache.invalidate_on_commit({pagecache.SITE})

    with pytest.raises(CommandError, match="缓存仍无法连接"):
        call_command("replay_page_invalidations")

    assert PendingInvalidation.objects.get().attempts == 1


def test_sessions_do_not_live_in_the_cache(settings):
    assert settings.SESSION_ENGINE in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    )


def test_editing_a_released_issue_in_the_admin_rebuilds_its_page(client, commit, chief_editor, published_issue):
    url = published_issue.get_absolute_url()
    client.get(url)
    assert client.get(url)[CACHE] == "hit"
    client.force_login(chief_editor)
    form = make.issue_form(year="2026", number="2", running_number="122", theme="改过的主题", status="published")

    with commit():
        response = client.post(reverse("admin:bulletin_issue_change", args=[published_issue.pk]), form)

    assert response.status_code == 302
    client.logout()
    assert shows(fresh(client, url), "改过的主题")


def test_a_zero_lifetime_turns_the_page_cache_off(client, settings, published_issue):
    settings.PAGE_CACHE_SECONDS = 0

    assert client.get(HOME)[CACHE] == "off"
    response = client.get(HOME)
    assert response[CACHE] == "off"
    assert client.get(HOME, headers={"if-none-match": response["ETag"]}).status_code == 304


def test_every_cached_page_is_stored_and_served_from_the_cache(client, published_issue):
    """A page that forgot to name its content would be built for every reader; none does."""
    section, topic, speaker = make.section("科协动态"), make.topic("乡村振兴"), make.person("许峰")
    article = make.article(published_issue, section=section, topics=[topic])
    make.link(article, speaker)
    news = make.news(title="网站快讯")
    event = make.event(title="科普日活动", articles=[article], people=[speaker])
    year, number = published_issue.year, published_issue.number
    urls = {
        "bulletin:home": HOME,
        "bulletin:issue-archive": reverse("bulletin:issue-archive"),
        "bulletin:issue-detail": published_issue.get_absolute_url(),
        "bulletin:article-detail": article.get_absolute_url(),
        "bulletin:news-list": reverse("bulletin:news-list"),
        "bulletin:news-detail": news.get_absolute_url(),
        "bulletin:article-qr-code": reverse("bulletin:article-qr-code", args=[article.pk]),
        "bulletin:section-detail": section.get_absolute_url(),
        "bulletin:topic-detail": topic.get_absolute_url(),
        "website:search": search("稿件"),
        "bulletin:feed-rss": RSS,
        "bulletin:feed-atom": reverse("bulletin:feed-atom"),
        "bulletin:issue-feed-rss": reverse("bulletin:issue-feed-rss", args=[year, number]),
        "bulletin:issue-feed-atom": reverse("bulletin:issue-feed-atom", args=[year, number]),
        "bulletin:section-feed-rss": reverse("bulletin:section-feed-rss", args=[section.slug]),
        "bulletin:section-feed-atom": reverse("bulletin:section-feed-atom", args=[section.slug]),
        "people:person-list": reverse("people:person-list"),
        "people:person-detail": speaker.get_absolute_url(),
        "events:event-list": reverse("events:event-list"),
        "events:event-month": reverse("events:event-month", args=[event.start_date.year, event.start_date.month]),
        "events:event-detail": event.get_absolute_url(),
        "events:event-ics": reverse("events:event-ics", args=[event.slug]),
        "events:calendar-feed": reverse("events:calendar-feed"),
        "sitemap": SITEMAP,
    }
    # The open API's endpoints are checked the same way in tests/website/test_api.py.
    assert set(urls) == {name for name in pagecache.cached_pages() if not name.startswith("api-v1:")}

    for name, url in urls.items():
        assert client.get(url)[CACHE] == "miss", name
        assert client.get(url)[CACHE] == "hit", name


# What a hit reads -----------------------------------------------------------------------------


@pytest.fixture
def memory_cache(settings):
    """The cache is the in-memory one of development, whatever this run's REDIS_URL."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    caches["default"].clear()  # the memory cache outlives its settings: another test may have filled it


@pytest.fixture(params=["memory_cache", "own_redis"])
def each_cache(request):
    """The test runs twice: with the in-memory cache (a hit reads the page, then the versions of
    its stamp) and with a Redis of its own (a script run by Redis checks the stamp)."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def redis_round_trips(monkeypatch):
    """The name of the first command of each request sent to Redis from now on: one a round trip
    (a pipeline or MULTI is sent as one)."""
    sent = []
    send = redis.connection.AbstractConnection.send_packed_command

    def counted(connection, command, *args, **kwargs):
        packed = b"".join(command) if isinstance(command, list) else command
        sent.append(packed.split(b"\r\n")[2].decode().upper())
        return send(connection, command, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counted)
    return sent


def test_a_cached_page_costs_one_round_trip_to_redis(client, own_redis, published_issue, redis_round_trips):
    """One script returns the stored page with the epoch and schedule, and checks its stamp."""
    article = make.article(published_issue, title="赤霉病防控新进展")
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)[CACHE] == "hit"  # the script is known to Redis from now on
    redis_round_trips.clear()

    page = client.get(url)

    assert page[CACHE] == "hit" and shows(page, "赤霉病防控新进展")
    assert redis_round_trips == ["EVALSHA"]


def test_a_cached_page_costs_two_reads_of_a_cache_that_is_not_redis(client, memory_cache, monkeypatch, published_issue):
    """The stored page with the epoch and schedule, then the versions it was built from."""
    article = make.article(published_issue, title="赤霉病防控新进展")
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)[CACHE] == "hit"
    cache = pagecache._cache()
    calls, depth = [], []

    def counted(name, original):
        def call(*args, **kwargs):
            if not depth:  # the in-memory cache's get_many calls its own get for each key
                calls.append(name)
            depth.append(name)
            try:
                return original(*args, **kwargs)
            finally:
                depth.pop()

        return call

    for method in ("get", "get_many", "set", "set_many", "add", "delete"):
        monkeypatch.setattr(cache, method, counted(method, getattr(cache, method)))

    page = client.get(url)

    assert page[CACHE] == "hit" and shows(page, "赤霉病防控新进展")
    assert calls == ["get_many", "get_many"]


def test_a_page_is_built_again_once_content_it_shows_changed_and_not_before(client, each_cache, published_issue):
    article = make.article(published_issue, title="赤霉病防控新进展")
    url = article.get_absolute_url()
    client.get(url)

    pagecache.invalidate({"article:999999"})
    assert client.get(url)[CACHE] == "hit"
    pagecache.invalidate({pagecache.tag(article)})
    assert client.get(url)[CACHE] == "miss"
    assert client.get(url)[CACHE] == "hit"


def test_a_page_is_not_built_again_for_content_it_no_longer_shows(client, each_cache, published_issue):
    article, scientist = make.article(published_issue, title="赤霉病防控新进展"), make.person("林远")
    link = make.link(article, scientist)
    url = article.get_absolute_url()
    client.get(url)
    link.delete()  # straight to the database: only the article's own change tells the cache
    pagecache.invalidate({pagecache.tag(article)})
    assert client.get(url)[CACHE] == "miss"

    pagecache.invalidate({pagecache.tag(scientist)})

    assert client.get(url)[CACHE] == "hit"


def test_a_page_whose_version_was_evicted_is_built_again(client, each_cache, published_issue):
    article = make.article(published_issue, title="赤霉病防控新进展")
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)[CACHE] == "hit"

    pagecache._cache().delete(f"{pagecache.VERSION_PREFIX}{pagecache.tag(article)}")

    assert client.get(url)[CACHE] == "miss"
    assert client.get(url)[CACHE] == "hit"


def test_a_page_stored_after_content_it_shows_changed_is_not_served(client, each_cache, monkeypatch, published_issue):
    """Its stamp holds the versions before the change, which the cache no longer holds."""
    article = make.article(published_issue, title="赤霉病防控新进展")
    url = article.get_absolute_url()
    pack = pagecache.packed

    def change_meanwhile(*args):
        pagecache.invalidate({pagecache.tag(article)})
        return pack(*args)

    with monkeypatch.context() as storing:
        storing.setattr(pagecache, "packed", change_meanwhile)
        assert client.get(url)[CACHE] == "miss"
    assert client.get(url)[CACHE] == "miss"
    assert client.get(url)[CACHE] == "hit"


def test_a_page_kept_in_redis_expires_after_its_lifetime_or_at_the_next_scheduled_time(
    client, own_redis, settings, published_issue
):
    settings.PAGE_CACHE_SECONDS = 300
    cache = pagecache._cache()
    stored = cache.client.get_client()

    def lifetimes():
        return [stored.ttl(key) for key in stored.keys(cache.make_key("page:*"))]

    client.get(HOME)
    [lifetime] = lifetimes()
    assert 290 < lifetime <= 300

    make.article(published_issue, published_at=timezone.now() + timedelta(seconds=60))
    pagecache.invalidate({pagecache.SITE})
    assert client.get(HOME)[CACHE] == "miss"
    [lifetime] = lifetimes()
    assert 0 < lifetime <= 60
