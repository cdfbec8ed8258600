from urllib.parse import urlsplit

from django.db.models import Prefetch, Q
from django.db.models.query import prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, TemplateView, View

from bulletin import article_page, issue_page, print_edition, redirects, seo
from bulletin.models import Article, ArticlePerson, ArticlePhoto, Issue, Section, ShareLink, Topic, table_of_contents
from publishing import images, media, pagecache, qr
from publishing.models import PublicationStatus

LATEST_NEWS_COUNT = 8
# The accessible name of an article's QR code.
QR_CODE_TITLE = "本文网址的二维码"


class HomeView(TemplateView):
    template_name = "bulletin/home.html"

    def get_context_data(self, **kwargs):
        issue = Issue.objects.public().first()
        toc = table_of_contents(issue.articles.public_in(issue).for_toc()) if issue else []
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
        issue, self.page = issue_page.read(self.kwargs["year"], self.kwargs["number"])
        if issue is None:
            raise Http404
        return issue

    def get_context_data(self, **kwargs):
        pagecache.depends_on(self.request, pagecache.tag(self.object))
        return super().get_context_data(**self.page, meta=seo.issue_meta(self.object), **kwargs)


class IssuePdfView(View):
    """The PDF of a released issue (``bulletin.print_edition``); 404 until it is public and built."""

    def get(self, request, year, number):
        issue = get_object_or_404(Issue.objects.public(), year=year, number=number)
        edition = print_edition.public_edition(issue)
        if edition is None:
            raise Http404
        return FileResponse(edition.file.open("rb"), filename=print_edition.file_name(edition))


@require_safe
def media_file(request, name):
    """An uploaded file nginx did not find in the public tree (``publishing.media``).

    Staff who may see its content get it, and so does an expert reading a share link's preview
    that shows it, and the correspondent whose piece shows it. Readers get it once its content is theirs to see (and nginx from then on), a
    404 until then, as for a file that does not exist.
    """
    if not media.stored_file(name):
        raise Http404
    if media.is_linked(name):  # what nginx answers itself; here in development and tests
        return media.response(name, public=True)
    original = images.original_of(name)
    if (
        media.may_preview(request.user, original)
        or shown_by_share_link(request, original)
        or shown_to_its_contributor(request.user, original)
    ):
        return media.response(name, public=False)
    if original in media.settle({original}):
        return media.response(name, public=True)
    raise Http404


def shown_to_its_contributor(user, name):
    """Whether ``user`` is the correspondent who sent in a piece that shows the image ``name``
    (one of its photos, or an image the office put into its text): they read their own piece,
    its proof included, before readers do."""
    if not user.is_authenticated or user.is_staff:
        return False
    theirs = Article.objects.filter(submission__contributor=user)
    if ArticlePhoto.objects.filter(article__in=theirs, image=name).exists():
        return True
    return any(
        name in media.images_in(body) for body in theirs.filter(body__contains=name).values_list("body", flat=True)
    )


def shown_by_share_link(request, name):
    """Whether ``request`` comes from the preview of an active share link whose text shows the
    image ``name``: the outside expert reading it has no account. The link's address, sent as
    the referrer, is the credential, as it is for the page itself."""
    try:
        match = resolve(urlsplit(request.headers.get("Referer", "")).path)
    except Resolver404:
        return False
    if match.view_name != "bulletin:shared-preview":
        return False
    link = ShareLink.from_token(match.kwargs["token"])
    return link is not None and name in media.images_in(link.revision.body)


class ArticleDetailView(DetailView):
    template_name = "bulletin/article_detail.html"
    context_object_name = "article"

    def read(self):
        """``bulletin.article_page.read()`` of the article at this address."""
        return article_page.read(article_page.IN_ISSUE, **self.kwargs)

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # An address the article had before it moved (bulletin.redirects): send readers on.
            moved = self.moved_article()
            if moved is None:
                raise
            return HttpResponsePermanentRedirect(moved.get_absolute_url())

    def moved_article(self):
        return redirects.moved_article(self.request.path)

    def page_meta(self):
        return seo.article_meta(self.object)

    def get_object(self, queryset=None):
        article, self.page = self.read()
        if article is None:
            raise Http404
        return article

    def get_context_data(self, **kwargs):
        article = self.object
        pagecache.depends_on(self.request, *article_page_tags(article))
        return super().get_context_data(
            **self.page,
            meta=self.page_meta(),
            absolute_url=seo.absolute_url(article.get_absolute_url()),
            **kwargs,
        )


def article_page_tags(article):
    """What an article page shows besides itself: its issue's contents (previous and next), and
    articles related through its section or people. Reads only what ``bulletin.article_page`` (or
    ``for_detail()``) loaded."""
    tags = {
        pagecache.tag_of("article", article.live_article_id or article.pk),
        pagecache.tag_of("section", article.section_id),
    }
    if article.issue_id:
        tags.add(pagecache.tag_of("issue", article.issue_id))
    tags.update(pagecache.tag_of("person", link.person_id) for link in article.person_links.all())
    return tags


@require_safe
def article_qr_code(request, pk):
    """The QR code of a public article's address, an SVG image its page shows desktop readers.

    An image of its own rather than markup in the page: choosing a code's mask costs about 5 ms,
    which every article page built afresh would pay, for a picture that phones neither show nor
    fetch. Cached like a page, and made stale with the article (its address may change).
    """
    article = get_object_or_404(Article.objects.public().select_related("issue"), pk=pk)
    pagecache.depends_on(request, pagecache.tag(article))
    code = qr.svg(seo.absolute_url(article.get_absolute_url()), title=QR_CODE_TITLE)
    return HttpResponse(code, content_type="image/svg+xml")


class NewsDetailView(ArticleDetailView):
    def read(self):
        return article_page.read(article_page.NEWS, slug=self.kwargs["slug"])


class UnlistedPage:
    """A page only people holding its address may see: never cached, never indexed."""

    @method_decorator(never_cache)
    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def page_meta(self):
        return None  # no canonical address, link preview or structured data for what is not public

    def moved_article(self):
        return None


class ArticlePreviewView(UnlistedPage, ArticleDetailView):
    """Any article, in any state, as readers will see it: for staff who may view articles.

    The one deliberate exception to ``Article.objects.public()``. Everyone else gets a 404, so
    the page does not reveal that an unpublished article exists.
    """

    def read(self):
        user = self.request.user
        if not (user.is_active and user.is_staff and user.has_perm("bulletin.view_article")):
            raise Http404
        return article_page.read(article_page.PREVIEW, pk=self.kwargs["pk"])

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
        pagecache.depends_on(self.request, pagecache.tag(self.section))
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
        pagecache.depends_on(self.request, pagecache.tag(self.topic))
        return articles.filter(topics=self.topic)

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)
