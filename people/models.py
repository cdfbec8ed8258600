import operator
from functools import reduce

from django.db import models
from django.db.models import Exists, OuterRef, Q

from publishing import media
from publishing.images import PublicImageField
from publishing.links import page_url
from publishing.models import Searchable, SearchableManager
from publishing.sanitize import RichTextField
from publishing.slugs import fill_slug, name_slug

INITIALS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def initial_of(slug):
    """The letter a slug files under in the directory: ``shan-ji-xiang`` → ``S``; ``""`` if not A–Z."""
    letter = slug[:1].upper()
    return letter if letter in INITIALS else ""


class PersonQuerySet(models.QuerySet):
    def public(self):
        """People a reader can already meet in published content.

        A person entered only for a draft stays off the site, so an unpublished story does
        not leak through the directory. What counts as published is each kind of content's own
        ``public()``: of every model that names people (articles, events), read through the
        relation it declares, so that people need know none of them.
        """
        shown = [
            Exists(relation.related_model.objects.public().filter(**{relation.field.name: OuterRef("pk")}))
            for relation in self.model._meta.related_objects
            if relation.many_to_many and hasattr(relation.related_model.objects, "public")
        ]
        return self.filter(reduce(operator.or_, (Q(e) for e in shown))) if shown else self.none()

    def media_files(self):
        """The stored originals readers see, or may have seen, of these people: their portraits and
        the images in their biographies (``publishing.media``)."""
        names = set()
        for photo, bio in self.values_list("photo", "bio"):
            names |= {photo, *media.images_in(bio)}
        return names


class Person(Searchable):
    search_title_from = ("name",)
    search_body_from = ("title", "organisation", "bio")

    name = models.CharField("姓名", max_length=50)
    slug = models.SlugField(
        "网址名",
        max_length=60,
        unique=True,
        blank=True,
        help_text="留空则按姓名拼音生成（姓氏按姓氏读音，如“单”读 shan）；同名者自动加序号，可手工修改",
    )
    title = models.CharField("现任职务", max_length=200, blank=True)
    organisation = models.CharField("单位", max_length=200, blank=True)
    initial = models.CharField(
        "姓名首字母",
        max_length=1,
        blank=True,
        editable=False,
        db_index=True,
        help_text="网址名的第一个字母（A–Z），人物目录按它分组；网址名不以字母开头时为空",
    )
    bio = RichTextField("简介", blank=True)
    photo = PublicImageField(
        "照片",
        upload_to="people/%Y/",
        blank=True,
        help_text="JPEG、PNG、WebP 或 GIF；上传时会去掉拍摄地点等隐藏信息",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = SearchableManager.from_queryset(PersonQuerySet)()
    public_files = media.PublicFiles(fields=("photo",), rich_text=("bio",), permission="people.view_person")

    class Meta:
        verbose_name = "人物"
        verbose_name_plural = "人物"
        ordering = ["slug"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return page_url("people:person-detail", slug=self.slug)

    def media_files(self):
        """The stored originals readers see, or may have seen, of this person: their portrait and
        the images in their biography."""
        return Person.objects.filter(pk=self.pk).media_files()

    def derive_fields(self, update_fields=None):
        super().derive_fields(update_fields)
        fill_slug(self, name_slug(self.name), Person.objects)
        self.initial = initial_of(self.slug)
