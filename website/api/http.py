"""How the open API speaks HTTP, apart from what it says: JSON in UTF-8, errors in Chinese, pages
of results, the page cache and its ETags, read-only methods, and CORS.

* **Cached like the site.** An endpoint declared with :func:`page` is routed through
  ``publishing.pagecache.cached()``: anonymous requests are served from the same cache as the
  pages, stamped with the same tags (lists with ``lists``, one thing with ``pagecache.depends_on``),
  so publishing, withdrawing or releasing purges API answers exactly as it purges pages, in Redis
  and on the edge (``xkey``). The parameters an endpoint reads are the query parameters it
  declares, so the cache keeps exactly those and an undeclared one can never be dropped by mistake.
  The middleware gives every such answer an ``ETag`` and answers ``If-None-Match`` with 304.
* **Read-only.** GET and HEAD (HEAD is answered as GET: the server sends no body); anything else
  gets a 405 in JSON, OPTIONS a CORS preflight answer.
* **CORS** (:class:`ApiMiddleware`): every answer under ``/api/`` may be read by any web page.
"""

import functools
import math

from django.http import HttpResponse, JsonResponse, QueryDict
from django.urls import URLPattern, re_path
from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer

from bulletin import seo
from publishing import pagecache

API_ROOT = "/api/"
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
READ_METHODS = "GET, HEAD, OPTIONS"
# A preflight's answer is kept this long by browsers (Chromium keeps at most two hours).
PREFLIGHT_MAX_AGE = 86400


class ApiRenderer(JSONRenderer):
    """JSON as UTF-8 text: Chinese written as itself, half the size of its escapes."""

    json_dumps_params = {"ensure_ascii": False}


# Errors ----------------------------------------------------------------------------------------


class Refused(Exception):
    """An answer that is not the resource: ``status``, with ``detail`` for people to read."""

    def __init__(self, status, detail, errors=()):
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, list(errors)


def not_found(what):
    """The 404 of ``what`` (“期刊”, “稿件”…): the same for what does not exist and for what readers
    may not see yet, so that the answer tells nothing of a draft."""
    return Refused(404, f"没有找到这个{what}：它不存在，或尚未公开。")


def bad_parameters(errors):
    """A 400 for ``errors``, ``[(parameter, message)]``; the first message is the detail."""
    listed = [{"parameter": name, "message": message} for name, message in errors]
    return Refused(400, listed[0]["message"], listed)


def error_body(detail, errors=()):
    return {"detail": detail, "errors": list(errors)}


def refused(request, error, api):
    return api.create_response(request, error_body(error.detail, error.errors), status=error.status)


def invalid_parameters(request, error: ValidationError, api):
    """ninja's validation errors of query and path parameters, as a 400 in Chinese."""
    problems = []
    for item in error.errors:
        location = item.get("loc", ())
        name = str(location[1]) if len(location) > 1 else str(location[0] if location else "")
        problems.append((name, _problem(name, item.get("type", ""), item.get("ctx") or {})))
    return refused(request, bad_parameters(problems or [("", "请求参数无效。")]), api)


def _problem(name, kind, ctx):
    if kind == "missing":
        return f"缺少参数 {name}。"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"参数 {name} 应为整数。"
    if kind == "bool_parsing":
        return f"参数 {name} 应为 true 或 false。"
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_type"):
        return f"参数 {name} 应为日期，如 2026-05-01。"
    bounds = {
        "greater_than_equal": ("不能小于", "ge"),
        "greater_than": ("应大于", "gt"),
        "less_than_equal": ("不能大于", "le"),
        "less_than": ("应小于", "lt"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        return f"参数 {name} {words} {ctx.get(key)}。"
    if kind == "string_too_long":
        return f"参数 {name} 最多 {ctx.get('max_length')} 个字符。"
    if kind == "literal_error":
        return f"参数 {name} 只能是 {str(ctx.get('expected', '')).replace(' or ', ' 或 ')}。"
    if kind == "string_pattern_mismatch":
        return f"参数 {name} 的格式不对。"
    return f"参数 {name} 的值无效。"


ERROR_DETAILS = {
    404: "没有这个接口地址。接口列表见 /api/v1/openapi.json。",
    405: "开放接口只能读取：请用 GET 或 HEAD。",
    500: "服务器出错了，请稍后再试。",
    503: "服务暂时不可用，请稍后再试。",
}


def json_error(status, detail=None, **headers):
    response = JsonResponse(
        error_body(detail or ERROR_DETAILS.get(status, f"请求未能完成（HTTP {status}）。")),
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


# Pages of results ------------------------------------------------------------------------------


class Paging(Schema):
    """The query parameters of every list: ``Query[Paging]``."""

    page: int = Field(1, ge=1, description="页码，从 1 开始")
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数，最多 {MAX_PAGE_SIZE}")


def paginate(request, rows, paging, *, count=None):
    """``(rows on the page ``paging`` asks for, what the envelope says of it)``; ``count`` if
    it is known already.

    One query to count (unless given) and one for the page. A page past the last is a 404; an
    empty list has one empty page.
    """
    page, page_size = paging.page, paging.page_size
    total = rows.count() if count is None else count
    pages = max(1, math.ceil(total / page_size))
    if page > pages:
        raise Refused(404, f"没有第 {page} 页：每页 {page_size} 条，共 {pages} 页。")
    start = (page - 1) * page_size
    items = list(rows[start : start + page_size])
    envelope = {
        "count": total,
        "page": page,
        "pages": pages,
        "page_size": page_size,
        "previous": _page_url(request, page - 1) if page > 1 else None,
        "next": _page_url(request, page + 1) if page < pages else None,
    }
    return items, envelope


def _page_url(request, number):
    """The address of page ``number`` of this list: ``page`` first, then the other parameters as
    asked (the page cache has already dropped those the endpoint does not read)."""
    query = QueryDict(mutable=True)
    query["page"] = str(number)
    for name in request.GET:
        if name != "page":
            query.setlist(name, request.GET.getlist(name))
    return seo.absolute_url(f"{request.path}?{query.urlencode()}")


# Routing ---------------------------------------------------------------------------------------

# view name → (view, list tags), for every endpoint declared with page().
_pages = {}


def page(*, lists=()):
    """Declare an endpoint a cached public page that shows the lists ``lists`` (list tags of
    ``publishing.pagecache``); an endpoint about one thing names it with ``depends_on()``.

    Put it under ninja's decorator, which routes the function it returns."""

    def declare(view):
        _pages[view.__name__] = (view, frozenset(lists))
        return view

    return declare


def query_parameters(view):
    """The names of the query parameters a ninja endpoint declares (aliases as sent)."""
    models = view._ninja_operation.signature.models
    return tuple(
        name for model in models if model.__ninja_param_source__ == "query" for name in model.__ninja_flatten_map__
    )


OPENAPI_DOCUMENT = "openapi-json"


def urls(api):
    """``api.urls`` with every endpoint read-only and each declared one cached (:func:`page`),
    and the OpenAPI document written as UTF-8 and cached with the site's tag (it changes only with
    the code). Any other address under the API's root gets a JSON 404."""
    patterns, app_name, namespace = api.urls
    routed = []
    for pattern in patterns:
        view = pattern.callback
        if pattern.name == OPENAPI_DOCUMENT:
            view = pagecache.cached(read_only(functools.partial(openapi_document, api=api)), lists={pagecache.SITE})
        elif pattern.name in _pages:
            endpoint, lists = _pages[pattern.name]
            view = pagecache.cached(read_only(view), lists=lists, reads=query_parameters(endpoint))
        else:
            view = read_only(view)
        routed.append(URLPattern(pattern.pattern, view, pattern.default_args, pattern.name))
    # Only addresses ending in a slash: CommonMiddleware still sends /api/v1/issues on to /api/v1/issues/.
    routed.append(re_path(r"^(?:.*/)?$", read_only(unknown_address)))
    return routed, app_name, namespace


def openapi_document(request, api, **kwargs):
    """ninja's OpenAPI document, through the API's renderer: its Chinese descriptions readable."""
    document = api.get_openapi_schema(path_params=kwargs)
    return HttpResponse(
        api.renderer.render(request, document, response_status=200), content_type=api.get_content_type()
    )


def unknown_address(request, *args, **kwargs):
    return json_error(404)


def read_only(view):
    """``view`` for GET, and for HEAD as if it were GET; a JSON 405 for any other method."""

    @functools.wraps(view)
    def answer(request, *args, **kwargs):
        if request.method == "GET":
            return view(request, *args, **kwargs)
        if request.method == "HEAD":
            request.method = "GET"
            try:
                return view(request, *args, **kwargs)
            finally:
                request.method = "HEAD"
        return json_error(405, Allow=READ_METHODS)

    return answer


# CORS ------------------------------------------------------------------------------------------


class ApiMiddleware:
    """Every answer under ``/api/`` may be read by scripts of any site, and is JSON even when
    Django or another middleware made it (a 404 outside the API's routes, the 500 page, the 503
    of a database outage).

    CORS is these few headers, written here rather than by a CORS package: the API is public and
    read-only, so the answer is the same ``*`` for every origin, with no credentials, no
    per-origin list, and no ``Vary: Origin`` that would split each cached copy by the site asking.
    It sits above the page cache so that its 304s carry them too (Django's 304 keeps only the
    validators), and a preflight is answered without touching the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_ROOT):
            return self.get_response(request)
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            del response["Content-Type"]
            response["Allow"] = response["Access-Control-Allow-Methods"] = READ_METHODS
            # What a script may add that is not CORS-safelisted: the validators of a conditional GET.
            response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
            response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
        else:
            response = as_json(self.get_response(request))
            response["Access-Control-Expose-Headers"] = "ETag"
        response["Access-Control-Allow-Origin"] = "*"
        return response


KEPT_ON_ERRORS = ("Allow", "Retry-After", "Cache-Control", "Expires")


def as_json(response):
    """``response``, or a JSON error of the same status in place of an HTML error page."""
    if response.status_code < 400 or not response.get("Content-Type", "").startswith("text/html"):
        return response
    replaced = json_error(response.status_code)
    for name in KEPT_ON_ERRORS:
        if name in response:
            replaced[name] = response[name]
    return replaced
