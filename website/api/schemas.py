"""The shapes of the open API's answers: the contract its OpenAPI document publishes.

Every address in them is absolute, on the site's public address (``SITE_URL``); times are
ISO 8601 in the site's time zone (Asia/Shanghai), dates ``YYYY-MM-DD``. Rich text (``*_html``)
is the stored HTML, already cleaned against the site's allowlist; the images and links in it
are addresses on the site (``/media/…``), relative to ``SITE_URL``.
"""

from datetime import date, datetime, time
from typing import Literal

from ninja import Field, Schema


class Error(Schema):
    detail: str = Field(description="说明出了什么问题，可直接显示给读者")
    errors: list[dict[str, str]] = Field(description="参数错误时逐项列出：parameter（参数名）与 message（说明）")


class PageOf(Schema):
    count: int = Field(description="符合条件的总条数")
    page: int = Field(description="当前页码，从 1 开始")
    pages: int = Field(description="总页数")
    page_size: int = Field(description="每页条数")
    previous: str | None = Field(description="上一页的接口地址")
    next: str | None = Field(description="下一页的接口地址")


# Images ----------------------------------------------------------------------------------------


class Rendition(Schema):
    url: str
    width: int
    height: int
    type: str = Field(description="MIME 类型：image/jpeg、image/png 或 image/webp")


class Image(Schema):
    src: str = Field(description="最大的一幅（原格式，最宽 1600 像素）")
    width: int | None
    height: int | None
    alt: str = Field(description="替代文字")
    renditions: list[Rendition] = Field(description="各种宽度的版本，原格式在前，WebP 在后，各自由窄到宽")


class Photo(Image):
    caption: str = Field(description="图片说明")
    credit: str = Field(description="摄影")


class Cover(Image):
    caption: str = Field(description="封面说明")


# References ------------------------------------------------------------------------------------


class IssueRef(Schema):
    id: int
    year: int
    number: int = Field(description="当年第几期")
    running_number: int = Field(description="总期号")
    name: str = Field(description="如“2026年第2期”")
    url: str


class SectionRef(Schema):
    slug: str
    name: str
    url: str


class TopicRef(Schema):
    slug: str
    name: str
    url: str


class PersonRef(Schema):
    slug: str
    name: str
    url: str


# Sections --------------------------------------------------------------------------------------


class Section(SectionRef):
    pinyin_name: str = Field(description="印在栏目名下的拼音，如 Kehaiguanlan")
    description: str
    show_heading: bool = Field(description="目录中是否印出栏目名")
    parent: SectionRef | None = Field(description="上级栏目（子栏目才有）")
    children: list[SectionRef] = Field(description="子栏目，按目录顺序")


# Articles --------------------------------------------------------------------------------------


class ArticleBase(Schema):
    id: int
    kicker: str = Field(description="引题")
    title: str
    subtitle: str = Field(description="副题")
    summary: str
    byline: str = Field(description="署名，照印")
    contributor: str = Field(description="供稿单位")
    published_at: datetime
    issue: IssueRef | None = Field(description="所属期刊；只在网站发布的新闻为 null")
    section: SectionRef
    first_page: int | None = Field(description="印刷版首页码")
    last_page: int | None = Field(description="印刷版末页码")
    pages: str = Field(description="页码范围，如“12—14”；没有页码时为空")
    url: str = Field(description="网页地址")


class ArticleItem(ArticleBase):
    photo: Photo | None = Field(description="题图（第一张图片）")


class ArticleRole(Schema):
    role: Literal["author", "subject", "mentioned"]
    role_label: str = Field(description="作者、报道对象或提及")
    title: str = Field(description="文中职务，未填写时为人物的现任职务")


class ArticlePerson(ArticleRole):
    person: PersonRef


class Article(ArticleBase):
    body_html: str = Field(description="正文 HTML（已按白名单清理）")
    photos: list[Photo]
    people: list[ArticlePerson] = Field(description="本文人物及其角色")
    topics: list[TopicRef] = Field(description="专题")


class ArticlePage(PageOf):
    items: list[ArticleItem]


# Issues ----------------------------------------------------------------------------------------


class IssueItem(IssueRef):
    title: str = Field(description="如“2026年第2期（总第122期）”")
    theme: str = Field(description="本期主题")
    released_on: date = Field(description="出版日期")
    published_at: datetime = Field(description="上线时间")
    page_count: int | None
    cover: Cover | None


class TocEntry(Schema):
    id: int
    kicker: str
    title: str
    subtitle: str
    byline: str
    first_page: int | None
    last_page: int | None
    pages: str
    url: str


class TocSection(SectionRef):
    pinyin_name: str
    show_heading: bool = Field(description="目录中是否印出栏目名；为 false 时按印刷版不显示标题")
    parent: str | None = Field(description="上级栏目的 slug")


class TocGroup(Schema):
    section: TocSection
    is_subcolumn: bool
    articles: list[TocEntry]


class Issue(IssueItem):
    pdf: str | None = Field(description="本期 PDF 的下载地址；还没有时为 null")
    contents: list[TocGroup] = Field(description="目录：按印刷顺序，稿件归在各自栏目下，与网站本期页面相同")


class IssuePage(PageOf):
    items: list[IssueItem]


# People ----------------------------------------------------------------------------------------


class PersonItem(PersonRef):
    title: str = Field(description="现任职务")
    organisation: str = Field(description="单位")
    initial: str = Field(description="姓名拼音首字母 A–Z")
    photo: Image | None


class PersonArticle(ArticleItem):
    roles: list[ArticleRole] = Field(description="此人在这篇稿件中的角色")


class PersonArticlePage(PageOf):
    items: list[PersonArticle]


class PersonPage(PageOf):
    items: list[PersonItem]


# Events ----------------------------------------------------------------------------------------


class EventItem(Schema):
    slug: str
    title: str
    start_date: date
    start_time: time | None = Field(description="全天活动为 null")
    end_date: date | None = Field(description="一天之内的活动为 null")
    end_time: time | None
    place: str
    organiser: str = Field(description="主办单位")
    url: str


class Event(EventItem):
    description_html: str = Field(description="活动介绍 HTML（已按白名单清理）")
    articles: list[ArticleItem] = Field(description="相关稿件，新的在前")
    people: list[PersonItem] = Field(description="相关人物")


class EventPage(PageOf):
    items: list[EventItem]


class Person(PersonItem):
    bio_html: str = Field(description="简介 HTML（已按白名单清理）")
    articles: PersonArticlePage = Field(description="关于此人的稿件，新的在前，按 page/page_size 分页")
    events: list[EventItem] = Field(description="相关活动，最近的 10 个")


# Search ----------------------------------------------------------------------------------------


class SearchHit(ArticleItem):
    title_html: str = Field(description="标题，检索词以 <mark> 标出（已转义）")
    snippet_html: str = Field(description="摘录，检索词以 <mark> 标出（已转义）")
    exact_match: bool = Field(description="是否含有原样的检索词；为 false 的是拆开的词都出现的稿件，排在后面")


class SearchPage(PageOf):
    query: str = Field(description="实际检索的文字（最多 100 字）")
    truncated: bool = Field(description="检索词是否因过长被截断")
    found: int = Field(description="符合的稿件数；estimated 为 true 时是估计数")
    estimated: bool
    found_text: str = Field(description="给读者看的数量，如“约1.2万”")
    apart_words: list[str] = Field(description="检索词被拆开查找的词")
    items: list[SearchHit]
    people: list[PersonItem] = Field(description="也符合的人物（只在第 1 页）")
    events: list[EventItem] = Field(description="也符合的活动（只在第 1 页）")


class Index(Schema):
    name: str
    version: str
    openapi: str
    site: str
    resources: dict[str, str]
