"""/healthz says the process serves; /readyz says the database and the cache work too."""

import json

import pytest

from tests import faults

UNREACHABLE_REDIS = faults.redis_cache(faults.DEAD_REDIS)


# No django_db mark: any database access in this test fails it.
def test_liveness_answers_ok_without_touching_database_or_cache(client, settings):
    settings.CACHES = UNREACHABLE_REDIS

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_readiness_answers_ok_when_database_and_cache_work(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_health_answers_are_never_cached(client, url):
    response = client.get(url)

    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_health_needs_no_login_and_sets_no_cookie(client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert not response.cookies


@pytest.mark.django_db
def test_readiness_stays_200_and_says_degraded_when_redis_is_unreachable(client, settings):
    # Pages are then built for every reader, but served: the process must stay in the pool.
    settings.CACHES = UNREACHABLE_REDIS

    response = client.get("/readyz")

    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "degraded", "failed": [], "degraded": ["cache"]}


@pytest.mark.django_db
def test_readiness_fails_with_503_naming_the_database_when_it_does_not_answer(client):
    with faults.unreachable_database():
        response = client.get("/readyz")

    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "failed": ["database"], "degraded": []}


@pytest.mark.django_db
def test_readiness_fails_with_503_when_the_database_is_down_whatever_the_cache(client, settings):
    settings.CACHES = UNREACHABLE_REDIS

    with faults.unreachable_database():
        response = client.get("/readyz")

    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "failed": ["database"], "degraded": ["cache"]}


@pytest.mark.django_db
def test_readiness_does_not_show_why_a_check_failed(client, settings):
    settings.CACHES = UNREACHABLE_REDIS

    response = client.get("/readyz")

    assert b"127.0.0.1" not in response.content
    assert b"Error" not in response.content


def test_health_accepts_only_reads(client):
    assert client.post("/healthz").status_code == 405
