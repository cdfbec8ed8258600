"""Server-side cleaning of rich text: whatever reaches the database is on an allowlist.

The editor's own output is trusted no more than a hand-made POST, so every save of every
rich-text field goes through :func:`clean_html` (via :class:`RichTextField`).
"""

import nh3
from django_ckeditor_5.fields import CKEditor5Field

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "ul",
    "ol",
    "li",
    "blockquote",
    "hr",
    "a",
    "figure",
    "figcaption",
    "img",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "caption",
    "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "figure": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(html):
    """Return ``html`` with everything off the allowlist removed (tags, attributes, schemes)."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


class RichTextField(CKEditor5Field):
    """A CKEditor 5 field whose value is sanitised every time its model is saved."""

    def pre_save(self, model_instance, add):
        value = clean_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value
