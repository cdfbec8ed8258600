"""Sharing from inside WeChat: the JS-SDK configuration of a page, signed on this server.

WeChat's in-app browser shares a link with the title, description and picture that the page sets
through WeChat's JS-SDK (``static/js/wechat-share.js``), and accepts them only with a signature
made from a *jsapi_ticket* of the site's official account (``WECHAT_APPID``,
``WECHAT_APPSECRET``). Public pages are cached whole, in Redis and at the edge, so the signature,
made for one address at one moment, is never part of a page: the script asks :func:`jssdk`.

The ticket is asked for with an access token; WeChat gives each for two hours, allows a few
thousand requests a day, and ends a token soon after handing out the next. So both are kept in the
cache every process shares and renewed ``REFRESH_MARGIN`` before WeChat says they end: one process
renews (it holds a lock, ``cache.add``) while the others go on with the one still valid, or wait a
moment for the first. A failure (an error code, no answer within ``TIMEOUT_SECONDS``) is logged
and leaves pages with WeChat's plain share card; WeChat is asked again after ``RETRY_SECONDS``.

The site also answers WeChat's check that the domain is the official account's
(:func:`domain_verification`).
"""

import hashlib
import json
import logging
import secrets
import time
import urllib.request
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 3
# WeChat answers with a few hundred bytes; anything longer is not its answer.
MAX_ANSWER_BYTES = 64 * 1024
# Renewed this long before WeChat says they end: it keeps an old token working five minutes
# after handing out the next.
REFRESH_MARGIN = 300
# Not handed out in their last minute: WeChat checks a signature a moment after the page gets it.
LAST_USE_MARGIN = 60
# The renewing process's lock outlives its longest renewal: a token, a ticket, a token again.
LOCK_SECONDS = 3 * TIMEOUT_SECONDS + 1
# How long a process with no ticket at all waits for the one fetching it.
WAIT_SECONDS = 2 * TIMEOUT_SECONDS + 1
POLL_SECONDS = 0.05
RETRY_SECONDS = 60

TOKEN_KEY = "wechat:access-token"
TICKET_KEY = "wechat:jsapi-ticket"
FAILED_KEY = "wechat:failed"
# WeChat's codes for a token it no longer takes: invalid, expired, or ended by a newer one.
TOKEN_REJECTED = {40001, 40014, 42001}
# What the share script calls.
JS_API_LIST = ["updateAppMessageShareData", "updateTimelineShareData"]
MAX_URL_LENGTH = 2048


class WeChatError(Exception):
    """WeChat's API did not give what was asked: an error code, or no readable answer in time."""


class TokenRejected(WeChatError):
    """WeChat refused the access token it was asked with."""


class Unavailable(WeChatError):
    """WeChat failed less than ``RETRY_SECONDS`` ago (already logged): not asked again yet."""


def enabled():
    return bool(settings.WECHAT_APPID and settings.WECHAT_APPSECRET)


def share_script(request):
    """Template context (Jinja2): the address of WeChat's SDK for ``base.html`` to hand to the
    share script, or "" when WeChat is not configured and pages carry no script."""
    return {"WECHAT_JSSDK_URL": settings.WECHAT_JSSDK_URL if enabled() else ""}


# WeChat's API --------------------------------------------------------------------------------


def _call(path, **params):
    """The JSON object WeChat's API answers at ``path``; :class:`WeChatError` for anything else."""
    url = f"{settings.WECHAT_API_URL.rstrip('/')}{path}?{urlencode(params)}"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            data = json.loads(response.read(MAX_ANSWER_BYTES))
    except (OSError, ValueError) as error:  # no connection, HTTP error, timeout; not JSON
        raise WeChatError(f"{path}: {error}") from error
    if not isinstance(data, dict):
        raise WeChatError(f"{path}: unexpected answer")
    code = data.get("errcode") or 0
    if code:
        error = TokenRejected if code in TOKEN_REJECTED else WeChatError
        raise error(f"{path}: errcode {code}, {data.get('errmsg', '')}")
    return data


def _credential(data, name):
    """``(value, seconds it lives)`` of the credential ``name`` in WeChat's answer ``data``."""
    value, lifetime = data.get(name), data.get("expires_in")
    if not isinstance(value, str) or not value or not isinstance(lifetime, int) or lifetime <= REFRESH_MARGIN:
        raise WeChatError(f"answer without a usable {name}")
    return value, lifetime


def _fetch_token():
    data = _call(
        "/cgi-bin/token",
        grant_type="client_credential",
        appid=settings.WECHAT_APPID,
        secret=settings.WECHAT_APPSECRET,
    )
    return _credential(data, "access_token")


def _fetch_ticket():
    try:
        data = _call("/cgi-bin/ticket/getticket", access_token=access_token(), type="jsapi")
    except TokenRejected:
        # Something else asked WeChat for a token of the same account, which ended ours.
        cache.delete(TOKEN_KEY)
        data = _call("/cgi-bin/ticket/getticket", access_token=access_token(), type="jsapi")
    return _credential(data, "ticket")


def _kept(key, fetch):
    """The credential kept in the cache under ``key``, renewed with ``fetch`` (which returns it
    and the seconds it lives) when there is none or its renewal is due.

    One process renews at a time. The others use the one still valid, or, when there is none,
    wait up to ``WAIT_SECONDS`` for it. :class:`WeChatError` when there is none to give.
    """
    now = time.time()
    kept = cache.get(key)
    if kept is not None and now < kept["renew_at"]:
        return kept["value"]
    lock = f"{key}:lock"
    if cache.get(FAILED_KEY) is None and cache.add(lock, True, LOCK_SECONDS):
        try:
            value, lifetime = fetch()
            cache.set(key, {"value": value, "renew_at": now + lifetime - REFRESH_MARGIN}, lifetime - LAST_USE_MARGIN)
        except WeChatError as error:
            cache.set(FAILED_KEY, True, RETRY_SECONDS)
            if kept is None:
                raise
            logger.warning("WeChat did not renew %s; the current one serves until it ends: %s", key, error)
            return kept["value"]
        finally:
            cache.delete(lock)
        return value
    if kept is not None:
        return kept["value"]
    if cache.get(FAILED_KEY) is not None:
        raise Unavailable(key)
    return _wait_for(key)


def _wait_for(key):
    deadline = time.time() + WAIT_SECONDS
    while time.time() < deadline:
        time.sleep(POLL_SECONDS)
        kept = cache.get(key)
        if kept is not None:
            return kept["value"]
        if cache.get(FAILED_KEY) is not None:
            raise Unavailable(key)
    raise WeChatError(f"no {key} after waiting {WAIT_SECONDS} s for the process fetching it")


def access_token():
    """The official account's access token, from the shared cache or from WeChat."""
    return _kept(TOKEN_KEY, _fetch_token)


def jsapi_ticket():
    """The official account's JS-SDK ticket, from the shared cache or from WeChat."""
    return _kept(TICKET_KEY, _fetch_ticket)


# Signing a page ------------------------------------------------------------------------------


def signature(*, ticket, nonce, timestamp, url):
    """WeChat's JS-SDK signature (its documentation's 附录1): the SHA-1 of ``jsapi_ticket``,
    ``noncestr``, ``timestamp`` and ``url`` as ``name=value`` in the order of their names,
    joined with ``&``; values as they are (not URL-encoded), the address without its ``#`` part."""
    fields = {"jsapi_ticket": ticket, "noncestr": nonce, "timestamp": timestamp, "url": url.split("#", 1)[0]}
    text = "&".join(f"{name}={value}" for name, value in sorted(fields.items()))
    return hashlib.sha1(text.encode()).hexdigest()


def jssdk_config(url):
    """What ``wx.config`` needs to share the page at ``url``, or None when WeChat cannot give a
    ticket now (the page then keeps WeChat's plain share card)."""
    try:
        ticket = jsapi_ticket()
    except Unavailable:
        return None
    except WeChatError as error:
        logger.error("WeChat gave no JS-SDK ticket; pages are shared with its plain card: %s", error)
        return None
    timestamp, nonce = int(time.time()), secrets.token_hex(8)
    return {
        "appId": settings.WECHAT_APPID,
        "timestamp": timestamp,
        "nonceStr": nonce,
        "signature": signature(ticket=ticket, nonce=nonce, timestamp=timestamp, url=url),
        "jsApiList": JS_API_LIST,
    }


def is_own_page(url):
    """Whether ``url`` is a web address on the site's host (``SITE_URL``): the JS-SDK domain set
    in the official account's console, the only one on which WeChat accepts a signature."""
    if len(url) > MAX_URL_LENGTH:
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == urlsplit(settings.SITE_URL).netloc.lower()


def _answer(data, status=200):
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


@never_cache
@require_safe
def jssdk(request):
    """The JS-SDK configuration of one of this site's pages (``?url=``, its address as the
    browser has it), as JSON. Never cached: it is signed for that address at this moment."""
    if not enabled():
        return _answer({"detail": "本站未配置微信公众号，不提供微信分享签名。"}, status=404)
    url = request.GET.get("url", "")
    if not is_own_page(url):
        return _answer({"detail": "只能为本站的网页生成微信分享签名。"}, status=400)
    config = jssdk_config(url)
    if config is None:
        return _answer({"available": False, "detail": "暂时无法连接微信，分享时显示微信的默认样式。"})
    return _answer({"available": True, **config})


@require_safe
def domain_verification(request, code):
    """``MP_verify_<code>.txt``, which WeChat fetches from the site's root, holding its code,
    before it takes the domain as the official account's JS-SDK domain."""
    if not settings.WECHAT_DOMAIN_VERIFICATION or code != settings.WECHAT_DOMAIN_VERIFICATION:
        raise Http404
    return HttpResponse(code, content_type="text/plain; charset=utf-8")
