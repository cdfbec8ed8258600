"""``{% page_meta as meta %}``: the meta of the page being rendered, for ``includes/meta.html``."""

from django import template

from bulletin import seo

register = template.Library()


@register.simple_tag(takes_context=True)
def page_meta(context):
    """The ``meta`` the view prepared (articles, issues), or the default meta of the page's address."""
    meta = context.get("meta")
    if meta is not None:
        return meta
    request = context.get("request")
    return seo.default_meta(request, context.get("page_obj")) if request is not None else None
