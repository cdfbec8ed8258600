"""Where uploads live: the media folder on local disk, or an S3-compatible bucket.

``config.settings`` picks one from the environment (``AWS_STORAGE_BUCKET_NAME`` switches the
bucket on); everything else reads and writes files through Django's storage API and does not
care which. On both, a stored file's address is ``MEDIA_URL`` + its name, the app's own, so that
what rich text and pages hold does not depend on where files live.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


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
