"""A person appears on the site only once a reader can meet them in published content."""

import pytest
from django.urls import reverse

from tests import factories as make

pytestmark = pytest.mark.django_db


def person_in(article=None, event=None, name="单霁翔"):
    person = make.person(name, title="研究员")
    if article is not None:
        make.link(article, person)
    if event is not None:
        event.people.add(person)
    return person


def test_person_in_a_published_article_has_a_page_and_is_listed(client, read_page, published_issue):
    person = person_in(make.article(published_issue))

    assert read_page(client.get(person.get_absolute_url())).contains("单霁翔")
    assert person.get_absolute_url() in read_page(client.get(reverse("people:person-list"))).links()


def test_person_in_a_published_event_only_has_a_page(client, read_page):
    person = person_in(event=make.event())

    assert read_page(client.get(person.get_absolute_url())).contains("单霁翔")


@pytest.mark.parametrize("status", [make.DRAFT, make.WITHDRAWN])
def test_person_only_in_unpublished_articles_is_not_found(client, published_issue, status):
    person = person_in(make.article(published_issue, status=status))

    assert client.get(person.get_absolute_url()).status_code == 404


def test_person_only_in_an_article_of_a_draft_issue_is_not_found(client, draft_issue):
    person = person_in(make.article(draft_issue))

    assert client.get(person.get_absolute_url()).status_code == 404


def test_person_only_in_a_draft_event_is_not_found(client):
    person = person_in(event=make.event(status=make.DRAFT))

    assert client.get(person.get_absolute_url()).status_code == 404


def test_person_in_nothing_yet_is_not_found(client):
    assert client.get(make.person("单霁翔").get_absolute_url()).status_code == 404


def test_person_only_in_unpublished_content_is_not_listed(client, read_page, published_issue, draft_issue):
    shown = person_in(make.article(published_issue), name="张启航")
    person_in(make.article(published_issue, status=make.DRAFT), name="曾国藩")
    person_in(make.article(draft_issue), name="解缙")
    person_in(event=make.event(status=make.DRAFT), name="单霁翔")

    page = read_page(client.get(reverse("people:person-list")))

    assert page.contains("张启航")
    assert shown.get_absolute_url() in page.links()
    for hidden in ("曾国藩", "解缙", "单霁翔"):
        assert not page.contains(hidden)
