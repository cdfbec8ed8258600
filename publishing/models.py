"""What every kind of content the site publishes shares: its way to readers and the record of it.

``PublicationStatus`` and the review stages (三审制) describe where a piece stands; ``Reviewable``
is the abstract model of content that goes through review, ``WorkflowLog`` records each decision
and each change of its text. The state changes only in the content apps' workflow module, never
through an ordinary save (``StatefulModel``). ``Searchable`` content keeps the text readers search
(``publishing.search``). ``PendingInvalidation`` belongs to the page cache
(``publishing.pagecache``), ``EdgePurge`` to the HTTP caches in front of it (``publishing.edge``).
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from publishing import search
from publishing.sanitize import clean_line, clean_lines


class PublicationStatus(models.TextChoices):
    """Where a piece of content stands on its way to readers; shared by articles and events."""

    DRAFT = "draft", "草稿"
    IN_REVIEW = "in_review", "待审"
    APPROVED = "approved", "已通过"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤稿"


class StatefulModel(models.Model):
    """A model whose state (``state_fields``) changes only in the workflow module of its app (``bulletin.workflow``).

    An ordinary ``save()`` of a stored row writes every other field and never these: a form read
    before a decision cannot put the decision back by saving its stale copy, and a row deleted in
    the meantime is not written again (Django inserts when an update finds no row; with named
    fields it raises instead). The workflow names the state fields it writes.
    """

    state_fields = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = self.content_field_names()
        super().save(*args, **kwargs)

    @classmethod
    def content_field_names(cls):
        return [
            f.name
            for f in cls._meta.concrete_fields
            if not f.primary_key and f.name not in cls.state_fields and not getattr(f, "auto_now_add", False)
        ]


class DerivedFieldsModel(models.Model):
    """A model some of whose fields are computed from others (a slug, a publication date).

    They are filled in before validation as well as on save, so the admin reports a broken
    rule as a form error in Chinese instead of failing in the database. Its plain text is
    stored clean first (``clean_plain_text``), so that what is derived from it is clean too.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.clean_plain_text(kwargs.get("update_fields"))
        self.derive_fields(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def clean_plain_text(self, update_fields=None):
        """Clean the plain text the save writes: a char field (a title, a name) becomes one line,
        a text field (a summary) keeps its lines, and neither keeps another control character.
        Rich text is cleaned by its own field; fields not loaded are not written."""
        unloaded = self.get_deferred_fields()
        for model_field in self._meta.concrete_fields:
            name = model_field.attname
            if not model_field.editable or name in unloaded or not writes(update_fields, [model_field.name]):
                continue
            value = getattr(self, name)
            if isinstance(model_field, models.CharField) and isinstance(value, str):
                setattr(self, name, clean_line(value))
            elif isinstance(model_field, models.TextField) and isinstance(value, str):
                setattr(self, name, clean_lines(value))

    def derive_fields(self, update_fields=None):
        """Fill the derived fields. ``update_fields`` is what the save writes (None: everything),
        so that costly ones (the search text of a long body) are left alone when they would not be written.
        Abstract models that fill their own (``Reviewable``, ``Searchable``) call ``super()``, so
        that they combine."""

    def clean_fields(self, exclude=None):
        # Before the checks, so that a unique name is compared as it will be stored.
        self.clean_plain_text()
        super().clean_fields(exclude=exclude)

    def validate_constraints(self, exclude=None):
        self.derive_fields()
        super().validate_constraints(exclude=exclude)


def writes(update_fields, names):
    """Whether a save with ``update_fields`` writes any of ``names``."""
    return update_fields is None or not set(names).isdisjoint(update_fields)


class SearchableManager(models.Manager):
    """Leaves out the search text: it is for the database to search (and several times the size
    of the text it comes from), never shown, so pages and lists do not carry it from the database."""

    def get_queryset(self):
        return super().get_queryset().defer(*search.STORED_FIELDS)


class Searchable(DerivedFieldsModel):
    """Content readers find through ``publishing.search``.

    The search text (``publishing.search``) is derived on save from the fields the model names in
    ``search_title_from`` (what counts most: a title, a name) and ``search_body_from``.
    """

    search_title_from = ()
    search_body_from = ()

    search_title = models.TextField("检索用标题", blank=True, default="", editable=False)
    search_body = models.TextField("检索用正文", blank=True, default="", editable=False)
    # The two above as PostgreSQL's tsvector (NULL elsewhere): ranking reads it instead of
    # parsing every matching body again, which took seconds for a common word.
    search_document = SearchVectorField("检索文档", null=True, editable=False)

    class Meta:
        abstract = True

    def derive_fields(self, update_fields=None):
        super().derive_fields(update_fields)
        if writes(update_fields, search.SEARCH_FIELDS):
            self.derive_search_fields()

    def derive_search_fields(self):
        """Fill the search text ``publishing.search`` reads; the title counts more than the body."""
        self.search_title, self.search_body = search.texts(self, self.search_title_from, self.search_body_from)
        self.search_document = search.document(self.search_title, self.search_body)


class ReviewStage(models.Model):
    """One step of “in review” (三审制: 初审, 复审, 终审), decided by members of one group."""

    name = models.CharField("审核环节", max_length=20, unique=True)
    order = models.PositiveSmallIntegerField("顺序", unique=True, help_text="稿件按数字从小到大依次经过各环节")
    group = models.ForeignKey(
        Group, verbose_name="审核人所在组", on_delete=models.PROTECT, help_text="只有这个组的成员可以决定本环节"
    )
    days = models.PositiveSmallIntegerField(
        "审核时限（天）",
        default=3,
        validators=[MinValueValidator(1)],
        help_text="本环节一般需要的天数：据此推算每期各环节的截止日期；不属于某一期的稿件，从进入本环节起计算",
    )

    class Meta:
        verbose_name = "审核环节"
        verbose_name_plural = "审核环节"
        ordering = ["order"]

    def __str__(self):
        return self.name


# Where a round of review begins: a submission, or a change of the text while in review (what
# the reviewers had approved is no longer what they would sign).
ROUND_STARTS = ("submit", "restart")
# Log entries that record a change of the text: whoever made one may not approve it.
EDITS = ("edit", "restart", "restore")


# What each action in the log is called, in the admin and the review record.
ACTION_LABELS = {
    "submit": "提交审核",
    "approve": "审核通过",
    "send_back": "退回修改",
    "publish": "发布",
    "withdraw": "撤稿",
    "reopen": "重新编辑",
    "revise": "修改已发布稿件",
    "restore": "恢复旧版本",
    "release": "发布本期",
    "unpublish": "撤回本期",
    "edit": "修改内容",
    "restart": "修改后重新审核",
    "delete": "删除",
    "assign": "分工",
    "contribute": "来稿",
    "return_piece": "退修",
    "decline_piece": "不采用",
    "revise_piece": "通讯员修改",
    "send_proof": "发送校样",
    "answer_proof": "答复校样",
}


class WorkflowLog(models.Model):
    """One decision on a piece of content: who moved it from which state to which, when and why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name="内容类型")
    object_id = models.PositiveBigIntegerField("内容编号")
    subject = GenericForeignKey("content_type", "object_id")
    action = models.CharField("操作", max_length=20)
    from_status = models.CharField("原状态", max_length=16, choices=PublicationStatus)
    to_status = models.CharField("新状态", max_length=16, choices=PublicationStatus)
    # The name is kept too, so the record still reads right after a stage is renamed or removed.
    stage = models.ForeignKey(
        ReviewStage, verbose_name="审核环节", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stage_name = models.CharField("审核环节名称", max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", default=timezone.now)
    comment = models.TextField("意见", blank=True)

    class Meta:
        verbose_name = "流程记录"
        verbose_name_plural = "流程记录"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="workflowlog_subject")]

    def __str__(self):
        return f"{self.get_action_display()}（{self.actor}，{timezone.localtime(self.at):%Y-%m-%d %H:%M}）"

    def get_action_display(self):
        return ACTION_LABELS.get(self.action, self.action)


class Reviewable(StatefulModel, DerivedFieldsModel):
    """Content that goes draft → in review (stage by stage) → approved → published.

    The state changes only through the workflow module; forms show it read-only, and saving the
    content never writes it (``StatefulModel``). ``version`` counts every change, of content and
    of state alike, so that a form or a decision made on an older view can be refused.
    """

    state_fields = ("status", "review_stage", "stage_entered_at", "published_at", "created_by", "live_article")

    status = models.CharField(
        "状态", max_length=16, choices=PublicationStatus, default=PublicationStatus.DRAFT, editable=False
    )
    review_stage = models.ForeignKey(
        ReviewStage,
        verbose_name="当前审核环节",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    stage_entered_at = models.DateTimeField("进入当前环节的时间", null=True, blank=True, editable=False)
    published_at = models.DateTimeField(
        "发布时间", null=True, blank=True, editable=False, help_text="到了这个时刻，读者即可在网站上看到"
    )
    version = models.PositiveIntegerField("版本号", default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后编辑人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    workflow_log = GenericRelation(WorkflowLog)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="%(app_label)s_%(class)s_published_has_time",
                violation_error_message="已发布的内容必须有发布时间。",
            ),
            models.CheckConstraint(
                condition=Q(status="in_review", review_stage__isnull=False)
                | (~Q(status="in_review") & Q(review_stage__isnull=True)),
                name="%(app_label)s_%(class)s_stage_only_in_review",
            ),
        ]

    def responsible(self):
        """Who hears of the decisions on this piece (sent back, approved, published): its creator,
        and whoever else its app makes answerable for it."""
        return [self.created_by] if self.created_by else []

    def named_reviewer(self, stage):
        """The reviewer named for ``stage`` of this piece, if its app names any: they, rather than
        the whole group, are told when it reaches the stage."""
        return None

    def derive_fields(self, update_fields=None):
        super().derive_fields(update_fields)
        if self.status == PublicationStatus.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()


class InvalidationRecord(models.Model):
    """Tags of cached pages to drop somewhere, written in the transaction of the change that makes
    them stale, and deleted once that place has confirmed: a change that commits cannot lose them."""

    tags = models.JSONField("缓存标签")
    created_at = models.DateTimeField("记录时间", default=timezone.now)
    attempts = models.PositiveIntegerField("已尝试次数", default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return ", ".join(self.tags)

    @classmethod
    def deliver(cls, rows, send):
        """``send`` the tags of ``rows`` in one call; delete the rows if it confirms (True), else
        count the attempt. Returns what ``send`` returned."""
        keys = [row.pk for row in rows]
        if send(set().union(*(row.tags for row in rows))):
            cls.objects.filter(pk__in=keys).delete()
            return True
        cls.objects.filter(pk__in=keys).update(attempts=models.F("attempts") + 1)
        return False

    @classmethod
    def deliver_waiting(cls, send, batch=500):
        """Deliver every waiting row, oldest first: True once none is left, False as soon as
        ``send`` fails (the rest wait for the next try)."""
        while rows := list(cls.objects.order_by("pk")[:batch]):
            if not cls.deliver(rows, send):
                return False
        return True


class PendingInvalidation(InvalidationRecord):
    """Cached pages to make stale in the page cache (``publishing.pagecache``).

    The row outlives a cache that cannot be reached at the commit, or a process that stops just
    after it: it is deleted once the cache has the new versions, and whatever is left is replayed
    before another cached page is served.
    """

    class Meta:
        verbose_name = "待失效的页面缓存"
        verbose_name_plural = "待失效的页面缓存"


class EdgePurge(InvalidationRecord):
    """Cached pages to purge from the HTTP caches in front of the app (``publishing.edge``),
    deleted once every edge has confirmed."""

    grace = models.BooleanField(
        "重建期间可用旧页",
        default=False,
        help_text="旧页面只是缺少新内容、没有读者不应再看到的内容时，边缘缓存可在重建新页的同时继续提供旧页",
    )

    class Meta:
        verbose_name = "待清除的边缘缓存"
        verbose_name_plural = "待清除的边缘缓存"

    @classmethod
    def deliver(cls, rows, send):
        """As for every record, but purges with grace and without are never sent together: a page
        that must go at once is not kept because it was purged along with one that may wait."""
        kinds = {grace: [row for row in rows if row.grace == grace] for grace in {row.grace for row in rows}}
        return all(
            super(EdgePurge, cls).deliver(group, lambda tags, grace=grace: send(tags, grace=grace))
            for grace, group in sorted(kinds.items())
        )


class PeriodicRun(models.Model):
    """When a periodic job (``publishing.periodic``) was last queued: the row each scheduler claims
    before it queues the job, so that several schedulers queue it once per interval."""

    name = models.CharField("任务", max_length=100, unique=True)
    started_at = models.DateTimeField("上次运行", null=True, blank=True)

    class Meta:
        verbose_name = "定时任务"
        verbose_name_plural = "定时任务"

    def __str__(self):
        return self.name


class Notification(models.Model):
    """A line in a staff member's inbox in the admin (我的通知): what happened that concerns them,
    with a link to it. Mail says the same, for those who are not in the admin."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.CharField("内容", max_length=300)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox")]

    def __str__(self):
        return self.message


class DeskSettings(models.Model):
    """A staff member's own settings of the editors' desk: the daily digest of what waits on them,
    and the private address of their editorial calendar (ICS)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="desk_settings"
    )
    daily_digest = models.BooleanField(
        "每日待办邮件", default=True, help_text="每天早上最多一封：等您处理的稿件和已逾期的事项；没有待办时不发"
    )
    # Set by the digest job in the same statement that decides to send: two workers cannot both.
    digest_sent_on = models.DateField("上次发送待办邮件", null=True, blank=True, editable=False)
    calendar_token = models.CharField("日历订阅密钥", max_length=64, unique=True, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "工作台设置"
        verbose_name_plural = "工作台设置"

    def __str__(self):
        return str(self.user)
