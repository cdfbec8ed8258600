"""Optimistic locking: two people edit the same article in two browsers; nothing is overwritten silently.

Each editor has a client of their own (separate sessions) and posts back the form as the page
rendered it, hidden version included.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bulletin.models import Article
from tests import factories as make

pytestmark = pytest.mark.django_db

TITLE = "全省科协系统动员大会召开"
BODY = "<p>全省科协系统动员大会在郑州召开。</p>"
FIRST_TITLE = "全省科协系统动员大会隆重召开"
SECOND_BODY = "<p>全省科协系统动员大会在郑州召开，省科协主席出席会议并讲话。</p>"


@pytest.fixture
def first(db):
    """张伟, an editor in a browser of his own."""
    client = Client()
    client.user = make.named(make.editor("zhangwei"), "张", "伟")
    client.force_login(client.user)
    return client


@pytest.fixture
def second(db):
    """李娜, another editor in another browser."""
    client = Client()
    client.user = make.named(make.editor("lina"), "李", "娜")
    client.force_login(client.user)
    return client


@pytest.fixture
def article(first):
    return make.draft(by=first.user, title=TITLE, body=BODY)


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def open_form(client, read_page, obj):
    """The change form of ``obj`` as ``client`` sees it now, ready to post with 保存."""
    return read_page(client.get(change_url(obj))).form(f"{obj._meta.model_name}_form", submit="_save")


def saved_at(obj):
    obj.refresh_from_db()
    return timezone.localtime(obj.updated_at).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def conflict(first, second, article, read_page):
    """Both open the article; 张伟 saves a new title; 李娜 then saves a new body from her old form."""
    theirs, mine = open_form(first, read_page, article), open_form(second, read_page, article)
    theirs["title"] = FIRST_TITLE
    assert first.post(change_url(article), theirs).status_code == 302
    mine["body"] = SECOND_BODY
    return second.post(change_url(article), mine)


def test_an_editor_saves_a_change_from_the_form_as_the_page_rendered_it(first, article, read_page):
    form = open_form(first, read_page, article)
    form["title"] = FIRST_TITLE

    response = first.post(change_url(article), form)

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.version) == (FIRST_TITLE, 2)


def test_a_stale_form_is_refused_naming_who_saved_first_and_when(conflict, article, admin_errors):
    when = saved_at(article)

    assert conflict.status_code == 200
    assert admin_errors(conflict) == [
        f"《{FIRST_TITLE}》在您打开之后有了新的变化：张伟 于 {when} 修改了标题。您的修改尚未保存。"
        "最新的内容列在下面，请对照后把您的修改合并进表单，再保存一次。"
    ]


def test_a_refused_save_shows_the_other_editors_text_where_it_differs(conflict, article, read_page):
    when = saved_at(article)

    shown = read_page(conflict).region(f"张伟 于 {when} 保存的内容")

    assert shown.contains("您填写的内容仍在下面的表单中，尚未保存。")
    assert shown.definitions() == {"标题": FIRST_TITLE, "正文": "全省科协系统动员大会在郑州召开。"}


def test_a_refused_save_keeps_the_first_editors_text_in_the_database(conflict, article):
    article.refresh_from_db()

    assert (article.title, article.body, article.version) == (FIRST_TITLE, BODY, 2)
    assert article.updated_by.username == "zhangwei"


def test_a_refused_save_keeps_the_second_editors_input_in_the_form(conflict, read_page):
    form = read_page(conflict).form("article_form")

    assert form["body"] == SECOND_BODY
    assert form["title"] == TITLE
    assert form["loaded_version"] == "2"


def test_saving_again_after_merging_by_hand_goes_through(conflict, second, article, read_page):
    merged = read_page(conflict).form("article_form", submit="_save")
    merged["title"] = FIRST_TITLE

    response = second.post(change_url(article), merged)

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.body, article.version) == (FIRST_TITLE, SECOND_BODY, 3)
    assert article.updated_by.username == "lina"


def test_a_form_opened_before_a_revision_was_started_is_refused_with_the_input_kept(
    first, second, read_page, admin_errors
):
    live = make.news(title=TITLE, body=BODY, created_by=first.user, updated_by=first.user)
    theirs, mine = open_form(first, read_page, live), open_form(second, read_page, live)
    theirs["title"] = FIRST_TITLE
    first.post(change_url(live), theirs)
    mine["body"] = SECOND_BODY

    response = second.post(change_url(live), mine)

    assert admin_errors(response) == [
        "张伟 已为本文建立了修改稿，您的修改尚未保存。请在修改稿上修改，以免两份修改互相覆盖。"
    ]
    assert read_page(response).form("article_form")["body"] == SECOND_BODY
    live.refresh_from_db()
    assert (live.title, live.body) == (TITLE, BODY)
    revision = Article.objects.get(live_article=live)
    assert (revision.title, revision.body) == (FIRST_TITLE, BODY)


def test_the_issue_page_refuses_a_row_changed_meanwhile_on_the_articles_own_page(
    newsroom, first, read_page, admin_errors, draft_issue
):
    article = make.draft(draft_issue, by=first.user, title=TITLE, position=1)
    chief = Client()
    chief.force_login(newsroom.chief)
    rows = read_page(chief.get(change_url(draft_issue))).form("issue_form", submit="_save")
    mine = open_form(first, read_page, article)
    mine["title"] = FIRST_TITLE
    first.post(change_url(article), mine)
    rows["articles-0-position"] = "5"

    response = chief.post(change_url(draft_issue), rows)

    assert response.status_code == 200
    assert admin_errors(response) == [
        f"《{FIRST_TITLE}》在您打开之后有了新的变化：张伟 于 {saved_at(article)} 修改了标题。您的修改尚未保存。"
        "最新的内容列在下面，请对照后把您的修改合并进表单，再保存一次。"
    ]
    article.refresh_from_db()
    assert (article.title, article.position) == (FIRST_TITLE, 1)
