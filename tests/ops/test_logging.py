"""Log lines: one JSON object per line with the request id, which the response also carries."""

import io
import json
import logging
import re
import time

import pytest
from django.core.cache import cache
from django.urls import path

import config.logs
import config.urls
from config.logs import JSONFormatter, RequestContextFilter
from tests import faults

pytestmark = pytest.mark.django_db


def broken_view(request):
    raise RuntimeError("排版程序出错")


urlpatterns = [path("broken/", broken_view), *config.urls.urlpatterns]


@pytest.fixture
def log_lines():
    """The lines the console handler of the settings writes, as a list that fills during the test."""
    console = next(handler for handler in logging.getLogger().handlers if handler.name == "console")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(console.formatter)
    for log_filter in console.filters:
        handler.addFilter(log_filter)
    root = logging.getLogger()
    root.addHandler(handler)
    lines = []
    yield lambda: [*lines, *stream.getvalue().splitlines()]
    root.removeHandler(handler)


def access_lines(lines):
    return [entry for entry in map(json.loads, lines) if entry["logger"] == "bulletin.request"]


def test_production_logs_are_json_with_a_formatter_and_request_filter_on_the_console():
    console = next(handler for handler in logging.getLogger().handlers if handler.name == "console")

    assert isinstance(console.formatter, JSONFormatter)
    assert any(isinstance(f, RequestContextFilter) for f in console.filters)


def test_a_request_writes_one_json_line_with_the_request_id_of_the_response(client, log_lines):
    response = client.get("/robots.txt")

    [entry] = access_lines(log_lines())
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert entry["request_id"] == response["X-Request-ID"]
    assert entry["path"] == "/robots.txt"
    assert entry["status"] == 200
    assert entry["level"] == "INFO"
    assert entry["message"] == "GET /robots.txt 200"
    assert isinstance(entry["duration_ms"], float)
    assert set(entry) >= {"time", "level", "logger", "message", "request_id", "path", "status", "duration_ms"}


def test_an_incoming_request_id_is_kept(client, log_lines):
    response = client.get("/robots.txt", headers={"X-Request-ID": "nginx-5f2b8c1e9d7a"})

    assert response["X-Request-ID"] == "nginx-5f2b8c1e9d7a"
    assert access_lines(log_lines())[0]["request_id"] == "nginx-5f2b8c1e9d7a"


@pytest.mark.parametrize("sent", ["two words", "a" * 200, "id\nforged log line", "<script>", ""])
def test_an_incoming_request_id_that_is_not_a_plain_token_is_replaced(client, sent):
    response = client.get("/robots.txt", headers={"X-Request-ID": sent})

    assert response["X-Request-ID"] != sent
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_each_request_gets_its_own_id(client):
    assert client.get("/robots.txt")["X-Request-ID"] != client.get("/robots.txt")["X-Request-ID"]


def test_health_probes_that_succeed_are_not_logged_at_info(client, log_lines):
    client.get("/healthz")

    assert access_lines(log_lines()) == []


@pytest.mark.urls(__name__)
def test_an_error_is_logged_with_its_traceback_and_request_id(client, log_lines):
    client.raise_request_exception = False

    response = client.get("/broken/")

    entries = [json.loads(line) for line in log_lines()]
    [error] = [entry for entry in entries if entry["logger"] == "django.request"]
    assert error["level"] == "ERROR"
    assert error["request_id"] == response["X-Request-ID"]
    assert error["status"] == 500
    assert "排版程序出错" in error["exception"]
    assert access_lines(log_lines())[0]["status"] == 500


@pytest.mark.urls(__name__)
def test_a_server_error_is_mailed_to_admins_with_the_request_id(client, settings, mailoutbox):
    settings.ADMINS = [("", "ops@kexie.example")]
    client.raise_request_exception = False

    response = client.get("/broken/", headers={"X-Request-ID": "req-500-test"})

    assert response.status_code == 500
    [mail] = mailoutbox
    assert mail.to == ["ops@kexie.example"]
    assert "/broken/" in mail.subject
    assert "Request ID: req-500-test" in mail.body
    assert "排版程序出错" in mail.body


def test_a_missing_page_is_not_mailed(client, settings, mailoutbox):
    settings.ADMINS = [("", "ops@kexie.example")]

    assert client.get("/no-such-page/").status_code == 404
    assert mailoutbox == []


# Outages: the same failure on every request is written once, then once a minute -----------------


@pytest.fixture
def outage_logs(log_lines, monkeypatch):
    """``outage_logs()``: the entries written so far, each failure counted afresh from this test on."""
    faults.fresh_log_throttles(monkeypatch)
    return lambda: [json.loads(line) for line in log_lines()]


@pytest.fixture
def redis_down(settings):
    settings.CACHES = faults.redis_cache(faults.DEAD_REDIS)


def test_a_redis_outage_is_written_once_without_tracebacks_not_once_per_cache_call(client, redis_down, outage_logs):
    for n in range(200):  # as the image renditions of many pages ask the cache
        assert cache.get(f"rendition:{n}") is None
    for _ in range(20):
        assert client.get("/").status_code == 200

    entries = outage_logs()
    [failure] = [entry for entry in entries if entry["logger"] == "django_redis.cache"]
    assert "Connection refused" in failure["message"]
    assert len([entry for entry in entries if entry["logger"] == "publishing.pagecache"]) <= 1
    assert not [entry for entry in entries if "exception" in entry]


def test_a_long_redis_outage_is_written_again_a_minute_later_with_a_count(redis_down, outage_logs, monkeypatch):
    for n in range(50):
        cache.get(f"rendition:{n}")
    clock = time.monotonic()
    monkeypatch.setattr(config.logs.time, "monotonic", lambda: clock + 61)

    cache.get("rendition:50")

    messages = [entry["message"] for entry in outage_logs() if entry["logger"] == "django_redis.cache"]
    assert len(messages) == 2
    assert "49 more since the last one" in messages[1]


def test_a_database_outage_is_written_once_without_tracebacks_and_never_mailed(
    client, settings, mailoutbox, outage_logs
):
    settings.PAGE_CACHE_SECONDS = 0
    settings.ADMINS = [("", "ops@kexie.example")]
    client.raise_request_exception = False

    with faults.unreachable_database():
        statuses = {client.get("/").status_code for _ in range(20)}

    entries = outage_logs()
    assert statuses == {503}
    [outage] = [entry for entry in entries if entry["logger"] == "config.outages"]
    assert "Database unreachable" in outage["message"]
    assert not [entry for entry in entries if entry["logger"] == "django.request"]
    assert not [entry for entry in entries if "exception" in entry]
    assert mailoutbox == []
