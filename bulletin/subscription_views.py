"""Readers' pages of the email subscription (``bulletin.subscriptions``): the form, the page its
confirmation link opens and the page of the unsubscribe link every issue mail carries.

None of them is cached, and the pages the links open are not indexed: they answer one reader,
and their addresses are that reader's credentials. No page shows an address.
"""

from axes.helpers import get_client_ip_address
from django import forms
from django.http import Http404
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView

from bulletin import subscriptions
from bulletin.models import Section, Subscriber
from bulletin.views import UnlistedPage
from publishing.reader_forms import ReaderForm

INVALID_EMAIL = "请填写有效的邮箱地址，如 name@example.com。"


class SubscribeForm(ReaderForm):
    email = forms.EmailField(
        label="邮箱地址",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "name@example.com"}),
        error_messages={"required": "请填写邮箱地址。", "invalid": INVALID_EMAIL, "max_length": INVALID_EMAIL},
    )
    sections = forms.ModelMultipleChoiceField(
        label="只订阅这些栏目",
        queryset=Section.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选则每期收到全部目录；选了则只收到这些栏目的稿件，本期没有这些栏目时不发。",
        error_messages={"invalid_choice": "没有“%(value)s”这个栏目，请重新选择。"},
    )

    def clean_email(self):
        try:
            email = subscriptions.normalised(self.cleaned_data["email"])
        except ValueError:
            raise forms.ValidationError(INVALID_EMAIL, code="invalid") from None
        if len(email) > Subscriber._meta.get_field("email").max_length:
            raise forms.ValidationError(INVALID_EMAIL, code="invalid")
        return email


@method_decorator(never_cache, name="dispatch")
class SubscribeView(FormView):
    """The subscription form. Whatever the address, a valid request gets the same answer."""

    template_name = "bulletin/subscribe.html"
    form_class = SubscribeForm

    def form_valid(self, form):
        # django-axes' helper finds the client as sign-ins count it (settings.AXES_CLIENT_IP_CALLABLE,
        # config.client_ip): behind the proxies, not whatever X-Forwarded-For a client made up.
        if not subscriptions.within_request_limit(get_client_ip_address(self.request)):
            limit, hours = subscriptions.REQUEST_LIMIT, int(subscriptions.REQUEST_WINDOW.total_seconds() // 3600)
            form.add_error(None, f"同一网络每{hours}小时最多提交{limit}次订阅，请稍后再试。")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        subscriptions.subscribe(email=form.cleaned_data["email"], sections=list(form.cleaned_data["sections"]))
        return redirect("bulletin:subscription-sent")


class NoticePage(UnlistedPage, TemplateView):
    """A page of the subscription's steps: a heading, a few lines, perhaps a button that posts."""

    template_name = "bulletin/subscription_notice.html"


class SubscriptionSentView(NoticePage):
    extra_context = {
        "heading": "请查收确认邮件",
        "lines": [
            f"我们已向您填写的地址发送了一封确认邮件。请在{subscriptions.CONFIRMATION_DAYS}天内打开邮件中的链接，订阅才会生效。",
            "没有收到？请看看垃圾邮件，或稍后重新提交。",
        ],
    }


class ConfirmView(NoticePage):
    """The page the confirmation link opens: a button that confirms, so that a mail program
    opening the link by itself confirms nothing."""

    def get(self, request, token):
        try:
            subscriptions.confirmation(token)
        except (subscriptions.LinkExpired, subscriptions.LinkInvalid) as error:
            return self.refused(error)
        return self.render_to_response(
            self.get_context_data(
                heading="确认订阅",
                lines=["点击下面的按钮，确认用这个邮箱地址订阅新刊通知。"],
                button="确认订阅",
                csrf=True,
            )
        )

    def post(self, request, token):
        try:
            subscriber = subscriptions.confirm(token)
        except (subscriptions.LinkExpired, subscriptions.LinkInvalid) as error:
            return self.refused(error)
        sections = "、".join(section.name for section in subscriber.sections.all())
        contents = f"“{sections}”栏目的目录" if sections else "本期目录"
        return self.render_to_response(
            self.get_context_data(
                heading="订阅成功",
                lines=[f"今后每期上线时，我们会把{contents}发到您的邮箱。", "每封邮件的末尾都有退订链接。"],
            )
        )

    def refused(self, error):
        if isinstance(error, subscriptions.LinkExpired):
            line = f"确认链接只在{subscriptions.CONFIRMATION_DAYS}天内有效，这个链接已经过期。"
        else:
            line = "这个确认链接无效，可能复制得不完整。"
        context = self.get_context_data(
            heading="链接已失效", lines=[line, "请重新提交订阅，我们会再发一封确认邮件。"], subscribe_again=True
        )
        return self.render_to_response(context, status=400)


# The link itself is the credential: it is signed, unguessable and sent only to the address it
# unsubscribes. Mail programs post to it with no cookie, session or CSRF token (RFC 8058), so it
# is exempt from CSRF protection, which would refuse exactly those one-click requests.
@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(NoticePage):
    """The unsubscribe link of every issue mail: a page with a button, or one POST from the mail
    program; following it again changes nothing."""

    def subscriber(self):
        subscriber = subscriptions.subscriber_for(self.kwargs["token"])
        if subscriber is None:
            raise Http404
        return subscriber

    def get(self, request, token):
        self.subscriber()
        return self.render_to_response(
            self.get_context_data(
                heading="退订新刊邮件",
                lines=["点击下面的按钮，这个邮箱地址就不会再收到新刊邮件。"],
                button="退订",
            )
        )

    def post(self, request, token):
        subscriptions.unsubscribe(self.subscriber())
        return self.render_to_response(
            self.get_context_data(
                heading="已退订",
                lines=["这个邮箱地址不会再收到新刊邮件。想再收到时，随时可以重新订阅。"],
                subscribe_again=True,
            )
        )
