"""``sitemap.xml``: every public page with the time it last changed, and nothing else.

Each sitemap reads its model's ``public()`` queryset, so drafts, scheduled and withdrawn content,
unreleased issues and previews never appear. Addresses are built on ``settings.SITE_URL``.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import sitemaps
from django.db.models import Max, OuterRef, Q, Subquery
from django.urls import reverse

from bulletin.models import Article, Issue, Section, Topic
from events.models import Event
from people.models import Person


class PublicSitemap(sitemaps.Sitemap):
    """Addresses on the site's public address, whatever host the crawler asked."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def lastmod(self, item):
        # Publishing saves only the workflow fields, so updated_at may be older than published_at.
        return max(filter(None, [item.updated_at, getattr(item, "published_at", None)]))


class IssueSitemap(PublicSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Issue.objects.public().order_by("-year", "-number")


class ArticleSitemap(PublicSitemap):
    changefreq = "monthly"

    def items(self):
        return Article.objects.public().select_related("issue").order_by("-published_at", "-pk")


class ArticleStreamSitemap(PublicSitemap):
    """Pages that list articles across issues (``model``'s), those with at least one public
    article, changed when their newest was published; one query however many there are."""

    changefreq = "weekly"
    priority = 0.4

    def items(self):
        newest = self.articles_of(OuterRef("pk")).order_by("-published_at").values("published_at")[:1]
        return self.model.objects.annotate(newest=Subquery(newest)).filter(newest__isnull=False).order_by(*self.order)

    def lastmod(self, item):
        return item.newest


class SectionSitemap(ArticleStreamSitemap):
    """Sections with at least one public article (of their own or of a sub-column)."""

    model = Section
    order = ("order", "pk")

    def articles_of(self, section):
        return Article.objects.public().filter(Q(section=section) | Q(section__parent=section))


class TopicSitemap(ArticleStreamSitemap):
    model = Topic
    order = ("name",)

    def articles_of(self, topic):
        return Article.objects.public().filter(topics=topic)


class PersonSitemap(PublicSitemap):
    priority = 0.3

    def items(self):
        return Person.objects.public().order_by("slug")


class EventSitemap(PublicSitemap):
    priority = 0.4

    def items(self):
        return Event.objects.public().order_by("-start_date", "-pk")


class PageSitemap(PublicSitemap):
    """The home page and the lists readers start from, changed when their newest entry was."""

    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["bulletin:home", "bulletin:issue-archive", "bulletin:news-list", "events:event-list"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        if not hasattr(self, "_newest"):
            self._newest = {
                "articles": Article.objects.public().aggregate(at=Max("published_at"))["at"],
                "issues": Issue.objects.public().aggregate(at=Max("updated_at"))["at"],
                "news": Article.objects.public().web_only().aggregate(at=Max("published_at"))["at"],
                "events": Event.objects.public().aggregate(at=Max("updated_at"))["at"],
            }
        newest = self._newest
        return {
            "bulletin:home": max(filter(None, [newest["articles"], newest["issues"]]), default=None),
            "bulletin:issue-archive": newest["issues"],
            "bulletin:news-list": newest["news"],
            "events:event-list": newest["events"],
        }[item]


SITEMAPS = {
    "pages": PageSitemap,
    "issues": IssueSitemap,
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "topics": TopicSitemap,
    "people": PersonSitemap,
    "events": EventSitemap,
}
