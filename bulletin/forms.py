from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.utils import timezone

from bulletin.models import Article
from bulletin.templatetags.names import full_name


class VersionedForm(forms.ModelForm):
    """A form for content two people may edit at once (optimistic locking).

    The form carries the version it was loaded at; saving it after someone else has saved is
    refused with their name and time, and ``conflict`` holds their row so the page can show
    their text. The second editor's input stays in the form, and the hidden version moves on,
    so that saving again after merging by hand goes through.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

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
        loaded = cleaned_data.get("loaded_version")
        if self.instance.pk is None or loaded is None or not self.has_edits():
            return cleaned_data
        # The admin saves inside a transaction: the row stays locked until this form is saved.
        # Lock only the row itself: PostgreSQL cannot lock the nullable side of the editor join.
        current = (
            type(self.instance)
            .objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(pk=self.instance.pk)
        )
        if current.version != loaded:
            self.conflict = current
            self.data = self.data.copy()
            self.data[self.add_prefix("loaded_version")] = current.version
            when = timezone.localtime(current.updated_at).strftime("%Y-%m-%d %H:%M")
            raise ValidationError(
                "《%(title)s》已被 %(who)s 于 %(when)s 修改，您的修改尚未保存。"
                "对方保存的内容列在下面，请对照后把您的修改合并进表单，再保存一次。",
                code="stale",
                params={"title": current, "who": full_name(current.updated_by, "某位同事"), "when": when},
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


class ReleaseIssueForm(TransitionForm):
    move_out_unapproved = forms.BooleanField(label="把未审核通过的稿件移出本期", required=False)


class IssueArticleForm(ArticleForm):
    """A row of the issue page. A published article's row is read-only: it is changed through
    a revision on its own page, so that readers never see an unreviewed change. An approved
    article keeps the title and section its reviewers signed, but its place and pages may still
    move while the issue is laid out."""

    LAYOUT_FIELDS = {"position", "first_page", "last_page", "loaded_version"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.instance.status if self.instance.pk else None
        for name, field in self.fields.items():
            if status == Article.Status.PUBLISHED or (
                status == Article.Status.APPROVED and name not in self.LAYOUT_FIELDS
            ):
                field.disabled = True


class IssueArticleFormSet(BaseInlineFormSet):
    """The issue page's rows: a published article cannot be deleted from here either."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if DELETION_FIELD_NAME in form.fields and form.instance.status == Article.Status.PUBLISHED:
            form.fields[DELETION_FIELD_NAME].disabled = True
