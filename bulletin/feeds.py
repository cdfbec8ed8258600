"""RSS 2.0 and Atom feeds of public articles: the whole site, one section, one issue.

Like every public page they read ``Article.objects.public()`` only; links, GUIDs and
enclosures are absolute addresses on ``settings.SITE_URL``. Every text they carry is plain
text (titles, summaries, bylines, names), and readers get it as text, never as markup.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape

from bulletin import seo
from bulletin.models import Article, Issue, Section
from publishing import pagecache

FEED_LENGTH = 30


class PlainTextRss(Rss201rev2Feed):
    """RSS 2.0 of plain titles and descriptions.

    The generator only escapes for XML, which the reader undoes; RSS leaves open what the text
    is then, and readers render titles and descriptions as HTML. Escaped once more for HTML,
    ``<b>`` reaches the reader as those three characters, and a payload as harmless text.
    """

    def __init__(self, title, link, description, **kwargs):
        super().__init__(escape(title), link, escape(description), **kwargs)

    def add_item(self, title, link, description, **kwargs):
        super().add_item(escape(title), link, escape(description), **kwargs)


class PlainTextAtom(Atom1Feed):
    """Atom of plain summaries: Django marks every summary ``type="html"``, so it is escaped once
    more for HTML. Titles and names are Atom text and go in as they are."""

    def add_item(self, title, link, description, **kwargs):
        super().add_item(title, link, escape(description), **kwargs)


class ArticleFeed(Feed):
    """The newest public articles, as RSS 2.0; ``AtomFeed`` variants below."""

    feed_type = PlainTextRss
    language = "zh-CN"
    url_name = "bulletin:feed-rss"

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # The generator writes the XML in a thousand small pieces, each sent on its own and held
        # up by Nagle's algorithm against delayed ACKs (~40 ms a feed): send it as one.
        response.content = response.content
        response["X-Content-Type-Options"] = "nosniff"
        return response

    # The channel ---------------------------------------------------------------------------

    def title(self, obj):
        return settings.PERIODICAL_NAME

    def description(self, obj):
        return f"{settings.PUBLISHER_NAME}主办的《{settings.PERIODICAL_NAME}》最新稿件与网站新闻"

    def subtitle(self, obj):
        return self.description(obj)

    def link(self, obj):
        return seo.absolute_url(reverse("bulletin:home"))

    def feed_url(self, obj):
        return seo.absolute_url(reverse(self.url_name, kwargs=self.url_kwargs(obj)))

    def url_kwargs(self, obj):
        return {}

    def author_name(self, obj):
        return settings.PUBLISHER_NAME

    def feed_copyright(self, obj):
        return f"© {settings.PUBLISHER_NAME}"

    # The items -----------------------------------------------------------------------------

    def articles(self, obj):
        return Article.objects.public()

    def items(self, obj):
        return self.articles(obj).for_listing(with_body=True).prefetch_related("topics").latest_first()[:FEED_LENGTH]

    def item_title(self, item):
        return f"{item.kicker}{item.title}" if item.kicker else item.title

    def item_description(self, item):
        return seo.article_description(item)

    def item_link(self, item):
        return seo.absolute_url(item.get_absolute_url())

    def item_guid(self, item):
        return self.item_link(item)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.published_at, item.updated_at)

    def item_author_name(self, item):
        return item.byline or None

    def item_categories(self, item):
        sections = [item.section.name]
        return sections + [topic.name for topic in item.topics.all()]

    def item_enclosures(self, item):
        photo = item.teaser_photo
        image = seo.share_image(photo.image) if photo else None
        if image is None:
            return []
        return [Enclosure(image.url, str(image.length()), image.mime_type)]


class SectionFeed(ArticleFeed):
    url_name = "bulletin:section-feed-rss"

    def get_object(self, request, slug):
        section = get_object_or_404(Section, slug=slug)
        pagecache.depends_on(request, pagecache.tag(section))
        return section

    def url_kwargs(self, obj):
        return {"slug": obj.slug}

    def title(self, obj):
        return f"{settings.PERIODICAL_NAME} · {obj.name}"

    def description(self, obj):
        return obj.description or f"《{settings.PERIODICAL_NAME}》“{obj.name}”栏目的最新稿件"

    def link(self, obj):
        return seo.absolute_url(obj.get_absolute_url())

    def articles(self, obj):
        # A column's sub-columns belong to it, as on the section's page.
        return Article.objects.public().filter(Q(section=obj) | Q(section__parent=obj))


class IssueFeed(ArticleFeed):
    """All public articles of one released issue, in the order of its table of contents."""

    url_name = "bulletin:issue-feed-rss"

    def get_object(self, request, year, number):
        issue = get_object_or_404(Issue.objects.public(), year=year, number=number)
        pagecache.depends_on(request, pagecache.tag(issue))
        return issue

    def url_kwargs(self, obj):
        return {"year": obj.year, "number": obj.number}

    def title(self, obj):
        return f"{settings.PERIODICAL_NAME} {obj.short_name}"

    def description(self, obj):
        return f"《{settings.PERIODICAL_NAME}》{obj}目录" + (f"：{obj.theme}" if obj.theme else "")

    def link(self, obj):
        return seo.absolute_url(obj.get_absolute_url())

    def items(self, obj):
        return obj.articles.public_in(obj).for_toc(with_body=True).prefetch_related("photos", "topics")


class AtomFeed:
    feed_type = PlainTextAtom


class ArticleAtomFeed(AtomFeed, ArticleFeed):
    url_name = "bulletin:feed-atom"


class SectionAtomFeed(AtomFeed, SectionFeed):
    url_name = "bulletin:section-feed-atom"


class IssueAtomFeed(AtomFeed, IssueFeed):
    url_name = "bulletin:issue-feed-atom"
