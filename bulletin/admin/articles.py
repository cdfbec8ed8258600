"""The article's admin pages: the list and its filters, the change page where saving a
published article makes a revision, the people and photos inlines, and the history. (The Word
import is in ``docx_import_views``.)"""

from itertools import pairwise

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.db import connection
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from bulletin import redirects, workflow
from bulletin.admin import actions, planning, wechat
from bulletin.admin.docx_import_views import DocxImportMixin
from bulletin.admin.workflow import WorkflowAdminMixin
from bulletin.forms import ArticleForm
from bulletin.models import Article, ArticlePerson, ArticlePhoto, Issue, Submission
from publishing import search
from publishing.admin import image_preview, reverse_or_none
from publishing.models import PublicationStatus
from publishing.templatetags.names import full_name


def pending_revision(article):
    """The revision being prepared for a published article, or None."""
    if article.pk is None or article.live_article_id:
        return None
    try:
        return article.pending_revision
    except Article.pending_revision.RelatedObjectDoesNotExist:
        return None


def is_live_published(article):
    """A published article itself (not a revision): what readers see, protected from edits."""
    return article is not None and article.status == PublicationStatus.PUBLISHED and not article.live_article_id


def is_frozen(article):
    """Text that only changes through a revision (published) or a send-back (approved)."""
    return is_live_published(article) or (article is not None and article.status == PublicationStatus.APPROVED)


class FrozenInline:
    """People and photos of a published article are changed on its revision, those of an
    approved one after a send-back: never on the page itself."""

    def has_add_permission(self, request, obj):
        return not is_frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not is_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not is_frozen(obj) and super().has_delete_permission(request, obj)


class ArticlePersonInline(FrozenInline, admin.TabularInline):
    model = ArticlePerson
    fields = ["person", "role", "printed_title", "position"]
    autocomplete_fields = ["person"]
    extra = 1


class ArticlePhotoInline(FrozenInline, admin.TabularInline):
    model = ArticlePhoto
    fields = ["image", "preview", "alt", "caption", "credit", "position"]
    readonly_fields = ["preview"]
    extra = 1

    @admin.display(description="预览")
    def preview(self, photo):
        return image_preview(photo.image)


class RevisionFilter(admin.SimpleListFilter):
    title = "稿件类别"
    parameter_name = "revision"

    def lookups(self, request, model_admin):
        return [("no", "稿件"), ("yes", "已发布稿件的修改稿")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(live_article__isnull=True)
        if self.value() == "yes":
            return queryset.filter(live_article__isnull=False)
        return queryset


class SourceFilter(admin.SimpleListFilter):
    """Pieces the units sent in (来稿), by their answer, beside what the office wrote itself."""

    title = "来源"
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return [("office", "编辑部稿件"), ("contributed", "来稿"), ("declined", "未采用的来稿")]

    def queryset(self, request, queryset):
        if self.value() == "office":
            return queryset.filter(submission__isnull=True)
        if self.value() == "contributed":
            return queryset.filter(submission__isnull=False).exclude(submission__status=Submission.Status.DECLINED)
        if self.value() == "declined":
            return queryset.filter(submission__status=Submission.Status.DECLINED)
        return queryset


class IssueFilter(admin.SimpleListFilter):
    """The issues of the year chosen in the filter beside it (else of the latest year): a list of
    every issue in the archive would weigh down every change list page."""

    title = "期号"
    parameter_name = "issue__id__exact"

    def lookups(self, request, model_admin):
        year = request.GET.get("issue__year")
        issues = Issue.objects.order_by("-year", "-number")
        if year and year.isdigit():
            return [(issue.pk, issue.short_name) for issue in issues.filter(year=year)]
        latest = issues.values_list("year", flat=True).first()
        return [(issue.pk, issue.short_name) for issue in issues.filter(year=latest)]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(issue_id=self.value())
        return queryset


# What the history page lists as changed: the text and its place, not bookkeeping fields.
HISTORY_FIELDS = ["issue", "slug", *(name.removesuffix("_id") for name in workflow.REVISED_FIELDS)]


@admin.register(Article)
class ArticleAdmin(DocxImportMixin, WorkflowAdminMixin, SimpleHistoryAdmin):
    form = ArticleForm
    # The columns that tell rows apart; the publication time is in the date drill-down above.
    list_display = [
        "title_display",
        "issue_display",
        "section",
        "page_range_display",
        "state",
        "review_stage",
        "updated_by",
    ]
    list_filter = ["status", RevisionFilter, SourceFilter, "review_stage", "section", "issue__year", IssueFilter]
    list_select_related = ["issue", "section", "updated_by", "review_stage"]
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
    conflict_fields = ["kicker", "title", "subtitle", "summary", "body", "byline", "contributor"]
    object_history_template = "admin/bulletin/article/object_history.html"
    object_history_list_template = "admin/bulletin/article/object_history_list.html"

    def changelist_view(self, request, extra_context=None):
        if request.method != "GET" or not request.GET.get(SEARCH_VAR):
            return super().changelist_view(request, extra_context)
        # The list, its count and the date drill-down all filter by the search; rendered here,
        # inside the block, so each finds the matches through the full-text index. (Actions,
        # which POST, run as they always do.)
        with search.through_the_index():
            response = super().changelist_view(request, extra_context)
            if hasattr(response, "render"):
                response.render()
        return response

    def get_search_results(self, request, queryset, search_term):
        """On PostgreSQL, the search box uses the full-text index (words and runs of characters)
        instead of a substring scan of six columns of every row."""
        query = search.parse_query(search_term)
        if connection.vendor != "postgresql" or not query.parts:
            return super().get_search_results(request, queryset, search_term)
        return search.filter_matching(queryset, query), False

    def get_urls(self):
        return [
            path(
                "<int:object_id>/revise/",
                self.admin_site.admin_view(actions.revise),
                {"model_admin": self},
                name="bulletin_article_revise",
            ),
            path(
                "<int:pk>/wechat/",
                self.admin_site.admin_view(wechat.CopyForOfficialAccountView.as_view()),
                name="bulletin_article_wechat",
            ),
            path(
                "<int:object_id>/history/<int:history_id>/restore/",
                self.admin_site.admin_view(actions.restore),
                {"model_admin": self},
                name="bulletin_article_restore",
            ),
            *planning.urls(self),
            *super().get_urls(),
        ]

    @admin.display(description="标题", ordering="title")
    def title_display(self, article):
        if article.live_article_id:
            return f"{article.title}（修改稿）"
        return article.title

    @admin.display(description="期刊", ordering="issue")
    def issue_display(self, article):
        return article.issue.short_name if article.issue_id else "网络新闻"

    @admin.display(description="页码", ordering="first_page")
    def page_range_display(self, article):
        return article.page_range or "—"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and (is_live_published(obj) or obj.live_article_id):
            # A revision replaces the text, not the article's place or address.
            fields += ["issue", "slug"]
        return fields

    def has_change_permission(self, request, obj=None):
        # While a revision is under way it is the one place to edit, so the live page is shown
        # read-only. A form loaded before the revision existed still posts here: its form refuses
        # it with the editor's input kept, rather than a bare 403 that would lose it.
        if request.method != "POST" and is_live_published(obj) and pending_revision(obj) is not None:
            return False
        return super().has_change_permission(request, obj)

    # A published article: saving makes a revision -------------------------------------------

    def save_model(self, request, obj, form, change):
        if change and is_live_published(obj):
            changes = {}
            for name in form.changed_data:
                if name == "loaded_version":
                    continue
                attname = obj._meta.get_field(name).attname
                if attname in workflow.REVISED_FIELDS:
                    changes[attname] = getattr(obj, attname)
            if not changes and "topics" not in form.changed_data:
                obj.saved_revision = None
                return
            obj.saved_revision = workflow.start_revision(obj, by=request.user, changes=changes)
            return
        if not change:
            return super().save_model(request, obj, form, change)
        # A withdrawn article may be moved before it is published again: its old address is kept.
        with redirects.remembering_addresses(Article.objects.filter(pk=obj.pk)):
            return super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if not hasattr(form.instance, "saved_revision"):
            return super().save_related(request, form, formsets, change)
        revision = form.instance.saved_revision
        if revision is not None and "topics" in form.changed_data:
            revision.topics.set(form.cleaned_data["topics"])
        return None

    def construct_change_message(self, request, form, formsets, add=False):
        if hasattr(form.instance, "saved_revision"):
            # The inlines of a published article are read-only and were not saved.
            formsets = []
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        if hasattr(obj, "saved_revision"):
            if obj.saved_revision is None:
                return None
            obj = obj.saved_revision
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if not hasattr(obj, "saved_revision"):
            return super().response_change(request, obj)
        if obj.saved_revision is None:
            self.message_user(request, "没有修改，网站上的版本保持不变。")
            return redirect(actions.change_url(obj))
        self.message_user(request, "已另存为修改稿，审核通过并发布后才会替换网站上的版本。")
        return redirect(actions.change_url(obj.saved_revision))

    # The workflow panel ----------------------------------------------------------------------

    def workflow_notices(self, request, obj):
        notices = []
        submission = Submission.objects.filter(article=obj).select_related("unit", "contributor").first()
        if submission is not None:
            notices.append(
                format_html(
                    "这是{}通讯员{}的来稿（<a href='{}'>稿号 {}</a>，通讯员看到的进展：{}）。{}",
                    submission.unit,
                    full_name(submission.contributor),
                    reverse("admin:bulletin_submission_change", args=[submission.pk]),
                    submission.number,
                    submission.stage_label(),
                    f"给编辑的话：{submission.note}" if submission.note else "",
                )
            )
        if obj.status == PublicationStatus.APPROVED:
            notices.append("本稿已审核通过，内容不能再直接修改；如需修改，请审核人退回。")
        if obj.live_article_id:
            notices.append(
                format_html(
                    "这是已发布稿件<a href='{}'>《{}》</a>的修改稿。网站上仍显示原稿；本稿审核通过并发布后替换原稿。",
                    actions.change_url(obj.live_article),
                    obj.live_article,
                )
            )
            return notices
        if not is_live_published(obj):
            return notices
        revision = pending_revision(obj)
        if revision is not None:
            notices.append(
                format_html(
                    "本文已有一份修改稿（{}，{}）。请在<a href='{}'>修改稿</a>上修改；"
                    "它审核通过并发布后才会替换网站上的版本。",
                    revision.get_status_display(),
                    f"{full_name(revision.updated_by)} 最后编辑",
                    actions.change_url(revision),
                )
            )
        else:
            notices.append("本文已发布。保存修改时会另存为修改稿，审核通过并发布后才会替换网站上的版本。")
        return notices

    def workflow_context(self, request, obj, form):
        context = super().workflow_context(request, obj, form)
        may_revise = (
            is_live_published(obj) and pending_revision(obj) is None and super().has_change_permission(request, obj)
        )
        context["revise_url"] = reverse("admin:bulletin_article_revise", args=[obj.pk]) if may_revise else None
        context.update(planning.planning_context(request, obj))
        return context

    def workflow_links(self, request, obj):
        links = [
            ("预览", reverse_or_none("bulletin:preview-article", pk=obj.pk)),
            ("对比修改", reverse_or_none("review:article-diff", pk=obj.pk)),
            ("审稿单", reverse_or_none("review:review-record", pk=obj.pk)),
            ("分享链接", reverse_or_none("review:share-links", pk=obj.pk)),
            ("修改记录", reverse("admin:bulletin_article_history", args=[obj.pk])),
            (
                "复制到公众号",
                reverse("admin:bulletin_article_wechat", args=[obj.pk]) if is_live_published(obj) else None,
            ),
        ]
        return [{"label": label, "url": url} for label, url in links if url]

    # History: restore through the workflow, never simple-history's own revert -------------------

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history's revert would bring back the workflow state as well.
        raise Http404

    def history_view(self, request, object_id, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_restore": self.has_change_permission(request),
        }
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_view_title(self, request, obj):
        return f"《{obj}》的修改记录"

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        records = list(historical_records)
        for record in records:
            record.editor_name = full_name(record.history_user)
        for newer, older in pairwise(records):
            delta = newer.diff_against(older, included_fields=HISTORY_FIELDS)
            newer.changed_fields = "、".join(str(Article._meta.get_field(c.field).verbose_name) for c in delta.changes)
