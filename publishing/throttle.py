"""How many requests of one kind a client may make in a window of time: forms that mail or create
something for whoever fills them in (a subscription, a registration) are limited per network."""

import ipaddress

from django.core.cache import cache
from django.utils import timezone


def within_limit(scope, client_address, *, limit, window):
    """Count one request of ``scope`` from ``client_address``; False once that address (or, for
    IPv6, its /64 network, which one household holds) has made ``limit`` in this ``window``.

    Counted in the shared cache (Redis in production). Should the cache fail, requests are let
    through: the limit keeps a form from being used in bulk, and is not worth refusing people over.
    """
    seconds = int(window.total_seconds())
    key = f"{scope}:{_network(client_address)}:{int(timezone.now().timestamp()) // seconds}"
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between the two calls
        count = 1
        cache.set(key, count, timeout=seconds)
    return count is None or count <= limit


def _network(client_address):
    try:
        address = ipaddress.ip_address(client_address or "")
    except ValueError:
        return client_address or "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
