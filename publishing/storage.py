"""Where uploads live: the media folder on local disk, or an S3-compatible bucket.

``config.settings`` picks one from the environment (``AWS_STORAGE_BUCKET_NAME`` switches the
bucket on); everything else reads and writes files through Django's storage API and does not
care which. The one difference it must know is how readers reach a file, and that is kept in
:func:`public_tree`, for ``publishing.media``:

- on disk, the public tree is ``MEDIA_ROOT/public/``, a symbolic link to each file readers may
  fetch, which nginx serves (:class:`LinkTree`);
- in a bucket, it is the ``public/`` prefix of the same bucket, a copy of each such file, which
  the bucket policy lets anyone read and nothing else (:class:`CopyTree`); the originals stay
  private and staff get them through short-lived signed addresses.

On both, a stored file's address is ``MEDIA_URL`` + its name, the app's own: rich text keeps it,
and the app answers it for whoever may see the file (a redirect, in a bucket).
"""

import json
import mimetypes
import os
import secrets
import shutil
from pathlib import Path
from urllib.parse import quote, urljoin

from django.conf import settings
from django.core.files.storage import default_storage, storages
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

PUBLIC_FOLDER = "public"
# The alias in settings.STORAGES of the bucket's public prefix; present only when media are in a bucket.
PUBLIC_STORAGE = "public_media"
# nginx's internal location for any stored file, reached only by the app's X-Accel-Redirect.
PROTECTED_URL = "/protected-media/"
# Uploaded files are inert whoever sends them; nginx sends the same policy (deploy/nginx.conf).
POLICY = "default-src 'none'; sandbox"
PUBLIC_MAX_AGE = 30 * 24 * 3600


class BucketStorage(S3Storage):
    def key(self, name):
        """The object key of ``name``."""
        return self._normalize_name(clean_name(name))


class PublicS3Storage(BucketStorage):
    """The bucket's public prefix: plain addresses (on ``AWS_S3_CUSTOM_DOMAIN``, a CDN, if set)."""


class PrivateS3Storage(BucketStorage):
    """The bucket's originals, which no one may read without a signature.

    Their address is the app's (``MEDIA_URL`` + name), as on disk, so that what rich text and
    pages hold does not depend on where files live; :meth:`signed_url` is the bucket's own.
    """

    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))

    def signed_url(self, name):
        """An address of the original that works for ``querystring_expire`` seconds."""
        return super().url(name)


def walk(storage, folder=""):
    """The names of every file in ``storage`` under ``folder`` ("" for all), each once."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    prefix = f"{folder.rstrip('/')}/" if folder else ""
    for file in files:
        yield prefix + file
    for sub in folders:
        yield from walk(storage, prefix + sub)


def public_tree():
    """The public tree of the media storage in use."""
    if PUBLIC_STORAGE in settings.STORAGES:
        return CopyTree(default_storage, storages[PUBLIC_STORAGE])
    return LinkTree(Path(settings.MEDIA_ROOT))


class LinkTree:
    """``MEDIA_ROOT/public/``: a relative symbolic link to each public file, served by nginx."""

    def __init__(self, root):
        self.root = root
        self.public = root / PUBLIC_FOLDER

    def open_to_readers(self):
        """Nothing to do: nginx serves the tree (deploy/nginx.conf)."""

    def is_original(self, name):
        path = self.root / name
        return path.is_file() and not path.is_symlink()

    def holds(self, name):
        return (self.public / name).is_file()

    def names(self, folder=""):
        start = len(str(self.public)) + 1
        return {os.path.join(path, file)[start:] for path, _, files in os.walk(self.public / folder) for file in files}

    def add(self, name):
        """Link the stored file ``name``; whether a link is new."""
        target, link = self.root / name, self.public / name
        relative = os.path.relpath(target, link.parent)
        if not target.is_file() or (link.is_symlink() and os.readlink(link) == relative):
            return False
        link.parent.mkdir(parents=True, exist_ok=True)
        # Made beside it and renamed over it: nginx never finds the name half made.
        temporary = link.with_name(f".{secrets.token_hex(8)}.tmp")
        os.symlink(relative, temporary)
        os.replace(temporary, link)
        return True

    def remove(self, name):
        link = self.public / name
        if link.is_symlink() or link.is_file():
            link.unlink(missing_ok=True)
            return True
        return False

    def remove_folder(self, folder):
        """Take everything under ``folder`` out of the tree; how many files went."""
        path = self.public / folder
        if not path.is_dir() or path.is_symlink():
            return 0
        removed = sum(1 for _ in path.iterdir())
        shutil.rmtree(path, ignore_errors=True)
        return removed

    def response(self, name, *, public):
        if settings.MEDIA_ACCEL_REDIRECT:
            answer = HttpResponse(content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
            answer["X-Accel-Redirect"] = PROTECTED_URL + quote(name)
        else:
            answer = FileResponse((self.root / name).open("rb"))
            answer["Content-Security-Policy"] = POLICY
        return answer


class CopyTree:
    """The bucket's ``public/`` prefix: a copy of each public file, which anyone may read.

    Copies are made inside the bucket (no bytes pass through the app) and carry the headers a
    reader's browser and a CDN keep them by.
    """

    def __init__(self, private, public):
        self.private = private
        self.public = public

    def open_to_readers(self):
        """Let anyone read the public prefix, and only it (the bucket's policy)."""
        bucket = self.public.bucket_name
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ReadersReadThePublicPrefix",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/{self.public.key('')}*",
                }
            ],
        }
        self.public.connection.meta.client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))

    def is_original(self, name):
        return self.private.exists(name)

    def holds(self, name):
        return self.public.exists(name)

    def names(self, folder=""):
        return set(walk(self.public, folder))

    def add(self, name):
        if self.public.exists(name) or not self.private.exists(name):
            return False
        self.public.connection.meta.client.copy_object(
            Bucket=self.public.bucket_name,
            Key=self.public.key(name),
            CopySource={"Bucket": self.private.bucket_name, "Key": self.private.key(name)},
            MetadataDirective="REPLACE",
            ContentType=mimetypes.guess_type(name)[0] or "application/octet-stream",
            CacheControl=f"public, max-age={PUBLIC_MAX_AGE}",
        )
        return True

    def remove(self, name):
        if not self.public.exists(name):
            return False
        self.public.delete(name)
        return True

    def remove_folder(self, folder):
        names = self.names(folder)
        for name in names:
            self.public.delete(name)
        return len(names)

    def response(self, name, *, public):
        """A redirect: to the public copy for readers, to a signed address for staff."""
        return HttpResponseRedirect(self.public.url(name) if public else self.private.signed_url(name))
