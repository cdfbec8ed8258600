import re

from django import forms
from django.contrib.admin.widgets import AdminTextInputWidget
from django.core.exceptions import ValidationError
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.utils import timezone

from bulletin import docx_import, workflow
from bulletin.models import Article, ArticlePerson, Issue, Section
from publishing.templatetags.names import full_name


class VersionedForm(forms.ModelForm):
    """A form for content several people change at once (optimistic locking).

    The form carries the version it was loaded at. Every change, a decision as much as another
    editor's save, moves the version on (``bulletin.workflow``), so saving a form loaded before it
    is refused with who did what and when; ``conflict`` holds the row as it is now, so the page
    can show the other editor's text. The user's input stays in the form, and the hidden version
    moves on, so that saving again after merging by hand goes through.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # A row of a list (the issue page) is saved only when changed, so only then checked; a
    # change page is always saved, so always checked.
    check_unchanged = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def has_edits(self):
        """Whether saving would change the row: posted values differ from what it holds now."""
        return any(name != "loaded_version" for name in self.changed_data)

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None or not (self.check_unchanged or self.has_edits()):
            return cleaned_data
        # The admin saves inside a transaction: the row stays locked until this form is saved, so
        # no decision can slip in between this check and the save.
        try:
            current = workflow.lock(self.instance)
        except workflow.TransitionRefused as gone:
            raise ValidationError(f"{gone}您的修改没有保存。", code="gone") from None
        loaded = cleaned_data.get("loaded_version")
        if loaded is None:
            raise ValidationError(
                "页面缺少版本信息，无法确认您看到的是最新内容。请重新打开本页后再修改。", code="stale"
            )
        if current.version != loaded:
            self.conflict = current
            self.data = self.data.copy()
            self.data[self.add_prefix("loaded_version")] = current.version
            raise ValidationError(
                "《%(title)s》在您打开之后有了新的变化：%(change)s。您的修改尚未保存。"
                "最新的内容列在下面，请对照后把您的修改合并进表单，再保存一次。",
                code="stale",
                params={"title": current, "change": workflow.last_change(current)},
            )
        return cleaned_data


class ArticleForm(VersionedForm):
    """An article as the admin edits it, alone or as a row of its issue."""

    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 -- the admin narrows them to its fieldsets and inline columns

    def _get_validation_exclusions(self):
        # The slug constraints apply to originals only (``live_article`` is empty); the form never
        # edits that field, but without it Django would skip them and the database would refuse.
        exclude = super()._get_validation_exclusions()
        exclude.discard("live_article")
        return exclude

    def clean(self):
        cleaned_data = super().clean()
        instance = self.instance
        is_live = instance.pk and instance.status == Article.Status.PUBLISHED and not instance.live_article_id
        if is_live and self.has_edits():
            revision = Article.objects.filter(live_article=instance).select_related("created_by").first()
            if revision is not None:
                raise ValidationError(
                    "%(who)s 已为本文建立了修改稿，您的修改尚未保存。请在修改稿上修改，以免两份修改互相覆盖。",
                    code="revision_exists",
                    params={"who": full_name(revision.created_by, "某位同事")},
                )
        return cleaned_data


class TransitionForm(forms.Form):
    """What a workflow button posts: an opinion and, for publishing, an optional future time."""

    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    at = forms.DateTimeField(
        label="定时发布",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"],
        help_text="留空则立即发布；填写将来的时刻，读者从那时起才能看到",
    )

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at is not None and at <= timezone.now():
            raise ValidationError("定时发布的时间须晚于现在；要立即发布，请留空。")
        return at


class DecisionForm(TransitionForm):
    """A workflow button of one article or event: it names the version its user saw, so that the
    decision is never applied to a state they did not see (``workflow.stale_refusal``)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": "页面缺少版本信息，无法确认您看到的是最新状态。请刷新本页后再操作。"},
    )


class ReleaseIssueForm(TransitionForm):
    move_out_unapproved = forms.BooleanField(label="把未审核通过的稿件移出本期", required=False)


class IssueArticleForm(ArticleForm):
    """A row of the issue page. A published article's row is read-only: it is changed through
    a revision on its own page, so that readers never see an unreviewed change. An approved
    article keeps the title and section its reviewers signed, but its place and pages may still
    move while the issue is laid out."""

    LAYOUT_FIELDS = {"position", "first_page", "last_page", "loaded_version"}
    check_unchanged = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.instance.status if self.instance.pk else None
        for name, field in self.fields.items():
            if status == Article.Status.PUBLISHED or (
                status == Article.Status.APPROVED and name not in self.LAYOUT_FIELDS
            ):
                field.disabled = True


class IssueArticleFormSet(BaseInlineFormSet):
    """The issue page's rows. Only drafts and withdrawn pieces may be deleted from here, as
    anywhere (``workflow.delete``): the box is shown for those only, and a row ticked for deletion
    is checked again as it stands now, with the page kept as posted if it is refused."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if DELETION_FIELD_NAME in form.fields and form.instance.status not in workflow.DELETABLE:
            form.fields[DELETION_FIELD_NAME].disabled = True

    def clean(self):
        super().clean()
        # Ticked, whether or not the box was offered: a row that was a draft when the page was
        # opened may be in review now, and the user is told rather than silently ignored.
        for form in self.initial_forms:
            if form.add_prefix(DELETION_FIELD_NAME) not in self.data:
                continue
            current = Article.objects.select_for_update(of=("self",)).filter(pk=form.instance.pk).first()
            if current is None:
                continue
            seen = form["loaded_version"].value()
            if reason := workflow.deletion_refusal(current, int(seen) if str(seen).isdigit() else None):
                raise ValidationError(reason, code="not_deletable")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type="file" multiple>``; cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_file_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_file_clean(item, initial) for item in data]
        return [single_file_clean(data, initial)]


class DocxImportForm(forms.Form):
    """Word files to turn into drafts of one issue and section."""

    MAX_FILES = 100
    MAX_TOTAL_MB = 200

    files = MultipleFileField(
        label="Word 文件",
        widget=MultipleFileInput(attrs={"accept": ".docx"}),
        help_text=f"可一次选择多个 .docx 文件，每个文件成为一篇草稿，按文件名顺序排在栏目中已有稿件之后。"
        f"每个文件不超过 {docx_import.MAX_FILE_MB} MB，一次最多 {MAX_FILES} 个、合计不超过 {MAX_TOTAL_MB} MB；"
        "更多文件请分批上传，或请管理员用 import_docx 命令导入整个文件夹。",
        error_messages={"required": "请选择要导入的 Word 文件。"},
    )
    issue = forms.ModelChoiceField(
        label="所属期刊",
        queryset=Issue.objects.filter(status=Issue.Status.DRAFT),
        required=False,
        empty_label="（不属于任何一期，只在网站发布）",
        help_text="只列出编辑中的期刊",
    )
    section = forms.ModelChoiceField(
        label="栏目", queryset=Section.objects.all(), error_messages={"required": "请选择栏目。"}
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > self.MAX_FILES:
            raise ValidationError(f"一次最多导入 {self.MAX_FILES} 个文件，您选择了 {len(files)} 个，请分批上传。")
        too_big = [f.name for f in files if f.size > docx_import.MAX_FILE_MB * 1024 * 1024]
        if too_big:
            names = "、".join(f"《{name}》" for name in too_big)
            raise ValidationError(f"{names}超过 {docx_import.MAX_FILE_MB} MB，请压缩其中的图片后再导入。")
        if sum(f.size for f in files) > self.MAX_TOTAL_MB * 1024 * 1024:
            raise ValidationError(f"这批文件合计超过 {self.MAX_TOTAL_MB} MB，请分批上传。")
        # The order of the issue follows the file names (“01 …”, “02 …”).
        return sorted(files, key=lambda f: docx_import.natural_key(f.name))


def _length(field):
    return Article._meta.get_field(field).max_length


# The admin's text input, as on the article's own form.
TEXT = AdminTextInputWidget


class DocxReviewForm(forms.Form):
    """What was recognised in one Word file, for the editor to correct before its draft is created."""

    title = forms.CharField(
        widget=TEXT, label="标题", max_length=_length("title"), error_messages={"required": "请填写标题。"}
    )
    kicker = forms.CharField(widget=TEXT, label="引题", max_length=_length("kicker"), required=False)
    subtitle = forms.CharField(widget=TEXT, label="副题", max_length=_length("subtitle"), required=False)
    byline = forms.CharField(widget=TEXT, label="署名", max_length=_length("byline"), required=False)
    author_names = forms.CharField(
        widget=TEXT,
        label="作者姓名",
        required=False,
        help_text="与人物库中同名的人物关联为作者；多位作者用“、”分隔。“本刊记者”等身份不是姓名。",
    )
    author_title = forms.CharField(
        widget=TEXT,
        label="文中职务",
        max_length=ArticlePerson._meta.get_field("printed_title").max_length,
        required=False,
        help_text="讲话人等作者在本文中印出的职务，如“党组成员、副主席”",
    )
    contributor = forms.CharField(widget=TEXT, label="供稿", max_length=_length("contributor"), required=False)

    def clean_author_names(self):
        names = list(
            dict.fromkeys(word for word in re.split(r"[、，,；;\s]+", self.cleaned_data["author_names"]) if word)
        )
        roles = [name for name in names if docx_import.is_role(name)]
        if roles:
            raise ValidationError(f"{_quoted(roles)}是身份，不是人名，请删去（署名中保留即可）。")
        others = [name for name in names if not docx_import.could_be_name(name)]
        if others:
            raise ValidationError(
                f"{_quoted(others)}不是人名：姓名为 2～4 个汉字，不含单位和职务；多位作者用“、”分隔。"
            )
        return names


def _quoted(words):
    return "、".join(f"“{word}”" for word in words)


def docx_review_formset(imported, data=None):
    """One :class:`DocxReviewForm` per imported file, filled in with what was recognised."""
    formset = forms.formset_factory(
        DocxReviewForm,
        extra=0,
        min_num=len(imported),
        max_num=len(imported),
        validate_min=True,
        validate_max=True,
    )
    initial = [
        {
            "title": item.title,
            "kicker": item.kicker,
            "subtitle": item.subtitle,
            "byline": item.byline,
            "author_names": "、".join(item.author_names),
            "author_title": item.author_title,
            "contributor": item.contributor,
        }
        for item in imported
    ]
    return formset(data, initial=initial, prefix="files")


class IssueDeadlineFormSet(BaseInlineFormSet):
    """The review stages' deadlines of an issue: each stage no earlier than the one before it,
    and all between the copy deadline and the day the issue goes to the printer."""

    def clean(self):
        super().clean()
        issue = self.instance
        dated = sorted(
            (
                (form.cleaned_data["stage"], form.cleaned_data["due_on"])
                for form in self.forms
                if form.cleaned_data
                and not form.cleaned_data.get(DELETION_FIELD_NAME)
                and form.cleaned_data.get("due_on")
            ),
            key=lambda pair: pair[0].order,
        )
        previous = None
        for stage, due in dated:
            if issue.copy_deadline and due < issue.copy_deadline:
                raise ValidationError(
                    f"{stage}截止日期（{due:%Y-%m-%d}）不能早于截稿日期（{issue.copy_deadline:%Y-%m-%d}）。"
                )
            if issue.to_printer_on and due > issue.to_printer_on:
                raise ValidationError(
                    f"{stage}截止日期（{due:%Y-%m-%d}）不能晚于付印日期（{issue.to_printer_on:%Y-%m-%d}）。"
                )
            if previous and due < previous[1]:
                raise ValidationError(
                    f"{stage}截止日期不能早于前一环节{previous[0]}的截止日期（{previous[1]:%Y-%m-%d}）。"
                )
            previous = (stage, due)
