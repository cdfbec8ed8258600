"""Articles (稿件), the people they are about and their photos."""

import re
from itertools import chain

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from bulletin.models.issues import Issue
from bulletin.models.sections import Section, Topic
from people.models import Person
from publishing import media, pagecache, search
from publishing.images import PublicImageField
from publishing.links import page_url
from publishing.models import (
    EDITS,
    ROUND_STARTS,
    PublicationStatus,
    Reviewable,
    ReviewStage,
    Searchable,
    SearchableManager,
    WorkflowLog,
    writes,
)
from publishing.sanitize import RichTextField
from publishing.slugs import fill_slug, pinyin_slug

# What a table of contents shows of an article: on the website, in the API and in the mail.
TOC_COLUMNS = ("issue", "section", "kicker", "title", "subtitle", "slug", "byline", "first_page", "last_page")


class ArticleQuerySet(models.QuerySet):
    def public(self, now=None):
        """Published, due, and either web-only or in a published issue: what readers may see.

        At ``now``, the present unless given (a ``publishing.statements.Param``)."""
        now = now or timezone.now()
        return self.filter(
            Q(issue__isnull=True) | Q(issue__status=Issue.Status.PUBLISHED, issue__published_at__lte=now),
            status=PublicationStatus.PUBLISHED,
            published_at__lte=now,
        )

    def public_in(self, issue, now=None):
        """The public articles of ``issue``, an issue readers see (read through
        ``Issue.objects.public()``, or the issue of a public article): ``public()`` less the
        issue's own condition, which the caller has already asked. The contents of an issue,
        and an article's neighbours in it, are read without joining the issue again."""
        now = now or timezone.now()
        return self.filter(issue=issue, status=PublicationStatus.PUBLISHED, published_at__lte=now)

    def originals(self):
        """Articles themselves, without the pending revisions of published ones."""
        return self.filter(live_article__isnull=True)

    def awaiting_decision_by(self, user):
        """Articles in review that ``user`` may approve now, oldest in their stage first.

        The same rules as ``workflow.refusal("approve", …)``, asked in one query for all articles:
        the user may review and the stage is theirs to decide (any stage for a superuser), the user neither
        created nor changed the text nor is its responsible editor, and has not decided an earlier stage of this round.
        """
        if not user.has_perm("bulletin.review_article"):
            return self.none()
        log = WorkflowLog.objects.filter(content_type=ContentType.objects.get_for_model(Article))
        edited = log.filter(object_id=OuterRef("pk"), action__in=EDITS, actor=user)
        articles = (
            self.filter(status=PublicationStatus.IN_REVIEW)
            .exclude(created_by=user)
            .exclude(updated_by=user)
            .exclude(editor=user)
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

    def media_files(self):
        """The stored originals readers see, or may have seen, of these articles
        (``publishing.media``): their photos, the images in their text and in its earlier versions
        (a published revision may have dropped one), and the files of their people."""
        names = set(ArticlePhoto.objects.filter(article__in=self).values_list("image", flat=True))
        with_images = {"body__contains": settings.MEDIA_URL}
        texts = chain(
            self.filter(**with_images).values_list("body", flat=True),
            Article.history.filter(id__in=self.values("pk"), **with_images).values_list("body", flat=True),
        )
        for text in texts:
            names |= media.images_in(text)
        return names | Person.objects.filter(article_links__article__in=self).distinct().media_files()

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
        """An issue's table of contents: its articles with their sections, in printed order.

        Asked of ``issue.articles``, so that each article knows its issue without joining it
        again sixty times. Unless the text is asked for (the print edition and feeds show it),
        only the columns a contents list shows are read: the text alone is up to 11,000
        characters an article, and every column left out is one less to set on sixty articles.
        """
        articles = self.select_related("section", "section__parent").in_toc_order()
        return articles if with_body else articles.only(*TOC_COLUMNS)

    def for_listing(self, *, with_body=False):
        """What a list of articles shows: issue, section and the teaser photo; the text only for
        lists that quote it (feeds)."""
        articles = self.select_related("issue", "section").prefetch_related("photos")
        return articles if with_body else articles.defer("body")

    def for_search_results(self):
        """What search results show: title, date, byline, issue, section and the text their
        snippets quote; no photos, and none of the editorial columns."""
        return self.select_related("issue", "section").only(
            "kicker",
            "title",
            "slug",
            "published_at",
            "byline",
            "summary",
            "body",
            "issue__year",
            "issue__number",
            "section__name",
        )

    def for_detail(self):
        return self.select_related("issue", "section", "section__parent").prefetch_related(
            "topics",
            models.Prefetch(
                "person_links",
                queryset=ArticlePerson.objects.select_related("person").defer(
                    *(f"person__{name}" for name in search.STORED_FIELDS)
                ),
            ),
            "photos",
        )


class Article(Reviewable, Searchable):
    Status = PublicationStatus
    # The responsible editor changes by a logged assignment (``workflow.assign_editor``), not by
    # saving the form.
    state_fields = (*Reviewable.state_fields, "editor")
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
    # None until saved: a new article joins the end of its section in its issue (derive_fields).
    position = models.PositiveSmallIntegerField(
        "栏目内顺序", default=None, blank=True, help_text="同一栏目中数字小的排在前面；新稿件留空则排在本栏目末尾"
    )
    topics = models.ManyToManyField(Topic, verbose_name="专题", blank=True, related_name="articles")
    people = models.ManyToManyField(
        "people.Person", verbose_name="人物", through="ArticlePerson", blank=True, related_name="articles"
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任编辑",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="对本稿负责的编辑：在“我的稿件”中看到它，并收到批注和退修的通知",
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
    history = HistoricalRecords(verbose_name="修改记录", excluded_fields=list(search.STORED_FIELDS))

    objects = SearchableManager.from_queryset(ArticleQuerySet)()
    public_files = media.PublicFiles(rich_text=("body",), permission="bulletin.view_article")

    class Meta(Reviewable.Meta):
        verbose_name = "稿件"
        verbose_name_plural = "稿件"
        ordering = ["-published_at", "-pk"]
        permissions = [
            ("submit_article", "可提交稿件审核"),
            ("review_article", "可审核稿件"),
            ("publish_article", "可发布稿件"),
            ("withdraw_article", "可撤下已发布的稿件"),
            ("assign_article", "可指定责任编辑和审核人"),
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

    def media_files(self):
        """The stored originals readers see, or may have seen, of this article: its photos, the
        images in its text and in its earlier versions, and the files of its people."""
        return Article.objects.filter(pk=self.pk).media_files()

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        # What the slug was derived from, so that a retitled draft's address can follow its title.
        article._stored_title = article.__dict__.get("title")
        return article

    def responsible(self):
        return [user for user in {self.created_by, self.editor} if user is not None]

    def named_reviewer(self, stage):
        assignment = self.reviewer_assignments.filter(stage=stage).select_related("reviewer").first()
        return assignment.reviewer if assignment else None

    def derive_fields(self, update_fields=None):
        super().derive_fields(update_fields)
        if self.position is None and writes(update_fields, ["position"]):
            here = Article.objects.originals().filter(issue_id=self.issue_id, section_id=self.section_id)
            self.position = (here.aggregate(last=models.Max("position"))["last"] or 0) + 1
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


# simple-history gives a history model declared outside ``<app>/models.py`` the app's package
# (``bulletin``) as its module, though it puts the class here; pickle and ``manage.py shell`` find a
# class through its ``__module__``.
Article.history.model.__module__ = __name__


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


class ArticlePhotoQuerySet(models.QuerySet):
    def public(self):
        """The photos of articles readers may see."""
        return self.filter(article__in=Article.objects.public())


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

    objects = ArticlePhotoQuerySet.as_manager()
    # Staff who may see the article may see its photos.
    public_files = media.PublicFiles(fields=("image",), permission="bulletin.view_article")

    class Meta:
        verbose_name = "稿件图片"
        verbose_name_plural = "稿件图片"
        ordering = ["position", "pk"]

    def __str__(self):
        return self.caption or self.image.name
