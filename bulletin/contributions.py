"""What the two sides of a contribution are told.

A contributor hears of each moment of their piece (``Submission.Stage``: 已收到, 编辑中, 审核中,
已录用, 已刊发, 退修, 未采用) once, by mail. The moments come from many places (the office's
edits, assignments, every workflow decision, an issue's release, a publication time coming), so
rather than each of them knowing about contributors, each queues :func:`announce`, which compares
every open piece with what its contributor was last told (``Submission.told``), claims the
difference on the locked row and mails it: two workers never tell the same moment twice, and a
moment missed by a crash is told by the next run (a periodic job runs it too).

The office hears of what contributors do (a new piece, a revision, a proof answered, a
registration) in its inbox (我的通知) and by mail: the piece's responsible editor if it has one,
else every editor. Correspondents hear of their accounts too: the invitation with its link to
set a password, and the office's decision on a registration.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from bulletin.models import Submission
from publishing import jobs, notify
from publishing.sanitize import clean_line

EDITORS = "编辑"


def announce_if_contributed(article):
    """If ``article`` came from a contributor, tell contributors what changed once this
    transaction commits (one job however many changes queue it)."""
    if Submission.objects.filter(article_id=article.pk).exists():
        jobs.enqueue_on_commit(announce)


@jobs.job(attempts=3, backoff=timedelta(minutes=1))
def announce():
    """The job queued by the changes contributors hear of (:func:`tell_contributors`)."""
    return tell_contributors()


@jobs.job(attempts=3, backoff=timedelta(minutes=1))
def announce_periodically(since, until):
    """The periodic run of :func:`tell_contributors`: a piece published for a later moment goes
    public without a decision that queues it."""
    return tell_contributors()


def tell_contributors():
    """Mail each contributor whose piece reached a new moment since they were last told; returns
    the tracking numbers told."""
    told = []
    # Read in one query; only a piece whose stage moved is locked, asked again and told.
    moved = [
        submission.pk for submission in Submission.objects.open().for_list() if submission.stage != submission.told
    ]
    for pk in moved:
        with transaction.atomic():
            submission = (
                Submission.objects.select_for_update(of=("self",))
                .select_related("article__issue", "contributor")
                .get(pk=pk)
            )
            stage = submission.stage
            if stage == submission.told:
                continue  # told by another run meanwhile
            submission.told = stage
            if stage in (Submission.Stage.ACCEPTED, Submission.Stage.PRINTED, Submission.Stage.DECLINED):
                submission.decided_at = submission.decided_at or timezone.now()
            submission.save(update_fields=["told", "decided_at"])
            _mail_contributor(submission, stage)
            told.append(submission.number)
    return told


def _mail_contributor(submission, stage):
    article = submission.article
    title = f"《{article.title}》（稿号 {submission.number}）"
    Stage = Submission.Stage
    text = {
        Stage.RECEIVED: f"您的来稿{title}已收到，编辑部会尽快处理。",
        Stage.EDITING: f"编辑部正在编辑您的来稿{title}。",
        Stage.IN_REVIEW: f"您的来稿{title}已进入审核。",
        Stage.ACCEPTED: f"您的来稿{title}{submission.stage_label(stage)}。",
        Stage.PRINTED: f"您的来稿{title}已刊发，读者可以在网站上看到了：\n{_site(article.get_absolute_url())}",
        Stage.RETURNED: f"编辑部请您修改来稿{title}后再投。\n\n编辑部意见：{submission.answer}",
        Stage.DECLINED: f"很遗憾，您的来稿{title}未被采用。\n\n理由：{submission.answer}",
    }[stage]
    _to_contributor(submission, f"【{submission.stage_label(stage)}】{article.title}", text)


def proof_sent(submission):
    """Tell the contributor that the proof of their piece waits for them, until when."""
    due = submission.proof_due
    _to_contributor(
        submission,
        f"【校样】{submission.article.title}",
        f"您的来稿《{submission.article.title}》（稿号 {submission.number}）的校样已经排好，"
        f"请在{due.month}月{due.day}日前查看，确认无误或提出修改。",
    )


def _to_contributor(submission, subject, text):
    if submission.contributor.is_active:
        _mail(
            submission.contributor,
            subject,
            f"{text}\n\n查看来稿：{_site(reverse('contribute:detail', args=[submission.number]))}",
        )


def office_hears(submission, what):
    """Tell the office that a contributor did ``what`` to ``submission``, in this transaction."""
    article = submission.article
    if article.editor_id:
        office = get_user_model().objects.filter(pk=article.editor_id)
    else:
        office = get_user_model().objects.filter(groups__name=EDITORS, is_staff=True)
    office = office.filter(is_active=True)
    message = f"{what}：《{article.title}》（稿号 {submission.number}，{submission.unit}）"
    notify.inbox(
        office.values_list("pk", flat=True), message, reverse("admin:bulletin_submission_change", args=[submission.pk])
    )
    notify.mail_about(
        list(office.exclude(email="").values_list("email", flat=True)), f"【来稿】{article.title}", message, submission
    )


def office_hears_of_registration(profile):
    """Tell the editors that ``profile`` registered and waits for their approval."""
    editors = get_user_model().objects.filter(groups__name=EDITORS, is_staff=True, is_active=True)
    message = f"{profile}注册为通讯员，等待审核"
    notify.inbox(editors.values_list("pk", flat=True), message, reverse("admin:bulletin_contributor_changelist"))


def invited(profile):
    """Mail an invited correspondent the link that sets their password, once committed."""
    user = profile.user
    link = _site(
        reverse(
            "contribute:set-password",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )
    text = (
        f"编辑部邀请您作为“{profile.unit}”的通讯员，在网上向《{settings.PERIODICAL_NAME}》投稿、查看来稿进展。\n\n"
        f"请打开下面的链接设置密码（链接{settings.PASSWORD_RESET_TIMEOUT // 86400}天内有效），之后用邮箱 {user.email} 登录：\n{link}"
    )
    _mail(user, f"【邀请】{settings.PERIODICAL_NAME}通讯员投稿", text)


def registration_decided(profile):
    if profile.status == profile.Status.APPROVED:
        text = f"您作为“{profile.unit}”通讯员的账号已通过审核，现在可以投稿了：\n{_site(reverse('contribute:list'))}"
    else:
        text = f"您作为“{profile.unit}”通讯员的注册未获通过。如有疑问，请与编辑部联系。"
    _mail(profile.user, "【通讯员账号】审核结果", text)


def _mail(user, subject, text):
    if user.email:
        body = f"{user.get_full_name() or user.get_username()}，您好：\n\n{text}\n\n——{settings.PERIODICAL_NAME}编辑部"
        jobs.enqueue_on_commit(notify.deliver, clean_line(subject), body, [user.email])


def _site(path):
    return settings.SITE_URL.rstrip("/") + path
