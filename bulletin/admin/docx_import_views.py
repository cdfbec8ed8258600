"""The article admin's Word import (``bulletin.docx_import``), in two steps: the uploaded .docx
files are kept while the editor checks and corrects what was recognised in each, then become
draft articles; the editor is told what was created."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from bulletin import docx_import
from bulletin.docx_import import staging
from bulletin.forms import DocxImportForm, docx_review_formset


def import_row(result):
    """What the editor is told about one imported file, as plain data (kept in the session)."""
    parts = [f"标题《{result.title}》"]
    parts += [f"{label}“{value}”" for label, value in (("引题", result.kicker), ("副题", result.subtitle)) if value]
    if result.byline:
        parts.append(
            f"署名“{result.byline}”（{result.byline_rule}）" if result.byline_rule else f"署名“{result.byline}”"
        )
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
        "byline_rule": result.byline_rule,
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


class DocxImportMixin:
    """The import pages of the article admin: upload, check and correct, the summary of a
    many-file import."""

    IMPORT_SUMMARY_KEY = "bulletin_docx_import"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="bulletin_article_import"),
            path("import/summary/", view(self.import_summary_view), name="bulletin_article_import_summary"),
            path("import/<str:token>/", view(self.import_review_view), name="bulletin_article_import_review"),
            path(
                "import/<str:token>/cancel/",
                view(require_POST(self.import_cancel_view)),
                name="bulletin_article_import_cancel",
            ),
            *super().get_urls(),
        ]

    def _require_add_permission(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied

    def import_view(self, request):
        """Step one: upload. The files are read and kept; the editor checks them next."""
        self._require_add_permission(request)
        form = DocxImportForm(request.POST, request.FILES) if request.method == "POST" else DocxImportForm()
        if form.is_valid():
            try:
                staged, _ = staging.stage(
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
                return redirect("admin:bulletin_article_import_review", token=staged.token)
        return self._import_page(request, "admin/bulletin/article/import_docx.html", "从 Word 导入稿件", form=form)

    def import_review_view(self, request, token):
        """Step two: what was recognised in each file, as a form to correct; posting it creates the drafts."""
        self._require_add_permission(request)
        staged = staging.staged_for(token, request.user)
        try:
            if staged is None:
                raise staging.StagingGone(token)
            imported = staging.read_staged(staged)
        except (staging.StagingGone, FileNotFoundError):
            # Its files go once the batch is created or cancelled, which another request may have
            # done since this one found it.
            messages.warning(request, "这批文件已经导入或已经取消，没有再创建稿件。")
            return redirect("admin:bulletin_article_import")
        formset = docx_review_formset(imported, request.POST if request.method == "POST" else None)
        if formset.is_valid():
            try:
                results = staging.create_staged_drafts(
                    staged, [form.cleaned_data for form in formset.forms], by=request.user
                )
            except staging.StagingGone:
                messages.warning(request, "这批文件已经导入或已经取消，没有再创建稿件。")
                return redirect("admin:bulletin_article_import")
            except staging.IssueClosed:
                messages.error(request, f"“{staged.issue}”已出版，不能再导入稿件。请取消这次导入，重新选择期刊上传。")
            else:
                for result in results:
                    self.log_addition(request, result.article, f"从 Word 文件《{result.file_name}》导入")
                return self.import_done(request, results)
        return self._import_page(
            request,
            "admin/bulletin/article/import_review.html",
            "核对识别结果",
            staged=staged,
            formset=formset,
            rows=list(zip(formset.forms, imported, strict=True)),
            cancel_url=reverse("admin:bulletin_article_import_cancel", args=[staged.token]),
        )

    def import_cancel_view(self, request, token):
        self._require_add_permission(request)
        staged = staging.staged_for(token, request.user)
        if staged is not None:
            staging.cancel(staged)
            messages.info(request, "已取消导入，上传的文件已删除。")
        return redirect("admin:bulletin_article_import")

    def _import_page(self, request, template, title, **context):
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **context}
        return TemplateResponse(request, template, context)

    def import_done(self, request, results):
        """One draft: open it. Several: a summary page, kept in the session so a reload re-posts nothing."""
        rows = [import_row(result) for result in results]
        if len(results) == 1:
            row = rows[0]
            messages.success(
                request,
                f"已从《{row['file_name']}》导入并保存为草稿：{row['recognised']}。请对照原稿核对，无误后提交审核。",
            )
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
        self._require_add_permission(request)
        summary = request.session.get(self.IMPORT_SUMMARY_KEY)
        if summary is None:
            return redirect("admin:bulletin_article_import")
        return self._import_page(
            request,
            "admin/bulletin/article/import_summary.html",
            "导入结果",
            summary=summary,
            import_url=reverse("admin:bulletin_article_import"),
        )
