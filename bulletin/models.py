"""The periodical: issues (期), sections (栏目), topics (专题) and articles (稿件).

Public code reads through the querysets' ``public()`` methods only; they are the single
definition of what a reader may see.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from publishing import pagecache, search
from publishing.images import PublicImageField
from publishing.links import page_url
from publishing.models import (
    EDITS,
    ROUND_STARTS,
    DerivedFieldsModel,
    PublicationStatus,
    Reviewable,
    ReviewStage,
    Searchable,
    StatefulModel,
    WorkflowLog,
    writes,
)
from publishing.sanitize import RichTextField
from publishing.slugs import fill_slug, pinyin_slug
from publishing.uploads import validate_pdf


class IssueQuerySet(models.QuerySet):
    def public(self):
        """Released issues whose release time has come."""
        return self.filter(status=Issue.Status.PUBLISHED, published_at__lte=timezone.now())


class Issue(StatefulModel, DerivedFieldsModel):
    state_fields = ("status", "published_at")

    class Status(models.TextChoices):
        DRAFT = "draft", "编辑中"
        PUBLISHED = "published", "已出版"

    year = models.PositiveSmallIntegerField("年份", validators=[MinValueValidator(1949), MaxValueValidator(2100)])
    number = models.PositiveSmallIntegerField(
        "期号", validators=[MinValueValidator(1)], help_text="当年的第几期，如“第2期”填 2"
    )
    running_number = models.PositiveIntegerField(
        "总期号", unique=True, validators=[MinValueValidator(1)], help_text="创刊以来的总期数，如“总第128期”填 128"
    )
    theme = models.CharField("本期主题", max_length=200, blank=True)
    cover_image = PublicImageField(
        "封面图片",
        upload_to="issues/covers/%Y/",
        blank=True,
        help_text="JPEG、PNG、WebP 或 GIF；上传时会去掉拍摄地点等隐藏信息",
    )
    cover_caption = models.CharField("封面说明", max_length=300, blank=True)
    page_count = models.PositiveSmallIntegerField(
        "页数", null=True, blank=True, validators=[MinValueValidator(1)], help_text="印刷版总页数，用于校对页码"
    )
    released_on = models.DateField(
        "出版日期", null=True, blank=True, help_text="印刷版的出版日期；发布时未填写则取当天"
    )
    status = models.CharField("状态", max_length=16, choices=Status, default=Status.DRAFT, editable=False)
    published_at = models.DateTimeField(
        "上线时间", null=True, blank=True, editable=False, help_text="到了这个时刻，本期及其稿件在网站上可见"
    )
    print_pdf = models.FileField(
        "印厂定稿 PDF",
        upload_to="issues/pdf/%Y/",
        blank=True,
        help_text="在本系统之外排版付印的定稿。上传后，读者在本期页面下载的是它，而不是系统生成的印刷版 PDF",
        validators=[FileExtensionValidator(["pdf"], message="只能上传 PDF 文件。"), validate_pdf],
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = "期刊"
        verbose_name_plural = "期刊"
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="issue_unique_year_number"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(released_on__isnull=False, published_at__isnull=False),
                name="issue_published_has_date",
                violation_error_message="已出版的期刊必须有出版日期和上线时间。",
            ),
        ]
        permissions = [("release_issue", "可发布和撤回期刊")]

    def __str__(self):
        return f"{self.year}年第{self.number}期（总第{self.running_number}期）"

    def get_absolute_url(self):
        return page_url("bulletin:issue-detail", year=self.year, number=self.number)

    def derive_fields(self, update_fields=None):
        if self.status == self.Status.PUBLISHED:
            self.published_at = self.published_at or timezone.now()
            self.released_on = self.released_on or timezone.localdate(self.published_at)

    @property
    def short_name(self):
        return f"{self.year}年第{self.number}期"

    @property
    def cover_alt(self):
        return f"{self}封面" + (f"：{self.cover_caption}" if self.cover_caption else "")

    def unique_error_message(self, model_class, unique_check):
        if tuple(unique_check) == ("year", "number"):
            return ValidationError(f"{self.year}年第{self.number}期已经存在，请检查年份和期号。", code="unique")
        if tuple(unique_check) == ("running_number",):
            return ValidationError(f"总第{self.running_number}期已经存在，请检查总期号。", code="unique")
        return super().unique_error_message(model_class, unique_check)

    def flatplan_report(self):
        """Pages no article covers, and articles printed before an article listed ahead of them.

        Several short items may share a page, so overlaps are not a problem; gaps and pages
        running backwards against the table of contents usually are.
        """
        articles = [
            a
            for a in self.articles.exclude(status=PublicationStatus.WITHDRAWN).select_related("section").in_toc_order()
            if a.first_page is not None
        ]
        covered = set()
        for article in articles:
            covered.update(range(article.first_page, (article.last_page or article.first_page) + 1))
        uncovered = [p for p in range(1, (self.page_count or 0) + 1) if p not in covered]
        out_of_order, furthest = [], 0
        for article in articles:
            if article.first_page < furthest:
                out_of_order.append(article)
            furthest = max(furthest, article.first_page)
        return FlatplanReport(uncovered_pages=uncovered, out_of_order=out_of_order)


@dataclass
class FlatplanReport:
    uncovered_pages: list
    out_of_order: list

    @property
    def ok(self):
        return not self.uncovered_pages and not self.out_of_order


class IssuePrint(models.Model):
    """A PDF of an issue made by ``bulletin.print_edition``: one per issue and layout.

    ``file`` is the last PDF built (kept while a rebuild is queued, so a download never breaks);
    ``fingerprint`` identifies the content and layout it shows, so an unchanged issue is not
    built twice. ``proof`` marks a PDF built before readers could see the issue: it says 样稿.
    """

    class Paper(models.TextChoices):
        A4 = "A4", "A4"
        B5 = "B5", "16开"

    class State(models.TextChoices):
        QUEUED = "queued", "排队等待生成"
        BUILDING = "building", "正在生成"
        READY = "ready", "已生成"
        FAILED = "failed", "生成失败"

    issue = models.ForeignKey(Issue, verbose_name="期刊", on_delete=models.CASCADE, related_name="prints")
    paper = models.CharField(
        "纸张", max_length=2, choices=Paper, default=Paper.A4, help_text="A4 为 210×297 毫米，16开为 185×260 毫米"
    )
    recorded_pages = models.BooleanField(
        "目录用录入的页码",
        default=False,
        help_text="重印往期时，目录印稿件中录入的印刷页码；否则印本 PDF 中的实际页码",
    )
    state = models.CharField("状态", max_length=10, choices=State, default=State.QUEUED)
    file = models.FileField("PDF 文件", upload_to="issues/print/%Y/", blank=True)
    proof = models.BooleanField("样稿", default=False, help_text="读者还看不到本期时生成的 PDF，每页印有“样稿”字样")
    page_total = models.PositiveSmallIntegerField("页数", null=True, blank=True)
    fingerprint = models.CharField("内容指纹", max_length=64, blank=True)
    error = models.TextField("错误信息", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    built_at = models.DateTimeField("生成时间", null=True, blank=True)

    class Meta:
        verbose_name = "印刷版 PDF"
        verbose_name_plural = "印刷版 PDF"
        ordering = ["issue", "paper", "recorded_pages"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "paper", "recorded_pages"], name="issue_print_unique_layout"),
        ]

    def __str__(self):
        pages = "，目录用录入的页码" if self.recorded_pages else ""
        return f"{self.issue.short_name}印刷版（{self.get_paper_display()}{pages}）"


class Section(DerivedFieldsModel):
    name = models.CharField("栏目名称", max_length=50, unique=True)
    slug = models.SlugField(
        "网址名", max_length=60, unique=True, blank=True, help_text="留空则按拼音生成，如“科海观澜”为 kehaiguanlan"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级栏目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="子栏目（如“学教短波”）在目录中排在上级栏目之下",
    )
    order = models.PositiveSmallIntegerField("排序", default=100, help_text="数字小的排在目录前面")
    show_heading = models.BooleanField(
        "在目录中显示栏目名",
        default=True,
        help_text="卷首语、人物通讯、署名评论等不印栏目名的稿件，可放在不显示栏目名的栏目中，按排序夹在其他栏目之间",
    )
    description = models.TextField("栏目介绍", blank=True)
    # Kept rather than computed per page: pypinyin is never loaded to serve readers.
    pinyin_name = models.CharField(
        "栏目名拼音", max_length=120, blank=True, editable=False, help_text="印在栏目名下，如 Kehaiguanlan"
    )

    class Meta:
        verbose_name = "栏目"
        verbose_name_plural = "栏目"
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return page_url("bulletin:section-detail", slug=self.slug)

    def derive_fields(self, update_fields=None):
        fill_slug(self, pinyin_slug(self.name, separator=""), Section.objects)
        self.pinyin_name = romanised(self.name)

    def clean(self):
        if self.parent_id is None:
            return
        if self.parent_id == self.pk:
            raise ValidationError({"parent": "栏目不能以自己为上级栏目。"})
        if self.parent.parent_id is not None:
            raise ValidationError({"parent": "栏目最多两级：上级栏目本身不能再有上级栏目。"})


class Topic(DerivedFieldsModel):
    name = models.CharField("专题名称", max_length=50, unique=True)
    slug = models.SlugField("网址名", max_length=60, unique=True, blank=True, help_text="留空则按拼音生成")
    description = models.TextField("专题介绍", blank=True)

    class Meta:
        verbose_name = "专题"
        verbose_name_plural = "专题"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return page_url("bulletin:topic-detail", slug=self.slug)

    def derive_fields(self, update_fields=None):
        fill_slug(self, pinyin_slug(self.name), Topic.objects)


def romanised(name):
    """A column's name as printed under it on an opener: 科海观澜 → “Kehaiguanlan”."""
    return pinyin_slug(name, separator="", max_length=120).capitalize()


class ArticleManager(models.Manager):
    """Leaves out the search text: it is for the database to search (and several times the size
    of the body), never shown, so pages and lists do not carry it from PostgreSQL."""

    def get_queryset(self):
        return super().get_queryset().defer(*search.SEARCH_FIELDS, search.DOCUMENT_FIELD)


class ArticleQuerySet(models.QuerySet):
    def public(self):
        """Published, due, and either web-only or in a published issue: what readers may see."""
        now = timezone.now()
        return self.filter(
            Q(issue__isnull=True) | Q(issue__status=Issue.Status.PUBLISHED, issue__published_at__lte=now),
            status=PublicationStatus.PUBLISHED,
            published_at__lte=now,
        )

    def originals(self):
        """Articles themselves, without the pending revisions of published ones."""
        return self.filter(live_article__isnull=True)

    def awaiting_decision_by(self, user):
        """Articles in review that ``user`` may approve now, oldest in their stage first.

        The same rules as ``workflow.refusal("approve", …)``, asked in one query for all articles:
        the user may review and the stage is theirs to decide (any stage for a superuser), the user neither
        created nor changed the text, and has not decided an earlier stage of this round.
        """
        if not user.has_perm("bulletin.review_article"):
            return self.none()
        log = WorkflowLog.objects.filter(content_type=ContentType.objects.get_for_model(Article))
        edited = log.filter(object_id=OuterRef("pk"), action__in=EDITS, actor=user)
        articles = (
            self.filter(status=PublicationStatus.IN_REVIEW)
            .exclude(created_by=user)
            .exclude(updated_by=user)
            .exclude(Exists(edited))
        )
        if not user.is_superuser:
            # A stage is decided by its group and by the groups of any later stage.
            latest = ReviewStage.objects.filter(group__user=user).aggregate(latest=models.Max("order"))["latest"]
            articles = articles.filter(review_stage__order__lte=latest if latest is not None else -1)
        # An approval counts if no new round started after it.
        later_submission = log.filter(object_id=OuterRef("object_id"), action__in=ROUND_STARTS).filter(
            Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk"))
        )
        approved_this_round = log.filter(object_id=OuterRef("pk"), action="approve", actor=user).exclude(
            Exists(later_submission)
        )
        return articles.exclude(Exists(approved_this_round)).order_by("stage_entered_at", "pk")

    def page_tags(self):
        """The page-cache tags (``publishing.pagecache``) of every page that shows any of these articles,
        as they are now.

        Four queries however many articles: their own columns, then their people, topics and events.
        """
        tags = {pagecache.LISTINGS}
        for pk, live, issue, section, parent in self.values_list(
            "pk", "live_article_id", "issue_id", "section_id", "section__parent_id"
        ):
            tags.add(pagecache.tag_of("article", live or pk))
            tags.update(
                pagecache.tag_of(kind, key)
                for kind, key in (("issue", issue), ("section", section), ("section", parent))
                if key
            )
        ids = self.values("pk")
        related = (
            ("person", ArticlePerson.objects.filter(article__in=ids).values_list("person_id", flat=True)),
            ("topic", Article.topics.through.objects.filter(article__in=ids).values_list("topic_id", flat=True)),
            # The events that cover them, through the relation the events app declares on articles.
            ("event", Article.events.through.objects.filter(article__in=ids).values_list("event_id", flat=True)),
        )
        for kind, keys in related:
            tags.update(pagecache.tag_of(kind, key) for key in keys)
        return tags

    def for_queue(self):
        return self.select_related("review_stage", "section", "issue", "created_by", "live_article")

    def web_only(self):
        return self.filter(issue__isnull=True)

    def in_toc_order(self):
        """The printed table of contents' order: sections as a tree, then position in section."""
        return self.order_by(
            Coalesce(F("section__parent__order"), F("section__order")),
            Coalesce(F("section__parent_id"), F("section_id")),
            F("section__parent_id").asc(nulls_first=True),
            "section__order",
            "position",
            "pk",
        )

    def latest_first(self):
        return self.order_by("-published_at", "-pk")

    def for_toc(self, *, with_body=False):
        """A table of contents: the articles with their issue and section, in printed order.

        The text (up to 11,000 characters an article, most of what PostgreSQL would send) is left
        out unless asked for: the website's contents pages show none of it; the print edition and
        feeds do.
        """
        articles = self.select_related("issue", "section", "section__parent").in_toc_order()
        return articles if with_body else articles.defer("body")

    def for_listing(self, *, with_body=False):
        """What a list of articles shows: issue, section and the teaser photo; the text only for
        lists that quote it (search snippets, feeds)."""
        articles = self.select_related("issue", "section").prefetch_related("photos")
        return articles if with_body else articles.defer("body")

    def related_to(self, article):
        """Other articles in ``article``'s section or about any of its people, newest first.

        Reads the people from ``article.person_links``, which ``for_detail()`` prefetches.
        """
        related = Q(section_id=article.section_id)
        person_ids = [link.person_id for link in article.person_links.all()]
        if person_ids:
            related |= Q(Exists(ArticlePerson.objects.filter(article=OuterRef("pk"), person_id__in=person_ids)))
        return (
            self.filter(related)
            .exclude(pk__in=[article.pk, article.live_article_id])
            .select_related("issue", "section")
            .latest_first()
        )

    def for_detail(self):
        return self.select_related("issue", "section", "section__parent").prefetch_related(
            "topics",
            models.Prefetch("person_links", queryset=ArticlePerson.objects.select_related("person")),
            "photos",
        )


class Article(Reviewable, Searchable):
    Status = PublicationStatus
    search_title_from = ("kicker", "title", "subtitle")
    search_body_from = ("summary", "body", "byline", "contributor")

    issue = models.ForeignKey(
        Issue,
        verbose_name="所属期刊",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
        help_text="留空表示只在网站发布的新闻，不属于任何一期",
    )
    section = models.ForeignKey(Section, verbose_name="栏目", on_delete=models.PROTECT, related_name="articles")
    kicker = models.CharField("引题", max_length=100, blank=True, help_text="印在标题之前的一行，如“难解之谜：”")
    title = models.CharField("标题", max_length=200)
    subtitle = models.CharField("副题", max_length=200, blank=True, help_text="标题下以“——”开头的一行，如“——记……”")
    slug = models.SlugField("网址名", max_length=80, blank=True, help_text="留空则按标题拼音生成")
    summary = models.TextField("摘要", blank=True, help_text="用于列表和分享；留空则不显示")
    body = RichTextField("正文", blank=True)
    byline = models.CharField("署名", max_length=200, blank=True, help_text="如“文_省社会科学院经济研究所 李可 余明”")
    contributor = models.CharField(
        "供稿", max_length=200, blank=True, help_text="供稿单位，如“省科协办公室”；多个单位用“、”分隔"
    )
    first_page = models.PositiveSmallIntegerField("首页码", null=True, blank=True, validators=[MinValueValidator(1)])
    last_page = models.PositiveSmallIntegerField("末页码", null=True, blank=True, validators=[MinValueValidator(1)])
    position = models.PositiveSmallIntegerField("栏目内顺序", default=0, help_text="同一栏目中数字小的排在前面")
    topics = models.ManyToManyField(Topic, verbose_name="专题", blank=True, related_name="articles")
    people = models.ManyToManyField(
        "people.Person", verbose_name="人物", through="ArticlePerson", blank=True, related_name="articles"
    )
    live_article = models.OneToOneField(
        "self",
        verbose_name="对应的已发布稿件",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pending_revision",
        editable=False,
        help_text="已发布稿件的修改稿：审核通过并发布后替换线上版本",
    )
    # The search text is derived from the other fields; history keeps what editors wrote.
    history = HistoricalRecords(verbose_name="修改记录", excluded_fields=[*search.SEARCH_FIELDS, search.DOCUMENT_FIELD])

    objects = ArticleManager.from_queryset(ArticleQuerySet)()

    class Meta(Reviewable.Meta):
        verbose_name = "稿件"
        verbose_name_plural = "稿件"
        ordering = ["-published_at", "-pk"]
        permissions = [
            ("submit_article", "可提交稿件审核"),
            ("review_article", "可审核稿件"),
            ("publish_article", "可发布稿件"),
            ("withdraw_article", "可撤下已发布的稿件"),
        ]
        constraints = [
            *Reviewable.Meta.constraints,
            models.CheckConstraint(
                condition=Q(first_page__isnull=True) | Q(last_page__isnull=True) | Q(last_page__gte=F("first_page")),
                name="article_last_page_not_before_first",
                violation_error_message="末页码不能小于首页码。",
            ),
            models.UniqueConstraint(
                fields=["issue", "slug"],
                condition=Q(issue__isnull=False, live_article__isnull=True),
                name="article_slug_unique_in_issue",
                violation_error_message="本期已有相同网址名的稿件，请换一个网址名。",
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(issue__isnull=True, live_article__isnull=True),
                name="article_slug_unique_on_web",
                violation_error_message="网站新闻中已有相同网址名的稿件，请换一个网址名。",
            ),
        ]
        indexes = [
            # With the issue and id in it, what readers may see is read from the index alone: a
            # person's page counts their articles without reading the table.
            models.Index(fields=["status", "published_at", "issue", "id"], name="article_status_published"),
            models.Index(fields=["issue", "section", "position"], name="article_toc"),
            # The admin's change list order: without it, every page sorted the whole archive.
            models.Index(F("published_at").desc(), F("id").desc(), name="article_latest_first"),
            # A column's page counts its articles: with every column the filters read in the index,
            # PostgreSQL counts from the index alone instead of reading the whole table.
            models.Index(fields=["section", "status", "published_at", "issue"], name="article_section_listing"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.issue_id is None:
            return page_url("bulletin:news-detail", slug=self.slug)
        return page_url("bulletin:article-detail", year=self.issue.year, number=self.issue.number, slug=self.slug)

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        # What the slug was derived from, so that a retitled draft's address can follow its title.
        article._stored_title = article.__dict__.get("title")
        return article

    def derive_fields(self, update_fields=None):
        super().derive_fields(update_fields)
        if writes(update_fields, ["slug"]):
            if self._slug_follows_title():
                self.slug = ""
            fill_slug(self, pinyin_slug(self.title), Article.objects.originals().filter(issue_id=self.issue_id))
            self._stored_title = self.title

    def _slug_follows_title(self):
        """Whether a new title should bring a new slug: only before the article is first published,
        and only if the slug is still the one made from the old title (not one an editor chose).

        Once published (``published_at`` is kept through withdrawal) an address stays, whatever
        the title becomes; a revision never changes it (``workflow.REVISED_FIELDS``).
        """
        stored = getattr(self, "_stored_title", None)
        if stored is None or stored == self.title or self.published_at is not None or self.live_article_id:
            return False
        derived = pinyin_slug(stored)
        return self.slug == derived or re.fullmatch(rf"{re.escape(derived)}-\d+", self.slug or "") is not None

    @property
    def teaser_photo(self):
        """The first photo, shown with the article in lists; read from prefetched ``photos``.

        ``for_listing()`` and ``for_detail()`` prefetch them, so asking costs no query.
        """
        photos = self.photos.all()
        return photos[0] if photos else None

    @property
    def page_range(self):
        if self.first_page is None:
            return ""
        if self.last_page in (None, self.first_page):
            return str(self.first_page)
        return f"{self.first_page}—{self.last_page}"

    def clean(self):
        errors = {}
        has_pages = self.first_page is not None or self.last_page is not None
        if has_pages and self.issue_id is None:
            errors["first_page"] = "只在网站发布的新闻没有印刷页码；请选择所属期刊或清空页码。"
        if self.first_page is not None and self.last_page is not None and self.last_page < self.first_page:
            errors["last_page"] = f"末页码（{self.last_page}）不能小于首页码（{self.first_page}）。"
        if self.issue_id is not None and self.issue.page_count:
            for name in ("first_page", "last_page"):
                page = getattr(self, name)
                if page is not None and page > self.issue.page_count and name not in errors:
                    errors[name] = f"第{page}页超出了本期的页数（共{self.issue.page_count}页）。"
        if errors:
            raise ValidationError(errors)


class ArticlePerson(models.Model):
    class Role(models.TextChoices):
        AUTHOR = "author", "作者"
        SUBJECT = "subject", "报道对象"
        MENTIONED = "mentioned", "提及"

    article = models.ForeignKey(Article, verbose_name="稿件", on_delete=models.CASCADE, related_name="person_links")
    person = models.ForeignKey(
        "people.Person", verbose_name="人物", on_delete=models.PROTECT, related_name="article_links"
    )
    role = models.CharField("角色", max_length=16, choices=Role, default=Role.MENTIONED)
    printed_title = models.CharField(
        "文中职务",
        max_length=100,
        blank=True,
        help_text="本文中印出的职务，如“党组成员、副主席”；留空则用人物的现任职务",
    )
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "稿件人物"
        verbose_name_plural = "稿件人物"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "person", "role"],
                name="article_person_role_unique",
                violation_error_message="同一人物在本文中的同一角色只能添加一次。",
            ),
        ]

    def __str__(self):
        return f"{self.person}（{self.get_role_display()}）"

    @property
    def title_as_printed(self):
        return self.printed_title or self.person.title


class ArticlePhoto(models.Model):
    article = models.ForeignKey(Article, verbose_name="稿件", on_delete=models.CASCADE, related_name="photos")
    image = PublicImageField(
        "图片",
        upload_to="articles/%Y/%m/",
        help_text="JPEG、PNG、WebP 或 GIF；上传时会去掉拍摄地点等隐藏信息。第一张图片也用作列表中的题图",
    )
    alt = models.CharField(
        "替代文字",
        max_length=300,
        help_text="为看不到图片的读者（使用读屏软件或图片未能加载）描述画面内容，如“科技工作者在田间查看小麦长势”；"
        "不要只写“图片”或重复标题",
    )
    caption = models.CharField("图片说明", max_length=300, blank=True)
    credit = models.CharField("摄影", max_length=100, blank=True, help_text="拍摄者或图片来源，如“张伟”；留空则不署名")
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "稿件图片"
        verbose_name_plural = "稿件图片"
        ordering = ["position", "pk"]

    def __str__(self):
        return self.caption or self.image.name


class ArticleRedirect(models.Model):
    """An address an article had once readers could see it; requests for it are sent on with a 301.

    Recorded where addresses change (``bulletin.redirects``); followed only while the article is public.
    """

    old_path = models.CharField("旧网址", max_length=300, unique=True)
    article = models.ForeignKey(Article, verbose_name="稿件", on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "旧网址"
        verbose_name_plural = "旧网址"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.old_path} → 《{self.article}》"


class ShareLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ShareLink(models.Model):
    """Lets an outside expert without an account read one revision of an unpublished article."""

    SALT = "bulletin.share-link"

    article = models.ForeignKey(Article, verbose_name="稿件", on_delete=models.CASCADE, related_name="share_links")
    revision = models.ForeignKey(
        "bulletin.HistoricalArticle", verbose_name="分享的版本", on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("失效时间")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        verbose_name = "分享链接"
        verbose_name_plural = "分享链接"
        ordering = ["-created_at"]

    def __str__(self):
        return f"《{self.article}》的分享链接"

    def get_absolute_url(self):
        return reverse("bulletin:shared-preview", kwargs={"token": self.token})

    @property
    def token(self):
        return signing.dumps(self.pk, salt=self.SALT)

    @classmethod
    def from_token(cls, token):
        """The active link ``token`` stands for, or None if it is forged, expired or revoked."""
        try:
            pk = signing.loads(token, salt=cls.SALT)
        except signing.BadSignature:
            return None
        return cls.objects.active().select_related("revision").filter(pk=pk).first()

    @property
    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()


@dataclass
class TocGroup:
    section: Section
    articles: list = field(default_factory=list)

    @property
    def is_subcolumn(self):
        return self.section.parent_id is not None


def table_of_contents(articles):
    """Group articles, given in TOC order, under their sections as the printed contents does.

    A sub-column whose parent has no articles of its own still gets the parent's heading.
    """
    groups = {}
    for article in articles:
        section = article.section
        if section.pk not in groups:
            if section.parent_id and section.parent_id not in groups:
                groups[section.parent_id] = TocGroup(section.parent)
            groups[section.pk] = TocGroup(section)
        groups[section.pk].articles.append(article)
    return list(groups.values())
