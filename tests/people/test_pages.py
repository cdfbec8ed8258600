from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bulletin.models import ArticlePerson
from tests import factories as make

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def leader(published_issue):
    """A leader who wrote one article, is the subject of another and is mentioned in a third."""
    person = make.person("单霁翔", title="党组书记", organisation="省科学技术协会", bio="<p>长期从事科普工作。</p>")
    wrote = make.article(None, title="在全委会议上的讲话", published_at=days_ago(30))
    profiled = make.article(published_issue, title="扎根乡村的科技书记", published_at=days_ago(2))
    mentioned = make.article(published_issue, title="省科协召开全委会议", published_at=days_ago(10))
    make.link(wrote, person, role=ArticlePerson.Role.AUTHOR)
    make.link(profiled, person, role=ArticlePerson.Role.SUBJECT, printed_title="领导小组组长")
    make.link(mentioned, person, role=ArticlePerson.Role.MENTIONED)
    make.article(published_issue, title="与他无关的稿件")
    return person


def test_person_page_introduces_the_person(client, read_page, leader):
    page = read_page(client.get(leader.get_absolute_url()))

    assert page.in_order("单霁翔", "党组书记", "省科学技术协会", "长期从事科普工作。")


def test_person_page_lists_every_article_they_wrote_or_appear_in_newest_first(client, read_page, leader):
    articles = read_page(client.get(leader.get_absolute_url())).region("相关稿件")

    assert articles.in_order("扎根乡村的科技书记", "省科协召开全委会议", "在全委会议上的讲话")
    assert not articles.contains("与他无关的稿件")


def test_person_page_shows_their_role_and_printed_title_in_each_article(client, read_page, leader):
    articles = read_page(client.get(leader.get_absolute_url())).region("相关稿件")

    assert articles.in_order("扎根乡村的科技书记", "报道对象", "领导小组组长", "省科协召开全委会议", "提及")
    assert articles.in_order("在全委会议上的讲话", "作者")


def test_person_page_lists_an_article_once_even_with_two_roles(client, read_page, published_issue):
    person = make.person("张启航")
    article = make.article(published_issue, title="难解之谜")
    make.link(article, person, role=ArticlePerson.Role.AUTHOR)
    make.link(article, person, role=ArticlePerson.Role.SUBJECT)

    articles = read_page(client.get(person.get_absolute_url())).region("相关稿件")

    assert articles.links().count(article.get_absolute_url()) == 1
    assert articles.in_order("作者", "报道对象")


def test_person_page_shows_a_long_record_a_page_at_a_time(client, read_page, published_issue):
    person = make.person("林远")
    for day in range(45):
        make.link(make.article(published_issue, title=f"第{45 - day}篇报道", published_at=days_ago(day + 1)), person)

    first = read_page(client.get(person.get_absolute_url()))
    last = read_page(client.get(person.get_absolute_url(), {"page": 3}))

    assert len(first.region("相关稿件").anchors()) >= 20
    assert first.region("相关稿件").in_order("第45篇报道", "第26篇报道", "第 1 页，共 3 页")
    assert not first.region("相关稿件").contains("第25篇报道")
    assert last.region("相关稿件").in_order("第5篇报道", "第1篇报道", "第 3 页，共 3 页")


def test_person_page_lists_their_published_events(client, read_page, leader):
    make.event(title="全省科普日启动仪式", people=[leader])
    make.event(title="尚在筹备的调研", people=[leader], status=make.DRAFT)

    page = read_page(client.get(leader.get_absolute_url()))

    assert page.region("相关活动").contains("全省科普日启动仪式")
    assert not page.contains("尚在筹备的调研")


def test_people_are_listed_by_the_pinyin_of_their_names(client, read_page, published_issue):
    article = make.article(published_issue)
    for name in ("张启航", "曾国藩", "单霁翔", "李可"):
        make.link(article, make.person(name))

    page = read_page(client.get(reverse("people:person-list")))

    assert page.in_order("李可", "单霁翔", "曾国藩", "张启航")


def test_unknown_person_is_not_found(client):
    assert client.get(reverse("people:person-detail", kwargs={"slug": "nobody"})).status_code == 404
