"""The Jinja2 environment of the public site's templates (settings.TEMPLATES, first engine).

Readers' pages, their partials, the error pages, ``robots.txt`` and the print edition are Jinja2,
which renders them in a fraction of the Django template language's time. The admin's and
django-axes's overrides in the same ``templates/`` folder stay Django templates: this engine
refuses them, so Django's loader finds them with the next engine.

What the templates call mirrors the tags and filters they had: ``url()``, ``static()``,
``picture()``, ``page_meta()``, ``querystring()``, ``now()``, ``messages(request)``, and Django's own ``|date``,
``|time``, ``|truncatechars`` and ``|linebreaksbr``; ``qr_code()`` (``publishing.qr``) draws the
QR codes of the print edition.
"""

import jinja2
from django.contrib.messages import get_messages
from django.template import defaultfilters, defaulttags
from django.templatetags.static import static
from django.utils import timezone

from bulletin import seo
from publishing import image_markup, links, qr

# How the public pages write a day.
CHINESE_DATE = "Y年n月j日"
# Templates of Django apps (the admin, django-axes) that templates/ overrides.
DJANGO_TEMPLATE_FOLDERS = ("admin/", "axes/")


class PublicTemplates(jinja2.BaseLoader):
    """``loader`` without the overrides of Django apps' templates, which are written for Django's engine."""

    def __init__(self, loader):
        self.loader = loader

    def get_source(self, environment, template):
        if template.startswith(DJANGO_TEMPLATE_FOLDERS):
            raise jinja2.TemplateNotFound(template)
        return self.loader.get_source(environment, template)


# Django's filters convert aware datetimes to the current time zone before they format them.
def date(value, format=None):
    """Django's ``|date``; the two formats every list of articles writes are formatted directly,
    as Django would (``c`` is ``isoformat()``): its filter looks each format up through the
    locale machinery first, which cost a search page a millisecond in its sixty dates."""
    value = timezone.template_localtime(value)
    if value in (None, ""):
        return ""
    if format == "c":
        return value.isoformat()
    if format == CHINESE_DATE:
        return f"{value.year}年{value.month}月{value.day}日"
    return defaultfilters.date(value, format)


def time(value, format=None):
    return defaultfilters.time(timezone.template_localtime(value), format)


def linebreaksbr(value):
    return defaultfilters.linebreaksbr(value, autoescape=True)


@jinja2.pass_context
def querystring(context, **changes):
    """``{% querystring %}``: the request's query string with ``changes`` (None drops a parameter)."""
    return defaulttags.querystring(context, context["request"].GET, **changes)


def environment(**options):
    options["loader"] = PublicTemplates(options["loader"])
    env = jinja2.Environment(**options)
    env.globals.update(
        url=links.page_url,
        static=static,
        now=timezone.localtime,
        picture=image_markup.picture,
        page_meta=jinja2.pass_context(seo.page_meta),
        querystring=querystring,
        qr_code=qr.svg,
        messages=get_messages,
    )
    env.filters.update(
        date=date,
        time=time,
        truncatechars=defaultfilters.truncatechars,
        linebreaksbr=linebreaksbr,
        responsive_images=image_markup.responsive_images,
    )
    return env
