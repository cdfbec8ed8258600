"""The article admin's Word import: .docx files become draft articles (``bulletin.docx_import``)
and the editor is told what was recognised in each."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from bulletin import docx_import
from bulletin.forms import DocxImportForm


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


class DocxImportMixin:
    """The import page and the summary of a many-file import, for the article admin."""

    IMPORT_SUMMARY_KEY = "bulletin_docx_import"

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="bulletin_article_import"),
            path(
                "import/summary/",
                self.admin_site.admin_view(self.import_summary_view),
                name="bulletin_article_import_summary",
            ),
            *super().get_urls(),
        ]

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
