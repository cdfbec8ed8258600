"""Search in the open API: the site's search (``website.views.SearchView``), answered as JSON.

The same steps in the same order: the query parsed by ``publishing.search.parse_query``, public
articles narrowed by ``ArticleSearchFilter``, matched and ranked by ``search.matching`` and
counted by ``search.count_matching``, people and events beside them on the first page. So a
search finds here exactly what it finds on the site, in the same order, and nothing readers
cannot see.
"""

from ninja import Query, Router

from bulletin.filters import ArticleSearchFilter
from bulletin.models import Article
from publishing import pagecache, search
from website.api import schemas, serialize
from website.api.http import Paging, bad_parameters, page, paginate
from website.views import people_and_events_matching

router = Router()


@router.get(
    "/search/",
    response={200: schemas.SearchPage, 400: schemas.Error, 404: schemas.Error},
    tags=["检索"],
    summary="检索稿件（以及人物、活动）",
    description=(
        "与网站的检索页相同：先列出含有原样检索词的稿件，再列出含有拆开的词的稿件，各按相关度排列。"
        "found 是符合的总数（很多时是估计数）；count 是可以翻阅的条数，在 PostgreSQL 上最多为相关度排名的前 100 条。"
    ),
)
@page(lists={pagecache.LISTINGS})
def search_articles(
    request,
    paging: Query[Paging],
    q: str = Query(..., description="检索词；多个词以空格分开，须全部出现"),
    section: str | None = Query(None, description="栏目的 slug，含其子栏目"),
    year: int | None = Query(None, ge=1949, le=2100, description="所属期刊的年份（须有已出版的期刊）"),
    issue: int | None = Query(None, ge=1, le=999, description="期号，与 year 一起指定一期"),
    person: str | None = Query(None, description="人物的姓名或 slug"),
):
    query = search.parse_query(q)
    if query.problem:
        raise bad_parameters([("q", query.problem)])
    chosen = {"section": section, "year": year, "issue": issue, "person": person}
    filters = ArticleSearchFilter(
        {name: str(value) for name, value in chosen.items() if value is not None}, queryset=Article.objects.public()
    )
    if not filters.is_valid():
        raise bad_parameters([(name, f"参数 {name}：{''.join(messages)}") for name, messages in filters.errors.items()])
    found = search.count_matching(filters.qs, query)
    articles = search.matching(filters.qs, query, then=("-published_at", "-pk"))
    rows, envelope = paginate(
        request,
        articles.select_related("issue", "section").prefetch_related("photos"),
        paging,
        count=search.listed(found.count),
    )
    people, events = people_and_events_matching(query) if paging.page == 1 else ([], [])
    return {
        **envelope,
        "query": query.text,
        "truncated": query.truncated,
        "found": found.count,
        "estimated": found.estimated,
        "found_text": str(found),
        "apart_words": query.apart_words,
        "items": [
            {
                **serialize.article_item(article),
                "title_html": str(search.highlight(article.title, query)),
                "snippet_html": str(
                    search.snippet(query, search.text_around_hit(query, article.body), article.summary)
                ),
                "exact_match": bool(article.exact_match),
            }
            for article in rows
        ],
        "people": [serialize.person_item(person) for person in people],
        "events": [serialize.event_item(event) for event in events],
    }
