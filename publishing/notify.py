"""Emails the workflow sends, after its transaction has committed.

Each function writes its mail from the state of the decision it reports, in the decision's
transaction, and queues it as a job (:func:`deliver`, ``publishing.jobs``): the worker sends it
once the decision is committed. A mail the server refuses is tried again with backoff, then logged
as an error; the decision it reports stands either way.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from publishing import jobs
from publishing.sanitize import clean_line
from publishing.templatetags.names import full_name


def awaiting_review(obj):
    """Tell the members of the stage's group that ``obj`` waits for their decision."""
    _send(
        _reviewers(obj),
        f"【待审】{_kind(obj)}《{obj}》等待{obj.review_stage}",
        f"《{obj}》已进入“{obj.review_stage}”环节，请您审核。",
        obj,
    )


def still_awaiting_review(obj, days):
    """Remind the members of the stage's group that ``obj`` has waited ``days`` days for them."""
    _send(
        _reviewers(obj),
        f"【催审】{_kind(obj)}《{obj}》已在{obj.review_stage}等待{days}天",
        f"《{obj}》进入“{obj.review_stage}”环节已{days}天，仍在等待审核，请您尽快处理。",
        obj,
    )


def _reviewers(obj):
    reviewers = (
        get_user_model()
        .objects.filter(groups=obj.review_stage.group_id, is_active=True)
        .exclude(email="")
        .exclude(pk__in=[obj.created_by_id, obj.updated_by_id])
    )
    return [user.email for user in reviewers]


def approved(obj):
    _send(_author(obj), f"【已通过】{_kind(obj)}《{obj}》审核通过", f"《{obj}》已通过全部审核环节，等待发布。", obj)


def sent_back(obj):
    decision = obj.workflow_log.order_by("-at", "-pk").first()
    _send(
        _author(obj),
        f"【退回修改】{_kind(obj)}《{obj}》被退回",
        f"《{obj}》被{full_name(decision.actor)}退回修改。\n\n审核意见：{decision.comment}",
        obj,
    )


def published(obj):
    if obj.published_at > timezone.now():
        when = timezone.localtime(obj.published_at).strftime("%Y年%-m月%-d日 %H:%M")
        text = f"《{obj}》已定时发布，读者将从 {when} 起在网站上看到。"
    else:
        text = f"《{obj}》已发布，读者可以在网站上看到了。"
    _send(_author(obj), f"【已发布】{_kind(obj)}《{obj}》已发布", text, obj)


def _author(obj):
    author = obj.created_by
    return [author.email] if author and author.email and author.is_active else []


def _kind(obj):
    return obj._meta.verbose_name


def _send(recipients, subject, text, obj):
    if not recipients:
        return
    link = settings.SITE_URL.rstrip("/") + reverse(
        f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]
    )
    body = f"{text}\n\n在编辑部后台查看：{link}\n\n——{settings.PERIODICAL_NAME}编辑部"
    # A subject is one header line, whatever the names in it hold (a row stored before plain
    # text was cleaned, a review stage): a line break in it would stop the mail.
    jobs.enqueue_on_commit(deliver, clean_line(subject), body, sorted(set(recipients)))


@jobs.job(
    attempts=6,  # over half an hour: a mail server restarting or briefly refusing is waited out
    backoff=timedelta(minutes=1),
    describe=lambda subject, body, recipients: f"mail {subject!r} to {', '.join(recipients)}",
)
def deliver(subject, body, recipients):
    """Send one mail of the workflow; a job, so a failure is tried again later."""
    send_mail(subject, body, None, recipients)
