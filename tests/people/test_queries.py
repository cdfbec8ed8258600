"""People pages run a small, fixed number of queries however many links a person has."""

import pytest
from django.urls import reverse

from bulletin.models import ArticlePerson
from tests import factories as make

pytestmark = pytest.mark.django_db

MAX_QUERIES = 8


def person_in(count, issue):
    person = make.person()
    for i in range(count):
        article = make.article(issue if i % 2 else None, byline="文_张启航")
        make.link(article, person, role=ArticlePerson.Role.AUTHOR)
        make.link(article, person, role=ArticlePerson.Role.SUBJECT, printed_title="党组成员、副主席")
        make.event(people=[person], articles=[article])
    return person


def test_person_page_queries_do_not_grow_with_their_articles_and_events(client, count_queries, published_issue):
    small = count_queries(client, person_in(2, published_issue).get_absolute_url())
    large = count_queries(client, person_in(40, published_issue).get_absolute_url())

    assert small == large <= MAX_QUERIES


def test_people_list_queries_do_not_grow_with_the_number_of_people(client, count_queries, published_issue):
    article = make.article(published_issue)
    make.link(article, make.person())
    small = count_queries(client, reverse("people:person-list"))

    for _ in range(50):
        make.link(article, make.person())
    large = count_queries(client, reverse("people:person-list"))

    assert small == large <= MAX_QUERIES
