"""The people directory: filtered by organisation and by the first letter of the name in pinyin."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from people.views import PersonListView
from tests import factories as make

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("people:person-list")


@pytest.fixture
def directory(published_issue):
    """Four people in published articles, from two organisations, and one only in a draft."""
    article = make.article(published_issue)
    for name, organisation in [
        ("单霁翔", "省科学技术协会"),
        ("曾国藩", "省科学技术协会"),
        ("张启航", "省农业科学院"),
        ("李可", "省农业科学院"),
    ]:
        make.link(article, make.person(name, organisation=organisation))
    make.link(make.article(published_issue, status=make.DRAFT), make.person("解缙", organisation="省气象局"))


def names(page):
    """The people listed, in order (their profile links)."""
    return [
        text for text, href in page.anchors() if href.startswith("/people/") and "?" not in href and href != DIRECTORY
    ]


def query(**params):
    return "?" + urlencode(params)


def letter_links(page):
    nav = page.find("nav", class_="letter-index")
    return [text for text, _href in nav.anchors()] if nav else []


def organisations(page):
    select = page.find("select", name="organisation")
    return [option.text for option in select.element.iter("option")]


@pytest.mark.parametrize(
    ("name", "initial"),
    [("单霁翔", "S"), ("曾国藩", "Z"), ("李可", "L"), ("尉迟恭", "Y")],
)
def test_a_person_is_filed_under_the_pinyin_initial_of_their_family_name(name, initial):
    assert make.person(name).initial == initial


def test_a_person_whose_slug_starts_with_a_digit_has_no_initial():
    assert make.person("3M 公司", slug="3m").initial == ""


def test_directory_filters_by_initial_letter(client, read_page, directory):
    page = read_page(client.get(DIRECTORY, {"initial": "S"}))

    assert names(page) == ["单霁翔"]


def test_directory_offers_only_the_letters_that_have_people(client, read_page, directory):
    page = read_page(client.get(DIRECTORY))

    assert letter_links(page) == ["全部", "L", "S", "Z"]


def test_letter_links_keep_the_chosen_organisation(client, read_page, directory):
    page = read_page(client.get(DIRECTORY, {"organisation": "省农业科学院"}))

    assert letter_links(page) == ["全部", "L", "Z"]
    assert (
        page.find("nav", class_="letter-index").find(
            "a", href=DIRECTORY + query(organisation="省农业科学院", initial="Z")
        )
        is not None
    )


def test_directory_filters_by_organisation(client, read_page, directory):
    page = read_page(client.get(DIRECTORY, {"organisation": "省农业科学院"}))

    assert names(page) == ["李可", "张启航"]


def test_directory_filters_by_organisation_and_letter_together(client, read_page, directory):
    page = read_page(client.get(DIRECTORY, {"organisation": "省科学技术协会", "initial": "Z"}))

    assert names(page) == ["曾国藩"]


def test_organisations_offered_are_those_of_people_on_the_site(client, read_page, directory):
    page = read_page(client.get(DIRECTORY))

    assert organisations(page) == ["全部单位", "省科学技术协会", "省农业科学院"]


def test_person_only_in_draft_content_is_neither_listed_nor_counted(client, read_page, directory):
    page = read_page(client.get(DIRECTORY))

    assert not page.contains("解缙")
    assert "X" not in letter_links(page)
    assert "省气象局" not in organisations(page)
    assert names(read_page(client.get(DIRECTORY, {"initial": "X"}))) == []
    assert names(read_page(client.get(DIRECTORY, {"organisation": "省气象局"}))) == []


@pytest.mark.parametrize("query", [{"initial": "ß"}, {"initial": "s' OR 1=1"}, {"organisation": "不存在的单位"}])
def test_a_filter_value_not_offered_finds_nobody_without_an_error(client, read_page, directory, query):
    page = read_page(client.get(DIRECTORY, query))

    assert names(page) == []
    assert page.contains("没有符合条件的人物")


def test_directory_is_paginated_and_pages_keep_the_filter(client, read_page, directory, monkeypatch):
    monkeypatch.setattr(PersonListView, "paginate_by", 1)

    first = read_page(client.get(DIRECTORY, {"organisation": "省农业科学院"}))
    second = read_page(client.get(DIRECTORY, {"organisation": "省农业科学院", "page": 2}))

    assert names(first) == ["李可"]
    assert ("下一页", query(organisation="省农业科学院", page=2)) in first.anchors()
    assert names(second) == ["张启航"]
    assert second.contains("第 2 页，共 2 页")


def test_filtered_directory_queries_do_not_grow_with_the_number_of_people(client, count_queries, published_issue):
    article = make.article(published_issue)
    make.link(article, make.person("张启航", organisation="省科学技术协会"))
    url = f"{DIRECTORY}?organisation=省科学技术协会&initial=Z"
    small = count_queries(client, url)

    for n in range(30):
        make.link(article, make.person(f"张{n}", organisation=f"单位{n % 5}"))
    large = count_queries(client, url)

    assert small == large <= 6
