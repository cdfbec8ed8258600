"""The periodical in the open API: issues with their contents, sections, articles.

Everything is read through ``public()`` (``public_in()`` for an issue's own articles), as the
pages are: what readers cannot see on the site, no endpoint lists or finds.
"""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from ninja import Query, Router

from bulletin import print_edition
from bulletin.models import Article, ArticlePerson, Issue, Section
from bulletin.seo import absolute_url
from bulletin.views import article_page_tags
from publishing import pagecache
from website.api import schemas, serialize
from website.api.http import Paging, not_found, page, paginate

router = Router()

ERRORS = {400: schemas.Error, 404: schemas.Error}


# Issues ----------------------------------------------------------------------------------------


@router.get("/issues/", response={200: schemas.IssuePage, **ERRORS}, tags=["期刊"], summary="各期列表，新的在前")
@page(lists={pagecache.LISTINGS})
def list_issues(request, paging: Query[Paging], year: int | None = Query(None, ge=1949, le=2100, description="年份")):
    issues = Issue.objects.public().order_by("-year", "-number")
    if year is not None:
        issues = issues.filter(year=year)
    rows, envelope = paginate(request, issues, paging)
    return {**envelope, "items": [serialize.issue_item(issue) for issue in rows]}


@router.get(
    "/issues/{int:year}/{int:number}/",
    response={200: schemas.Issue, 404: schemas.Error},
    tags=["期刊"],
    summary="一期：目录按印刷顺序、按栏目分组",
)
@page()
def get_issue(request, year: int, number: int):
    issue = Issue.objects.public().filter(year=year, number=number).first()
    if issue is None:
        raise not_found("期刊")
    pagecache.depends_on(request, pagecache.tag(issue))
    articles = issue.articles.public_in(issue).for_toc()
    return serialize.issue_detail(issue, articles, pdf=_pdf(issue))


def _pdf(issue):
    """The PDF the issue's page offers: the printer's, else the one the site made, if any."""
    if issue.print_pdf:
        return absolute_url(issue.print_pdf.url)
    if print_edition.public_edition(issue) is not None:
        return absolute_url(reverse("bulletin:issue-pdf", args=[issue.year, issue.number]))
    return None


# Sections --------------------------------------------------------------------------------------


@router.get(
    "/sections/", response=list[schemas.Section], tags=["栏目"], summary="全部栏目，按目录顺序，子栏目跟在上级之后"
)
@page(lists={pagecache.SITE})
def list_sections(request):
    # Sections change only in the admin, which makes every cached answer stale (pagecache.SITE).
    sections = list(Section.objects.order_by("order", "pk"))
    children = {}
    for section in sections:
        children.setdefault(section.parent_id, []).append(section)
    by_pk = {section.pk: section for section in sections}
    ordered = []
    for main in children.get(None, []):
        ordered += [main, *children.get(main.pk, [])]
    return [
        serialize.section_detail(section, parent=by_pk.get(section.parent_id), children=children.get(section.pk, []))
        for section in ordered
    ]


@router.get(
    "/sections/{slug:slug}/", response={200: schemas.Section, 404: schemas.Error}, tags=["栏目"], summary="一个栏目"
)
@page()
def get_section(request, slug: str):
    section = Section.objects.select_related("parent").filter(slug=slug).first()
    if section is None:
        raise not_found("栏目")
    pagecache.depends_on(request, pagecache.tag(section))
    children = section.children.order_by("order", "pk")
    return serialize.section_detail(section, parent=section.parent, children=children)


# Articles --------------------------------------------------------------------------------------


@router.get("/articles/", response={200: schemas.ArticlePage, **ERRORS}, tags=["稿件"], summary="稿件列表，新的在前")
@page(lists={pagecache.LISTINGS})
def list_articles(
    request,
    paging: Query[Paging],
    section: str | None = Query(None, description="栏目的 slug，含其子栏目"),
    issue: int | None = Query(None, ge=1, le=999, description="期号（当年第几期），与 year 一起指定一期"),
    year: int | None = Query(None, ge=1949, le=2100, description="所属期刊的年份"),
    topic: str | None = Query(None, description="专题的 slug"),
    person: str | None = Query(None, description="人物的 slug"),
    news: bool | None = Query(None, description="true：只要网站新闻（不属于任何一期）；false：只要期刊稿件"),
):
    articles = Article.objects.public()
    if section:
        articles = articles.filter(Q(section__slug=section) | Q(section__parent__slug=section))
    if issue is not None:
        articles = articles.filter(issue__number=issue)
    if year is not None:
        articles = articles.filter(issue__year=year)
    if topic:
        articles = articles.filter(topics__slug=topic)
    if person:
        # Exists rather than a join: a person in two roles must not list the article twice.
        articles = articles.filter(Exists(ArticlePerson.objects.filter(article=OuterRef("pk"), person__slug=person)))
    if news is not None:
        articles = articles.filter(issue__isnull=news)
    rows, envelope = paginate(request, articles.for_listing().latest_first(), paging)
    return {**envelope, "items": [serialize.article_item(article) for article in rows]}


@router.get(
    "/articles/{int:article_id}/",
    response={200: schemas.Article, 404: schemas.Error},
    tags=["稿件"],
    summary="一篇稿件：正文、图片、人物、专题",
)
@page()
def get_article(request, article_id: int):
    article = Article.objects.public().for_detail().filter(pk=article_id).first()
    if article is None:
        raise not_found("稿件")
    pagecache.depends_on(request, *article_page_tags(article))
    return serialize.article_detail(article)
