"""Admin sign-in throttling (django-axes): a username that fails too often from one address waits."""

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.urls import reverse

from tests import factories as make

LIMIT = 5


@pytest.fixture
def user(db):
    return make.editor("bianji")


def sign_in(client, username, password, **headers):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        **headers,
    )


def fail(client, username, times=LIMIT, **headers):
    for _ in range(times):
        response = sign_in(client, username, "wrong-password", **headers)
    return response


def test_the_right_password_is_refused_after_five_wrong_ones_with_a_chinese_message(client, user):
    fail(client, "bianji")

    response = sign_in(client, "bianji", make.PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert "密码连续输错 5 次" in page
    assert "30 分钟后再试" in page
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_do_not_lock_the_user_out(client, user):
    assert fail(client, "bianji", times=LIMIT - 1).status_code == 200

    response = sign_in(client, "bianji", make.PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_another_user_at_the_same_address_can_still_sign_in(client, user):
    other = make.editor("zhangsan")
    fail(client, "bianji")

    assert sign_in(client, "zhangsan", make.PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_the_same_user_at_another_address_can_still_sign_in(client, user):
    fail(client, "bianji", REMOTE_ADDR="198.51.100.7")

    assert sign_in(client, "bianji", make.PASSWORD, REMOTE_ADDR="203.0.113.9").status_code == 302


def test_behind_nginx_the_address_nginx_saw_counts_and_a_forged_one_does_not(client, user, settings):
    settings.REVERSE_PROXY_COUNT = 1
    nginx = {"REMOTE_ADDR": "172.18.0.5"}
    # The attacker makes up a new X-Forwarded-For entry on every try; nginx appends the real one.
    for forged in range(LIMIT):
        sign_in(client, "bianji", "wrong-password", HTTP_X_FORWARDED_FOR=f"10.0.0.{forged}, 198.51.100.7", **nginx)

    locked = sign_in(client, "bianji", make.PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.7", **nginx)
    elsewhere = sign_in(client, "bianji", make.PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9", **nginx)

    assert locked.status_code == 429
    assert elsewhere.status_code == 302


def test_force_login_in_tests_is_not_affected(client, user):
    client.force_login(user)

    assert client.get(reverse("admin:index")).status_code == 200


def test_failures_are_counted_in_the_database_every_process_shares(client, user):
    fail(client, "bianji")
    assert AccessAttempt.objects.get(username="bianji").failures_since_start == LIMIT
    # Another worker, or this one after Redis restarted, starts with an empty cache.
    cache.clear()

    assert sign_in(client, "bianji", make.PASSWORD).status_code == 429
