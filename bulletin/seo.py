"""What search engines, chat apps and feed readers learn about a page: addresses, previews, structured data.

Every address given to the outside is absolute and built on ``settings.SITE_URL`` (the site's
public address), never on the request's Host header. Builders here only read what the views
already loaded (``for_detail()`` prefetches people, photos and topics), so a page's meta adds
no queries.
"""

import html
import json
import mimetypes
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from bulletin.docx_import import BYLINE, BYLINE_PHOTOS_TOO, head_byline
from bulletin.models import ArticlePerson
from people.models import Person
from publishing import images
from publishing.sanitize import text_content

DESCRIPTION_LENGTH = 120
SCHEMA = "https://schema.org"
# The image of a link preview for a page without one of its own: the periodical's square icon.
DEFAULT_SHARE_IMAGE = "icons/icon-512.png"
DEFAULT_SHARE_IMAGE_SIZE = 512

# As JSON escapes: the characters that could end a <script> element or start a comment in it
# (the ones Django's json_script replaces), and the line and paragraph separators, which
# JavaScript before ES2019 takes for line ends inside a string, should a script copy the data.
JSON_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def absolute_url(url):
    """``url`` (a path, or an address already absolute) as a full address on the public site."""
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith("//"):
        return f"{settings.SITE_URL.split(':', 1)[0]}:{url}"
    return settings.SITE_URL.rstrip("/") + url


def plain_text(rich_text, length=DESCRIPTION_LENGTH):
    """The start of sanitised rich text as plain text, whitespace collapsed, cut at ``length``."""
    return Truncator(text_content(rich_text)).chars(length)


def article_description(article):
    return (
        Truncator(article.summary.strip()).chars(DESCRIPTION_LENGTH)
        if article.summary.strip()
        else plain_text(article.body)
    )


def json_ld(data):
    """``data`` as JSON that is safe inside ``<script type="application/ld+json">``.

    ``</script>``, ``<!--``, ``&`` and U+2028/U+2029 in any value come out as ``\\u003C``-style
    escapes, which JSON parsers read back unchanged.
    """
    return mark_safe(json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder).translate(JSON_SCRIPT_ESCAPES))


# Images --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareImage:
    """The image a link preview or a feed shows: the largest rendition in the image's own format."""

    url: str  # absolute
    width: int | None
    height: int | None
    mime_type: str
    storage_name: str
    storage: object = field(repr=False, compare=False)

    def length(self):
        """Its size in bytes (0 when storage cannot tell): for feed enclosures."""
        try:
            return self.storage.size(self.storage_name)
        except (OSError, NotImplementedError):
            return 0


def share_image(image):
    """The :class:`ShareImage` of an image field's file, or None when the field is empty.

    The largest JPEG or PNG rendition (at most 1600 px wide), which every chat app reads; the
    original if renditions cannot be made.
    """
    if not image:
        return None
    pic = images.picture(image.name, image.storage)
    if pic is None:
        mime_type = mimetypes.guess_type(image.name)[0] or "application/octet-stream"
        return ShareImage(absolute_url(image.url), None, None, mime_type, image.name, image.storage)
    largest = pic.largest
    extension = largest.url.rsplit(".", 1)[-1]
    return ShareImage(
        absolute_url(largest.url),
        largest.width,
        largest.height,
        mimetypes.guess_type(f"x.{extension}")[0] or "image/jpeg",
        images.rendition_name(image.name, largest.width, extension),
        image.storage,
    )


def default_share_image():
    """The :class:`ShareImage` of a page without an image of its own."""
    size = DEFAULT_SHARE_IMAGE_SIZE
    url = absolute_url(static(DEFAULT_SHARE_IMAGE))
    return ShareImage(url, size, size, "image/png", DEFAULT_SHARE_IMAGE, staticfiles_storage)


# WeChat's share card shows a square thumbnail ------------------------------------------------


def square_share_image(image):
    """The absolute address of the square crop of an image field's file (``images.square``),
    or "" when the field is empty or its file cannot be read."""
    source = images.square(image.name, image.storage) if image else None
    return absolute_url(source.url) if source else ""


def article_picture(article):
    """``(image field file, alt)`` of the picture that stands for an article, on a link preview
    and cut square on a share card: its first photo, else its issue's cover; ``(None, "")`` if
    it has neither."""
    photo = article.teaser_photo
    if photo:
        return photo.image, getattr(photo, "alt", "") or photo.caption or article.title
    if article.issue_id and article.issue.cover_image:
        return article.issue.cover_image, article.issue.cover_alt
    return None, ""


# People --------------------------------------------------------------------------------------


def author_names(byline):
    """The authors' names in a printed byline, as Word import reads them: “文_省社科院 李可 余明”
    → [“李可”, “余明”]; a byline without names is itself the author (“本刊记者”)."""
    rest = BYLINE_PHOTOS_TOO.sub("", BYLINE.sub("", byline.strip())).strip()
    if not rest:
        return []
    recognised = head_byline(byline)
    return (recognised.names if recognised else []) or [rest]


def authors(article):
    """schema.org authors of the article, never none: its linked authors (``Person``), else the
    names in its byline, else the publisher (``Organization``), whose staff wrote it."""
    linked = [link.person for link in article.person_links.all() if link.role == ArticlePerson.Role.AUTHOR]
    if linked:
        return [
            {"@type": "Person", "name": person.name, "url": absolute_url(person.get_absolute_url())}
            for person in linked
        ]
    return [{"@type": "Person", "name": name} for name in author_names(article.byline)] or [publisher()]


# Page meta -----------------------------------------------------------------------------------


@dataclass
class PageMeta:
    """What ``includes/meta.html`` prints in a page's head."""

    url: str  # the canonical address, absolute; empty on a page that has none (an error page)
    title: str = ""
    description: str = ""
    type: str = "website"
    image: ShareImage | None = None
    image_alt: str = ""
    # The picture WeChat's share card shows cut square (square_image), beside the wide og:image.
    share_picture: object = field(default=None, repr=False)
    published: object = None
    modified: object = None
    section: str = ""
    tags: list = field(default_factory=list)
    structured_data: dict | None = None

    def __post_init__(self):
        # Chat apps show an empty box for a link without an image: every page has one.
        if self.image is None:
            self.image, self.image_alt = default_share_image(), settings.PERIODICAL_NAME

    @property
    def twitter_card(self):
        # The icon is no picture of the page, and too small for a large card.
        return "summary" if self.image == default_share_image() else "summary_large_image"

    @property
    def square_image(self):
        """The absolute address of ``share_picture`` cut square, or "": made when first asked for,
        by the pages that are shared through WeChat's JS-SDK (``includes/meta.html``)."""
        return square_share_image(self.share_picture)

    @property
    def json_ld(self):
        return json_ld(self.structured_data) if self.structured_data else ""


def publisher():
    return {"@type": "Organization", "name": settings.PUBLISHER_NAME, "url": absolute_url("/")}


def periodical():
    return {
        "@type": "Periodical",
        "name": settings.PERIODICAL_NAME,
        "url": absolute_url("/"),
        "inLanguage": "zh-CN",
        "publisher": publisher(),
    }


def publication_issue(issue, *, url=None, cover=None):
    data = {
        "@type": "PublicationIssue",
        "name": f"《{settings.PERIODICAL_NAME}》{issue}",
        "issueNumber": str(issue.number),
        "url": url or absolute_url(issue.get_absolute_url()),
        "isPartOf": periodical(),
    }
    if issue.released_on:
        data["datePublished"] = issue.released_on.isoformat()
    if issue.theme:
        data["about"] = issue.theme
    if issue.page_count:
        data["numberOfPages"] = issue.page_count
    if cover:
        data["image"] = cover.url
    return data


def article_image(article):
    """``(ShareImage, alt)`` of :func:`article_picture`; ``(None, "")`` if the article has none."""
    picture, alt = article_picture(article)
    return share_image(picture), alt


def article_meta(article):
    """The meta of a public article's page (``article`` as ``bulletin.article_page`` reads it)."""
    url = absolute_url(article.get_absolute_url())
    description = article_description(article)
    picture, image_alt = article_picture(article)
    image = share_image(picture)
    topics = [topic.name for topic in article.topics.all()]
    data = {
        "@context": SCHEMA,
        "@type": "NewsArticle",
        "headline": Truncator(article.title).chars(110),
        "description": description,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": article.published_at,
        "dateModified": max(article.published_at, article.updated_at),
        "author": authors(article),
        "publisher": publisher(),
        "articleSection": article.section.name,
        "inLanguage": "zh-CN",
    }
    if article.subtitle:
        data["alternativeHeadline"] = article.subtitle
    if topics:
        data["keywords"] = topics
    if image:
        data["image"] = [image.url]
    if article.issue_id:
        data["isPartOf"] = publication_issue(article.issue)
        if article.first_page:
            data["pageStart"] = article.first_page
            data["pageEnd"] = article.last_page or article.first_page
    return PageMeta(
        url=url,
        title=article.title,
        description=description,
        type="article",
        image=image,
        image_alt=image_alt,
        share_picture=picture,
        published=article.published_at,
        modified=data["dateModified"],
        section=article.section.name,
        tags=topics,
        structured_data=data,
    )


def issue_meta(issue):
    """The meta of a released issue's page: a ``PublicationIssue`` of the ``Periodical``."""
    url = absolute_url(issue.get_absolute_url())
    cover = share_image(issue.cover_image)
    title = f"{settings.PERIODICAL_NAME} {issue}"
    description = f"《{settings.PERIODICAL_NAME}》{issue}目录" + (f"：{issue.theme}" if issue.theme else "。")
    return PageMeta(
        url=url,
        title=title,
        description=description,
        image=cover,
        image_alt=issue.cover_alt if cover else "",
        share_picture=issue.cover_image,
        structured_data={"@context": SCHEMA, **publication_issue(issue, url=url, cover=cover)},
    )


def person_meta(person, meta):
    """``meta``, the default meta of a person's page, with the person as a schema.org ``Person``.

    The people app stands below the periodical and cannot prepare it: :func:`page_meta` does.
    """
    url = absolute_url(person.get_absolute_url())
    image = share_image(person.photo)
    bio = plain_text(person.bio)
    description = bio or "，".join(filter(None, [person.title, person.organisation]))
    data = {"@context": SCHEMA, "@type": "Person", "name": person.name, "url": url}
    if person.title:
        data["jobTitle"] = person.title
    if person.organisation:
        data["worksFor"] = {"@type": "Organization", "name": person.organisation}
    if image:
        data["image"] = image.url
    if description:
        data["description"] = description
    return replace(
        meta,
        type="profile",
        description=bio,
        image=image or meta.image,
        image_alt=person.name if image else meta.image_alt,
        structured_data=data,
    )


def page_meta(context, title="", description="", *, canonical=True):
    """The meta of the page a template ``context`` renders: the ``meta`` its view prepared
    (articles, issues, events), a person's, or the default meta of the page's address.

    ``title`` and ``description`` are the page's ``<title>`` and description as rendered (HTML);
    they stand in for what the meta leaves out, the title without the site's name, which
    ``og:site_name`` carries. ``canonical=False`` gives no address (error pages).
    """
    meta = context.get("meta")
    request = context.get("request")
    if meta is None and request is not None:
        meta = default_meta(request, context.get("page_obj"))
        if isinstance(context.get("object"), Person):
            meta = person_meta(context["object"], meta)
    if meta is None:
        return None
    title = html.unescape(str(title)).strip().removesuffix(f" — {settings.PERIODICAL_NAME}")
    return replace(
        meta,
        url=meta.url if canonical else "",
        title=meta.title or title,
        description=meta.description or html.unescape(str(description)).strip(),
    )


def default_meta(request, page_obj=None):
    """The meta of any other public page: its canonical address and the site's name.

    The canonical address drops the query string (tracking parameters, filters) except the
    page number of a list after its first page.
    """
    url = absolute_url(request.path)
    if page_obj is not None and page_obj.number > 1:
        url += f"?page={page_obj.number}"
    if request.path == "/":
        return PageMeta(url=url, title=settings.PERIODICAL_NAME, structured_data={"@context": SCHEMA, **periodical()})
    return PageMeta(url=url)
