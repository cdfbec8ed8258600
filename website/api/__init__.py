"""The open, read-only API at ``/api/v1/`` (django-ninja), for the association's portal, a WeChat
mini-program and archives: issues and their contents, sections, articles, people, events and
search, as JSON, with the OpenAPI document at ``/api/v1/openapi.json`` as its contract.

It shows what the site shows and nothing more: every endpoint reads through the same
``public()`` querysets as the pages, so a draft, an article in review or approved but not
published, one scheduled for later, a withdrawn one and the articles of an unreleased issue are
in no list and every detail of them is a 404. Answers are cached and purged with the pages,
carry ETags, and may be read from any web page (``website.api.http``).

ninja's interactive docs page is off: it loads its scripts from a CDN, which the site's
Content-Security-Policy forbids. The OpenAPI document is what integrators read.

Modules: ``http`` (errors, pages of results, caching, CORS), ``schemas`` (the shapes of the
answers), ``serialize`` (content into those shapes), and the endpoints: ``periodical`` (issues,
sections, articles), ``directory`` (people, events) and ``search``.
"""

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from bulletin.seo import absolute_url
from publishing import pagecache
from website.api import directory, http, periodical, schemas, search

VERSION = "1"
NAMESPACE = f"api-v{VERSION}"

api = NinjaAPI(
    title=f"{settings.PERIODICAL_NAME} 开放接口",
    version=VERSION,
    description=(
        "只读接口：期刊、栏目、稿件、人物、活动与检索，内容与网站读者所见完全一致。"
        "列表分页（page、page_size，每页最多 100 条）；应答带 ETag，可用 If-None-Match 条件请求；"
        "允许任何网页跨域读取（CORS）。出错时返回 JSON：detail 为中文说明。"
    ),
    urls_namespace=NAMESPACE,
    docs_url=None,
    renderer=http.ApiRenderer(),
)
api.add_exception_handler(http.Refused, lambda request, error: http.refused(request, error, api))
api.add_exception_handler(ValidationError, lambda request, error: http.invalid_parameters(request, error, api))
api.add_exception_handler(
    Http404, lambda request, error: http.refused(request, http.Refused(404, http.ERROR_DETAILS[404]), api)
)


@api.get("/", response=schemas.Index, tags=["总览"], summary="接口总览：各资源的地址")
@http.page(lists={pagecache.SITE})
def index(request):
    def at(name):
        return absolute_url(reverse(f"{NAMESPACE}:{name}"))

    return {
        "name": api.title,
        "version": VERSION,
        "openapi": at("openapi-json"),
        "site": absolute_url("/"),
        "resources": {
            "issues": at("list_issues"),
            "sections": at("list_sections"),
            "articles": at("list_articles"),
            "people": at("list_people"),
            "events": at("list_events"),
            "search": at("search_articles"),
        },
    }


api.add_router("", periodical.router)
api.add_router("", directory.router)
api.add_router("", search.router)

# For config/urls.py: path("api/v1/", urls).
urls = http.urls(api)
