"""Addresses of public pages, remembered once made.

A table of contents links sixty articles and each list item three pages; ``reverse()`` matches the
URL patterns afresh for every link, which was a tenth of a page's time. An address depends only
on its arguments and the URL configuration, so it is kept for the life of the process.
"""

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse

# The links of the pages readers are reading now (a few issues, their columns and people): about
# 1.5 MB at most.
REMEMBERED = 4096


def page_url(viewname, **kwargs):
    """``reverse(viewname, kwargs=kwargs)``, from memory after the first time."""
    return _reverse(get_script_prefix(), get_urlconf(), viewname, tuple(kwargs.items()))


@lru_cache(maxsize=REMEMBERED)
def _reverse(prefix, urlconf, viewname, kwargs):
    return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs))
