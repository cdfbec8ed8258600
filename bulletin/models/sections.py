"""Sections (栏目), which order the table of contents, and topics (专题) that gather articles across issues."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from publishing.links import page_url
from publishing.models import DerivedFieldsModel
from publishing.slugs import fill_slug, pinyin_slug


class Section(DerivedFieldsModel):
    class FeeBasis(models.TextChoices):
        NONE = "", "不付稿费"
        PER_ARTICLE = "article", "按篇"
        PER_THOUSAND = "thousand", "按千字"

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
    fee_basis = models.CharField(
        "稿费计算方式",
        max_length=10,
        choices=FeeBasis,
        default=FeeBasis.NONE,
        blank=True,
        help_text="刊发的来稿按此计算应付稿费；按千字时，不足一千字按一千字计",
    )
    fee_rate = models.DecimalField(
        "稿费标准（元）",
        max_digits=7,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text="按篇时为每篇金额，按千字时为每千字金额",
    )
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
