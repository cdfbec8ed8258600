"""Error pages speak Chinese and do not leak a traceback (settings_test keeps DEBUG off)."""

import pytest
from django.urls import path

import config.urls

pytestmark = pytest.mark.django_db


def broken_view(request):
    raise RuntimeError("boom")


# A URLconf for these tests only: the real site plus one page that always fails.
urlpatterns = [path("broken/", broken_view), *config.urls.urlpatterns]


def test_missing_page_says_so_in_chinese(client):
    response = client.get("/no-such-page/")

    content = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in content
    assert "返回首页" in content
    assert "Not Found" not in content


def test_missing_issue_shows_the_chinese_not_found_page(client):
    response = client.get("/issues/1999/9/")

    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.urls(__name__)
def test_server_error_says_so_in_chinese_without_a_traceback(client):
    client.raise_request_exception = False

    response = client.get("/broken/")

    content = response.content.decode()
    assert response.status_code == 500
    assert "服务器暂时出了点问题" in content
    assert "RuntimeError" not in content
    assert "Traceback" not in content
