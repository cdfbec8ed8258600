from django.conf import settings
from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html, format_html_join

from bulletin.forms import ArticleForm
from bulletin.models import Article, ArticlePerson, ArticlePhoto, Issue, Section, Topic

admin.site.site_header = f"{settings.PERIODICAL_NAME} 编辑部"
admin.site.site_title = f"{settings.PERIODICAL_NAME} 编辑部"
admin.site.index_title = "稿件与期刊管理"


def image_preview(image, height=120):
    if not image:
        return "—"
    return format_html('<img src="{}" alt="" style="max-height:{}px;max-width:100%">', image.url, height)


def stamp_editors(article, user):
    """Record who created and who last changed an article, whichever admin form saved it."""
    if article.pk is None:
        article.created_by = user
    article.updated_by = user


class IssueArticleInline(admin.TabularInline):
    model = Article
    form = ArticleForm
    template = "admin/bulletin/issue/articles_inline.html"
    fields = ["section", "position", "title", "first_page", "last_page", "status"]
    readonly_fields = ["status"]
    extra = 0
    show_change_link = True
    verbose_name = "本期稿件"
    verbose_name_plural = "本期稿件（按目录顺序，可直接修改栏目、顺序和页码）"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section", "section__parent").in_toc_order()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "section":
            # A bare select keeps each row on one line; sections are managed on their own page.
            field.widget = field.widget.widget
        return field


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["__str__", "theme", "released_on", "page_count", "article_count", "status"]
    list_filter = ["status", "year"]
    search_fields = ["theme", "cover_caption", "=year", "=running_number"]
    ordering = ["-year", "-number"]
    readonly_fields = ["status", "published_at", "cover_preview", "flatplan"]
    inlines = [IssueArticleInline]
    fieldsets = [
        (None, {"fields": [("year", "number", "running_number"), "theme", "released_on", "status", "published_at"]}),
        ("封面", {"fields": ["cover_image", "cover_preview", "cover_caption"]}),
        ("印刷版", {"fields": ["page_count", "print_pdf", "flatplan"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_articles=Count("articles"))

    @admin.display(description="稿件数", ordering="num_articles")
    def article_count(self, issue):
        return issue.num_articles

    @admin.display(description="封面预览")
    def cover_preview(self, issue):
        return image_preview(issue.cover_image, height=240)

    @admin.display(description="页码检查")
    def flatplan(self, issue):
        if issue.pk is None:
            return "保存后显示"
        report = issue.flatplan_report()
        if issue.page_count and report.ok:
            return "页码连续，与目录顺序一致。"
        parts = []
        if not issue.page_count:
            parts.append(format_html("<p>{}</p>", "未填写页数，无法检查缺页。"))
        elif report.uncovered_pages:
            pages = "、".join(str(p) for p in report.uncovered_pages)
            parts.append(format_html("<p>没有稿件的页：第 {} 页</p>", pages))
        if report.out_of_order:
            items = format_html_join(
                "", "<li>《{}》（{}，第 {} 页）</li>", ((a.title, a.section, a.page_range) for a in report.out_of_order)
            )
            parts.append(format_html("<p>页码比目录中排在前面的稿件还靠前：</p><ul>{}</ul>", items))
        else:
            parts.append(format_html("<p>{}</p>", "页码顺序与目录一致。"))
        return format_html_join("", "{}", ((p,) for p in parts))

    def save_formset(self, request, form, formset, change):
        for article in formset.save(commit=False):
            stamp_editors(article, request.user)
            article.save()
        for article in formset.deleted_objects:
            article.delete()
        formset.save_m2m()


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "order", "show_heading", "slug"]
    list_editable = ["order", "show_heading"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    fields = ["name", "parent", "order", "show_heading", "slug", "description"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


class ArticlePersonInline(admin.TabularInline):
    model = ArticlePerson
    fields = ["person", "role", "printed_title", "position"]
    autocomplete_fields = ["person"]
    extra = 1


class ArticlePhotoInline(admin.TabularInline):
    model = ArticlePhoto
    fields = ["image", "preview", "caption", "position"]
    readonly_fields = ["preview"]
    extra = 1

    @admin.display(description="预览")
    def preview(self, photo):
        return image_preview(photo.image)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    list_display = ["title", "issue", "section", "page_range_display", "status", "published_at", "updated_by"]
    list_filter = ["status", "section", "issue__year", "issue"]
    list_select_related = ["issue", "section", "updated_by"]
    search_fields = ["title", "subtitle", "kicker", "byline", "contributor", "summary"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["issue", "topics"]
    readonly_fields = ["status", "review_stage", "published_at", "created_by", "created_at", "updated_by", "updated_at"]
    inlines = [ArticlePersonInline, ArticlePhotoInline]
    fieldsets = [
        (None, {"fields": ["issue", "section", "kicker", "title", "subtitle", "slug"]}),
        ("署名与供稿", {"fields": ["byline", "contributor"]}),
        ("正文", {"fields": ["summary", "body", "topics"]}),
        ("印刷版", {"fields": [("first_page", "last_page"), "position"]}),
        ("发布", {"fields": ["status", "review_stage", "published_at"]}),
        ("记录", {"fields": [("created_by", "created_at"), ("updated_by", "updated_at")], "classes": ["collapse"]}),
    ]

    @admin.display(description="页码", ordering="first_page")
    def page_range_display(self, article):
        return article.page_range or "—"

    def save_model(self, request, obj, form, change):
        stamp_editors(obj, request.user)
        super().save_model(request, obj, form, change)
