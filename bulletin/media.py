"""Uploaded files readers may fetch, and only those.

Uploads stay where storage puts them, ``MEDIA_ROOT/<name>``. What readers may fetch is the
*public tree*, ``MEDIA_ROOT/public/``: a relative symbolic link to each file of content readers
see (an article's photos and the images in its text, an issue's cover and print PDF, a person's
portrait and the images in their biography, the images in an event's description) and to each of
its renditions. nginx answers ``/media/<name>`` from the public tree alone and passes anything else
to the app (``bulletin.views.media_file``): staff who may see the content get the file, and so
does an outside expert whose share link shows it; readers get it once ``public()`` says the
content is theirs (a scheduled publication whose time has come), and it is linked then, so that
nginx serves it from the next request on. Everyone else gets a 404, as for a file that does not
exist.

Links follow what readers see: :func:`readers_see`, which ``bulletin.workflow`` calls after every
change readers notice, links and unlinks the files of what changed once the change commits;
``manage.py sync_media`` (:func:`sync`) puts the whole tree right, after an upgrade or a restore.
The tree holds links only: a backup skips them and holds every file once.
"""

import html
import logging
import mimetypes
import os
import re
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from itertools import chain
from operator import or_
from pathlib import Path
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers, patch_cache_control

from bulletin.models import Article, ArticlePhoto, Issue, ShareLink
from events.models import Event
from people.models import Person
from publishing import images

logger = logging.getLogger(__name__)

PUBLIC_FOLDER = "public"
# nginx's internal location for any stored file, reached only by the app's X-Accel-Redirect.
PROTECTED_URL = "/protected-media/"
# Uploaded files are inert whoever sends them; nginx sends the same policy (deploy/nginx.conf).
POLICY = "default-src 'none'; sandbox"
PUBLIC_MAX_AGE = 30 * 24 * 3600

SRC = re.compile(r'<img\b[^>]*?\ssrc="([^"]*)"', re.IGNORECASE)


@dataclass(frozen=True)
class Use:
    """Where content keeps stored files: a file field, or rich text that shows images by address."""

    model: type
    field: str
    # Staff with it may fetch the files of such content in any state (to edit and preview it).
    permission: str
    readers: Callable  # the content readers see now


def _articles_photos():
    return ArticlePhoto.objects.filter(article__in=Article.objects.public())


FIELDS = (
    Use(ArticlePhoto, "image", "bulletin.view_article", _articles_photos),
    Use(Issue, "cover_image", "bulletin.view_issue", Issue.objects.public),
    Use(Issue, "print_pdf", "bulletin.view_issue", Issue.objects.public),
    Use(Person, "photo", "people.view_person", Person.objects.public),
)
RICH_TEXT = (
    Use(Article, "body", "bulletin.view_article", Article.objects.public),
    Use(Person, "bio", "people.view_person", Person.objects.public),
    Use(Event, "description", "events.view_event", Event.objects.public),
)


def _root():
    return Path(settings.MEDIA_ROOT)


def _public_root():
    return _root() / PUBLIC_FOLDER


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
    for use in FIELDS:
        found.update(use.readers().filter(**{f"{use.field}__in": names}).values_list(use.field, flat=True))
    embedded = {name for name in names - found if _in_rich_text(name)}
    if embedded:
        for use in RICH_TEXT:
            condition = reduce(or_, (Q(**{f"{use.field}__contains": default_storage.url(n)}) for n in embedded))
            for text in use.readers().filter(condition).values_list(use.field, flat=True):
                found |= images_in(text) & embedded
    return found


def files_of(obj):
    """The stored originals readers see, or may have seen, of an issue, article, event or person.

    Its own, those of its articles and of the people it names, and the images of earlier versions
    of its articles' text: a published revision may have dropped one.
    """
    if isinstance(obj, Person):
        return _files_of_people(Person.objects.filter(pk=obj.pk))
    if isinstance(obj, Event):
        return images_in(obj.description) | _files_of_people(obj.people.all())
    if isinstance(obj, Issue):
        articles, names = Article.objects.filter(issue=obj), {obj.cover_image.name, obj.print_pdf.name}
    elif isinstance(obj, Article):
        articles, names = Article.objects.filter(pk=obj.pk), set()
    else:
        return set()
    names.update(ArticlePhoto.objects.filter(article__in=articles).values_list("image", flat=True))
    with_images = {"body__contains": settings.MEDIA_URL}
    texts = chain(
        articles.filter(**with_images).values_list("body", flat=True),
        Article.history.filter(id__in=articles.values("pk"), **with_images).values_list("body", flat=True),
    )
    for text in texts:
        names |= images_in(text)
    return names | _files_of_people(Person.objects.filter(article_links__article__in=articles).distinct())


def _files_of_people(people):
    names = set()
    for photo, bio in people.values_list("photo", "bio"):
        names |= {photo, *images_in(bio)}
    return names


def _all_visible():
    names = set()
    for use in FIELDS:
        names.update(use.readers().exclude(**{use.field: ""}).values_list(use.field, flat=True))
    for use in RICH_TEXT:
        texts = use.readers().filter(**{f"{use.field}__contains": settings.MEDIA_URL}).values_list(use.field, flat=True)
        for text in texts.iterator():
            names.update(name for name in images_in(text) if _in_rich_text(name))
    return names


# Keeping the public tree -------------------------------------------------------------------------


def readers_see(obj):
    """Once the current transaction commits, readers may fetch the files of ``obj`` (an issue,
    article or event) that they now see, and no longer those they do not, nor any file content
    readers see has let go of (a photo a published revision dropped, a replaced cover)."""
    model, pk = type(obj), obj.pk
    transaction.on_commit(lambda: _follow(model, pk), robust=True)


def _follow(model, pk):
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        return
    settle(files_of(obj))
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
    for use in FIELDS:
        linked = _linked_under(use.model._meta.get_field(use.field).upload_to.split("%")[0])
        if linked:
            for name in linked - set(use.readers().values_list(use.field, flat=True)):
                _unlink(name)


def sync():
    """Make the public tree hold exactly the files of what readers see now (and their renditions),
    whatever it held before; returns how many links were made and how many removed."""
    wanted = _all_visible()
    present = {images.original_of(name) for name in _linked_under("")}
    made = sum(_link(name) for name in wanted)
    removed = sum(_unlink(name) for name in present - wanted)
    removed += sum(_unlink(name) for name in wanted - _all_visible())
    return made, removed


def _linked_under(folder):
    """The names in the public tree under ``folder`` (one of storage's, or "" for all)."""
    start = len(str(_public_root())) + 1
    return {os.path.join(path, file)[start:] for path, _, files in os.walk(_public_root() / folder) for file in files}


def _link(name):
    """Link the stored file ``name`` and its renditions into the public tree; returns how many
    links are new."""
    made = 0
    for stored in (name, *_renditions_of(name)):
        target, link = _root() / stored, _public_root() / stored
        relative = os.path.relpath(target, link.parent)
        if not target.is_file() or (link.is_symlink() and os.readlink(link) == relative):
            continue
        link.parent.mkdir(parents=True, exist_ok=True)
        # Made beside it and renamed over it: nginx never finds the name half made.
        temporary = link.with_name(f".{secrets.token_hex(8)}.tmp")
        os.symlink(relative, temporary)
        os.replace(temporary, link)
        made += 1
    return made


def _renditions_of(name):
    folder = _root() / images.RENDITIONS_FOLDER / name
    if not folder.is_dir():
        return []
    return [f"{images.RENDITIONS_FOLDER}/{name}/{entry.name}" for entry in os.scandir(folder) if entry.is_file()]


def _unlink(name):
    """Take the stored file ``name`` and its renditions out of the public tree; returns how many
    links went."""
    removed = 0
    link = _public_root() / name
    if link.is_symlink() or link.is_file():
        link.unlink(missing_ok=True)
        removed += 1
    renditions = _public_root() / images.RENDITIONS_FOLDER / name
    if renditions.is_dir() and not renditions.is_symlink():
        removed += sum(1 for _ in renditions.iterdir())
        shutil.rmtree(renditions, ignore_errors=True)
    return removed


# Answering for files the public tree lacks ---------------------------------------------------------


def stored_file(name):
    """Whether ``name`` (asked for under MEDIA_URL) is a stored file outside the public tree."""
    parts = name.split("/")
    if parts[0] == PUBLIC_FOLDER or {"", ".", ".."} & set(parts) or "\\" in name or "\0" in name:
        return False
    path = _root() / name
    return path.is_file() and not path.is_symlink()


def is_linked(name):
    """Whether ``name`` is in the public tree, where nginx finds it without asking the app."""
    return (_public_root() / name).is_file()


def may_preview(user, name):
    """Whether ``user`` is staff who may see content that holds the stored original ``name``,
    whatever the state of that content."""
    if not (user.is_active and user.is_staff):
        return False
    if _in_rich_text(name):
        # Any editor may put an image into any text, and sees it before the text is saved.
        return any(user.has_perm(use.permission) for use in RICH_TEXT)
    return any(
        user.has_perm(use.permission) and use.model._default_manager.filter(**{use.field: name}).exists()
        for use in FIELDS
    )


def shown_by_share_link(request, name):
    """Whether ``request`` comes from the preview of an active share link whose text shows the
    image ``name``: the outside expert reading it has no account. The link's address, sent as
    the referrer, is the credential, as it is for the page itself."""
    try:
        match = resolve(urlsplit(request.headers.get("Referer", "")).path)
    except Resolver404:
        return False
    if match.view_name != "bulletin:shared-preview":
        return False
    link = ShareLink.from_token(match.kwargs["token"])
    return link is not None and name in images_in(link.revision.body)


def response(name, *, public):
    """The stored file ``name``: handed to nginx with X-Accel-Redirect when
    ``MEDIA_ACCEL_REDIRECT`` is on (production), sent by the app otherwise. Only a ``public``
    file may be kept by caches."""
    if settings.MEDIA_ACCEL_REDIRECT:
        answer = HttpResponse(content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
        answer["X-Accel-Redirect"] = PROTECTED_URL + quote(name)
    else:
        answer = FileResponse((_root() / name).open("rb"))
        answer["Content-Security-Policy"] = POLICY
    if public:
        patch_cache_control(answer, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        add_never_cache_headers(answer)
    return answer
