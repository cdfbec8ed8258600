"""The web import's two steps: uploaded files are read and kept privately while the editor checks
what was recognised in each, then become drafts with the editor's corrections, once.

Files are kept in the default storage under ``imports/<token>/``, a folder no public address
reaches: readers fetch only what ``publishing.media`` links into the public tree, and staff only
the files of content they may see. A :class:`~bulletin.models.StagedImport` row binds the folder
to the user who uploaded it; creating the drafts deletes the row in the same transaction, so a
second post of the same step finds nothing to create. Batches left unconfirmed are discarded
after :data:`STALE_AFTER`, when someone next starts an import.
"""

import contextlib
import dataclasses
import os
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from bulletin.docx_import.drafts import create_drafts
from bulletin.docx_import.reading import read_all
from bulletin.docx_import.recognising import Rule
from bulletin.models import Issue, StagedImport

FOLDER = "imports"
STALE_AFTER = timedelta(days=1)
# What the editor may correct of each file before its draft is created.
CORRECTABLE = ("title", "kicker", "subtitle", "byline", "author_names", "author_title", "contributor")


class StagingGone(Exception):
    """The batch was turned into drafts or cancelled already, or never belonged to this user."""


class IssueClosed(Exception):
    """The batch's issue was released while the editor checked it."""


def stage(files, *, issue, section, by):
    """Read every uploaded file, then keep them for the editor's check.

    Raises :class:`DocxImportError` naming every bad file, and keeps nothing, if any cannot be
    read. Returns the new :class:`StagedImport` and what was recognised in each file.
    """
    discard_stale()
    imported = read_all(files)
    token = secrets.token_urlsafe(24)
    stored = []
    try:
        for n, (file, item) in enumerate(zip(files, imported, strict=True), 1):
            file.seek(0)
            stored.append([item.file_name, default_storage.save(f"{FOLDER}/{token}/{n:03}.docx", file)])
        staged = StagedImport.objects.create(token=token, created_by=by, issue=issue, section=section, files=stored)
    except BaseException:
        _delete([name for _, name in stored])
        raise
    return staged, imported


def staged_for(token, user):
    """The batch ``token`` names if ``user`` uploaded it; None if it is gone or never was.

    Raises ``PermissionDenied`` when it is someone else's.
    """
    staged = StagedImport.objects.select_related("issue", "section").filter(token=token).first()
    if staged is not None and staged.created_by_id != user.pk:
        raise PermissionDenied
    return staged


def read_staged(staged):
    """What is recognised in each kept file, as at upload."""
    opened = [File(default_storage.open(name), name=original) for original, name in staged.files]
    try:
        return read_all(opened)
    finally:
        for file in opened:
            file.close()


def create_staged_drafts(staged, corrections, *, by):
    """Create the batch's drafts with the editor's ``corrections`` (one dict of
    :data:`CORRECTABLE` fields per file, in order), and let the kept files go.

    Raises :class:`StagingGone` if the batch was created or cancelled meanwhile (nothing is
    created again) and :class:`IssueClosed` if its issue no longer takes drafts.
    """
    try:
        recognised = read_staged(staged)
    except FileNotFoundError:  # cancelled, or created, while this request was on its way
        raise StagingGone(staged.token) from None
    imported = [_corrected(item, correction) for item, correction in zip(recognised, corrections, strict=True)]
    with transaction.atomic():
        if staged.issue_id and not Issue.objects.filter(pk=staged.issue_id, status=Issue.Status.DRAFT).exists():
            raise IssueClosed(staged.issue)
        claimed, _ = StagedImport.objects.filter(pk=staged.pk, created_by=by).delete()
        if not claimed:
            raise StagingGone(staged.token)
        results = create_drafts(imported, issue=staged.issue, section=staged.section, by=by)
        names = [name for _, name in staged.files]
        transaction.on_commit(lambda: _delete(names))
    return results


def cancel(staged):
    """Forget the batch and delete its files."""
    StagedImport.objects.filter(pk=staged.pk).delete()
    _delete([name for _, name in staged.files])


def discard_stale(now=None):
    """Delete batches uploaded more than :data:`STALE_AFTER` ago, and files left in the staging
    folder by no batch (an upload cut short)."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    for staged in StagedImport.objects.filter(created_at__lt=cutoff):
        cancel(staged)
    try:
        folders, _ = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    known = set(StagedImport.objects.filter(token__in=folders).values_list("token", flat=True))
    for folder in set(folders) - known:
        names = [f"{FOLDER}/{folder}/{name}" for name in default_storage.listdir(f"{FOLDER}/{folder}")[1]]
        if all(default_storage.get_modified_time(name) < cutoff for name in names):
            _delete(names)
            _remove_folder(f"{FOLDER}/{folder}")


def _corrected(item, correction):
    changes = {field: correction[field] for field in CORRECTABLE}
    if changes["byline"] != item.byline:
        changes["byline_rule"] = Rule.EDITOR.value if changes["byline"] else ""
    return dataclasses.replace(item, **changes)


def _delete(names):
    for name in names:
        default_storage.delete(name)
    if names:
        _remove_folder(os.path.dirname(names[0]))


def _remove_folder(folder):
    # The file system storage deletes files and leaves their folder behind; other storages have
    # no folders (NotImplementedError), and a folder still holding files stays (OSError).
    with contextlib.suppress(NotImplementedError, OSError):
        os.rmdir(default_storage.path(folder))
