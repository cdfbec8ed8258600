"""Readers' email subscriptions to new issues: double opt-in, one-click unsubscribe, and the mailing
of each issue once readers can see it.

* **Subscribing** (:func:`subscribe`) records the address as pending and mails it a link, signed
  and valid ``CONFIRMATION_DAYS``, that carries the sections asked for; nothing about a
  subscription changes until that link is followed (:func:`confirm`), so a stranger typing
  someone's address can neither subscribe it nor change what it gets, and the answer never says
  whether the address was known.
* **Unsubscribing** (:func:`unsubscribe`) needs only the signed link every issue mail carries
  (``List-Unsubscribe``, RFC 8058); it may be followed any number of times.
* **Mailing an issue** (:func:`mail_issue`, a job queued after the release commits, for the
  moment readers see the issue) first writes one :class:`~bulletin.models.Delivery` per confirmed
  subscriber, then sends them ``BATCH_SIZE`` at a time, each batch queueing the next. Each
  delivery is claimed under a row lock, in the transaction that records its outcome, so two
  workers never send the same one and a delivery is never sent twice. An issue readers cannot see
  (not yet due, taken back) is not mailed.
"""

import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import mail, signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from bulletin import seo
from bulletin.models import Delivery, Issue, Section, Subscriber, table_of_contents
from publishing import images, jobs, notify, throttle

CONFIRMATION_DAYS = 7
CONFIRMATION_SALT = "bulletin.subscriptions.confirm"
UNSUBSCRIBE_SALT = "bulletin.subscriptions.unsubscribe"
# Subscription requests one client address may make in a window; each one sends a mail.
REQUEST_LIMIT = 5
REQUEST_WINDOW = timedelta(hours=1)
BATCH_SIZE = 100
# Retries of a mailing the mail server keeps refusing: after 2, 4, 8 … 128 minutes, about four
# hours in all; what is left then waits in the admin (新刊邮件) to be sent again by hand.
MAILING_ATTEMPTS = 8
# The cover is shown this wide (CSS pixels); a rendition twice as wide stays sharp on phones.
COVER_WIDTH = 200


class LinkExpired(Exception):
    """A confirmation link older than ``CONFIRMATION_DAYS``."""


class LinkInvalid(Exception):
    """A confirmation link that was never made here, or names a subscription that is gone."""


# Addresses -------------------------------------------------------------------------------------


def normalised(address):
    """The form an address is stored and compared in: trimmed, lower-cased, its domain in ASCII.

    Raises ``ValueError`` for a domain that has no ASCII form.
    """
    local, _at, domain = address.strip().rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise ValueError(address) from error
    return f"{local}@{domain}".lower()


# Subscribing and unsubscribing -----------------------------------------------------------------


@transaction.atomic
def subscribe(*, email, sections=()):
    """Ask the owner of ``email`` (normalised) to confirm a subscription to new issues, of
    ``sections`` only if any are given. The mail is queued once this transaction commits.

    An address already known keeps its state until the link is followed: the same mail goes out
    whether it is new, pending, confirmed or unsubscribed.
    """
    subscriber, created = Subscriber.objects.get_or_create(email=email)
    if created:
        subscriber.sections.set(sections)
    link = seo.absolute_url(reverse("bulletin:subscription-confirm", args=[confirmation_token(subscriber, sections)]))
    body = render_to_string(
        "bulletin/mail/confirm.txt",
        {
            "periodical": settings.PERIODICAL_NAME,
            "link": link,
            "days": CONFIRMATION_DAYS,
            "sections": [section.name for section in sections],
        },
    )
    jobs.enqueue_on_commit(notify.deliver, f"请确认订阅《{settings.PERIODICAL_NAME}》", body, [subscriber.email])
    return subscriber


def confirmation_token(subscriber, sections):
    return signing.dumps([subscriber.pk, sorted(section.pk for section in sections)], salt=CONFIRMATION_SALT)


def confirmation(token):
    """``(subscriber id, section ids)`` of a confirmation link; raises :class:`LinkExpired` or
    :class:`LinkInvalid`."""
    try:
        return signing.loads(token, salt=CONFIRMATION_SALT, max_age=timedelta(days=CONFIRMATION_DAYS))
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error


@transaction.atomic
def confirm(token):
    """Confirm the subscription ``token`` (from the confirmation mail) asks for, with the sections
    it names; returns the subscriber. Following the same link again changes nothing.

    Raises :class:`LinkExpired` or :class:`LinkInvalid`.
    """
    pk, section_ids = confirmation(token)
    subscriber = Subscriber.objects.select_for_update().filter(pk=pk).first()
    if subscriber is None:
        raise LinkInvalid
    if subscriber.status != Subscriber.Status.CONFIRMED:
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.unsubscribed_at = subscriber.bounced_at = None
        subscriber.save(update_fields=["status", "confirmed_at", "unsubscribed_at", "bounced_at"])
    subscriber.sections.set(Section.objects.filter(pk__in=section_ids))
    return subscriber


def unsubscribe_token(subscriber):
    return signing.dumps(subscriber.pk, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(subscriber):
    return seo.absolute_url(reverse("bulletin:unsubscribe", args=[unsubscribe_token(subscriber)]))


def subscriber_for(token):
    """The subscriber an unsubscribe link stands for, or None if the link is forged or theirs is gone."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(pk=pk).first()


def unsubscribe(subscriber):
    """Mail ``subscriber`` no more issues; unsubscribing twice is unsubscribing once."""
    Subscriber.objects.filter(pk=subscriber.pk).exclude(status=Subscriber.Status.UNSUBSCRIBED).update(
        status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now()
    )


def within_request_limit(client_address):
    """Count one subscription request from ``client_address``; False once its network has made
    ``REQUEST_LIMIT`` in this window (``publishing.throttle``)."""
    return throttle.within_limit("bulletin.subscribe", client_address, limit=REQUEST_LIMIT, window=REQUEST_WINDOW)


# Mailing an issue ------------------------------------------------------------------------------


def mail_when_public(issue):
    """Once this transaction commits, mail ``issue`` to its subscribers when readers can see it:
    now, or at its release time.

    A backend that cannot wait (the immediate one) drops the job for later; the periodic job
    that follows scheduled content (``bulletin.scheduled``) asks again at that moment.
    """
    later = issue.published_at if issue.published_at > timezone.now() else None
    jobs.enqueue_on_commit(mail_issue, issue.pk, run_after=later)


@jobs.job(
    attempts=MAILING_ATTEMPTS,
    backoff=timedelta(minutes=2),
    describe=lambda issue_id: f"mail of issue {issue_id} to its subscribers",
)
def mail_issue(issue_id):
    """Send the next ``BATCH_SIZE`` mails of a public issue, and queue the batch after them.

    The first run addresses the issue to every subscriber confirmed at that moment. A mail the
    server will not take now (unreachable, a temporary refusal) is counted on its delivery and
    raised, so that the job is tried again later; the deliveries that failed least are tried first.
    """
    issue = Issue.objects.public().filter(pk=issue_id).first()
    if issue is None:
        return 0
    if not issue.deliveries.exists():
        confirmed = Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).values_list("pk", flat=True)
        Delivery.objects.bulk_create(
            [Delivery(issue=issue, subscriber_id=pk) for pk in confirmed], batch_size=1000, ignore_conflicts=True
        )
    mailing = Mailing(issue, table_of_contents(issue.articles.public_in(issue).for_toc()), mail.get_connection())
    handled = 0
    try:
        while handled < BATCH_SIZE and mailing.send_next():
            handled += 1
    finally:
        mailing.connection.close()
    if handled == BATCH_SIZE and issue.deliveries.filter(state=Delivery.State.PENDING).exists():
        jobs.enqueue_on_commit(mail_issue, issue_id)
    return handled


@dataclass
class Mailing:
    """One batch of an issue's mailing: the issue, its table of contents and one connection to
    the mail server for all of its mails."""

    issue: Issue
    toc: list
    connection: object

    def send_next(self):
        """Claim the next delivery no other worker holds and send it; False when none is left.

        The row lock is held until the outcome is recorded: a worker that stops half way leaves
        the delivery pending for the next, and a second worker passes it by.
        """
        with transaction.atomic():
            delivery = (
                Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("subscriber")
                .filter(issue=self.issue, state=Delivery.State.PENDING)
                .order_by("attempts", "pk")
                .first()
            )
            if delivery is None:
                return False
            failure = self.deliver(delivery)
        if failure is not None:
            raise failure
        return True

    def deliver(self, delivery):
        """Send ``delivery`` and record what happened; the error to retry for, if any."""
        subscriber = delivery.subscriber
        if subscriber.status != Subscriber.Status.CONFIRMED:
            _record(delivery, Delivery.State.SKIPPED, f"发送前{subscriber.get_status_display()}")
            return None
        chosen = list(subscriber.sections.all())
        groups = contents(self.toc, chosen)
        if chosen and not groups:
            _record(delivery, Delivery.State.SKIPPED, "本期没有所订栏目的稿件")
            return None
        try:
            self.connection.open()
            issue_message(self.issue, subscriber, groups, chosen, connection=self.connection).send()
        except smtplib.SMTPRecipientsRefused as error:
            if not all(code >= 500 for code, _reply in error.recipients.values()):
                return _retry(delivery, error)
            _record(delivery, Delivery.State.BOUNCED, _describe(error))
            Subscriber.objects.filter(pk=subscriber.pk, status=Subscriber.Status.CONFIRMED).update(
                status=Subscriber.Status.BOUNCED, bounced_at=timezone.now()
            )
            return None
        except Exception as error:  # whatever it is, it is recorded on the delivery and the job tried again
            return _retry(delivery, error)
        delivery.sent_at = timezone.now()
        _record(delivery, Delivery.State.SENT, "")
        return None


def _record(delivery, state, note):
    delivery.state, delivery.error = state, note
    delivery.save(update_fields=["state", "error", "sent_at"])


def _retry(delivery, error):
    delivery.attempts += 1
    delivery.error = _describe(error)
    delivery.save(update_fields=["attempts", "error"])
    return error


def _describe(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = (f"{code} {reply.decode(errors='replace')}" for code, reply in error.recipients.values())
        return "收件服务器拒收：" + "；".join(replies)
    return f"{type(error).__name__}: {error}"


# The mail ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    kicker: str
    title: str
    subtitle: str
    url: str


@dataclass(frozen=True)
class Group:
    heading: str
    entries: list


def contents(toc, sections=()):
    """The table of contents ``toc`` as the mail lists it: headings and absolute links, only the
    groups of ``sections`` (and their sub-columns) if any are given, and no group without articles."""
    chosen = {section.pk for section in sections}
    return [
        Group(
            heading=group.section.name if group.section.show_heading else "",
            entries=[
                Entry(article.kicker, article.title, article.subtitle, seo.absolute_url(article.get_absolute_url()))
                for article in group.articles
            ],
        )
        for group in toc
        if group.articles and (not chosen or {group.section.pk, group.section.parent_id} & chosen)
    ]


def issue_message(issue, subscriber, groups, sections, *, connection=None):
    """The mail announcing ``issue`` to ``subscriber``: HTML with a plain-text alternative, and the
    headers that let mail programs offer one-click unsubscribing (RFC 8058)."""
    unsubscribe = unsubscribe_url(subscriber)
    context = {
        "periodical": settings.PERIODICAL_NAME,
        "publisher": settings.PUBLISHER_NAME,
        "issue": issue,
        "issue_url": seo.absolute_url(issue.get_absolute_url()),
        "cover_url": cover_url(issue),
        "cover_width": COVER_WIDTH,
        "groups": groups,
        "sections": [section.name for section in sections],
        "subscribe_url": seo.absolute_url(reverse("bulletin:subscribe")),
        "unsubscribe_url": unsubscribe,
    }
    message = mail.EmailMultiAlternatives(
        subject=f"《{settings.PERIODICAL_NAME}》{issue}已出版",
        body=render_to_string("bulletin/mail/issue.txt", context),
        to=[subscriber.email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        connection=connection,
    )
    message.attach_alternative(render_to_string("bulletin/mail/issue.html", context), "text/html")
    return message


def cover_url(issue):
    """The absolute address of the issue's cover as the mail shows it, or "" without a cover."""
    if not issue.cover_image:
        return ""
    picture = images.picture(issue.cover_image.name, issue.cover_image.storage)
    if picture is None:
        return seo.absolute_url(issue.cover_image.url)
    return seo.absolute_url(picture.at_least(2 * COVER_WIDTH).url)
