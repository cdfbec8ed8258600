"""Uploaded images: one validation path, metadata stripped on upload, renditions for readers.

Every image that reaches storage passes :func:`validate_image` and is re-encoded by
:func:`clean_image` (orientation applied, EXIF/XMP/comments dropped), whether it comes through
an admin form, the rich-text editor or code: :class:`PublicImageField` does both for model
fields, :func:`store_image` for files that belong to no field (editor uploads).

Readers get renditions, never originals: :func:`picture` returns a few widths of an image in
its own format family plus WebP, made once with Pillow, kept in storage next to nothing else
(``renditions/<original name>/<width>w.<ext>``) and remembered in Django's cache, so a warm
page render touches storage not at all. They are made by a job (:func:`make_renditions`) queued
with the upload, once it is committed, so readers do not wait for them; images stored before get
theirs on first view. The square crop of a share card (:func:`square`) is kept beside them, made
when first asked for.
"""

import hashlib
import io
import logging
import os
import re
import secrets
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import unquote

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.utils import timezone
from PIL import ExifTags, Image, ImageFile, ImageOps, ImageSequence, UnidentifiedImageError

from publishing import jobs

logger = logging.getLogger(__name__)

# Pillow's own guard, as a second line behind the header check in inspect_image(): it warns above
# this many pixels and refuses twice as many, whatever code opens the image.
Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS

EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
ACCEPTED = "请上传 JPEG、PNG、WebP 或 GIF。"
EMPTY = "文件是空的（0 字节），请重新选择图片。"

# What a re-encoded image keeps of the original's info: colour and animation, nothing personal.
KEPT_INFO = ("icc_profile", "transparency", "duration", "loop", "background", "disposal")

JPEG_QUALITY = 92  # stored originals: visually lossless
RENDITION_JPEG_QUALITY = 82
RENDITION_WEBP_QUALITY = 80

RENDITIONS_FOLDER = "renditions"
RENDITION = re.compile(rf"{RENDITIONS_FOLDER}/(?P<original>.+)/\d+(?:w\.(?:jpg|png|webp)|sq\.jpg)")
# The square crop chat apps show on a shared link's card: WeChat asks for at least 300 px.
SQUARE_SIDE = 300
# Images put into rich text in the editor; those of content readers see are found in its text.
EDITOR_FOLDER = "editor"
# A broken or missing original is looked at again after this long, not on every page view.
BROKEN_RETRY_SECONDS = 300


# Validation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageFacts:
    format: str  # Pillow's name: JPEG, PNG, WEBP, GIF
    width: int
    height: int
    frames: int = 1

    @property
    def extension(self):
        return EXTENSIONS[self.format]


def _megabytes(size):
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")


def _wan(pixels):
    """Pixels in 万 (ten thousands), as Chinese photo specs count them."""
    return f"{pixels / 10_000:,.0f}"


def _too_many_pixels(pixels):
    return ValidationError(
        f"图片像素太多（{_wan(pixels)} 万像素，最多 {_wan(settings.IMAGE_MAX_PIXELS)} 万像素），可能是恶意文件。"
        "如确需使用，请先缩小尺寸。",
        code="image_too_many_pixels",
    )


def _looks_like_svg(file, head):
    name = (getattr(file, "name", "") or "").lower()
    content_type = (getattr(file, "content_type", "") or "").lower()
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return (
        name.endswith((".svg", ".svgz"))
        or content_type.startswith("image/svg")
        or text.startswith(b"<svg")
        or (text.startswith((b"<?xml", b"<!doctype", b"<!--")) and b"<svg" in text)
    )


@contextmanager
def _whole_images_only():
    # WeasyPrint, once imported, tells Pillow to pad truncated images for the whole process: a
    # process that has built a PDF would otherwise take a broken upload as sound.
    padding, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = padding


def inspect_image(file):
    """What ``file`` is, if it is an image readers may be shown; otherwise a ValidationError in Chinese.

    Checks, cheapest first: not empty, not larger than ``IMAGE_MAX_MB``, not SVG, readable by
    Pillow as JPEG, PNG, WebP or GIF, at most ``IMAGE_MAX_PIXELS`` (read from the header, before
    anything is decoded), structurally sound (``verify()``) and fully decodable (not truncated).
    """
    size = file.size
    if not size:
        raise ValidationError(EMPTY, code="image_empty")
    limit = settings.IMAGE_MAX_MB * 1024 * 1024
    if size > limit:
        raise ValidationError(
            f"图片太大：最大 {settings.IMAGE_MAX_MB} MB，这个文件有 {_megabytes(size)} MB。",
            code="image_too_large",
        )
    file.seek(0)
    if _looks_like_svg(file, file.read(1024)):
        raise ValidationError(f"不支持 SVG 图片，{ACCEPTED}", code="image_svg")
    try:
        with warnings.catch_warnings(), _whole_images_only():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            file.seek(0)
            with Image.open(file) as image:
                facts = ImageFacts(image.format, *image.size)
                if facts.format not in EXTENSIONS:
                    raise ValidationError(f"不支持 {image.format} 格式的图片，{ACCEPTED}", code="image_format")
                if facts.width * facts.height > settings.IMAGE_MAX_PIXELS:
                    raise _too_many_pixels(facts.width * facts.height)
                image.verify()
            file.seek(0)
            with Image.open(file) as image:
                frames = getattr(image, "n_frames", 1)
                if frames * facts.width * facts.height > settings.IMAGE_MAX_PIXELS:
                    raise ValidationError(
                        f"动图帧数太多（{frames} 帧，共 {_wan(frames * facts.width * facts.height)} 万像素，"
                        f"最多 {_wan(settings.IMAGE_MAX_PIXELS)} 万像素），请减少帧数或缩小尺寸。",
                        code="image_too_many_pixels",
                    )
                for frame in ImageSequence.Iterator(image):
                    frame.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        found = re.search(r"\((\d+) pixels\)", str(error))
        raise _too_many_pixels(int(found[1]) if found else settings.IMAGE_MAX_PIXELS + 1) from error
    except UnidentifiedImageError as error:
        raise ValidationError(
            f"这个文件不是图片，无法识别（也许只是改了扩展名）。{ACCEPTED}", code="image_unidentified"
        ) from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ValidationError("图片已损坏或不完整，无法打开。", code="image_corrupt") from error
    finally:
        file.seek(0)
    return ImageFacts(facts.format, facts.width, facts.height, frames)


def validate_image(file):
    """The validator of every image upload: see :func:`inspect_image`.

    A file already in storage (a model's unchanged image) was checked when it was uploaded and
    is not read again.
    """
    if getattr(file, "_committed", False):
        return
    inspect_image(file)


# Cleaning ------------------------------------------------------------------------------------


def _without_metadata(image):
    image.info = {key: value for key, value in image.info.items() if key in KEPT_INFO}
    return image


def _encoding_options(format, image):
    options = {}
    if image.info.get("icc_profile"):
        options["icc_profile"] = image.info["icc_profile"]
    if format == "JPEG":
        options.update(quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif format == "PNG":
        options.update(optimize=True)
    elif format == "WEBP":
        options.update(quality=90, method=4)
    elif format == "GIF":
        options.update(comment=b"")
    return options


def clean_image(file, name=None):
    """``file`` validated and re-encoded in its own format, as a ContentFile named ``<stem>.<ext>``.

    Orientation is applied to the pixels; EXIF (with GPS and camera serials), XMP, IPTC and
    comments are dropped; the colour profile and animation are kept. Re-encoding also removes
    whatever was appended to or hidden in the file (polyglots). JPEG keeps quality 92.
    """
    facts = inspect_image(file)
    file.seek(0)
    output = io.BytesIO()
    with Image.open(file) as image:
        if facts.frames > 1:
            frames = [_without_metadata(frame.copy()) for frame in ImageSequence.Iterator(image)]
            first = frames[0]
            options = _encoding_options(facts.format, first)
            options.update(
                save_all=True,
                append_images=frames[1:],
                duration=[frame.info.get("duration", 100) for frame in frames],
                loop=image.info.get("loop", 0),
            )
            first.save(output, facts.format, **options)
        else:
            upright = ImageOps.exif_transpose(image)
            if facts.format == "JPEG" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")  # CMYK and friends: what every browser shows right
            upright = _without_metadata(upright)
            upright.save(output, facts.format, **_encoding_options(facts.format, upright))
    file.seek(0)
    stem = os.path.splitext(os.path.basename(name or file.name or ""))[0] or "image"
    return ContentFile(output.getvalue(), name=f"{stem}.{facts.extension}")


def store_image(file, *, folder=EDITOR_FOLDER):
    """Validate, clean and save an image that belongs to no model field; returns its storage name.

    The name is ``<folder>/<year>/<month>/<random>.<ext>``: never the uploader's file name, which
    may say more than the picture should (a person's name, an ID number).
    """
    cleaned = clean_image(file)
    extension = os.path.splitext(cleaned.name)[1]
    name = default_storage.save(f"{folder}/{timezone.localdate():%Y/%m}/{secrets.token_hex(16)}{extension}", cleaned)
    jobs.enqueue_on_commit(make_renditions, name)
    return name


# Model and form fields -----------------------------------------------------------------------


class PublicImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        # The one place every new file of the field passes on its way into storage: admin forms
        # (through pre_save), imports and code calling .save() directly alike.
        cleaned = clean_image(content, name)
        name = os.path.join(os.path.dirname(name), cleaned.name)
        super().save(name, cleaned, save)
        jobs.enqueue_on_commit(make_renditions, self.name)


class PublicImageFormField(forms.ImageField):
    """An image upload whose checks are left to the model field's :func:`validate_image`.

    Django's own image check would run first and answer every problem with one generic message.
    """

    default_validators = []
    default_error_messages = {"empty": EMPTY}

    def to_python(self, data):
        return forms.FileField.to_python(self, data)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = "image/jpeg,image/png,image/webp,image/gif"
        return attrs


class PublicImageField(models.ImageField):
    """An image shown to readers: validated on upload, stored without metadata, served as renditions."""

    attr_class = PublicImageFieldFile
    default_validators = [validate_image]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PublicImageFormField, **kwargs})


# Renditions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class Picture:
    """The renditions of one image, narrowest first: in its own format family and in WebP."""

    fallback: tuple
    webp: tuple

    @property
    def largest(self):
        return self.fallback[-1]

    def at_least(self, width):
        """The narrowest rendition at least ``width`` pixels wide, else the largest."""
        return next((source for source in self.fallback if source.width >= width), self.largest)

    def at_most(self, width):
        """The widest rendition at most ``width`` pixels wide, else the narrowest."""
        return next((source for source in reversed(self.fallback) if source.width <= width), self.fallback[0])

    @staticmethod
    def srcset(sources):
        return ", ".join(f"{source.url} {source.width}w" for source in sources)


def rendition_widths(width):
    """The widths made of an image ``width`` pixels wide: the configured ones below it, never larger."""
    widths = sorted(w for w in settings.IMAGE_RENDITION_WIDTHS if w < width)
    if width <= max(settings.IMAGE_RENDITION_WIDTHS):
        widths.append(width)
    return widths


def rendition_name(name, width, extension):
    return f"{RENDITIONS_FOLDER}/{name}/{width}w.{extension}"


def original_of(name):
    """The stored image a rendition was made from; any other name is its own original."""
    found = RENDITION.fullmatch(name)
    return found["original"] if found else name


def stored_name(src):
    """The storage name of an image under MEDIA_URL, or None for any other address."""
    path = (src or "").split("?", 1)[0].split("#", 1)[0]
    if not path.startswith(settings.MEDIA_URL):
        return None
    name = unquote(path.removeprefix(settings.MEDIA_URL))
    if not name or name.startswith("/") or ".." in name.split("/") or "\\" in name:
        return None
    if not name.lower().endswith((".jpg", ".jpeg", ".png", ".webp", ".gif")):
        return None
    return name


def _scaled_height(width, height, to_width):
    return max(1, round(height * to_width / width))


# The facts of a stored image never change (storage never writes over a stored file), so each process keeps
# those it has read as well: a page of twenty pictures then asks the shared cache nothing. A broken
# image is not kept here, so that it is tried again after BROKEN_RETRY_SECONDS.
KNOWN_IN_PROCESS = 20_000
_known = {}


def forget_known():
    """Drop what this process knows of images (tests whose storage starts empty)."""
    _known.clear()


def _cache_key(name):
    widths = ",".join(map(str, settings.IMAGE_RENDITION_WIDTHS))
    return "bulletin.picture:" + hashlib.sha256(f"v1|{widths}|{name}".encode()).hexdigest()


def _remembered(key, make):
    """What ``make()`` returns about a stored image (made once, then falsy if the image is missing
    or broken): from this process's memory, else the shared cache, else made and kept in both."""
    facts = _known.get(key)
    if facts is None:
        facts = cache.get(key)
        if facts is None:
            facts = make()
            cache.set(key, facts, timeout=None if facts else BROKEN_RETRY_SECONDS)
        if facts:
            if len(_known) >= KNOWN_IN_PROCESS:
                _known.clear()
            _known[key] = facts
    return facts


def picture(name, storage=None):
    """The :class:`Picture` for the stored image ``name``, or None if it is missing or broken.

    The first call for an image makes whatever renditions storage lacks; later calls read only
    the cache.
    """
    if not name:
        return None
    storage = storage or default_storage
    facts = _remembered(_cache_key(name), lambda: _make_renditions(name, storage))
    if not facts:
        return None
    width, height, extension = facts
    sources = {
        ext: tuple(
            Source(storage.url(rendition_name(name, w, ext)), w, _scaled_height(width, height, w))
            for w in rendition_widths(width)
        )
        for ext in (extension, "webp")
    }
    return Picture(fallback=sources[extension], webp=sources["webp"])


@jobs.job(attempts=3, backoff=timedelta(minutes=1), describe=lambda name: f"renditions of {name}")
def make_renditions(name):
    """Make the renditions of a new upload in default storage, so that no reader waits for them.

    Only a head start, and idempotent (what storage has is not made again): if it fails for good,
    :func:`picture` tries again when the image is first shown.
    """
    picture(name)


# What reading a stored original for its renditions may raise: the page then shows it as it is.
UNREADABLE = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    SuspiciousOperation,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)


def _renderable(image, name):
    if image.format in EXTENSIONS and image.width * image.height <= settings.IMAGE_MAX_PIXELS:
        return True
    logger.warning("Not making renditions of %s: %s, %s×%s", name, image.format, *image.size)
    return False


def _on_white(image):
    """``image`` as RGB, what is transparent in it white (as on the page), not black."""
    if image.mode not in ("RGBA", "LA", "PA") and "transparency" not in image.info:
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def square_name(name):
    return f"{RENDITIONS_FOLDER}/{name}/{SQUARE_SIDE}sq.jpg"


def square(name, storage=None):
    """A :class:`Source` of the stored image ``name`` cropped to its centred square, ``SQUARE_SIDE``
    pixels each way (a smaller image is enlarged), as JPEG; None if the image is missing or broken.

    Made the first time it is asked for, and remembered as :func:`picture` remembers renditions.
    """
    if not name:
        return None
    storage = storage or default_storage
    if not _remembered(_cache_key(f"square|{SQUARE_SIDE}|{name}"), lambda: _make_square(name, storage)):
        return None
    return Source(storage.url(square_name(name)), SQUARE_SIDE, SQUARE_SIDE)


def _make_square(name, storage):
    """Make the square crop of ``name`` unless storage has it; whether it is there."""
    if storage.exists(square_name(name)):
        return True
    try:
        with storage.open(name, "rb") as file, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                if not _renderable(image, name):
                    return False
                if image.format == "JPEG":
                    image.draft(None, (SQUARE_SIDE, SQUARE_SIDE))  # decode a large photo at a fraction of its size
                upright = ImageOps.exif_transpose(image)
                icc_profile = upright.info.get("icc_profile")
                cropped = ImageOps.fit(_on_white(upright), (SQUARE_SIDE, SQUARE_SIDE), Image.Resampling.LANCZOS)
                _save_rendition(cropped, square_name(name), "jpg", storage, icc_profile)
    except UNREADABLE as error:
        logger.warning("Cannot make a square of %s: %s", name, error)
        return False
    return True


def _fallback_extension(image):
    if image.format == "JPEG":
        return "jpg"
    if image.format == "WEBP" and image.mode == "RGB":
        return "jpg"
    return "png"


def _make_renditions(name, storage):
    """Make the renditions of ``name`` that storage lacks; returns (width, height, fallback extension).

    Returns an empty tuple when the original cannot be read: the page then shows it as it is.
    """
    try:
        with storage.open(name, "rb") as file, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                if not _renderable(image, name):
                    return ()
                orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
                width, height = image.size
                if orientation in (5, 6, 7, 8):
                    width, height = height, width
                extension = _fallback_extension(image)
                widths = rendition_widths(width)
                missing = [
                    (w, ext)
                    for w in widths
                    for ext in (extension, "webp")
                    if not storage.exists(rendition_name(name, w, ext))
                ]
                if missing:
                    _render(image, name, storage, width, height, missing)
    except UNREADABLE as error:
        logger.warning("Cannot make renditions of %s: %s", name, error)
        return ()
    return (width, height, extension)


def _render(image, name, storage, width, height, missing):
    if image.format == "JPEG":
        # Let the decoder scale down by a power of two when even the widest rendition is much
        # smaller: a 40-megapixel photo decodes several times faster.
        largest = max(w for w, _ in missing)
        image.draft(None, (image.width * largest // width + 1, image.height * largest // width + 1))
    upright = ImageOps.exif_transpose(image)
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    icc_profile = upright.info.get("icc_profile")
    upright = upright.convert("RGBA" if has_alpha else "RGB")
    for w in sorted({w for w, _ in missing}, reverse=True):
        size = (w, _scaled_height(width, height, w))
        resized = upright if size == upright.size else upright.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        for ext in (ext for rw, ext in missing if rw == w):
            _save_rendition(resized, rendition_name(name, w, ext), ext, storage, icc_profile)


def _save_rendition(image, name, extension, storage, icc_profile):
    output = io.BytesIO()
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if extension == "jpg":
        image.save(output, "JPEG", quality=RENDITION_JPEG_QUALITY, optimize=True, progressive=True, **options)
    elif extension == "png":
        image.save(output, "PNG", optimize=True, **options)
    else:
        image.save(output, "WEBP", quality=RENDITION_WEBP_QUALITY, method=4, **options)
    saved = storage.save(name, ContentFile(output.getvalue()))
    if saved != name:
        # Another process made the same rendition meanwhile and storage chose a new name for ours.
        storage.delete(saved)
