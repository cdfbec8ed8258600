from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from bulletin.models import Article, Issue, Section, Topic, table_of_contents
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
        events = Prefetch("events", queryset=Event.objects.public().order_by("start_date"), to_attr="public_events")
        return Article.objects.public().for_detail().prefetch_related(events)

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
