"""The HTML of images on public pages: ``picture()`` for image fields, ``responsive_images()`` for
rich text, both used by the templates as ``picture(...)`` and ``|responsive_images``.

Both serve renditions (``publishing.images.picture``) with ``srcset``, ``sizes``, WebP and the
width and height that keep the page from jumping while images load.
"""

import re
from html.parser import HTMLParser

from django.core.files.storage import default_storage
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from publishing import images

# The text column of an article (42rem), or the whole screen less its margins on phones.
PROSE_SIZES = "(min-width: 46rem) 42rem, calc(100vw - 2rem)"


def _attributes(attrs):
    return "".join(f" {name}" if value is None else f' {name}="{escape(value)}"' for name, value in attrs)


def _picture_html(pic, img_attrs, sizes):
    """``<picture>`` with a WebP source and an ``<img>`` carrying ``img_attrs`` plus the renditions."""
    largest = pic.largest
    img = [
        *img_attrs,
        ("src", largest.url),
        ("srcset", pic.srcset(pic.fallback)),
        ("sizes", sizes),
        ("width", str(largest.width)),
        ("height", str(largest.height)),
    ]
    return (
        f'<picture><source type="image/webp"{_attributes([("srcset", pic.srcset(pic.webp)), ("sizes", sizes)])}>'
        f"<img{_attributes(img)}></picture>"
    )


def picture(image, *, alt="", sizes="100vw", eager=False, **attrs):
    """A responsive ``<picture>`` of an image field's file (nothing when the field is empty).

    ``eager=True`` for the first image a reader sees (a cover, a portrait at the top); every
    other image loads lazily. ``class`` and other keyword arguments go on the ``<img>``.
    """
    if not image:
        return ""
    loading = [("loading", "eager"), ("fetchpriority", "high")] if eager else [("loading", "lazy")]
    img_attrs = [*((name, str(value)) for name, value in attrs.items() if value), ("alt", alt), *loading]
    img_attrs.append(("decoding", "async"))
    pic = images.picture(image.name, image.storage)
    if pic is None:
        return format_html("<img{}>", mark_safe(_attributes([("src", image.url), *img_attrs])))
    return mark_safe(_picture_html(pic, img_attrs, sizes))


IMG_TAG = re.compile(r"<img\b", re.IGNORECASE)


class _ImageTags(HTMLParser):
    """Finds every ``<img>`` start tag: where it is in the source, its text and its attributes."""

    def __init__(self, html):
        super().__init__(convert_charrefs=False)
        self.html = html
        self.line_starts = [0]
        self.line_starts += [i + 1 for i, char in enumerate(html) if char == "\n"]
        self.found = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag != "img":
            return
        line, column = self.getpos()
        start = self.line_starts[line - 1] + column
        text = self.get_starttag_text()
        if self.html.startswith(text, start):
            self.found.append((start, start + len(text), attrs))


def responsive_images(html, sizes=PROSE_SIZES):
    """Sanitised rich text with each of its own images (under MEDIA_URL) served as renditions.

    Only ``<img>`` tags are rewritten: every other character of ``html`` is passed through as
    stored, and the rewritten tags keep their attributes (re-escaped) with ``src``, ``srcset``,
    ``sizes``, ``width``, ``height``, ``loading`` and ``decoding`` replaced. Images elsewhere,
    or whose file is missing, are left exactly as they were.

    ``html`` must be the value of a sanitised field (``publishing.sanitize.RichTextField``):
    like the ``|safe`` it replaces, the result is marked safe.
    """
    if not html:
        return ""
    html = str(html)
    if not IMG_TAG.search(html):
        # Most bodies have no images of their own; parsing 10,000 characters to find none would be
        # the slowest part of an article page.
        return mark_safe(html)
    replaced = {"src", "srcset", "sizes", "width", "height", "loading", "decoding"}
    pieces, done = [], 0
    for start, end, attrs in _ImageTags(html).found:
        name = images.stored_name(dict(attrs).get("src"))
        pic = images.picture(name, default_storage) if name else None
        if pic is None:
            continue
        kept = [(key, value) for key, value in attrs if key not in replaced]
        pieces += [html[done:start], _picture_html(pic, [*kept, ("loading", "lazy"), ("decoding", "async")], sizes)]
        done = end
    pieces.append(html[done:])
    return mark_safe("".join(pieces))
