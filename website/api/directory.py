"""People and events in the open API, read through their ``public()`` querysets as the pages are:
a person appears once published content names them, an event once it is published and due."""

from typing import Literal

from django.db.models import Exists, OuterRef, Prefetch
from ninja import Query, Router

from bulletin.models import Article
from events.models import EVENTS, Event
from people.models import Person
from publishing import pagecache
from website.api import schemas, serialize
from website.api.http import Paging, not_found, page, paginate

router = Router()

ERRORS = {400: schemas.Error, 404: schemas.Error}
# As on a person's page.
EVENTS_OF_A_PERSON = 10


# People ----------------------------------------------------------------------------------------


@router.get("/people/", response={200: schemas.PersonPage, **ERRORS}, tags=["人物"], summary="人物列表，按姓名拼音排序")
@page(lists={pagecache.LISTINGS})
def list_people(
    request,
    paging: Query[Paging],
    initial: str | None = Query(None, pattern="^[A-Z]$", description="姓名拼音首字母，A–Z"),
    organisation: str | None = Query(None, description="单位（完全相同）"),
):
    people = Person.objects.public().order_by("slug")
    if initial:
        people = people.filter(initial=initial)
    if organisation:
        people = people.filter(organisation=organisation)
    rows, envelope = paginate(request, people, paging)
    return {**envelope, "items": [serialize.person_item(person) for person in rows]}


@router.get(
    "/people/{slug:slug}/",
    response={200: schemas.Person, **ERRORS},
    tags=["人物"],
    summary="一位人物：简介、关于此人的稿件（分页）和活动",
)
@page()
def get_person(request, slug: str, paging: Query[Paging]):
    person = Person.objects.public().filter(slug=slug).first()
    if person is None:
        raise not_found("人物")
    pagecache.depends_on(request, pagecache.tag(person))
    roles = person.article_links.select_related("person")
    # Exists, not a join with DISTINCT (people.views.PersonDetailView).
    articles = (
        Article.objects.public()
        .filter(Exists(person.article_links.filter(article=OuterRef("pk"))))
        .for_listing()
        .prefetch_related(Prefetch("person_links", queryset=roles, to_attr="roles_of_person"))
        .latest_first()
    )
    rows, envelope = paginate(request, articles, paging)
    events = person.events.public().order_by("-start_date", "-pk")[:EVENTS_OF_A_PERSON]
    return {
        **serialize.person_item(person),
        "bio_html": person.bio,
        "articles": {
            **envelope,
            "items": [
                {**serialize.article_item(article), "roles": [serialize.role(link) for link in article.roles_of_person]}
                for article in rows
            ],
        },
        "events": [serialize.event_item(event) for event in events],
    }


# Events ----------------------------------------------------------------------------------------


@router.get("/events/", response={200: schemas.EventPage, **ERRORS}, tags=["活动"], summary="活动列表")
@page(lists={EVENTS})
def list_events(
    request,
    paging: Query[Paging],
    when: Literal["upcoming", "past"] | None = Query(
        None, description="upcoming：尚未结束的，最近的在前；past：已结束的，新的在前；不填：全部，新的在前"
    ),
):
    events = Event.objects.public()
    if when == "upcoming":
        events = events.upcoming()
    elif when == "past":
        events = events.past()
    else:
        events = events.order_by("-start_date", "-pk")
    rows, envelope = paginate(request, events, paging)
    return {**envelope, "items": [serialize.event_item(event) for event in rows]}


@router.get(
    "/events/{slug:slug}/",
    response={200: schemas.Event, 404: schemas.Error},
    tags=["活动"],
    summary="一个活动：介绍、相关稿件和人物",
)
@page()
def get_event(request, slug: str):
    events = Event.objects.public().prefetch_related(
        Prefetch("articles", queryset=Article.objects.public().for_listing().latest_first()),
        Prefetch("people", queryset=Person.objects.public().order_by("slug")),
    )
    event = events.filter(slug=slug).first()
    if event is None:
        raise not_found("活动")
    # All its people, as on its page: one appears here once anything about them is published.
    people = Event.people.through.objects.filter(event=event).values_list("person_id", flat=True)
    pagecache.depends_on(request, pagecache.tag(event), *(pagecache.tag_of("person", pk) for pk in people))
    return {
        **serialize.event_item(event),
        "description_html": event.description,
        "articles": [serialize.article_item(article) for article in event.articles.all()],
        "people": [serialize.person_item(person) for person in event.people.all()],
    }
