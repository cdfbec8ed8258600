"""The open API at /api/v1/ (website.api): its OpenAPI contract, the shape of every answer, pages
of results, caching with ETags and purges, CORS, a constant number of queries, bad parameters
answered in Chinese, and that nothing readers cannot see on the site appears in it.

Runs on SQLite and on PostgreSQL (DATABASE_URL), with Redis when REDIS_URL is set.
"""

import json
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openapi_spec_validator import validate

from bulletin import workflow
from bulletin.models import ArticlePerson
from publishing import pagecache
from tests import factories as make
from tests import faults

pytestmark = pytest.mark.django_db

API = "/api/v1/"
CACHE = pagecache.CACHE_HEADER
JSON = "application/json; charset=utf-8"
SITE = settings.SITE_URL.rstrip("/")


def get(client, path, **params):
    return client.get(API + path, params)


def data(client, path, **params):
    """The JSON of a 200 answer from the API."""
    response = get(client, path, **params)
    assert response.status_code == 200, (path, params, response.status_code, response.content[:300])
    assert response["Content-Type"] == JSON
    return response.json()


def refusal(client, path, status, **params):
    """The Chinese ``detail`` of an error answer with ``status``."""
    response = get(client, path, **params)
    assert response.status_code == status, (path, params, response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"}
    return body["detail"]


def absolute(obj):
    return SITE + obj.get_absolute_url()


@pytest.fixture
def periodical(published_issue):
    """A released issue with a special column and its sub-column, a feature with photos, people
    and a topic, a brief, a web-only news item and an event about the feature."""
    special = make.section("学党史 强科技", order=5)
    sub = make.section("要情快报", parent=special, order=6)
    dynamics = make.section("科协动态", order=30)
    feature = make.typical_article(published_issue, section=dynamics)
    brief = make.article(
        published_issue,
        title="省科协召开党史学习教育动员大会",
        section=sub,
        first_page=11,
        published_at=timezone.now() - timedelta(days=2),
    )
    news = make.news(
        title="网站快讯：科普日活动启动", section=dynamics, published_at=timezone.now() - timedelta(days=3)
    )
    author = feature.person_links.get(position=0).person
    event = make.event(title="全国科普日主场活动", articles=[feature], people=[author], place="郑州")
    return SimpleNamespace(
        issue=published_issue,
        special=special,
        sub=sub,
        dynamics=dynamics,
        topic=feature.topics.get(),
        feature=feature,
        brief=brief,
        news=news,
        author=author,
        event=event,
    )


def endpoints(p):
    """A path of every endpoint, about the content of ``periodical``."""
    return {
        "index": "",
        "openapi-json": "openapi.json",
        "list_issues": "issues/",
        "get_issue": f"issues/{p.issue.year}/{p.issue.number}/",
        "list_sections": "sections/",
        "get_section": f"sections/{p.special.slug}/",
        "list_articles": "articles/",
        "get_article": f"articles/{p.feature.pk}/",
        "list_people": "people/",
        "get_person": f"people/{p.author.slug}/",
        "list_events": "events/",
        "get_event": f"events/{p.event.slug}/",
        "search_articles": "search/?q=科普",
    }


# The contract ----------------------------------------------------------------------------------


def test_the_openapi_document_is_valid_and_describes_every_endpoint(client):
    document = data(client, "openapi.json")

    validate(document)
    assert "开放接口".encode() in get(client, "openapi.json").content  # readable, not escaped
    assert document["info"]["version"] == "1"
    assert set(document["paths"]) == {
        API,
        f"{API}issues/",
        f"{API}issues/{{year}}/{{number}}/",
        f"{API}sections/",
        f"{API}sections/{{slug}}/",
        f"{API}articles/",
        f"{API}articles/{{article_id}}/",
        f"{API}people/",
        f"{API}people/{{slug}}/",
        f"{API}events/",
        f"{API}events/{{slug}}/",
        f"{API}search/",
    }
    assert all(set(operations) == {"get"} for operations in document["paths"].values())


def test_the_interactive_docs_page_is_not_served(client):
    # ninja's page loads its scripts from a CDN, which the Content-Security-Policy forbids.
    response = client.get(f"{API}docs/")
    assert response.status_code == 404
    assert "swagger" not in response.content.decode().lower()


def test_the_index_names_every_resource(client):
    index = data(client, "")

    assert index["openapi"] == f"{SITE}{API}openapi.json"
    assert index["resources"] == {
        name: f"{SITE}{API}{name}/" for name in ("issues", "sections", "articles", "people", "events", "search")
    }


# What each endpoint says -----------------------------------------------------------------------


def test_the_issue_list_gives_released_issues_newest_first(client, periodical):
    make.issue(year=2025, number=6, running_number=120, theme="科技创新")

    body = data(client, "issues/")

    assert [item["name"] for item in body["items"]] == ["2026年第2期", "2025年第6期"]
    item = body["items"][0]
    assert item["title"] == "2026年第2期（总第122期）"
    assert item["running_number"] == 122 and item["theme"] == "党史学习教育" and item["page_count"] == 48
    assert item["url"] == absolute(periodical.issue)
    assert item["released_on"] == periodical.issue.released_on.isoformat()
    assert data(client, "issues/", year=2025)["count"] == 1


def test_an_issue_gives_its_contents_in_print_order_grouped_by_section(client, periodical):
    issue = data(client, f"issues/{periodical.issue.year}/{periodical.issue.number}/")

    groups = [(group["section"]["name"], group["is_subcolumn"], group["articles"]) for group in issue["contents"]]
    # The special column heads its sub-column though it has no articles of its own, as printed.
    assert [(name, sub, [a["title"] for a in articles]) for name, sub, articles in groups] == [
        ("学党史 强科技", False, []),
        ("要情快报", True, ["省科协召开党史学习教育动员大会"]),
        ("科协动态", False, ["科普大篷车开进山区学校"]),
    ]
    feature = groups[2][2][0]
    assert feature == {
        "id": periodical.feature.pk,
        "kicker": "科普进基层：",
        "title": "科普大篷车开进山区学校",
        "subtitle": "——省科协“科普进万家”活动侧记",
        "byline": "文_省科协科普部 王晓 李可",
        "first_page": 12,
        "last_page": 14,
        "pages": "12—14",
        "url": absolute(periodical.feature),
    }
    assert issue["contents"][1]["section"]["parent"] == periodical.special.slug
    assert issue["pdf"] is None


def test_the_sections_come_in_contents_order_with_their_sub_columns(client, periodical):
    sections = data(client, "sections/")

    names = [section["name"] for section in sections]
    assert names.index("要情快报") == names.index("学党史 强科技") + 1
    special = sections[names.index("学党史 强科技")]
    assert [child["name"] for child in special["children"]] == ["要情快报"]
    assert data(client, f"sections/{periodical.sub.slug}/")["parent"]["slug"] == periodical.special.slug
    detail = data(client, f"sections/{periodical.special.slug}/")
    assert detail["children"] == [{"slug": periodical.sub.slug, "name": "要情快报", "url": absolute(periodical.sub)}]


def test_the_article_list_is_newest_first_and_filters_like_the_site(client, periodical):
    def titles(**filters):
        return [item["title"] for item in data(client, "articles/", **filters)["items"]]

    assert titles() == ["科普大篷车开进山区学校", "省科协召开党史学习教育动员大会", "网站快讯：科普日活动启动"]
    # A main section includes its sub-columns, as on its page.
    assert titles(section=periodical.special.slug) == ["省科协召开党史学习教育动员大会"]
    assert titles(section=periodical.dynamics.slug) == ["科普大篷车开进山区学校", "网站快讯：科普日活动启动"]
    assert titles(news="true") == ["网站快讯：科普日活动启动"]
    assert titles(news="false", year=2026, issue=2) == ["科普大篷车开进山区学校", "省科协召开党史学习教育动员大会"]
    assert titles(topic=periodical.topic.slug) == ["科普大篷车开进山区学校"]
    assert titles(person=periodical.author.slug) == ["科普大篷车开进山区学校"]
    assert titles(year=2019) == []
    item = data(client, "articles/", news="true")["items"][0]
    assert item["issue"] is None and item["pages"] == "" and item["url"] == absolute(periodical.news)


def test_an_article_gives_its_text_credits_pages_people_photos_and_topics(client, periodical):
    feature = periodical.feature
    feature.refresh_from_db()

    article = data(client, f"articles/{feature.pk}/")

    assert article["body_html"] == feature.body  # as stored: already cleaned on save
    assert (article["kicker"], article["title"], article["subtitle"]) == (
        "科普进基层：",
        "科普大篷车开进山区学校",
        "——省科协“科普进万家”活动侧记",
    )
    assert article["byline"] == "文_省科协科普部 王晓 李可" and article["contributor"] == "省科协科普部"
    assert (article["first_page"], article["last_page"], article["pages"]) == (12, 14, "12—14")
    published = datetime.fromisoformat(article["published_at"])
    assert published.utcoffset() == timedelta(hours=8)  # the site's time zone
    assert abs(published - feature.published_at) < timedelta(milliseconds=1)
    assert article["issue"]["name"] == "2026年第2期" and article["section"]["slug"] == periodical.dynamics.slug
    assert article["url"] == absolute(feature)
    assert [(p["person"]["name"], p["role"], p["role_label"], p["title"]) for p in article["people"]] == [
        ("王晓", "author", "作者", "省科协科普部部长"),
        ("李可", "author", "作者", ""),
    ]
    assert article["topics"] == [
        {"slug": periodical.topic.slug, "name": "科普进万家", "url": absolute(periodical.topic)}
    ]
    assert [photo["caption"] for photo in article["photos"]] == [
        "科普大篷车活动现场1",
        "科普大篷车活动现场2",
        "科普大篷车活动现场3",
    ]
    photo = article["photos"][0]
    assert photo["alt"] == "学生们围着科普展品观看讲解（第1张）" and photo["credit"] == "张伟"
    assert (photo["width"], photo["height"]) == (800, 600) and photo["src"].startswith(f"{SITE}/media/renditions/")
    kinds = [(r["type"], r["width"]) for r in photo["renditions"]]
    # Its own format first, then WebP, each narrowest first.
    assert kinds == [(kind, width) for kind in ("image/jpeg", "image/webp") for width in (240, 480, 800)]
    assert client.get(photo["renditions"][0]["url"].removeprefix(SITE)).status_code == 200


def test_a_person_gives_their_public_articles_with_their_roles_and_events(client, periodical):
    make.link(periodical.brief, periodical.author, role=ArticlePerson.Role.SUBJECT, printed_title="党组书记")

    listed = data(client, "people/", initial="W")
    person = data(client, f"people/{periodical.author.slug}/")

    assert [item["name"] for item in listed["items"]] == ["王晓"]
    assert person["title"] == "省科协科普部部长" and person["url"] == absolute(periodical.author)
    articles = person["articles"]
    assert articles["count"] == 2
    assert [(a["title"], a["roles"]) for a in articles["items"]] == [
        ("科普大篷车开进山区学校", [{"role": "author", "role_label": "作者", "title": "省科协科普部部长"}]),
        ("省科协召开党史学习教育动员大会", [{"role": "subject", "role_label": "报道对象", "title": "党组书记"}]),
    ]
    assert [event["title"] for event in person["events"]] == ["全国科普日主场活动"]


def test_events_are_listed_upcoming_or_past_and_give_their_articles_and_people(client, periodical):
    make.event(title="去年的科技周", start_date=timezone.localdate() - timedelta(days=300))

    def titles(**filters):
        return [item["title"] for item in data(client, "events/", **filters)["items"]]

    assert titles() == ["全国科普日主场活动", "去年的科技周"]
    assert titles(when="upcoming") == ["全国科普日主场活动"]
    assert titles(when="past") == ["去年的科技周"]
    event = data(client, f"events/{periodical.event.slug}/")
    assert event["place"] == "郑州" and event["start_date"] == periodical.event.start_date.isoformat()
    assert event["start_time"] is None and event["url"] == absolute(periodical.event)
    assert [a["title"] for a in event["articles"]] == ["科普大篷车开进山区学校"]
    assert [p["name"] for p in event["people"]] == ["王晓"]


def site_search(client, read_page, q, **filters):
    """The addresses of the articles the site's search page lists for ``q``, in order."""
    page = read_page(client.get(reverse("website:search"), {"q": q, **filters}))
    lists = [ul for ul in page.element.iter("ul") if "search-results" in ul.get("class", "")]
    return [SITE + a.get("href") for ul in lists for h3 in ul.iter("h3") for a in h3.iter("a")]


def test_search_finds_what_the_site_finds_in_the_same_order(client, read_page, published_issue):
    section = make.section("科海观澜")
    make.article(published_issue, title="小麦丰收有妙招", body="<p>专家提醒农户及早防治小麦赤霉病。</p>")
    make.article(published_issue, title="赤霉病防控新进展", section=section)
    make.news(title="网站快讯：赤霉病监测", body="<p>各地加强赤霉病监测。</p>")
    make.article(published_issue, title="学习与教育并重")
    make.article(published_issue, title="党史学习教育动员大会")
    make.person("赤霉病专家", title="研究员")  # named by no published content: not found
    expert = make.person("霉病研究员")
    make.link(make.news(title="专家访谈"), expert)
    make.event(title="赤霉病防治培训班")

    for q, filters in [("赤霉病", {}), ("赤霉病", {"section": section.slug}), ("学习教育", {}), ("霉病", {})]:
        found = data(client, "search/", q=q, **filters)
        assert [item["url"] for item in found["items"]] == site_search(client, read_page, q, **filters), q
        assert found["count"] == found["found"] == len(found["items"])

    found = data(client, "search/", q="赤霉病")
    assert found["query"] == "赤霉病" and found["found_text"] == "3" and not found["estimated"]
    assert [item["title_html"].count("<mark>赤霉病</mark>") for item in found["items"]].count(1) == 2
    assert any("<mark>赤霉病</mark>" in item["snippet_html"] for item in found["items"])
    assert [event["title"] for event in found["events"]] == ["赤霉病防治培训班"]
    assert [person["name"] for person in data(client, "search/", q="霉病研究员")["people"]] == ["霉病研究员"]
    apart = data(client, "search/", q="学习教育")
    assert apart["apart_words"] == ["学习", "教育"]
    assert [item["exact_match"] for item in apart["items"]] == [True, False]


# Pages of results ------------------------------------------------------------------------------


def test_lists_come_in_pages_with_totals_and_links_to_the_next_and_previous(client, db):
    for n in range(25):
        make.news(title=f"网站快讯{n:02d}", published_at=timezone.now() - timedelta(hours=n + 1))

    first = data(client, "articles/", page_size=10)
    last = data(client, "articles/", page=3, page_size=10)

    assert (first["count"], first["pages"], first["page"], first["page_size"]) == (25, 3, 1, 10)
    assert [item["title"] for item in first["items"]] == [f"网站快讯{n:02d}" for n in range(10)]
    assert first["previous"] is None
    assert first["next"] == f"{SITE}{API}articles/?page=2&page_size=10"
    assert [item["title"] for item in last["items"]] == [f"网站快讯{n:02d}" for n in range(20, 25)]
    assert last["next"] is None and last["previous"] == f"{SITE}{API}articles/?page=2&page_size=10"
    assert data(client, "articles/")["page_size"] == 20
    assert len(data(client, "articles/", page_size=100)["items"]) == 25
    assert refusal(client, "articles/", 404, page=4, page_size=10) == "没有第 4 页：每页 10 条，共 3 页。"


def test_an_empty_list_is_one_empty_page(client, db):
    assert data(client, "events/") | {"items": []} == {
        "count": 0,
        "page": 1,
        "pages": 1,
        "page_size": 20,
        "previous": None,
        "next": None,
        "items": [],
    }


# Bad requests ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "parameter", "message"),
    [
        ("articles/", {"page": "abc"}, "page", "参数 page 应为整数。"),
        ("articles/", {"page": "0"}, "page", "参数 page 不能小于 1。"),
        ("articles/", {"page_size": "101"}, "page_size", "参数 page_size 不能大于 100。"),
        ("articles/", {"year": "去年"}, "year", "参数 year 应为整数。"),
        ("articles/", {"news": "也许"}, "news", "参数 news 应为 true 或 false。"),
        ("issues/", {"year": "1800"}, "year", "参数 year 不能小于 1949。"),
        ("people/", {"initial": "wang"}, "initial", "参数 initial 的格式不对。"),
        ("events/", {"when": "soon"}, "when", "参数 when 只能是 'upcoming' 或 'past'。"),
        ("search/", {}, "q", "缺少参数 q。"),
        ("search/", {"q": ""}, "q", "请输入要查找的字词，如人名、单位或文章中的词语。"),
        ("search/", {"q": "！？"}, "q", "搜索词中没有可以查找的文字（只有标点或符号），请换个说法试试。"),
        ("search/", {"q": "科普", "year": "2019"}, "year", "参数 year：选择一个有效的选项。 2019 不在可用的选项中。"),
    ],
)
def test_a_bad_parameter_gets_a_400_that_says_which_and_why_in_chinese(client, path, params, parameter, message):
    response = get(client, path, **params)

    assert response.status_code == 400
    assert response.json() == {"detail": message, "errors": [{"parameter": parameter, "message": message}]}
    assert response[CACHE] == "pass"  # never stored


def test_every_problem_of_a_request_is_listed(client):
    body = get(client, "articles/", page="abc", page_size="1000").json()
    assert body["errors"] == [
        {"parameter": "page", "message": "参数 page 应为整数。"},
        {"parameter": "page_size", "message": "参数 page_size 不能大于 100。"},
    ]


def test_what_does_not_exist_is_a_404_in_chinese(client, periodical):
    assert refusal(client, "articles/999999/", 404) == "没有找到这个稿件：它不存在，或尚未公开。"
    assert refusal(client, "issues/2026/99/", 404) == "没有找到这个期刊：它不存在，或尚未公开。"
    assert refusal(client, "sections/no-such-section/", 404) == "没有找到这个栏目：它不存在，或尚未公开。"
    assert refusal(client, "people/nobody/", 404) == "没有找到这个人物：它不存在，或尚未公开。"
    assert refusal(client, "events/no-such-event/", 404) == "没有找到这个活动：它不存在，或尚未公开。"
    assert "openapi.json" in refusal(client, "nothing/here/", 404)
    assert "openapi.json" in refusal(client, "articles/not-a-number/", 404)
    # Without its slash an address is sent on to the one with it, as everywhere on the site.
    assert client.get(f"{API}articles").url == f"{API}articles/"


def test_the_api_is_read_only(client, periodical):
    for method in (client.post, client.put, client.delete, client.patch):
        response = method(f"{API}articles/")
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert response.json()["detail"] == "开放接口只能读取：请用 GET 或 HEAD。"


def test_a_server_error_is_answered_in_json(client, monkeypatch, periodical):
    client.raise_request_exception = False
    monkeypatch.setattr("website.api.serialize.issue_item", lambda issue: 1 / 0)

    response = get(client, "issues/")

    assert response.status_code == 500
    assert response.json()["detail"] == "服务器出错了，请稍后再试。"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_database_outage_is_a_503_in_json_with_retry_after(client, settings, monkeypatch):
    client.raise_request_exception = False
    settings.PAGE_CACHE_SECONDS = 0
    faults.fresh_log_throttles(monkeypatch)

    with faults.unreachable_database():
        response = get(client, "articles/")

    assert response.status_code == 503
    assert response.json()["detail"] == "服务暂时不可用，请稍后再试。"
    assert int(response["Retry-After"]) > 0


# HTTP: caching, ETags, HEAD, CORS -------------------------------------------------------------


def test_every_endpoint_is_stored_and_served_from_the_page_cache(client, periodical):
    paths = endpoints(periodical)
    api_pages = {name.removeprefix("api-v1:") for name in pagecache.cached_pages() if name.startswith("api-v1:")}
    assert api_pages == set(paths)

    for name, path in paths.items():
        assert client.get(API + path)[CACHE] == "miss", name
        assert client.get(API + path)[CACHE] == "hit", name


def test_the_cache_keeps_exactly_the_parameters_an_endpoint_reads(client, periodical):
    declared = pagecache.cached_pages()
    assert set(declared["api-v1:list_articles"].reads) == {
        "page",
        "page_size",
        "section",
        "issue",
        "year",
        "topic",
        "person",
        "news",
    }
    assert set(declared["api-v1:search_articles"].reads) == {
        "q",
        "page",
        "page_size",
        "section",
        "year",
        "issue",
        "person",
    }

    client.get(f"{API}articles/", {"news": "true"})
    again = client.get(f"{API}articles/", {"news": "true", "utm_source": "weixin"})
    assert again[CACHE] == "hit"


def test_every_answer_has_an_etag_and_a_matching_request_gets_a_304(client, periodical):
    for name, path in endpoints(periodical).items():
        for _ in ("miss", "hit"):
            first = client.get(API + path)
            assert first["ETag"], name
            again = client.get(API + path, headers={"if-none-match": first["ETag"]})
            assert again.status_code == 304, name
            assert again.content == b""
            assert again["Access-Control-Allow-Origin"] == "*"
        assert client.get(API + path, headers={"if-none-match": '"other"'}).status_code == 200


def test_head_is_answered_as_get_without_a_body(client, periodical):
    for name, path in endpoints(periodical).items():
        response = client.head(API + path)
        assert response.status_code == 200, name
        assert response.content == b""
        assert response["Content-Type"].startswith("application/json")


def test_publishing_and_withdrawing_purge_the_api_as_they_purge_the_pages(client, commit, newsroom, periodical):
    issue = periodical.issue
    paths = [
        "articles/",
        f"issues/{issue.year}/{issue.number}/",
        f"sections/{periodical.dynamics.slug}/",
        "search/?q=赤霉病",
        f"people/{periodical.author.slug}/",
    ]
    for path in paths:
        client.get(API + path)
        assert client.get(API + path)[CACHE] == "hit"
    article = newsroom.approved(issue, title="赤霉病防控新进展", section=periodical.dynamics)
    make.link(article, periodical.author)

    commit(lambda: workflow.publish(article, by=newsroom.chief))

    for path in [
        "articles/",
        f"issues/{issue.year}/{issue.number}/",
        "search/?q=赤霉病",
        f"people/{periodical.author.slug}/",
    ]:
        response = client.get(API + path)
        assert response[CACHE] == "miss", path
        assert "赤霉病防控新进展" in response.content.decode(), path
    assert client.get(f"{API}sections/{periodical.dynamics.slug}/")[CACHE] == "miss"
    detail = f"{API}articles/{article.pk}/"
    assert client.get(detail).status_code == 200 and client.get(detail)[CACHE] == "hit"

    commit(lambda: workflow.withdraw(article, by=newsroom.chief, comment="数据有误"))

    assert client.get(detail).status_code == 404
    assert "赤霉病防控新进展" not in client.get(f"{API}articles/").content.decode()


def test_releasing_an_issue_purges_the_api_at_once(client, commit, newsroom, draft_issue):
    make.issue(year=2025, number=6)
    article = newsroom.approved(draft_issue, title="赤霉病防控新进展")
    lists = ["issues/", "articles/", "search/?q=赤霉病"]
    for path in lists:
        client.get(API + path)
        assert client.get(API + path)[CACHE] == "hit"
    assert get(client, f"issues/{draft_issue.year}/{draft_issue.number}/").status_code == 404

    commit(lambda: workflow.release_issue(draft_issue, by=newsroom.chief))

    for path in lists:
        response = client.get(API + path)
        assert response[CACHE] == "miss", path
    assert data(client, "issues/")["items"][0]["name"] == "2026年第3期"
    assert data(client, "search/", q="赤霉病")["items"][0]["id"] == article.pk
    contents = data(client, f"issues/{draft_issue.year}/{draft_issue.number}/")["contents"]
    assert [a["title"] for group in contents for a in group["articles"]] == ["赤霉病防控新进展"]


def test_answers_carry_the_tags_the_edge_purges_by(client, settings, periodical):
    settings.EDGE_PURGE_URLS = ["http://127.0.0.1:9/"]
    feature = periodical.feature

    detail = client.get(f"{API}articles/{feature.pk}/")
    listed = client.get(f"{API}articles/")
    errors = client.get(f"{API}articles/999999/")

    tags = set(detail["xkey"].split())
    assert {"site", f"article:{feature.pk}", f"issue:{periodical.issue.pk}", f"person:{periodical.author.pk}"} <= tags
    assert detail["Surrogate-Key"] == detail["xkey"] and "s-maxage" in detail["Cache-Control"]
    assert {"site", "listings"} <= set(listed["xkey"].split())
    assert "xkey" not in errors


def test_any_site_may_read_the_api_without_credentials(client, periodical):
    for name, path in endpoints(periodical).items():
        response = client.get(API + path, headers={"origin": "https://portal.kexie.example"})
        assert response["Access-Control-Allow-Origin"] == "*", name
        assert "Access-Control-Allow-Credentials" not in response
        assert "Origin" not in response.get("Vary", "")
    assert client.get(f"{API}articles/999999/")["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/")


def test_a_preflight_is_answered_for_conditional_reads(client):
    response = client.options(
        f"{API}articles/",
        headers={
            "origin": "https://portal.kexie.example",
            "access-control-request-method": "GET",
            "access-control-request-headers": "if-none-match",
        },
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]
    assert int(response["Access-Control-Max-Age"]) > 0
    assert "Access-Control-Allow-Credentials" not in response


def test_json_is_written_in_utf8_not_escaped(client, periodical):
    response = get(client, "articles/")
    assert "科普大篷车开进山区学校".encode() in response.content


# Queries ---------------------------------------------------------------------------------------


def grow(p, n):
    """``n`` more of everything each endpoint of ``periodical`` lists or nests."""
    for k in range(n):
        section = make.section(f"新栏目{k}", order=40 + k)
        article = make.article(p.issue, title=f"科普稿件{k}", section=section, first_page=20 + k)
        make.photo(article, caption=f"现场{k}")
        article.topics.add(make.topic(f"专题{k}"))
        make.link(article, p.author, role=ArticlePerson.Role.SUBJECT)
        news = make.news(title=f"科普快讯{k}")
        make.link(news, make.person(f"新人物{k}"))
        make.photo(p.feature, caption=f"又一张{k}", position=10 + k)
        p.feature.topics.add(make.topic(f"又一专题{k}"))
        make.link(p.feature, make.person(f"又一人物{k}"), role=ArticlePerson.Role.MENTIONED)
        p.event.articles.add(article)
        guest = make.person(f"参会者{k}")
        p.event.people.add(guest)
        make.link(news, guest)
        make.event(title=f"科普活动{k}", people=[p.author])
        make.issue(year=2020 + k % 5, number=50 + k)
        make.section(f"子栏目{k}", parent=p.special, order=7)


def test_each_endpoint_runs_as_many_queries_for_many_rows_as_for_few(client, count_queries, periodical):
    paths = endpoints(periodical)
    few = {name: count_queries(client, API + path) for name, path in paths.items()}

    grow(periodical, 8)
    many = {name: count_queries(client, API + path) for name, path in paths.items()}

    assert many == few
    # Lists: the page cache's own checks, a count and the page (and its photos for articles).
    assert max(few.values()) <= 12, few


# Visibility ------------------------------------------------------------------------------------

HIDDEN = "不公开"


@pytest.fixture
def unseen(newsroom, periodical):
    """Everything readers cannot see on the site, each with ``HIDDEN`` in its title: drafts, items
    in review, approved but unpublished, scheduled for later, withdrawn, the articles of an
    unreleased issue and of one released for later, a published article's revision in review, and
    the people only such content names. Each shares the word 秘密 with something public."""
    later = timezone.now() + timedelta(days=2)
    author = newsroom.author
    issue, section = periodical.issue, periodical.dynamics
    unreleased = make.draft_issue(year=2026, number=3, running_number=123, theme=f"{HIDDEN}的一期")
    scheduled_issue = make.issue(year=2026, number=4, running_number=124, theme=f"{HIDDEN}定时期", published_at=later)
    articles = [
        make.draft(issue, by=author, title=f"{HIDDEN}草稿的秘密", section=section),
        make.draft(by=author, title=f"{HIDDEN}网站草稿的秘密", section=section),
        make.in_review(issue, at="初审", by=author, title=f"{HIDDEN}待审的秘密", section=section),
        make.article(issue, status=make.APPROVED, title=f"{HIDDEN}已通过的秘密", section=section, created_by=author),
        make.article(issue, title=f"{HIDDEN}定时发布的秘密", section=section, published_at=later),
        make.news(title=f"{HIDDEN}定时新闻的秘密", published_at=later),
        make.article(
            issue, status=make.WITHDRAWN, title=f"{HIDDEN}撤下的秘密", section=section, published_at=timezone.now()
        ),
        make.article(unreleased, title=f"{HIDDEN}未出版期的秘密", section=section),
        make.article(scheduled_issue, title=f"{HIDDEN}定时期的秘密", section=section),
    ]
    public = make.article(issue, title="公开的秘密武器", section=section, created_by=author)
    revision = workflow.start_revision(public, by=author, changes={"title": f"{HIDDEN}修改稿的秘密"})
    workflow.submit(revision, by=author)
    articles.append(revision)
    for article in articles:
        make.photo(article, caption=f"{HIDDEN}图片")
        article.topics.add(periodical.topic)
    people = [make.person(f"{HIDDEN}人物{n}", organisation="秘密研究所") for n in range(3)]
    make.link(articles[0], people[0])
    make.link(articles[4], people[1], role=ArticlePerson.Role.SUBJECT)
    make.link(articles[7], periodical.author)
    make.link(public, make.person("公开人物", organisation="秘密研究所"))
    events = [
        make.event(title=f"{HIDDEN}草稿活动的秘密", status=make.DRAFT, people=[people[2]], articles=[public]),
        make.event(title=f"{HIDDEN}已通过活动的秘密", status=make.APPROVED, people=[periodical.author]),
        make.event(title=f"{HIDDEN}定时活动的秘密", published_at=later),
        make.event(title=f"{HIDDEN}撤下活动的秘密", status=make.WITHDRAWN, published_at=timezone.now()),
    ]
    periodical.event.articles.add(*articles)
    make.event(title="公开活动的秘密")
    return SimpleNamespace(
        articles=articles, issues=[unreleased, scheduled_issue], people=people, events=events, public=public
    )


def walk(client):
    """Every answer reachable from the index: each list (every page, in each of its orders), each
    detail in them and in what they nest, and searches for words hidden and public content share.
    ``{path: text of the answer}``."""
    seen = {}

    def fetch(path, **params):
        key = path + json.dumps(params, ensure_ascii=False)
        if key not in seen:
            seen[key] = data(client, path, **params)
        return seen[key]

    def pages(path, **params):
        body = fetch(path, page_size=100, **params)
        items = list(body["items"])
        for number in range(2, body["pages"] + 1):
            items += fetch(path, page_size=100, page=number, **params)["items"]
        return items

    for issue in pages("issues/"):
        contents = fetch(f"issues/{issue['year']}/{issue['number']}/")["contents"]
        for entry in (a for group in contents for a in group["articles"]):
            fetch(f"articles/{entry['id']}/")
    for section in fetch("sections/"):
        fetch(f"sections/{section['slug']}/")
        pages("articles/", section=section["slug"])
    for news in (None, "true", "false"):
        for article in pages("articles/", **({"news": news} if news else {})):
            fetch(f"articles/{article['id']}/")
    for person in pages("people/"):
        detail = fetch(f"people/{person['slug']}/", page_size=100)
        for article in detail["articles"]["items"]:
            fetch(f"articles/{article['id']}/")
    for when in (None, "upcoming", "past"):
        for event in pages("events/", **({"when": when} if when else {})):
            detail = fetch(f"events/{event['slug']}/")
            for person in detail["people"]:
                fetch(f"people/{person['slug']}/")
    for q in ("秘密", "研究所", "科普", "草稿", "定时"):
        pages("search/", q=q)
    return {key: json.dumps(body, ensure_ascii=False) for key, body in seen.items()}


def test_nothing_readers_cannot_see_appears_in_any_list_detail_or_search(client, unseen, periodical):
    answers = walk(client)

    assert len(answers) > 30
    leaks = {key: text for key, text in answers.items() if HIDDEN in text}
    assert leaks == {}
    # What they share the word 秘密 with is found.
    found = data(client, "search/", q="秘密")
    assert [item["title"] for item in found["items"]] == ["公开的秘密武器"]
    assert [person["name"] for person in found["people"]] == ["公开人物"]
    assert [event["title"] for event in found["events"]] == ["公开活动的秘密"]
    assert data(client, f"articles/{unseen.public.pk}/")["title"] == "公开的秘密武器"


def test_nothing_readers_cannot_see_has_a_detail(client, unseen):
    not_found = "没有找到这个{}：它不存在，或尚未公开。"
    for article in unseen.articles:
        assert refusal(client, f"articles/{article.pk}/", 404) == not_found.format("稿件"), article.title
    for issue in unseen.issues:
        assert refusal(client, f"issues/{issue.year}/{issue.number}/", 404) == not_found.format("期刊")
    for person in unseen.people:
        assert refusal(client, f"people/{person.slug}/", 404) == not_found.format("人物")
    for event in unseen.events:
        assert refusal(client, f"events/{event.slug}/", 404) == not_found.format("活动")


def test_scheduled_content_appears_when_its_time_comes(client, travel, unseen):
    scheduled = unseen.articles[4]
    assert get(client, f"articles/{scheduled.pk}/").status_code == 404

    travel(timezone.now() + timedelta(days=3))

    assert data(client, f"articles/{scheduled.pk}/")["title"] == f"{HIDDEN}定时发布的秘密"
    assert f"{HIDDEN}定时发布的秘密" in get(client, "articles/").content.decode()
