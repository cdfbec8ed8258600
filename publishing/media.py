"""Uploaded files readers may fetch, and only those.

Uploads stay where storage puts them, private, under their names. What readers may fetch is the
*public tree*, which holds each file of content readers see and each of its renditions: on disk
``MEDIA_ROOT/public/``, of relative symbolic links, in a bucket its ``public/`` prefix, of copies
(``publishing.storage`` keeps both; the rule here is one). This module knows no content: each model that holds files
declares them beside its fields (``public_files =`` :class:`PublicFiles`: its file fields, the rich
text that shows images by address, and who may see them in any state), what readers see of it is
its queryset's ``public()``, and each piece of content names the files it holds, or held, with
its ``media_files()``.

nginx answers ``/media/<name>`` from the public tree alone and passes anything else to the app
(in a bucket, the app answers every ``/media/`` address, with a redirect), whose view (``bulletin.views.media_file``) asks here: staff who may see the content get the file
(and so does whoever else the site lets in, an outside expert reading a share link); readers get
it once ``public()`` says the content is theirs (a scheduled publication whose time has come), and
it is linked then, so that it is served without the app from the next request on. Everyone else gets a 404, as
for a file that does not exist.

Links follow what readers see: :func:`readers_see`, which the workflow calls after every change
readers notice, links and unlinks the files of what changed once the change commits;
``manage.py sync_media`` (:func:`sync`) puts the whole tree right, after an upgrade or a restore.
A backup skips the tree and holds every file once.
"""

import html
import re
from dataclasses import dataclass
from functools import cache, reduce
from operator import or_

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils.cache import add_never_cache_headers, patch_cache_control

from publishing import images, storage
from publishing.storage import PUBLIC_FOLDER, PUBLIC_MAX_AGE

SRC = re.compile(r'<img\b[^>]*?\ssrc="([^"]*)"', re.IGNORECASE)


@dataclass(frozen=True)
class PublicFiles:
    """The stored files a model's content holds, declared on the model as ``public_files``: its
    file ``fields`` and its ``rich_text`` fields, whose text shows images by address. Readers may
    fetch them while the model's ``public()`` holds the content."""

    # Staff with it may fetch the files of such content in any state (to edit and preview it).
    permission: str
    fields: tuple = ()
    rich_text: tuple = ()


@dataclass(frozen=True)
class Use:
    """Where content keeps stored files: a file field, or rich text that shows images by address."""

    model: type
    field: str
    permission: str

    def readers(self):
        """The content readers see now."""
        return self.model._default_manager.public()


def _declared():
    for model in apps.get_models():
        declaration = getattr(model, "public_files", None)
        if declaration is not None:
            yield model, declaration


# Models are fixed once the registry is ready, and the registry is ready before any file is asked for.
@cache
def _file_fields():
    return tuple(Use(model, field, files.permission) for model, files in _declared() for field in files.fields)


@cache
def _rich_text():
    return tuple(Use(model, field, files.permission) for model, files in _declared() for field in files.rich_text)


def _in_rich_text(name):
    # Rich text may show any address, but only images uploaded in the editor belong to it: a
    # photo copied into a text stays as public as its own article.
    return name.startswith(f"{images.EDITOR_FOLDER}/")


def images_in(text):
    """The storage names of the images rich text shows."""
    return {name for src in SRC.findall(text or "") if (name := images.stored_name(html.unescape(src)))}


# What readers see ------------------------------------------------------------------------------


def visible_names(names):
    """Those of the stored originals ``names`` that content readers see now holds."""
    names = set(names) - {""}
    if not names:
        return set()
    found = set()
    for use in _file_fields():
        found.update(use.readers().filter(**{f"{use.field}__in": names}).values_list(use.field, flat=True))
    embedded = {name for name in names - found if _in_rich_text(name)}
    if embedded:
        for use in _rich_text():
            condition = reduce(or_, (Q(**{f"{use.field}__contains": default_storage.url(n)}) for n in embedded))
            for text in use.readers().filter(condition).values_list(use.field, flat=True):
                found |= images_in(text) & embedded
    return found


def _all_visible():
    names = set()
    for use in _file_fields():
        names.update(use.readers().exclude(**{use.field: ""}).values_list(use.field, flat=True))
    for use in _rich_text():
        texts = use.readers().filter(**{f"{use.field}__contains": settings.MEDIA_URL}).values_list(use.field, flat=True)
        for text in texts.iterator():
            names.update(name for name in images_in(text) if _in_rich_text(name))
    return names


# Keeping the public tree -------------------------------------------------------------------------


def readers_see(obj):
    """Once the current transaction commits, readers may fetch the files of ``obj`` (its
    ``media_files()``) that they now see, and no longer those they do not, nor any file content
    readers see has let go of (a photo a published revision dropped, a replaced cover)."""
    model, pk = type(obj), obj.pk
    transaction.on_commit(lambda: _follow(model, pk), robust=True)


def _follow(model, pk):
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        return
    # Content that holds no files (a section, a topic) has no media_files().
    settle(obj.media_files() if hasattr(obj, "media_files") else ())
    _unlink_unheld()


def settle(names):
    """Link those of the stored originals ``names`` readers may fetch now and unlink the others;
    returns those left linked."""
    names = set(names) - {""}
    visible = visible_names(names)
    for name in names - visible:
        _unlink(name)
    for name in visible:
        _link(name)
    # A withdrawal that committed meanwhile may have unlinked these before they were linked here:
    # looking again leaves no file of hidden content linked, whichever came first.
    hidden = visible - visible_names(visible)
    for name in hidden:
        _unlink(name)
    return visible - hidden


def _unlink_unheld():
    """Unlink the files of file fields that no content readers see holds any more: photos a
    published revision dropped, covers and portraits since replaced."""
    for use in _file_fields():
        linked = _linked_under(use.model._meta.get_field(use.field).upload_to.split("%")[0])
        if linked:
            for name in linked - set(use.readers().values_list(use.field, flat=True)):
                _unlink(name)


def sync():
    """Make the public tree hold exactly the files of what readers see now (and their renditions),
    whatever it held before; returns how many links were made and how many removed."""
    storage.public_tree().open_to_readers()
    wanted = _all_visible()
    present = {images.original_of(name) for name in _linked_under("")}
    made = sum(_link(name) for name in wanted)
    removed = sum(_unlink(name) for name in present - wanted)
    removed += sum(_unlink(name) for name in wanted - _all_visible())
    return made, removed


def _linked_under(folder):
    """The names in the public tree under ``folder`` (one of storage's, or "" for all)."""
    return storage.public_tree().names(folder)


def _link(name):
    """Put the stored file ``name`` and its renditions into the public tree; returns how many
    are new there."""
    tree = storage.public_tree()
    return sum(tree.add(stored) for stored in (name, *_renditions_of(name)))


def _renditions_of(name):
    return list(storage.walk(default_storage, f"{images.RENDITIONS_FOLDER}/{name}"))


def _unlink(name):
    """Take the stored file ``name`` and its renditions out of the public tree; returns how many
    went."""
    tree = storage.public_tree()
    return tree.remove(name) + tree.remove_folder(f"{images.RENDITIONS_FOLDER}/{name}")


# Answering for files the public tree lacks ---------------------------------------------------------


def stored_file(name):
    """Whether ``name`` (asked for under MEDIA_URL) is a stored file outside the public tree."""
    parts = name.split("/")
    if parts[0] == PUBLIC_FOLDER or {"", ".", ".."} & set(parts) or "\\" in name or "\0" in name:
        return False
    return storage.public_tree().is_original(name)


def is_linked(name):
    """Whether ``name`` is in the public tree, where readers fetch it without asking the app."""
    return storage.public_tree().holds(name)


def may_preview(user, name):
    """Whether ``user`` is staff who may see content that holds the stored original ``name``,
    whatever the state of that content."""
    if not (user.is_active and user.is_staff):
        return False
    if _in_rich_text(name):
        # Any editor may put an image into any text, and sees it before the text is saved.
        return any(user.has_perm(use.permission) for use in _rich_text())
    return any(
        user.has_perm(use.permission) and use.model._default_manager.filter(**{use.field: name}).exists()
        for use in _file_fields()
    )


def response(name, *, public):
    """The stored file ``name``, as the storage in use hands it over (``publishing.storage``): on
    disk, through nginx's X-Accel-Redirect when ``MEDIA_ACCEL_REDIRECT`` is on (production), sent
    by the app otherwise; in a bucket, a redirect to its public copy or to a short-lived signed
    address. Only a ``public`` file may be kept by caches."""
    answer = storage.public_tree().response(name, public=public)
    if public:
        patch_cache_control(answer, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        add_never_cache_headers(answer)
    return answer
