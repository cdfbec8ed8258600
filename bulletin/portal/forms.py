"""The portal's forms: registration, a submission (written here or as Word files, with photos),
a revision, and the answer to a proof."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import PasswordResetForm
from django_ckeditor_5.widgets import CKEditor5Widget

from bulletin.docx_import import MAX_FILE_MB
from bulletin.models import Section, Unit
from publishing.diff import text_of
from publishing.images import PublicImageFormField, validate_image

MAX_DOCUMENTS = 10
MAX_PHOTOS = 6


class RegistrationForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=60, error_messages={"required": "请填写姓名。"})
    email = forms.EmailField(
        label="邮箱",
        help_text="用于登录和接收来稿进展的通知",
        error_messages={"required": "请填写邮箱。", "invalid": "请填写有效的邮箱地址，如 name@example.com。"},
    )
    unit = forms.ModelChoiceField(
        label="所在单位",
        queryset=Unit.objects.filter(active=True),
        empty_label="请选择",
        help_text="单位名称会作为“供稿”印在刊发的稿件后；列表中没有您的单位，请与编辑部联系",
        error_messages={"required": "请选择所在单位。", "invalid_choice": "请从列表中选择单位。"},
    )
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    password = forms.CharField(
        label="密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少 8 位，不要只用数字，也不要用常见的密码",
        error_messages={"required": "请设置密码。"},
    )

    def clean(self):
        cleaned = super().clean()
        if password := cleaned.get("password"):
            user = get_user_model()(username=cleaned.get("email", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class PasswordForm(PasswordResetForm):
    """The portal's 忘记密码: for correspondents only, those invited who have not yet set a password
    included (their invitation's link may have expired). Staff reset theirs in the admin's way."""

    def get_users(self, email):
        return get_user_model()._default_manager.filter(
            email__iexact=email, is_active=True, is_staff=False, contributor__isnull=False
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Several Word files in one input; each is read by the Word import, which says what is wrong."""

    widget = MultipleFileInput(attrs={"accept": ".docx"})

    def clean(self, data, initial=None):
        files = [file for file in (data or []) if file] if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_DOCUMENTS:
            raise forms.ValidationError(f"一次最多上传 {MAX_DOCUMENTS} 个文件。")
        return [super(DocumentsField, self).clean(file) for file in files]


class TextForm(forms.Form):
    """The text of a piece as the contributor writes it in the portal."""

    title = forms.CharField(label="标题", max_length=200, required=False)
    body = forms.CharField(label="正文", required=False, widget=CKEditor5Widget(config_name="contributor"))

    def require_text(self):
        if not self.cleaned_data.get("title", "").strip():
            self.add_error("title", "请填写标题。")
        if not text_of(self.cleaned_data.get("body", "")):
            self.add_error("body", "请填写正文。")


class SubmissionForm(TextForm):
    section = forms.ModelChoiceField(
        label="希望刊登的栏目",
        queryset=Section.objects.all(),
        empty_label="请选择",
        help_text="编辑部会根据稿件内容最终确定栏目",
        error_messages={"required": "请选择希望刊登的栏目。", "invalid_choice": "请从列表中选择栏目。"},
    )
    byline = forms.CharField(
        label="署名", max_length=200, required=False, help_text="如“文_南州市科协 王明”；上传 Word 文件时按文件中的署名"
    )
    documents = DocumentsField(
        label="或上传 Word 文件",
        required=False,
        help_text=f".docx 格式，每个文件一篇稿件，每个不超过 {MAX_FILE_MB} MB；文件中的图片和图片说明会一并读入",
    )
    note = forms.CharField(label="给编辑的话", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    field_order = ["section", "title", "byline", "body", "documents", "note"]

    def clean(self):
        cleaned = super().clean()
        written = cleaned.get("title", "").strip() or text_of(cleaned.get("body", ""))
        if cleaned.get("documents") and written:
            raise forms.ValidationError("请在网页中填写稿件，或上传 Word 文件，二者选一。")
        if not cleaned.get("documents"):
            self.require_text()
        return cleaned


class RevisionForm(TextForm):
    document = forms.FileField(
        label="或上传修改后的 Word 文件",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".docx"}),
        help_text="上传文件时，以文件中的标题和正文为准",
    )
    note = forms.CharField(
        label="修改说明", required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="告诉编辑改了哪些地方"
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("document"):
            self.require_text()
        return cleaned


class PhotoForm(forms.Form):
    image = PublicImageFormField(label="图片", required=False, validators=[validate_image])
    caption = forms.CharField(label="图片说明", max_length=300, required=False)
    credit = forms.CharField(label="摄影", max_length=100, required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("image") and (cleaned.get("caption") or cleaned.get("credit")):
            self.add_error("image", "请选择图片，或清空这张图片的说明。")
        return cleaned


PhotoFormSet = forms.formset_factory(PhotoForm, extra=3, max_num=MAX_PHOTOS, validate_max=True)


class ProofForm(forms.Form):
    corrections = forms.CharField(
        label="需要修改的地方",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="校样无误请直接点“确认无误”；需要修改请写明位置和改法，再点“提交修改意见”",
    )
