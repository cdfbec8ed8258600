"""Pieces sent in by contributors (来稿): submitting them, the office's answers (退修, 未采用, 校样)
and the contributor's (a revised version, the proof confirmed or corrected).

Each is a function that checks who acts and the state they saw on the locked submission, changes
it, logs it on the article (the office's record of the piece) and, once committed, tells the
other side: the office in its inbox and by mail, the contributor through the log itself (every
logged change of a contributed article queues ``bulletin.contributions.announce``).
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from bulletin import contributions
from bulletin.docx_import import create_drafts, read_all
from bulletin.models import Article, ArticlePhoto, Contributor, Submission, SubmissionVersion
from bulletin.workflow.rules import TransitionRefused
from bulletin.workflow.state import lock, log
from publishing import uploads
from publishing.models import PublicationStatus as S

OFFICE_PERMISSION = "bulletin.change_submission"
ACCOUNTS_PERMISSION = "bulletin.change_contributor"
CONTRIBUTORS = "通讯员"  # the group the migrations create
# A proof is answered within this many days unless the office sets its own date.
PROOF_DAYS = 3


def contributor_refusal(user):
    """Why ``user`` may not submit now, or None."""
    profile = getattr(user, "contributor", None)
    if profile is None or user.is_staff:
        return "只有通讯员可以投稿。"
    if profile.status != profile.Status.APPROVED:
        return "您的通讯员账号还在等待编辑部审核，审核通过后即可投稿。"
    if not profile.unit.active:
        return f"“{profile.unit}”已暂停投稿，请与编辑部联系。"
    return None


def submit_piece(*, by, title, body, section, note="", byline="", photos=()):
    """A piece written in the portal's form becomes a draft in the office's queue, credited to the
    contributor's unit. ``photos`` are (image file, caption, credit) triples, checked by the form."""
    _require_contributor(by)
    with uploads.removed_on_failure() as stored, transaction.atomic():
        article = Article(section=section, title=title, byline=byline, body=body, contributor=by.contributor.unit.name)
        article._history_user = by
        article.save()
        for n, (image, caption, credit) in enumerate(photos):
            photo = ArticlePhoto.objects.create(
                article=article, image=image, alt=caption or title, caption=caption, credit=credit, position=n
            )
            stored.append((photo.image.storage, photo.image.name))
        return record_submission(article, by=by, section=section, note=note)


@transaction.atomic
def submit_documents(files, *, by, section, note=""):
    """Each Word file becomes a draft of its own, read as the office's Word import reads it; a file
    that cannot be read refuses them all (``DocxImportError``) and nothing is kept."""
    _require_contributor(by)
    imported = read_all(files)
    submissions = []
    for result in create_drafts(imported, issue=None, section=section, by=None):
        article = result.article
        # Credited to the unit the contributor sends for, whatever credit line the file had.
        article.contributor = by.contributor.unit.name
        article.save(update_fields=["contributor"])
        submissions.append(record_submission(article, by=by, section=section, note=note))
    return submissions


@transaction.atomic
def invite(*, by, name, email, unit, phone=""):
    """An account for a correspondent of ``unit``, ready to submit; the mail sent to ``email``
    lets them set their own password."""
    if not by.has_perm(ACCOUNTS_PERMISSION):
        raise TransitionRefused("您没有管理通讯员的权限。")
    profile = _account(name=name, email=email, password=None, unit=unit, phone=phone)
    profile.status, profile.invited_by = Contributor.Status.APPROVED, by
    profile.save(update_fields=["status", "invited_by"])
    contributions.invited(profile)
    return profile


@transaction.atomic
def register(*, name, email, password, unit, phone=""):
    """A correspondent's own registration: they may sign in at once, and submit once the office
    approves it (:func:`decide_registration`)."""
    profile = _account(name=name, email=email, password=password, unit=unit, phone=phone)
    contributions.office_hears_of_registration(profile)
    return profile


def _account(*, name, email, password, unit, phone):
    """A correspondent's account, signed in with its email: never staff, in the 通讯员 group."""
    email = get_user_model().objects.normalize_email(email).lower()
    if get_user_model().objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists():
        raise TransitionRefused(f"{email} 已经有账号了。忘记密码可在登录页点“忘记密码”找回。")
    # Without a password (an invitation), the account cannot sign in until its owner sets one.
    user = get_user_model().objects.create_user(username=email, email=email, password=password, first_name=name)
    user.groups.add(Group.objects.get(name=CONTRIBUTORS))
    return Contributor.objects.create(user=user, unit=unit, phone=phone)


@transaction.atomic
def decide_registration(profile, *, by, approve):
    """Approve a self-registered correspondent, who may then submit, or refuse them."""
    if not by.has_perm(ACCOUNTS_PERMISSION):
        raise TransitionRefused("您没有管理通讯员的权限。")
    profile = Contributor.objects.select_for_update().select_related("user", "unit").get(pk=profile.pk)
    if profile.status != Contributor.Status.PENDING:
        raise TransitionRefused(f"{profile}的账号已{profile.get_status_display()}。")
    profile.status = Contributor.Status.APPROVED if approve else Contributor.Status.REFUSED
    profile.save(update_fields=["status"])
    contributions.registration_decided(profile)
    return profile


def _require_contributor(user):
    if reason := contributor_refusal(user):
        raise TransitionRefused(reason)


@transaction.atomic
def record_submission(article, *, by, section, note=""):
    """Record ``article`` as sent in by the contributor ``by`` for their unit: it gets its tracking
    number, its first version is kept, and both sides hear of it."""
    submission = Submission(
        article=article, contributor=by, unit=by.contributor.unit, wished_section=section, note=note
    )
    _number(submission)
    SubmissionVersion.objects.create(submission=submission, number=1, title=article.title, body=article.body)
    log(article, "contribute", S.DRAFT, S.DRAFT, by=by, comment=f"来稿，稿号 {submission.number}")
    contributions.office_hears(submission, f"收到{submission.unit}的来稿")
    return submission


def _number(submission):
    """Give ``submission`` the next tracking number of its year and save it. Two submissions at
    the same moment may both count the same number; the database lets one have it, and the
    other counts again."""
    submission.year = timezone.localdate(submission.submitted_at).year
    for attempt in range(5):
        last = Submission.objects.filter(year=submission.year).aggregate(last=Max("sequence"))["last"]
        submission.sequence = (last or 0) + 1
        try:
            with transaction.atomic():
                submission.save()
            return
        except IntegrityError:
            if attempt == 4:
                raise


@transaction.atomic
def return_to_contributor(submission, *, by, comment, seen_version=None):
    """退修: ask the contributor for a new version, with what to change."""
    submission, article = _office_decides(submission, by, comment, seen_version, "请写明需要通讯员修改的地方。")
    submission.status = Submission.Status.RETURNED
    submission.answer = comment.strip()
    SubmissionVersion.objects.create(
        submission=submission,
        number=submission.versions.filter(from_office=False).count(),
        from_office=True,
        title=article.title,
        body=article.body,
    )
    _save(submission, "status", "answer")
    log(article, "return_piece", article.status, article.status, by=by, comment=submission.answer)
    return submission


@transaction.atomic
def decline(submission, *, by, reason, seen_version=None):
    """未采用: the office will not print the piece, and says why."""
    submission, article = _office_decides(submission, by, reason, seen_version, "请写明不采用的理由，通讯员会看到。")
    submission.status = Submission.Status.DECLINED
    submission.answer = reason.strip()
    submission.decided_at = submission.decided_at or timezone.now()
    _save(submission, "status", "answer", "decided_at")
    log(article, "decline_piece", article.status, article.status, by=by, comment=submission.answer)
    return submission


def _office_decides(submission, by, text, seen_version, missing):
    if not by.has_perm(OFFICE_PERMISSION):
        raise TransitionRefused("您没有处理来稿的权限。")
    submission = _lock(submission, seen_version)
    article = lock(submission.article)
    if submission.status != Submission.Status.IN_OFFICE:
        raise TransitionRefused(f"来稿 {submission.number} 已{submission.get_status_display()}，不能再作此决定。")
    if article.status != S.DRAFT:
        raise TransitionRefused(f"《{article}》{article.get_status_display()}，请先在稿件页面退回为草稿。")
    if not text.strip():
        raise TransitionRefused(missing)
    return submission, article


@transaction.atomic
def revise_piece(submission, *, by, title, body, note=""):
    """The contributor sends a new version of a piece sent back to them: it replaces the text the
    office works on, and both versions are kept for the office to compare."""
    submission = _lock(submission)
    if submission.contributor_id != by.pk:
        raise TransitionRefused("这不是您的来稿。")
    if submission.status != Submission.Status.RETURNED:
        raise TransitionRefused(f"来稿 {submission.number} 现在不需要修改：{submission.stage_label()}。")
    article = lock(submission.article)
    article.title, article.body = title, body
    article.version += 1
    article.save()
    number = submission.versions.filter(from_office=False).count() + 1
    SubmissionVersion.objects.create(submission=submission, number=number, title=article.title, body=article.body)
    submission.status = Submission.Status.IN_OFFICE
    if note.strip():
        submission.note = note.strip()
    _save(submission, "status", "note")
    log(article, "revise_piece", article.status, article.status, by=by, comment=f"通讯员上传了第{number}稿")
    contributions.office_hears(submission, f"通讯员上传了第{number}稿")
    return submission


@transaction.atomic
def send_proof(submission, *, by, due=None, seen_version=None):
    """校样: the contributor may read the edited piece as it will print and answer by ``due``."""
    if not by.has_perm(OFFICE_PERMISSION):
        raise TransitionRefused("您没有处理来稿的权限。")
    submission = _lock(submission, seen_version)
    if submission.stage != Submission.Stage.ACCEPTED:
        raise TransitionRefused("只有已录用、尚未刊发的来稿可以发送校样。")
    due = due or timezone.localdate() + timedelta(days=PROOF_DAYS)
    if due < timezone.localdate():
        raise TransitionRefused("校样确认截止日期不能早于今天。")
    submission.proof, submission.proof_due, submission.proof_reply = Submission.Proof.SENT, due, ""
    _save(submission, "proof", "proof_due", "proof_reply")
    log(submission.article, "send_proof", submission.article.status, submission.article.status, by=by)
    contributions.proof_sent(submission)
    return submission


@transaction.atomic
def answer_proof(submission, *, by, corrections=""):
    """The contributor confirms the proof, or (``corrections``) asks for changes, before its deadline."""
    submission = _lock(submission)
    if submission.contributor_id != by.pk:
        raise TransitionRefused("这不是您的来稿。")
    if not submission.proof_open:
        raise TransitionRefused("这份校样已经答复过，或已过确认期限；如需修改请与编辑部联系。")
    corrections = corrections.strip()
    submission.proof = Submission.Proof.CORRECTIONS if corrections else Submission.Proof.CONFIRMED
    submission.proof_reply = corrections
    _save(submission, "proof", "proof_reply")
    article = submission.article
    log(article, "answer_proof", article.status, article.status, by=by, comment=corrections or "确认校样无误")
    contributions.office_hears(submission, "通讯员要求修改校样" if corrections else "通讯员确认了校样")
    return submission


def _lock(submission, seen_version=None):
    locked = Submission.objects.select_for_update(of=("self",)).select_related("article", "unit").get(pk=submission.pk)
    if seen_version is not None and locked.version != seen_version:
        raise TransitionRefused(
            f"来稿 {locked.number} 在您打开页面之后已有变化（现在：{locked.stage_label()}），请刷新页面后再操作。"
        )
    return locked


def _save(submission, *fields):
    submission.version += 1
    submission.save(update_fields=[*fields, "version"])
