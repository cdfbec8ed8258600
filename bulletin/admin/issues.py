"""The issue's admin page: its articles in printed order, the page check, release and the print
edition."""

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from bulletin import planning, print_edition, redirects, workflow
from bulletin.admin import actions
from bulletin.admin.workflow import save_content
from bulletin.forms import IssueArticleForm, IssueArticleFormSet, IssueDeadlineFormSet
from bulletin.models import Article, Issue, IssueDeadline, IssuePrint, ProductionRhythm
from publishing.admin import RefreshesPublicPages, image_preview, reverse_or_none
from publishing.templatetags.names import full_name

STEP_LABELS = {
    "submit": "提交本期全部草稿",
    "approve": "审核通过我此刻可审的稿件",
    "publish": "发布本期已通过的稿件",
}


class IssueArticleInline(admin.TabularInline):
    model = Article
    form = IssueArticleForm
    formset = IssueArticleFormSet
    template = "admin/bulletin/issue/articles_inline.html"
    fields = ["section", "position", "title", "first_page", "last_page", "status", "review_stage", "holder", "behind"]
    readonly_fields = ["status", "review_stage", "holder", "behind"]
    extra = 0
    show_change_link = True
    verbose_name = "本期稿件"
    verbose_name_plural = "本期稿件（按目录顺序，可直接修改栏目、顺序和页码；已发布的稿件请在稿件页修改）"

    def get_queryset(self, request):
        # Revisions of published articles are not part of the issue until they replace them.
        return (
            super()
            .get_queryset(request)
            .originals()
            .select_related("section", "section__parent", "review_stage__group", "updated_by")
            .in_toc_order()
        )

    @admin.display(description="在谁手里")
    def holder(self, article):
        """Who the article waits for: the group deciding its stage, else its last editor."""
        if article.review_stage_id:
            return f"{article.review_stage.group}组"
        return full_name(article.updated_by, "—")

    @admin.display(description="日程")
    def behind(self, article):
        """Why the article is behind its issue's schedule, or “—”."""
        if not hasattr(self, "_plan"):
            # One inline serves one request and one issue: its schedule is read once.
            self._plan = planning.schedules([article.issue])[article.issue_id]
        return planning.lateness(article, self._plan) or "—"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "section":
            # A bare select keeps each row on one line; sections are managed on their own page.
            field.widget = field.widget.widget
        return field


class IssueDeadlineInline(admin.TabularInline):
    model = IssueDeadline
    formset = IssueDeadlineFormSet
    fields = ["stage", "due_on"]
    extra = 0
    verbose_name_plural = "各审核环节截止日期（新建本期时按出版周期推算，可调整）"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("stage")

    # The deadlines are part of the issue: whoever may change the issue may set them.
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("bulletin.view_issue")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("bulletin.change_issue")

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(ProductionRhythm)
class ProductionRhythmAdmin(admin.ModelAdmin):
    """The periodical's one rhythm: edited in place, never a second one."""

    list_display = ["__str__", "print_days", "layout_days"]
    fields = ["issues_per_year", "release_day", "print_days", "layout_days"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not ProductionRhythm.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Issue)
class IssueAdmin(RefreshesPublicPages, admin.ModelAdmin):
    list_display = ["__str__", "theme", "released_on", "page_count", "article_count", "status", "published_at"]
    list_filter = ["status", "year"]
    # The issue picker of the article form searches here too (autocomplete).
    search_fields = ["theme", "cover_caption"]
    ordering = ["-year", "-number"]
    readonly_fields = ["status", "published_at", "cover_preview", "flatplan"]
    inlines = [IssueDeadlineInline, IssueArticleInline]
    fieldsets = [
        (None, {"fields": [("year", "number", "running_number"), "theme", "released_on", "status", "published_at"]}),
        (
            "制作日程",
            {
                "fields": [("copy_deadline", "to_printer_on", "planned_release_on")],
                "description": "留空的日期在保存时按“出版周期”推算；制作看板和“待我处理”据此标出逾期的稿件。",
            },
        ),
        ("封面", {"fields": ["cover_image", "cover_preview", "cover_caption"]}),
        ("印刷版", {"fields": ["page_count", "print_pdf", "flatplan"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        """Issues by every name editors use for them (``IssueQuerySet.named``): 5, 第5期,
        2026年第5期, 总第123期, or a word of the theme."""
        if not search_term.strip():
            return queryset, False
        return queryset.named(search_term), False

    def get_urls(self):
        return [
            path(
                "<int:object_id>/release/",
                self.admin_site.admin_view(actions.release_issue),
                {"model_admin": self},
                name="bulletin_issue_release",
            ),
            path(
                "<int:object_id>/decide/<slug:action>/",
                self.admin_site.admin_view(actions.decide_issue),
                {"model_admin": self},
                name="bulletin_issue_decide",
            ),
            path(
                "<int:object_id>/unpublish/",
                self.admin_site.admin_view(actions.unpublish_issue),
                {"model_admin": self},
                name="bulletin_issue_unpublish",
            ),
            path(
                "<int:object_id>/print/",
                self.admin_site.admin_view(actions.build_issue_print),
                {"model_admin": self},
                name="bulletin_issue_print",
            ),
            path(
                "<int:object_id>/print/<int:print_id>/",
                self.admin_site.admin_view(actions.download_issue_print),
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
                    **self.steps_context(request, obj),
                    # Flagged on their own rows too, beside the 页码检查 summary.
                    "pages_out_of_order": [article.pk for article in self.page_check(obj).out_of_order],
                }
            )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def steps_context(self, request, issue):
        """The steps the user may take for all the issue's articles at once, each with how many
        articles it would take, and the version of every article the page shows."""
        articles = Article.objects.originals().filter(issue=issue)
        steps = [
            {
                "action": action,
                "label": STEP_LABELS[action],
                "count": workflow.at_step(articles, action, request.user).count(),
                "url": reverse("admin:bulletin_issue_decide", args=[issue.pk, action]),
            }
            for action in workflow.BULK_ACTIONS
            if request.user.has_perm(workflow.permission_of(Article, workflow.ALLOWED[action].permission))
        ]
        return {"issue_steps": steps, "issue_versions": list(articles.values_list("pk", "version")) if steps else []}

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
        planning.plan(form.instance)
        # The cover, the theme and the articles' places are printed too (a no-op for drafts).
        print_edition.schedule_rebuild(form.instance.pk)

    @admin.display(description="稿件数", ordering="num_articles")
    def article_count(self, issue):
        return issue.num_articles

    @admin.display(description="封面预览")
    def cover_preview(self, issue):
        return image_preview(issue.cover_image, large=True)

    @staticmethod
    def page_check(issue):
        """The issue's page check, made once for its page: the summary and the rows' flags read it."""
        if not hasattr(issue, "_page_check"):
            issue._page_check = issue.flatplan_report()
        return issue._page_check

    @admin.display(description="页码检查")
    def flatplan(self, issue):
        if issue.pk is None:
            return "保存后显示"
        report = self.page_check(issue)
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
