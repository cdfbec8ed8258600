from itertools import pairwise

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django_tasks_db.models import DBTaskResult
from simple_history.admin import SimpleHistoryAdmin

from bulletin import admin_views, docx_import, media, pagecache, print_edition, redirects, workflow
from bulletin.forms import ArticleForm, DocxImportForm, IssueArticleForm, IssueArticleFormSet
from bulletin.models import Article, ArticlePerson, ArticlePhoto, Issue, IssuePrint, Section, Topic
from publishing import search
from publishing.admin import image_preview, reverse_or_none
from publishing.diff import text_of
from publishing.models import ACTION_LABELS, PublicationStatus
from publishing.sanitize import RichTextField
from publishing.templatetags.names import full_name

# The task queue (django-tasks-db) is the worker's business: a print build reports its outcome on
# its issue's page and failures are logged, so editors are not shown the raw queue.
admin.site.unregister(DBTaskResult)

admin.site.site_header = f"{settings.PERIODICAL_NAME} 编辑部"
admin.site.site_title = f"{settings.PERIODICAL_NAME} 编辑部"
admin.site.index_title = "稿件与期刊管理"


def stamp_editors(obj, user):
    """Record who created and who last changed a piece of content, whichever admin form saved it."""
    if obj.pk is None:
        obj.created_by = user
    obj.updated_by = user


def save_content(obj, user):
    """Prepare a content save by ``user``: stamped, and its version moved on so that forms and
    decisions made on the earlier version are refused (``bulletin.workflow``)."""
    stamp_editors(obj, user)
    if obj.pk is not None:
        obj.version += 1


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


class RefreshesPublicPages:
    """Admin pages whose saves and deletions change what readers see: once the change is
    committed, cached public pages are built afresh (``bulletin.pagecache``), and the files readers
    may fetch follow (``bulletin.media``: a new cover of a released issue, a new portrait)."""

    def changes_public_pages(self, obj):
        return True

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if self.changes_public_pages(obj):
            pagecache.content_changed()
            media.readers_see(obj)

    def delete_model(self, request, obj):
        public = self.changes_public_pages(obj)
        super().delete_model(request, obj)
        if public:
            pagecache.content_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        pagecache.content_changed()


# Articles and events: the shared workflow page ---------------------------------------------------


class WorkflowAdminMixin:
    """The change page of reviewable content: workflow panel, decision timeline, locking.

    Every button posts to a small view in ``bulletin.admin_views`` that asks ``bulletin.workflow``
    to act; the page only shows what ``workflow.available_actions`` allows the current user.
    """

    change_form_template = "admin/workflow_change_form.html"
    # Shown next to a conflict so that a second editor can merge by hand.
    conflict_fields = ["title"]

    def get_urls(self):
        app_label, model_name = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:object_id>/workflow/<slug:action>/",
                self.admin_site.admin_view(admin_views.transition),
                {"model_admin": self},
                name=f"{app_label}_{model_name}_transition",
            ),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        # A save that changes nothing writes nothing: pressing 保存 does not make a reviewer an
        # editor of the text. (Changes in the inlines alone are saved in save_related.)
        if change and not form.has_edits():
            return
        save_content(obj, request.user)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            return
        obj = form.instance
        changed = [name for name in form.changed_data if name != "loaded_version"]
        changed += [formset.fk.remote_field.related_name for formset in formsets if formset.has_changed()]
        if changed and not form.has_edits():
            save_content(obj, request.user)
            obj.save(update_fields=["updated_by", "version", "updated_at"])
        if changed:
            workflow.record_edit(obj, by=request.user, fields=changed)

    def delete_model(self, request, obj):
        workflow.delete(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        # All or nothing, each checked as it stands when deleted: the confirmation page was
        # shown from an earlier reading.
        with transaction.atomic():
            for obj in queryset:
                workflow.delete(obj, by=request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status == PublicationStatus.APPROVED:
            # Approved text is what the reviewers signed; changing it takes a send-back first.
            fields += [name for name in flatten_fieldsets(self.get_fieldsets(request, obj)) if name not in fields]
        return fields

    def has_delete_permission(self, request, obj=None):
        # What readers have seen leaves the site by withdrawal, which is logged; only drafts and
        # withdrawn pieces may be deleted.
        if obj is not None and obj.status not in (PublicationStatus.DRAFT, PublicationStatus.WITHDRAWN):
            return False
        return super().has_delete_permission(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context.update(self.workflow_context(request, obj, context["adminform"].form))
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def workflow_context(self, request, obj, form):
        log = list(obj.workflow_log.select_related("actor", "stage").order_by("-at", "-pk"))
        published = obj.status == PublicationStatus.PUBLISHED
        return {
            "workflow_state": obj.get_status_display(),
            "scheduled": published and obj.published_at > timezone.now(),
            # Readers may still not see it: an article waits for its issue to be released too.
            "public_now": published and type(obj).objects.public().filter(pk=obj.pk).exists(),
            "workflow_stage": obj.review_stage,
            "workflow_actions": self.workflow_actions(request, obj),
            "workflow_hints": self.workflow_hints(request, obj),
            "workflow_notices": self.workflow_notices(request, obj),
            "workflow_links": self.workflow_links(request, obj),
            "sent_back": self.latest_send_back(obj, log),
            "timeline": [
                {
                    "label": entry.get_action_display(),
                    "stage": entry.stage_name,
                    "actor": full_name(entry.actor),
                    "at": entry.at,
                    "comment": entry.comment,
                    "to_status": entry.get_to_status_display(),
                    "action": entry.action,
                }
                for entry in log
            ],
            "conflict": self.conflict_context(form),
        }

    def workflow_actions(self, request, obj):
        url_name = f"admin:{self.opts.app_label}_{self.opts.model_name}_transition"
        return [
            {
                "name": action,
                "label": ACTION_LABELS[action],
                "url": reverse(url_name, args=[obj.pk, action]),
                "comment_required": action in workflow.COMMENT_REQUIRED,
                "comment_help": workflow.COMMENT_REQUIRED.get(action, "可选，会记入审稿记录"),
                "version": obj.version,
                # A revision replaces text that is already public, so it goes live at once.
                "schedule": action == "publish" and not getattr(obj, "live_article_id", None),
            }
            for action in workflow.available_actions(obj, request.user)
        ]

    def workflow_hints(self, request, obj):
        """Why a decision the user could otherwise take is refused here (separation of duties)."""
        hints = []
        for action, rule in workflow.ALLOWED.items():
            if obj.status not in rule.sources:
                continue
            permission = f"{obj._meta.app_label}.{rule.permission}_{obj._meta.model_name}"
            if not request.user.has_perm(permission):
                continue
            reason = workflow.refusal(action, obj, request.user)
            if reason:
                hints.append(f"{ACTION_LABELS[action]}：{reason}")
        return hints

    def workflow_notices(self, request, obj):
        return []

    def workflow_links(self, request, obj):
        return [
            {
                "label": "修改记录",
                "url": reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk]),
            }
        ]

    @staticmethod
    def latest_send_back(obj, log):
        """The send-back the author is working on: only while the piece is back in draft."""
        if obj.status != PublicationStatus.DRAFT:
            return None
        for entry in log:
            if entry.action in ("submit", "reopen", "publish"):
                return None
            if entry.action == "send_back":
                return {
                    "actor": full_name(entry.actor),
                    "at": entry.at,
                    "stage": entry.stage_name,
                    "comment": entry.comment,
                }
        return None

    def conflict_context(self, form):
        """The other editor's values of the fields where they differ from what this editor posted."""
        current = getattr(form, "conflict", None)
        if current is None:
            return None
        fields = []
        for name in self.conflict_fields:
            field = current._meta.get_field(name)
            theirs = field.value_from_object(current)
            if isinstance(field, RichTextField):
                text = text_of(theirs)
                same = name in form.fields and text == text_of(form[name].data or "")
            else:
                text = field.value_to_string(current)
                same = name in form.fields and not form.fields[name].has_changed(theirs, form[name].data)
            if not same:
                fields.append({"label": field.verbose_name, "text": text})
        return {
            "who": full_name(current.updated_by),
            "at": timezone.localtime(current.updated_at),
            "fields": fields,
        }


# Issues ----------------------------------------------------------------------------------------


class IssueArticleInline(admin.TabularInline):
    model = Article
    form = IssueArticleForm
    formset = IssueArticleFormSet
    template = "admin/bulletin/issue/articles_inline.html"
    fields = ["section", "position", "title", "first_page", "last_page", "status"]
    readonly_fields = ["status"]
    extra = 0
    show_change_link = True
    verbose_name = "本期稿件"
    verbose_name_plural = "本期稿件（按目录顺序，可直接修改栏目、顺序和页码；已发布的稿件请在稿件页修改）"

    def get_queryset(self, request):
        # Revisions of published articles are not part of the issue until they replace them.
        return super().get_queryset(request).originals().select_related("section", "section__parent").in_toc_order()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "section":
            # A bare select keeps each row on one line; sections are managed on their own page.
            field.widget = field.widget.widget
        return field


@admin.register(Issue)
class IssueAdmin(RefreshesPublicPages, admin.ModelAdmin):
    list_display = ["__str__", "theme", "released_on", "page_count", "article_count", "status", "published_at"]
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

    def get_urls(self):
        return [
            path(
                "<int:object_id>/release/",
                self.admin_site.admin_view(admin_views.release_issue),
                {"model_admin": self},
                name="bulletin_issue_release",
            ),
            path(
                "<int:object_id>/unpublish/",
                self.admin_site.admin_view(admin_views.unpublish_issue),
                {"model_admin": self},
                name="bulletin_issue_unpublish",
            ),
            path(
                "<int:object_id>/print/",
                self.admin_site.admin_view(admin_views.build_issue_print),
                {"model_admin": self},
                name="bulletin_issue_print",
            ),
            path(
                "<int:object_id>/print/<int:print_id>/",
                self.admin_site.admin_view(admin_views.download_issue_print),
                {"model_admin": self},
                name="bulletin_issue_print_download",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        # Pending revisions of published articles are not extra articles of the issue.
        originals = Count("articles", filter=Q(articles__live_article__isnull=True))
        return super().get_queryset(request).annotate(num_articles=originals)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context.update(
                {
                    "may_release": request.user.has_perm("bulletin.release_issue"),
                    "is_released": obj.status == Issue.Status.PUBLISHED,
                    "board_url": reverse_or_none("review:issue-board", pk=obj.pk),
                    "release_url": reverse("admin:bulletin_issue_release", args=[obj.pk]),
                    "unpublish_url": reverse("admin:bulletin_issue_unpublish", args=[obj.pk]),
                    **self.print_context(request, obj),
                }
            )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def print_context(self, request, issue):
        """The print edition panel: who may build, the layouts to choose from, the PDFs so far."""
        editions = list(issue.prints.select_related("requested_by"))
        for edition in editions:
            edition.download_url = (
                reverse("admin:bulletin_issue_print_download", args=[issue.pk, edition.pk]) if edition.file else None
            )
            edition.requested_by_name = full_name(edition.requested_by) if edition.requested_by else ""
        return {
            "print_refusal": print_edition.refusal(issue, request.user),
            "print_url": reverse("admin:bulletin_issue_print", args=[issue.pk]),
            "print_papers": IssuePrint.Paper.choices,
            "print_default_paper": print_edition.public_layout().paper,
            "print_editions": editions,
            "print_pending": any(e.state in (IssuePrint.State.QUEUED, IssuePrint.State.BUILDING) for e in editions),
        }

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # Correcting a released issue's year or number moves all its articles' addresses.
        with redirects.remembering_addresses(obj.articles.all()):
            return super().save_model(request, obj, form, change)

    def changes_public_pages(self, issue):
        # A released issue's metadata and its articles' places (the inline) are on public pages.
        return issue.status == Issue.Status.PUBLISHED

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The cover, the theme and the articles' places are printed too (a no-op for drafts).
        print_edition.schedule_rebuild(form.instance.pk)

    @admin.display(description="稿件数", ordering="num_articles")
    def article_count(self, issue):
        return issue.num_articles

    @admin.display(description="封面预览")
    def cover_preview(self, issue):
        return image_preview(issue.cover_image, large=True)

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
        if not isinstance(formset, IssueArticleFormSet):
            return super().save_formset(request, form, formset, change)
        saved = formset.save(commit=False)
        changed = {article.pk: names for article, names in formset.changed_objects}
        for article in saved:
            save_content(article, request.user)
            article.save()
            if article.pk in changed:
                fields = [name for name in changed[article.pk] if name != "loaded_version"]
                workflow.record_edit(article, by=request.user, fields=fields)
        for article in formset.deleted_objects:
            workflow.delete(article, by=request.user)
        formset.save_m2m()


@admin.register(Section)
class SectionAdmin(RefreshesPublicPages, admin.ModelAdmin):
    list_display = ["name", "parent", "order", "show_heading", "slug"]
    list_editable = ["order", "show_heading"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    fields = ["name", "parent", "order", "show_heading", "slug", "description"]


@admin.register(Topic)
class TopicAdmin(RefreshesPublicPages, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


# Articles --------------------------------------------------------------------------------------


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


def import_row(result):
    """What the editor is told about one imported file, as plain data (kept in the session)."""
    parts = [f"标题《{result.title}》"]
    parts += [f"{label}“{value}”" for label, value in (("引题", result.kicker), ("副题", result.subtitle)) if value]
    if result.byline:
        parts.append(f"署名“{result.byline}”")
    if result.authors_linked:
        parts.append("作者 " + "、".join(person.name for person in result.authors_linked) + "（已关联）")
    if result.contributor:
        parts.append(f"供稿“{result.contributor}”")
    parts.append(f"正文 {result.paragraph_count} 段")
    if result.photo_count:
        parts.append(f"图片 {result.photo_count} 张")
    return {
        "file_name": result.file_name,
        "url": reverse("admin:bulletin_article_change", args=[result.article.pk]),
        "title": result.title,
        "kicker": result.kicker,
        "subtitle": result.subtitle,
        "byline": result.byline,
        "affiliation": result.affiliation,
        "contributor": result.contributor,
        "paragraph_count": result.paragraph_count,
        "photo_count": result.photo_count,
        "recognised": "，".join(parts),
        "linked": [
            {"name": person.name, "url": reverse("admin:people_person_change", args=[person.pk])}
            for person in result.authors_linked
        ],
        "unmatched": [
            {
                "name": author.name,
                "reason": author.reason,
                "action": "新建人物" if author.candidates == 0 else "查看同名者",
                "url": (
                    reverse("admin:people_person_add") + "?" + urlencode({"name": author.name})
                    if author.candidates == 0
                    else reverse("admin:people_person_changelist") + "?" + urlencode({"q": author.name})
                ),
            }
            for author in result.authors_unmatched
        ],
        "warnings": result.warnings,
    }


@admin.register(Article)
class ArticleAdmin(WorkflowAdminMixin, SimpleHistoryAdmin):
    form = ArticleForm
    list_display = [
        "title_display",
        "issue",
        "section",
        "page_range_display",
        "status",
        "review_stage",
        "published_at",
        "updated_by",
    ]
    list_filter = ["status", RevisionFilter, "review_stage", "section", "issue__year", IssueFilter]
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
        if connection.vendor != "postgresql" or not query.terms:
            return super().get_search_results(request, queryset, search_term)
        return search.filter_matching(queryset, query), False

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="bulletin_article_import"),
            path(
                "import/summary/",
                self.admin_site.admin_view(self.import_summary_view),
                name="bulletin_article_import_summary",
            ),
            path(
                "<int:object_id>/revise/",
                self.admin_site.admin_view(admin_views.revise),
                {"model_admin": self},
                name="bulletin_article_revise",
            ),
            path(
                "<int:object_id>/history/<int:history_id>/restore/",
                self.admin_site.admin_view(admin_views.restore),
                {"model_admin": self},
                name="bulletin_article_restore",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="标题", ordering="title")
    def title_display(self, article):
        if article.live_article_id:
            return f"{article.title}（修改稿）"
        return article.title

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
            return redirect(admin_views.change_url(obj))
        self.message_user(request, "已另存为修改稿，审核通过并发布后才会替换网站上的版本。")
        return redirect(admin_views.change_url(obj.saved_revision))

    # Word import: files become drafts (bulletin.docx_import) ---------------------------------

    IMPORT_SUMMARY_KEY = "bulletin_docx_import"

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = DocxImportForm(request.POST, request.FILES) if request.method == "POST" else DocxImportForm()
        if form.is_valid():
            try:
                results = docx_import.import_articles(
                    form.cleaned_data["files"],
                    issue=form.cleaned_data["issue"],
                    section=form.cleaned_data["section"],
                    by=request.user,
                )
            except docx_import.DocxImportError as error:
                form.add_error(None, "以下文件无法导入，没有创建任何稿件。请处理这些文件后，重新选择全部文件上传。")
                for message in error.messages:
                    form.add_error("files", message)
            else:
                for result in results:
                    self.log_addition(request, result.article, f"从 Word 文件《{result.file_name}》导入")
                return self.import_done(request, results)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "从 Word 导入稿件",
            "form": form,
        }
        return TemplateResponse(request, "admin/bulletin/article/import_docx.html", context)

    def import_done(self, request, results):
        """One draft: open it. Several: a summary page, kept in the session so a reload re-posts nothing."""
        rows = [import_row(result) for result in results]
        if len(results) == 1:
            row = rows[0]
            messages.success(request, f"已从《{row['file_name']}》导入草稿：{row['recognised']}。请核对后保存。")
            for author in row["unmatched"]:
                messages.warning(
                    request,
                    format_html(
                        '作者“{}”没有关联：{}。<a href="{}">{}</a>后，请在“稿件人物”中添加。',
                        author["name"],
                        author["reason"],
                        author["url"],
                        author["action"],
                    ),
                )
            for warning in row["warnings"]:
                messages.warning(request, warning)
            return redirect(row["url"])
        article = results[0].article
        in_place = {"section__id__exact": article.section_id}
        in_place.update({"issue__id__exact": article.issue_id} if article.issue_id else {"issue__isnull": "True"})
        request.session[self.IMPORT_SUMMARY_KEY] = {
            "issue": str(article.issue or "网站新闻（不属于任何一期）"),
            "section": str(article.section),
            "changelist_url": reverse("admin:bulletin_article_changelist") + "?" + urlencode(in_place),
            "rows": rows,
        }
        messages.success(request, f"已从 {len(results)} 个 Word 文件导入 {len(results)} 篇草稿。")
        return redirect("admin:bulletin_article_import_summary")

    def import_summary_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        summary = request.session.get(self.IMPORT_SUMMARY_KEY)
        if summary is None:
            return redirect("admin:bulletin_article_import")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "导入结果",
            "summary": summary,
            "import_url": reverse("admin:bulletin_article_import"),
        }
        return TemplateResponse(request, "admin/bulletin/article/import_summary.html", context)

    # The workflow panel ----------------------------------------------------------------------

    def workflow_notices(self, request, obj):
        notices = []
        if obj.status == PublicationStatus.APPROVED:
            notices.append("本稿已审核通过，内容不能再直接修改；如需修改，请审核人退回。")
        if obj.live_article_id:
            notices.append(
                format_html(
                    "这是已发布稿件<a href='{}'>《{}》</a>的修改稿。网站上仍显示原稿；本稿审核通过并发布后替换原稿。",
                    admin_views.change_url(obj.live_article),
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
                    admin_views.change_url(revision),
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
        return context

    def workflow_links(self, request, obj):
        links = [
            ("预览", reverse_or_none("bulletin:preview-article", pk=obj.pk)),
            ("对比修改", reverse_or_none("review:article-diff", pk=obj.pk)),
            ("审稿单", reverse_or_none("review:review-record", pk=obj.pk)),
            ("分享链接", reverse_or_none("review:share-links", pk=obj.pk)),
            ("修改记录", reverse("admin:bulletin_article_history", args=[obj.pk])),
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
