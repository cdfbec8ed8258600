"""The portal's pages. Each reads the signed-in contributor's own submissions only
(``Submission.objects.of(user)``): another's tracking number is a 404, as for one that does not
exist. Nothing here is cached or indexed."""

import functools
from datetime import timedelta

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bulletin import print_edition, workflow
from bulletin.docx_import import DocxImportError, read_docx
from bulletin.models import Submission
from bulletin.portal.forms import PasswordForm, PhotoFormSet, ProofForm, RegistrationForm, RevisionForm, SubmissionForm
from publishing import throttle

LOGIN_URL = reverse_lazy("contribute:login")
# Each registration tells every editor: a form filled in by a script would bury their inbox.
REGISTRATION_LIMIT = 5
REGISTRATION_WINDOW = timedelta(days=1)


def contributor_page(view):
    """Only for a signed-in contributor; never cached or indexed."""

    @functools.wraps(view)
    @never_cache
    def page(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), LOGIN_URL)
        if getattr(request.user, "contributor", None) is None or request.user.is_staff:
            raise PermissionDenied("这是通讯员的投稿页面。编辑部人员请在后台处理来稿。")
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return page


def own_submission(request, number):
    """The submission numbered ``number`` (2026-0137) if the signed-in contributor sent it, else 404."""
    year, sequence = number.split("-")
    return get_object_or_404(
        Submission.objects.of(request.user).select_related("article__issue", "article__section", "unit"),
        year=int(year),
        sequence=int(sequence),
    )


def with_proof(request, number):
    """:func:`own_submission`, if the office has sent its proof; else 404."""
    submission = own_submission(request, number)
    if submission.proof == Submission.Proof.NONE:
        raise Http404
    return submission


@contributor_page
def submission_list(request):
    submissions = Submission.objects.of(request.user).for_list()
    return render(
        request,
        "contribute/list.html",
        {
            "profile": request.user.contributor,
            "refusal": workflow.contributor_refusal(request.user),
            "submissions": submissions,
        },
    )


@contributor_page
def submit(request):
    if reason := workflow.contributor_refusal(request.user):
        messages.error(request, reason)
        return redirect("contribute:list")
    form = SubmissionForm(request.POST or None, request.FILES or None)
    photos = PhotoFormSet(request.POST or None, request.FILES or None, prefix="photos")
    if request.method == "POST" and form.is_valid() and photos.is_valid():
        attached = [(p["image"], p["caption"], p["credit"]) for p in photos.cleaned_data if p.get("image")]
        if form.cleaned_data["documents"] and attached:
            form.add_error("documents", "上传 Word 文件时，请把图片和图片说明放在文件中，不要另外上传。")
        else:
            try:
                submitted = _send_in(request.user, form.cleaned_data, attached)
            except DocxImportError as error:
                form.add_error("documents", str(error))
            except workflow.TransitionRefused as error:
                form.add_error(None, str(error))
            else:
                numbers = "、".join(submission.number for submission in submitted)
                messages.success(request, f"投稿成功，稿号 {numbers}。编辑部处理时，您会收到邮件。")
                return redirect("contribute:list")
    return render(request, "contribute/submit.html", {"form": form, "photos": photos})


def _send_in(user, data, photos):
    """The submissions the form's data makes: one per Word file, or the piece written in the form."""
    if data["documents"]:
        return workflow.submit_documents(data["documents"], by=user, section=data["section"], note=data["note"])
    piece = workflow.submit_piece(
        by=user,
        title=data["title"],
        body=data["body"],
        section=data["section"],
        byline=data["byline"],
        note=data["note"],
        photos=photos,
    )
    return [piece]


@contributor_page
def detail(request, number):
    submission = own_submission(request, number)
    article = submission.article
    return render(
        request,
        "contribute/detail.html",
        {
            "submission": submission,
            "article": article,
            "stage": submission.stage,
            "versions": submission.versions.filter(from_office=False),
            "public_url": article.get_absolute_url() if submission.stage == Submission.Stage.PRINTED else None,
        },
    )


@contributor_page
def revise(request, number):
    submission = own_submission(request, number)
    if submission.status != Submission.Status.RETURNED:
        messages.error(request, "这篇来稿现在不需要修改。")
        return redirect("contribute:detail", number)
    initial = {"title": submission.article.title, "body": submission.article.body}
    form = RevisionForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            title, body = (data["title"], data["body"])
            if data["document"]:
                imported = read_docx(data["document"])
                title, body = imported.title, imported.body
            workflow.revise_piece(submission, by=request.user, title=title, body=body, note=data["note"])
        except DocxImportError as error:
            form.add_error("document", str(error))
        except workflow.TransitionRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "修改稿已提交，编辑部会看到您改动的每一处。")
            return redirect("contribute:detail", number)
    return render(request, "contribute/revise.html", {"submission": submission, "form": form})


@contributor_page
def proof(request, number):
    submission = with_proof(request, number)
    form = ProofForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wants_changes = request.POST.get("answer") == "corrections"
        corrections = form.cleaned_data["corrections"] if wants_changes else ""
        if wants_changes and not corrections.strip():
            form.add_error("corrections", "请写明需要修改的地方。")
        else:
            try:
                workflow.answer_proof(submission, by=request.user, corrections=corrections)
            except workflow.TransitionRefused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "已提交修改意见，编辑部会处理。" if corrections else "已确认校样，谢谢！")
                return redirect("contribute:detail", number)
    article = submission.article
    return render(
        request,
        "contribute/proof.html",
        {"submission": submission, "article": article, "photos": article.photos.all(), "form": form},
    )


@contributor_page
def proof_pdf(request, number):
    """The proof as the issue prints it, made when asked for."""
    submission = with_proof(request, number)
    pdf = print_edition.article_proof(submission.article)
    disposition = content_disposition_header(False, f"校样-{submission.number}.pdf")
    return HttpResponse(pdf, content_type="application/pdf", headers={"Content-Disposition": disposition})


def guide(request):
    """The one-page guide for correspondents, open to anyone."""
    return render(request, "contribute/guide.html")


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "邮箱"


@method_decorator(never_cache, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "contribute/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("contribute:list")


@never_cache
def register(request):
    """Self-registration: the account can sign in at once, and submit once the office approves it."""
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not throttle.within_limit(
            "bulletin.register", get_client_ip_address(request), limit=REGISTRATION_LIMIT, window=REGISTRATION_WINDOW
        ):
            form.add_error(None, f"同一网络每天最多注册{REGISTRATION_LIMIT}个账号，请明天再试或与编辑部联系。")
            return render(request, "contribute/register.html", {"form": form}, status=429)
        try:
            profile = workflow.register(**form.cleaned_data)
        except workflow.TransitionRefused as error:
            form.add_error("email", str(error))
            return render(request, "contribute/register.html", {"form": form})
        user = profile.user
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "注册成功。编辑部审核您的账号后，您就可以投稿了，届时会邮件通知您。")
        return redirect("contribute:list")
    return render(request, "contribute/register.html", {"form": form})


@method_decorator(never_cache, name="dispatch")
class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The page an invitation or a password reset mail opens."""

    template_name = "contribute/set_password.html"
    success_url = reverse_lazy("contribute:login")
    post_reset_login = False

    def form_valid(self, form):
        messages.success(self.request, "密码已设置，请登录。")
        return super().form_valid(form)


@method_decorator(never_cache, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordForm
    template_name = "contribute/password_reset.html"
    email_template_name = "contribute/mail/password_reset.txt"
    subject_template_name = "contribute/mail/password_reset_subject.txt"
    extra_email_context = {"PERIODICAL_NAME": settings.PERIODICAL_NAME}
    success_url = reverse_lazy("contribute:login")

    def form_valid(self, form):
        messages.success(self.request, "如果这个邮箱已注册，您会收到一封设置密码的邮件。")
        return super().form_valid(form)


@require_POST
def logout(request):
    auth_views.auth_logout(request)
    return redirect("contribute:login")
