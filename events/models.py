from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from publishing import media, pagecache
from publishing.links import page_url
from publishing.models import PublicationStatus, Reviewable, Searchable, SearchableManager, writes
from publishing.sanitize import RichTextField
from publishing.slugs import fill_slug, pinyin_slug

# The page-cache tag of the event lists and the calendar.
EVENTS = "events"


class EventQuerySet(models.QuerySet):
    def public(self, now=None):
        """Published and due at ``now``, the present unless given."""
        return self.filter(status=PublicationStatus.PUBLISHED, published_at__lte=now or timezone.now())

    def page_tags(self):
        """The page-cache tags (``publishing.pagecache``) of every page that shows any of these events:
        their own pages, the lists,
        and the pages of the people and articles they are linked to."""
        tags = {pagecache.LISTINGS, EVENTS}
        tags.update(pagecache.tag_of("event", pk) for pk in self.values_list("pk", flat=True))
        ids = self.values("pk")
        tags.update(
            pagecache.tag_of("person", pk)
            for pk in Event.people.through.objects.filter(event__in=ids).values_list("person_id", flat=True)
        )
        tags.update(
            pagecache.tag_of("article", pk)
            for pk in Event.articles.through.objects.filter(event__in=ids).values_list("article_id", flat=True)
        )
        return tags

    def upcoming(self, today=None):
        """Events not yet over, soonest first (an event running today is still upcoming)."""
        today = today or timezone.localdate()
        return (
            self.alias(ends_on=Coalesce("end_date", "start_date"))
            .filter(ends_on__gte=today)
            .order_by("start_date", F("start_time").asc(nulls_first=True), "pk")
        )

    def past(self, today=None):
        today = today or timezone.localdate()
        return (
            self.alias(ends_on=Coalesce("end_date", "start_date"))
            .filter(ends_on__lt=today)
            .order_by("-start_date", "-pk")
        )

    def overlapping(self, first, last):
        """Events running on any day from ``first`` to ``last`` (inclusive), in the order of a day's agenda."""
        return (
            self.alias(ends_on=Coalesce("end_date", "start_date"))
            .filter(start_date__lte=last, ends_on__gte=first)
            .order_by("start_date", F("start_time").asc(nulls_first=True), "pk")
        )


class Event(Reviewable, Searchable):
    Status = PublicationStatus
    search_title_from = ("title",)
    search_body_from = ("place", "organiser", "description")

    title = models.CharField("活动名称", max_length=200)
    slug = models.SlugField("网址名", max_length=80, unique=True, blank=True, help_text="留空则按名称拼音生成")
    start_date = models.DateField("开始日期")
    start_time = models.TimeField("开始时间", null=True, blank=True, help_text="全天活动留空")
    end_date = models.DateField("结束日期", null=True, blank=True, help_text="一天之内的活动留空")
    end_time = models.TimeField("结束时间", null=True, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    organiser = models.CharField("主办单位", max_length=200, blank=True)
    description = RichTextField("活动介绍", blank=True)
    articles = models.ManyToManyField("bulletin.Article", verbose_name="相关稿件", blank=True, related_name="events")
    people = models.ManyToManyField("people.Person", verbose_name="相关人物", blank=True, related_name="events")

    objects = SearchableManager.from_queryset(EventQuerySet)()
    public_files = media.PublicFiles(rich_text=("description",), permission="events.view_event")

    class Meta(Reviewable.Meta):
        verbose_name = "活动"
        verbose_name_plural = "活动"
        ordering = ["-start_date", "-pk"]
        permissions = [
            ("submit_event", "可提交活动审核"),
            ("review_event", "可审核活动"),
            ("publish_event", "可发布活动"),
            ("withdraw_event", "可撤下已发布的活动"),
        ]
        constraints = [
            *Reviewable.Meta.constraints,
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="event_ends_after_start",
            ),
        ]
        indexes = [
            # Newest first, as listed: a search finds its newest matching events by walking this
            # instead of sorting every match (2,000 for a common word at 5,000 events).
            models.Index(F("start_date").desc(), F("id").desc(), name="event_newest_first"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return page_url("events:event-detail", slug=self.slug)

    def media_files(self):
        """The stored originals readers see, or may have seen, of this event: the images in its
        description, and the files of its people."""
        return media.images_in(self.description) | self.people.media_files()

    def derive_fields(self, update_fields=None):
        super().derive_fields(update_fields)
        if writes(update_fields, ["slug"]):
            fill_slug(self, pinyin_slug(self.title), Event.objects)

    @property
    def is_multi_day(self):
        return self.end_date is not None and self.end_date != self.start_date

    def clean(self):
        if self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "结束日期不能早于开始日期。"})
        same_day = self.end_date in (None, self.start_date)
        if same_day and self.start_time and self.end_time and self.end_time < self.start_time:
            raise ValidationError({"end_time": "同一天内，结束时间不能早于开始时间。"})
        if self.end_time and not self.start_time:
            raise ValidationError({"start_time": "填写了结束时间，也请填写开始时间。"})
