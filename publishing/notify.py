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
from publishing.models import Notification
from publishing.sanitize import clean_line
from publishing.templatetags.names import full_name


def awaiting_review(obj):
    """Tell the reviewer named for the stage, else the members of its group, that ``obj`` waits
    for their decision."""
    named = obj.named_reviewer(obj.review_stage)
    if named is not None:
        inbox([named.pk], f"{_kind(obj)}《{obj}》已进入“{obj.review_stage}”环节，指定由您审核", _admin_url(obj))
    mail_about(
        _reviewers(obj, named),
        f"【待审】{_kind(obj)}《{obj}》等待{obj.review_stage}",
        f"《{obj}》已进入“{obj.review_stage}”环节，请您审核。",
        obj,
    )


def _reviewers(obj, named):
    """The reviewer named for the stage (``Reviewable.named_reviewer``), else its group."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if named is not None:
        reviewers = users.filter(pk=named.pk)
    else:
        reviewers = users.filter(groups=obj.review_stage.group_id).exclude(
            pk__in=[obj.created_by_id, obj.updated_by_id]
        )
    return [user.email for user in reviewers]


def approved(obj):
    mail_about(
        _author(obj), f"【已通过】{_kind(obj)}《{obj}》审核通过", f"《{obj}》已通过全部审核环节，等待发布。", obj
    )


def sent_back(obj):
    decision = obj.workflow_log.order_by("-at", "-pk").first()
    mail_about(
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
    mail_about(_author(obj), f"【已发布】{_kind(obj)}《{obj}》已发布", text, obj)


def assigned(obj, *, to, what, by):
    """Tell ``to`` that ``by`` gave them work on ``obj`` (``what``), in the admin and by mail."""
    message = f"{full_name(by)}：{what}——{_kind(obj)}《{obj}》"
    inbox([to.pk], message, _admin_url(obj))
    mail_about([to.email] if to.email and to.is_active else [], f"【分工】{_kind(obj)}《{obj}》", message + "。", obj)


def commented(obj, comment, *, recipients, by):
    """Tell ``recipients`` (user ids) of a comment (批注) on ``obj``, in the admin and by mail."""
    if not recipients:
        return
    verb = "回复了批注" if comment.parent_id else "批注了"
    message = f"{full_name(by)}{verb}{_kind(obj)}《{obj}》"
    inbox(recipients, message, _admin_url(obj) + "#comments")
    quoted = f"引用原文：“{comment.quote}”\n\n" if comment.quote else ""
    emails = get_user_model().objects.filter(pk__in=recipients, is_active=True).exclude(email="")
    mail_about(
        list(emails.values_list("email", flat=True)),
        f"【批注】{_kind(obj)}《{obj}》",
        f"{message}：\n\n{quoted}{comment.text}",
        obj,
    )


def digest(user, tasks, today):
    """The daily mail of what waits on ``user`` (``publishing.desk.Task``s), queued as a job."""
    late = sum(1 for task in tasks if task.late)
    subject = f"【待办】{today.month}月{today.day}日：{len(tasks)}项待您处理" + (f"，{late}项已逾期" if late else "")
    site = settings.SITE_URL.rstrip("/")
    lines = []
    for task in tasks:
        due = f"（{task.due.month}月{task.due.day}日前）" if task.due else ""
        lines.append(f"· {task.action}：{task.title}{due}" + (f"\n  逾期：{task.late}" if task.late else ""))
        lines.append(f"  {site}{task.url}")
    body = (
        f"{full_name(user)}，您好：\n\n以下事项等您处理，逾期的排在前面。\n\n"
        + "\n".join(lines)
        + f"\n\n全部待办：{site}{reverse('desk:agenda')}"
        + f"\n不想每天收到这封邮件，可在“提醒与日历”中关闭：{site}{reverse('desk:settings')}"
        + f"\n\n——{settings.PERIODICAL_NAME}编辑部"
    )
    jobs.enqueue_on_commit(deliver, clean_line(subject), body, [user.email])


def inbox(user_ids, message, url):
    """Put ``message`` in the admin inbox (我的通知) of each of ``user_ids``, in this transaction."""
    Notification.objects.bulk_create(
        Notification(recipient_id=user_id, message=clean_line(message)[:300], url=url) for user_id in sorted(user_ids)
    )


def _admin_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _author(obj):
    """The creator and, for an article, its responsible editor (``Reviewable.responsible``)."""
    return [user.email for user in obj.responsible() if user.email and user.is_active]


def _kind(obj):
    return obj._meta.verbose_name


def mail_about(recipients, subject, text, obj):
    """Queue ``text`` to ``recipients`` (addresses), signed by the office, with the address of ``obj``'s
    admin page."""
    if not recipients:
        return
    link = settings.SITE_URL.rstrip("/") + _admin_url(obj)
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
