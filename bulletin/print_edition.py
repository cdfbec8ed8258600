"""The print edition: an issue as a print-ready PDF, and the review record (审稿单) as a PDF.

An issue's PDF is made from the content and the table of contents its public page shows
(``for_toc()`` grouped by ``table_of_contents``), written as one HTML document
(``templates/print/issue.html``, styled by ``static/css/print-edition.css``) and laid out by
WeasyPrint. Building takes seconds, so it runs as a job (:func:`build_print`, ``publishing.jobs``:
in-process in development, by the ``db_worker`` service in production, tried again with backoff
when it fails, and queued once for an edition however many changes ask for it before it starts):

* :func:`request_build` — a user asks for a PDF of an issue in one layout (paper, page numbers);
* :func:`schedule_rebuild` — a released issue's content changed: its public PDF follows.

A build whose fingerprint (sha256 of the rendered document and the WeasyPrint version) matches
the stored file changes nothing, so asking twice costs one HTML render, not a second layout.
WeasyPrint reads images and stylesheets only from storage and static files, never from the
network (:func:`typeset`).
"""

import functools
import hashlib
import importlib.metadata
import logging
import mimetypes
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import unquote, urljoin

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from bulletin import seo
from bulletin.models import Article, Issue, IssuePrint, table_of_contents
from publishing import images, jobs, pagecache
from publishing.models import PublicationStatus

logger = logging.getLogger(__name__)

STYLESHEET = "css/print-edition.css"
# Relative addresses in the document resolve against this; LocalFetcher answers for it and
# refuses everything else, so nothing is ever fetched from the network.
BASE_URL = "https://print.invalid/"
# 16开 as Chinese printers cut it (正度16开), which is what “B5” means for a periodical here.
PAGE_SIZES = {IssuePrint.Paper.A4: "210mm 297mm", IssuePrint.Paper.B5: "185mm 260mm"}


class PrintRefused(Exception):
    """A PDF that may not be made: the message says why, in Chinese, for the user."""


@dataclass(frozen=True)
class Layout:
    """How an issue is printed: paper size, and whose page numbers the table of contents lists."""

    paper: str = IssuePrint.Paper.A4
    recorded_pages: bool = False

    @classmethod
    def of(cls, paper, recorded_pages=False):
        """The layout for user input; :class:`PrintRefused` if the paper is not one we print on."""
        paper = (paper or "").strip().upper()
        paper = {label: value for value, label in IssuePrint.Paper.choices}.get(paper, paper)
        if paper not in IssuePrint.Paper.values:
            choices = "、".join(IssuePrint.Paper.labels)
            raise PrintRefused(f"纸张“{paper or '（空）'}”无法打印，请选择：{choices}。")
        return cls(paper, bool(recorded_pages))

    @property
    def page_size(self):
        return PAGE_SIZES[self.paper]


def public_layout():
    """The layout of the PDF readers download from a released issue's page."""
    return Layout(settings.PRINT_PAPER)


# Who may print what --------------------------------------------------------------------------


def refusal(issue, user):
    """Why ``user`` may not make or download a PDF of ``issue`` (a Chinese sentence), or None.

    A released issue's edition goes to the printer and to readers: the editor-in-chief's call
    (``release_issue``). A draft's PDF is a proof marked 样稿, for any staff who may see issues.
    """
    if not (user.is_active and user.is_staff and user.has_perm("bulletin.view_issue")):
        return "您没有查看期刊的权限。"
    if issue.status == Issue.Status.PUBLISHED and not user.has_perm("bulletin.release_issue"):
        return f"{issue.short_name}已出版，它的印刷版 PDF 由主编生成和下载。"
    return None


def require_permission(issue, user):
    if reason := refusal(issue, user):
        raise PrintRefused(reason)


# Queueing builds -----------------------------------------------------------------------------


def edition_for(issue, layout):
    """The :class:`IssuePrint` row of ``issue`` in ``layout``, created if there is none yet."""
    edition, _ = IssuePrint.objects.get_or_create(
        issue_id=issue.pk, paper=layout.paper, recorded_pages=layout.recorded_pages
    )
    return edition


def request_build(issue, *, by, layout):
    """Queue a PDF of ``issue`` in ``layout`` for ``by``; returns its :class:`IssuePrint`.

    :class:`PrintRefused` if ``by`` may not have it. The build starts once the caller's
    transaction commits: at once with the immediate task backend, in the worker with the
    database backend.
    """
    require_permission(issue, by)
    edition = edition_for(issue, layout)
    IssuePrint.objects.filter(pk=edition.pk).update(
        state=IssuePrint.State.QUEUED, requested_by=by, requested_at=timezone.now(), error=""
    )
    jobs.enqueue_on_commit(build_print, edition.pk)
    return edition


def schedule_rebuild(issue_id):
    """Rebuild a released issue's public PDF once the current transaction commits, and again at
    each moment scheduled content of it reaches readers (the issue itself, or an article
    published for later).

    Call it whenever what readers see of the issue may have changed (release, withdrawal or
    publication of one of its articles, edits to its cover or metadata). Does nothing for an
    issue in the making, so it is safe to call for any issue, any number of times: a rebuild
    whose content is unchanged keeps the stored file.
    """
    issue = Issue.objects.filter(pk=issue_id, status=Issue.Status.PUBLISHED).first()
    if issue is None:
        return
    edition_id = edition_for(issue, public_layout()).pk
    jobs.enqueue_on_commit(build_print, edition_id)
    now = timezone.now()
    moments = set(
        Article.objects.filter(issue=issue, status=PublicationStatus.PUBLISHED, published_at__gt=now).values_list(
            "published_at", flat=True
        )
    )
    if issue.published_at > now:
        moments.add(issue.published_at)
    for moment in moments:
        # The immediate backend (development) cannot wait: the periodic job that follows
        # scheduled content (bulletin.scheduled) rebuilds it then, if the scheduler runs.
        jobs.enqueue_on_commit(build_print, edition_id, run_after=moment)


class BuildFailed(Exception):
    """A build that ended in the failed state; raised so that the job is tried again."""


@jobs.job(attempts=4, backoff=timedelta(minutes=2), describe=lambda edition_id: f"PDF of edition {edition_id}")
def build_print(edition_id):
    """Build (or confirm as current) the PDF of one ``IssuePrint``; see :func:`build_edition`.

    Building is idempotent (an unchanged document keeps the stored file), so a retry is safe.
    """
    edition = build_edition(edition_id)
    if edition.state == IssuePrint.State.FAILED:
        raise BuildFailed(edition.error)
    return edition.state


def public_edition(issue):
    """The stored PDF readers may download for ``issue`` (a released one), or None."""
    layout = public_layout()
    return readers_editions(issue, layout.paper, layout.recorded_pages).first()


def readers_editions(issue, paper, recorded_pages):
    """The stored PDFs of ``issue`` in the readers' layout (``public_layout()``'s paper and
    page numbers): one at most, the layout being unique per issue."""
    editions = IssuePrint.objects.filter(issue=issue, paper=paper, recorded_pages=recorded_pages, proof=False)
    # Unordered: the default order would join the issue only to sort one row.
    return editions.exclude(file="").order_by()


def file_name(edition):
    """What a downloaded PDF is called, e.g. “科协通讯2026年第5期.pdf” or “科协通讯2026年第6期（样稿，16开）.pdf”."""
    notes = []
    if edition.proof:
        notes.append("样稿")
    if edition.paper == IssuePrint.Paper.B5:
        notes.append("16开")
    if edition.recorded_pages:
        notes.append("原页码")
    suffix = f"（{'，'.join(notes)}）" if notes else ""
    return f"{settings.PERIODICAL_NAME}{edition.issue.short_name}{suffix}.pdf"


# Building ------------------------------------------------------------------------------------

STEPS = ("整理内容", "排版", "写入 PDF", "保存")


def build_edition(edition_id, *, on_step=None):
    """Build the PDF of one :class:`IssuePrint` and store it, unless the stored one is current.

    Records the outcome on the row (ready with its file, or failed with the reason) and returns
    the row. ``on_step(name)`` is told as each of ``STEPS`` ends (for a progress bar). When the
    file readers download changes, the issue's cached public pages are made stale.
    """
    step = on_step or (lambda name: None)
    edition = IssuePrint.objects.select_related("issue").get(pk=edition_id)
    IssuePrint.objects.filter(pk=edition.pk).update(state=IssuePrint.State.BUILDING)
    issue, layout = edition.issue, Layout(edition.paper, edition.recorded_pages)
    try:
        document = render_issue(issue, layout)
        step(STEPS[0])
        if (
            document.fingerprint == edition.fingerprint
            and edition.file
            and edition.file.storage.exists(edition.file.name)
        ):
            IssuePrint.objects.filter(pk=edition.pk).update(state=IssuePrint.State.READY)
            edition.refresh_from_db()
            return edition
        rendered = typeset(document.html)
        step(STEPS[1])
        pdf = rendered.write_pdf()
        step(STEPS[2])
    except Exception as error:
        logger.exception("Could not build the PDF of %s", edition)
        IssuePrint.objects.filter(pk=edition.pk).update(
            state=IssuePrint.State.FAILED, error=str(error) or type(error).__name__
        )
        edition.refresh_from_db()
        return edition
    recorded = "-recorded" if layout.recorded_pages else ""
    name = f"{issue.year}-{issue.number}-{layout.paper}{recorded}-{document.fingerprint[:20]}.pdf"
    edition = _store(edition.pk, name, pdf, document=document, pages=len(rendered.pages))
    step(STEPS[3])
    return edition


@transaction.atomic
def _store(edition_id, name, pdf, *, document, pages):
    edition = IssuePrint.objects.select_for_update().select_related("issue").get(pk=edition_id)
    replaced = edition.file.name
    edition.file.save(name, ContentFile(pdf), save=False)
    edition.fingerprint = document.fingerprint
    edition.page_total = pages
    edition.proof = document.proof
    edition.state = IssuePrint.State.READY
    edition.error = ""
    edition.built_at = timezone.now()
    edition.save()
    if replaced and replaced != edition.file.name:
        transaction.on_commit(lambda: default_storage.delete(replaced))
    if not document.proof:
        pagecache.issue_changed(edition.issue)
    return edition


# The document --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    html: str
    fingerprint: str
    proof: bool


@dataclass(frozen=True)
class PrintPhoto:
    src: str
    alt: str
    caption: str
    credit: str


def edition_articles(issue, *, proof):
    """The articles printed in ``issue``, in table-of-contents order, with their photos.

    A released issue prints what readers see of it (``public()``: not an article scheduled for
    later); a proof prints everything on its way into the issue (not withdrawn pieces, nor
    pending revisions, whose live text is still current).
    """
    if proof:
        articles = issue.articles.originals().exclude(status=PublicationStatus.WITHDRAWN)
    else:
        articles = issue.articles.public()
    return articles.for_toc(with_body=True).prefetch_related("photos")


def render_issue(issue, layout):
    """The HTML document WeasyPrint lays out for ``issue``, and its fingerprint.

    Until readers can see the issue (one released for a later moment too) it is a proof. Each
    article and the cover carry a QR code of their page on the website; a proof's lead to the
    addresses the pages will have once the issue is released, as the printed issue's will.
    """
    proof = not Issue.objects.public().filter(pk=issue.pk).exists()
    toc = table_of_contents(edition_articles(issue, proof=proof))
    for group in toc:
        for article in group.articles:
            article.print_photos = [print_photo(photo) for photo in article.photos.all()]
            article.web_url = seo.absolute_url(article.get_absolute_url())
    html = render_to_string(
        "print/issue.html",
        {
            "issue": issue,
            "toc": toc,
            "layout": layout,
            "proof": proof,
            "cover_src": print_image_url(issue.cover_image.name) if issue.cover_image else "",
            "issue_url": seo.absolute_url(issue.get_absolute_url()),
            "stylesheet": stylesheet(),
            "PERIODICAL_NAME": settings.PERIODICAL_NAME,
            "PUBLISHER_NAME": settings.PUBLISHER_NAME,
        },
    )
    fingerprint = hashlib.sha256(f"{importlib.metadata.version('weasyprint')}\n{html}".encode()).hexdigest()
    return Document(html, fingerprint, proof)


def article_proof(article):
    """The PDF of one article as the issue will print it, marked 校样: what its contributor checks."""
    article.print_photos = [print_photo(photo) for photo in article.photos.all()]
    article.web_url = seo.absolute_url(article.get_absolute_url())
    html = render_to_string(
        "print/article_proof.html",
        {
            "article": article,
            "layout": public_layout(),
            "stylesheet": stylesheet(),
            "PERIODICAL_NAME": settings.PERIODICAL_NAME,
        },
    )
    return typeset(html).write_pdf()


def print_photo(photo):
    return PrintPhoto(print_image_url(photo.image.name), photo.alt, photo.caption, photo.credit)


def print_image_url(name):
    """The widest rendition of a stored image: sharp enough for a proof, far smaller than a
    camera original (which may run to 40 megapixels)."""
    picture = images.picture(name)
    return picture.largest.url if picture else default_storage.url(name)


def stylesheet():
    """The print stylesheet's text; it is part of the document, so a change to it changes the fingerprint."""
    with open(finders.find(STYLESHEET), encoding="utf-8") as file:
        return file.read()


def typeset(html):
    """Lay ``html`` out with WeasyPrint, reading images and stylesheets from storage and static
    files only; returns the document (``.pages``, ``.write_pdf()``)."""
    import weasyprint

    return weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=_local_fetcher()).render()


@functools.cache
def _local_fetcher():
    """A fetcher that reads media from default storage and static files from collected static
    files or the staticfiles finders, and refuses every other address (http, file, …).

    WeasyPrint then leaves that image out and logs a warning, so a stray link in an article body
    cannot reach the network. WeasyPrint is imported on first use, here and in :func:`typeset`:
    it loads Pango, about a second and 45 MB that only the processes that typeset need.
    """
    from weasyprint import URLFetcher
    from weasyprint.urls import URLFetcherResponse

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            media, static = urljoin(BASE_URL, settings.MEDIA_URL), urljoin(BASE_URL, settings.STATIC_URL)
            path = unquote(url.split("?")[0].split("#")[0])
            if url.startswith(media):
                file = default_storage.open(path.removeprefix(unquote(media)), "rb")
            elif url.startswith(static):
                file = _open_static(path.removeprefix(unquote(static)))
            else:
                raise ValueError(f"not a media or static file: {url}")
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, file, {"Content-Type": content_type})

    return LocalFetcher()


def _open_static(name):
    # Collected (and, in production, hashed) names first; the finders serve development.
    if staticfiles_storage.exists(name):
        return staticfiles_storage.open(name, "rb")
    path = finders.find(name)
    if path is None:
        raise FileNotFoundError(name)
    return open(path, "rb")  # WeasyPrint closes it once read
