from django.db.models import Prefetch, Q
from django.db.models.query import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView

from bulletin.models import (
    Article,
    ArticlePerson,
    ArticlePhoto,
    Issue,
    PublicationStatus,
    Section,
    ShareLink,
    Topic,
    table_of_contents,
)
from events.models import Event

LATEST_NEWS_COUNT = 8


class HomeView(TemplateView):
    template_name = "bulletin/home.html"

    def get_context_data(self, **kwargs):
        issue = Issue.objects.public().first()
        toc = table_of_contents(Article.objects.public().filter(issue=issue).for_toc()) if issue else []
        news = Article.objects.public().web_only().for_listing().latest_first()[:LATEST_NEWS_COUNT]
        return super().get_context_data(issue=issue, toc=toc, news=news, **kwargs)


class IssueArchiveView(ListView):
    template_name = "bulletin/issue_archive.html"
    context_object_name = "issues"

    def get_queryset(self):
        return Issue.objects.public().order_by("-year", "-number")


class IssueDetailView(DetailView):
    template_name = "bulletin/issue_detail.html"
    context_object_name = "issue"

    def get_object(self, queryset=None):
        return get_object_or_404(Issue.objects.public(), year=self.kwargs["year"], number=self.kwargs["number"])

    def get_context_data(self, **kwargs):
        articles = Article.objects.public().filter(issue=self.object).for_toc()
        return super().get_context_data(toc=table_of_contents(articles), **kwargs)


class ArticleDetailView(DetailView):
    template_name = "bulletin/article_detail.html"
    context_object_name = "article"

    def articles(self):
        return Article.objects.public().for_detail().prefetch_related(public_events())

    def get_object(self, queryset=None):
        return get_object_or_404(
            self.articles(),
            issue__year=self.kwargs["year"],
            issue__number=self.kwargs["number"],
            slug=self.kwargs["slug"],
        )


class NewsDetailView(ArticleDetailView):
    def get_object(self, queryset=None):
        return get_object_or_404(self.articles().web_only(), slug=self.kwargs["slug"])


def public_events():
    return Prefetch("events", queryset=Event.objects.public().order_by("start_date"), to_attr="public_events")


class UnlistedPage:
    """A page only people holding its address may see: never cached, never indexed."""

    @method_decorator(never_cache)
    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class ArticlePreviewView(UnlistedPage, ArticleDetailView):
    """Any article, in any state, as readers will see it: for staff who may view articles.

    The one deliberate exception to ``Article.objects.public()``. Everyone else gets a 404, so
    the page does not reveal that an unpublished article exists.
    """

    def get_object(self, queryset=None):
        user = self.request.user
        if not (user.is_active and user.is_staff and user.has_perm("bulletin.view_article")):
            raise Http404
        articles = Article.objects.for_detail().select_related("review_stage").prefetch_related(public_events())
        return get_object_or_404(articles, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview_banner=preview_banner(self.object), **kwargs)


def preview_banner(article):
    state = article.get_status_display()
    if article.status == PublicationStatus.IN_REVIEW:
        state = f"{state}·{article.review_stage}"
    if article.live_article_id:
        return f"预览：这是已发布稿件的修改稿，尚未发布（状态：{state}）"
    if article.status != PublicationStatus.PUBLISHED:
        return f"预览：本稿尚未发布（状态：{state}）"
    if article.published_at > timezone.now():
        return f"预览：本稿定于 {timezone.localtime(article.published_at):%Y-%m-%d %H:%M} 发布，读者届时才能看到"
    if not Article.objects.public().filter(pk=article.pk).exists():
        return f"预览：本稿已发布，但{article.issue.short_name}尚未上线，读者还看不到"
    return "预览：本稿已公开，读者看到的就是这一版"


class SharedPreviewView(UnlistedPage, DetailView):
    """One revision of an article, for an outside expert holding an active share link.

    Only the text of that revision is shown: people, photos, topics and events live outside the
    revision and could have changed since, so they are left out.
    """

    template_name = "bulletin/article_detail.html"
    context_object_name = "article"

    def get_object(self, queryset=None):
        self.link = ShareLink.from_token(self.kwargs["token"])
        if self.link is None:
            raise Http404
        article = self.link.revision.instance
        prefetch_related_objects(
            [article],
            Prefetch("person_links", queryset=ArticlePerson.objects.none()),
            Prefetch("photos", queryset=ArticlePhoto.objects.none()),
            Prefetch("topics", queryset=Topic.objects.none()),
        )
        return article

    def get_context_data(self, **kwargs):
        expires = timezone.localtime(self.link.expires_at)
        return super().get_context_data(preview_banner=f"外审预览：此链接于 {expires:%Y-%m-%d %H:%M} 失效", **kwargs)


class ArticleStreamView(ListView):
    """Published articles of one section or topic across all issues, newest first."""

    paginate_by = 20
    context_object_name = "articles"

    def get_queryset(self):
        return self.filter_articles(Article.objects.public()).for_listing().latest_first()


class SectionDetailView(ArticleStreamView):
    template_name = "bulletin/section_detail.html"

    def filter_articles(self, articles):
        self.section = get_object_or_404(Section.objects.select_related("parent"), slug=self.kwargs["slug"])
        return articles.filter(Q(section=self.section) | Q(section__parent=self.section))

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class NewsListView(ArticleStreamView):
    template_name = "bulletin/news_list.html"

    def filter_articles(self, articles):
        return articles.web_only()


class TopicDetailView(ArticleStreamView):
    template_name = "bulletin/topic_detail.html"

    def filter_articles(self, articles):
        self.topic = get_object_or_404(Topic, slug=self.kwargs["slug"])
        return articles.filter(topics=self.topic)

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)
