"""The address a request came from, as django-axes counts login failures by it."""

from django.conf import settings


def client_ip(request):
    """The client's address: REMOTE_ADDR, or behind ``REVERSE_PROXY_COUNT`` proxies the entry of
    X-Forwarded-For that the outermost of them wrote.

    Each proxy appends the address it was reached from, so only the last ``REVERSE_PROXY_COUNT``
    entries are trustworthy; whatever comes before them the client may have made up.
    """
    count = settings.REVERSE_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
