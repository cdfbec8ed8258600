"""Emails the workflow sends, after its transaction has committed.

A mail that cannot be sent is logged and dropped: the decision it reports stands.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from publishing.sanitize import clean_line
from publishing.templatetags.names import full_name

logger = logging.getLogger(__name__)


def awaiting_review(obj):
    """Tell the members of the stage's group that ``obj`` waits for their decision."""
    reviewers = (
        get_user_model()
        .objects.filter(groups=obj.review_stage.group_id, is_active=True)
        .exclude(email="")
        .exclude(pk__in=[obj.created_by_id, obj.updated_by_id])
    )
    _send(
        [user.email for user in reviewers],
        f"【待审】{_kind(obj)}《{obj}》等待{obj.review_stage}",
        f"《{obj}》已进入“{obj.review_stage}”环节，请您审核。",
        obj,
    )


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
    subject = clean_line(subject)
    try:
        send_mail(subject, body, None, sorted(set(recipients)))
    except Exception:
        logger.exception("Could not send %r to %s", subject, recipients)
