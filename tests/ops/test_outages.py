"""While the database cannot be reached, readers get cached pages or a 503 in Chinese that says when
to try again, whichever part of the request met the outage; nobody is mailed about it."""

import time

import pytest
from django.core.cache import cache

from config import outages
from publishing import pagecache
from tests import factories as make
from tests import faults

pytestmark = pytest.mark.django_db

CACHE = pagecache.CACHE_HEADER


@pytest.fixture
def client(client, settings, monkeypatch):
    """A reader's client as production answers it: errors come back as pages, and are reported."""
    client.raise_request_exception = False
    settings.ADMINS = [("", "ops@kexie.example")]
    faults.fresh_log_throttles(monkeypatch)
    return client


def assert_unavailable(response):
    content = response.content.decode()
    assert response.status_code == 503
    assert int(response["Retry-After"]) == outages.RETRY_AFTER_SECONDS
    assert "网站暂时无法访问" in content
    assert "Error" not in content
    assert "Traceback" not in content


def test_a_page_answers_503_in_chinese_with_retry_after_while_the_database_is_down(client, settings, mailoutbox):
    settings.PAGE_CACHE_SECONDS = 0

    with faults.unreachable_database():
        response = client.get("/")

    assert_unavailable(response)
    assert mailoutbox == []


def test_an_outage_met_by_a_middleware_answers_503_too(client, mailoutbox, published_issue):
    make.article(published_issue)
    cache.clear()  # the page cache asks the database for the next scheduled time before the view runs

    with faults.unreachable_database():
        response = client.get("/")

    assert_unavailable(response)
    assert mailoutbox == []


def test_cached_pages_are_still_served_while_the_database_is_down(client, monkeypatch, published_issue):
    article = make.article(published_issue)
    client.get("/")
    assert client.get("/")[CACHE] == "hit"
    clock = time.monotonic()
    # Time for the page cache to ask the database again whether invalidations are waiting.
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: clock + pagecache.PENDING_CHECK_SECONDS + 1)

    with faults.unreachable_database():
        cached = client.get("/")
        uncached = client.get(article.get_absolute_url())

    assert cached.status_code == 200
    assert cached[CACHE] == "hit"
    assert_unavailable(uncached)
