"""Backups: the database and the uploaded files in one ``.tar.gz``, and restoring one.

An archive holds, in this order::

    manifest.json    what the archive holds: rows per model, every media file with size and sha256,
                     the migrations applied, the database's sha256
    database.json    every row, as ``dumpdata --natural-foreign --natural-primary`` writes it
                     (but to the microsecond), for ``loaddata``
    media/…          every stored upload, by its name in storage (on disk or in a bucket)

The rows are read in one transaction (REPEATABLE READ on PostgreSQL, so every table is read at the
same moment while the site keeps running; a write-locked transaction on SQLite). Media files are
listed after the rows, and a file is stored before the row naming it is saved, so every file a row
names is in the archive. Files are read from storage and written to it a chunk at a time, in a
bucket as on disk; the public tree (``publishing.media``) is left out and made again from the rows.

Left out: content types and permissions (``migrate`` creates them; rows refer to them by natural
key), sessions (everyone logs in again) and django-axes' login attempts.
"""

import datetime
import hashlib
import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from publishing import media, storage
from publishing.querysets import in_batches

FORMAT = "bulletin-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "database.json"
MEDIA = "media"

EXCLUDED = ("contenttypes", "auth.permission", "sessions", "axes")
# Rows the migrations write into a new database: a database holding only these counts as empty.
SEEDED = {"auth.group", "auth.group_permissions", "bulletin.section", "publishing.reviewstage"}
# Models that have moved to another app since an archive may have been made: old label → new.
MOVED = {
    "bulletin.reviewstage": "publishing.reviewstage",
    "bulletin.workflowlog": "publishing.workflowlog",
    "bulletin.pendinginvalidation": "publishing.pendinginvalidation",
}

CHUNK = 1024 * 1024


class RestoreRefused(Exception):
    """The archive cannot be restored here; the message says why and what to do, in Chinese."""


@dataclass
class Summary:
    counts: dict
    media_files: int
    media_bytes: int


def excluded_labels():
    """What ``dumpdata`` leaves out, as app labels or model labels, for the apps installed here."""
    installed = {config.label for config in apps.get_app_configs()}
    return [label for label in EXCLUDED if label.split(".")[0] in installed]


def backed_up_models():
    """The models whose rows go into the archive, with their automatic many-to-many tables."""
    excluded = set(excluded_labels())
    models = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in excluded or meta.label_lower in excluded:
            continue
        if meta.proxy or meta.swapped or not meta.managed:
            continue
        models.append(model)
        models += [
            field.remote_field.through
            for field in meta.local_many_to_many
            if field.remote_field.through._meta.auto_created
        ]
    return models


def row_counts(using=DEFAULT_DB_ALIAS):
    """``{model label: rows}`` of every model backed up."""
    return {model._meta.label_lower: model._base_manager.using(using).count() for model in backed_up_models()}


def create(path, *, using=DEFAULT_DB_ALIAS):
    """Write a backup of the database and the stored uploads to ``path`` (a ``.tar.gz``); return the manifest.

    The archive is written next to ``path`` and renamed into place when complete, so ``path``
    never holds half a backup.
    """
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="bulletin-backup-") as scratch:
        dump = Path(scratch) / DATABASE
        with _snapshot(using):
            with dump.open("w", encoding="utf-8") as file:
                _dump(file, using)
            counts = row_counts(using)
            migrations = _applied_migrations(using)
            media = _media_files()
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "database": {"vendor": connections[using].vendor, "sha256": _sha256(dump), "size": dump.stat().st_size},
            "migrations": migrations,
            "counts": counts,
            "media": [{"path": name, "size": size, "sha256": digest} for name, size, digest in media],
        }
        partial = path.with_name(path.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            archive.add(dump, arcname=DATABASE)
            for name, size, digest in media:
                _add_stored(archive, name, size, digest)
        os.replace(partial, path)
    return manifest


def restore(path, *, using=DEFAULT_DB_ALIAS):
    """Restore the archive at ``path`` into this instance, which must be empty; return a :class:`Summary`.

    Empty means migrated and holding nothing but what the migrations write, with no file in
    media storage. The rows are loaded in one transaction and checked against the manifest, then the
    files are written and checked; if anything does not match, the database is left as it was.
    """
    with tarfile.open(path, "r:gz") as archive:
        manifest = _read_manifest(archive)
        wanted = {f"{MEDIA}/{entry['path']}": entry for entry in manifest["media"]}
        _check_members(archive, wanted)
        _require_empty(using)
        _require_migrations(manifest["migrations"], using)
        with tempfile.TemporaryDirectory(prefix="bulletin-restore-") as scratch:
            dump = Path(scratch) / DATABASE
            with archive.extractfile(DATABASE) as source, dump.open("wb") as target:
                _copy(source, target)
            if _sha256(dump) != manifest["database"]["sha256"]:
                raise RestoreRefused("备份文件中的数据库内容与清单不符（校验值不同），备份可能已损坏，未做任何改动。")
            _relabel_moved(dump, manifest)
            written = []
            try:
                with transaction.atomic(using=using):
                    # Removes the rows the migrations wrote (sections, roles, review stages); the
                    # archive has them as they were. Content types and permissions are made anew.
                    call_command("flush", interactive=False, database=using, verbosity=0)
                    call_command("loaddata", str(dump), database=using, verbosity=0)
                    counts = row_counts(using)
                    if counts != manifest["counts"]:
                        differing = sorted(
                            label
                            for label in counts.keys() | manifest["counts"].keys()
                            if counts.get(label) != manifest["counts"].get(label)
                        )
                        raise RestoreRefused(f"恢复后的行数与备份清单不符：{'、'.join(differing)}。数据库未做改动。")
                    for member in archive:
                        if member.name in wanted:
                            written.append(_extract_media(archive, member, wanted[member.name]))
            except BaseException:
                for name in written:
                    default_storage.delete(name)
                raise
    # Cached pages and image facts describe the instance as it was before: start the cache over.
    cache.clear()
    # The public tree of uploads is links, which the archive does not hold: made from the rows.
    media.sync()
    return Summary(
        counts=counts,
        media_files=len(manifest["media"]),
        media_bytes=sum(entry["size"] for entry in manifest["media"]),
    )


# Reading -----------------------------------------------------------------------------------------


class _snapshot:
    """A read-only transaction that sees the database at one moment."""

    def __init__(self, using):
        self.using = using
        self.atomic = transaction.atomic(using=using)

    def __enter__(self):
        connection = connections[self.using]
        outermost = not connection.in_atomic_block
        self.atomic.__enter__()
        # Inside another transaction (a test's), that one already decides what is seen.
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    def __exit__(self, *exc):
        return self.atomic.__exit__(*exc)


class _ExactJSONEncoder(DjangoJSONEncoder):
    """Times to the microsecond: Django's encoder (and so ``dumpdata``) cuts them to milliseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def _dump(file, using):
    """Write every backed-up row as ``dumpdata --natural-foreign --natural-primary --all`` would.

    Done here rather than with ``dumpdata`` for one reason: its JSON loses microseconds, and
    rows ordered by time (the revision history, the workflow log) could come back reordered.
    """
    excluded = set(excluded_labels())
    configs = [(config, None) for config in apps.get_app_configs() if config.label not in excluded]

    def rows():
        for model in serializers.sort_dependencies(configs, allow_cycles=True):
            meta = model._meta
            if meta.label_lower in excluded or meta.proxy or meta.swapped or not meta.managed:
                continue
            for batch in in_batches(model._base_manager.using(using), 2000):
                yield from batch

    serializers.serialize(
        "json",
        rows(),
        stream=file,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
        cls=_ExactJSONEncoder,
    )


def _applied_migrations(using):
    """``{app: [migration names]}`` applied to the database."""
    applied = {}
    for app_label, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def _media_files():
    """``[(name in storage, size, sha256)]`` of every stored upload, in name order."""
    names = sorted(name for name in storage.walk(default_storage) if name.split("/")[0] != storage.PUBLIC_FOLDER)
    files = []
    for name in names:
        digest, size = hashlib.sha256(), 0
        with default_storage.open(name, "rb") as file:
            while chunk := file.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
        files.append((name, size, digest.hexdigest()))
    return files


def _add_stored(archive, name, size, digest):
    """Stream the stored file ``name`` into ``archive``, as the manifest lists it."""
    info = tarfile.TarInfo(f"{MEDIA}/{name}")
    info.size = size
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o644
    with default_storage.open(name, "rb") as file:
        reader = _Hashing(file)
        archive.addfile(info, reader)
    if reader.digest.hexdigest() != digest:
        # Uploads are never rewritten in place; one that was cannot be vouched for.
        raise RuntimeError(f"{name} changed while it was being backed up")


class _Hashing(io.RawIOBase):
    """A reader that passes ``source`` on and keeps the sha256 and size of what it passed."""

    def __init__(self, source):
        self.source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self):
        return True

    def read(self, size=-1):
        chunk = self.source.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk

    def readinto(self, buffer):
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _sha256(path):
    digest = hashlib.sha256()
    with Path(path).open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _add_bytes(archive, name, content):
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o644
    archive.addfile(info, io.BytesIO(content))


def _copy(source, target):
    while chunk := source.read(CHUNK):
        target.write(chunk)


# Restoring ---------------------------------------------------------------------------------------


def _read_manifest(archive):
    try:
        member = archive.getmember(MANIFEST)
        manifest = json.loads(archive.extractfile(member).read())
    except (KeyError, ValueError) as error:
        raise RestoreRefused("这不是 Bulletin 的备份文件（缺少或无法读取 manifest.json）。") from error
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise RestoreRefused(
            f"备份文件的格式（{manifest.get('format')} 第 {manifest.get('version')} 版）本程序无法恢复。"
        )
    return manifest


def _relabel_moved(dump, manifest):
    """Give the rows of models that have moved app since the archive was made their labels here."""
    if MOVED.keys().isdisjoint(manifest["counts"]):
        return
    rows = json.loads(dump.read_text())
    for row in rows:
        row["model"] = MOVED.get(row["model"], row["model"])
    dump.write_text(json.dumps(rows, ensure_ascii=False))
    manifest["counts"] = {MOVED.get(label, label): count for label, count in manifest["counts"].items()}


def _check_members(archive, wanted):
    """Refuse an archive holding anything but the manifest, the rows and the listed media files.

    Nothing is extracted by a name the manifest does not list, so no member can write outside
    media storage.
    """
    names = set()
    for member in archive:
        if not member.isfile() or (member.name not in (MANIFEST, DATABASE) and member.name not in wanted):
            raise RestoreRefused(f"备份文件中有清单以外的内容：{member.name}。未做任何改动。")
        names.add(member.name)
    missing = ({DATABASE} | wanted.keys()) - names
    if missing:
        raise RestoreRefused(f"备份文件不完整，缺少：{'、'.join(sorted(missing)[:5])}。未做任何改动。")
    for name in wanted:
        relative = PurePosixPath(name).relative_to(MEDIA)
        if relative.is_absolute() or ".." in relative.parts:
            raise RestoreRefused(f"备份文件中的文件名不安全：{name}。未做任何改动。")


def _require_empty(using):
    counts = row_counts(using)
    found = {label: count for label, count in counts.items() if count and label not in SEEDED}
    files = next(storage.walk(default_storage), None) is not None
    if found or files:
        what = [f"{label} {count} 行" for label, count in sorted(found.items())[:5]]
        if files:
            where = getattr(default_storage, "bucket_name", None) or settings.MEDIA_ROOT
            what.append(f"媒体存储 {where} 中已有文件")
        raise RestoreRefused(
            "只能恢复到空的实例，这里已有内容（" + "；".join(what) + "），未做任何改动。\n"
            "请先准备一个空实例：\n"
            "  1. 新建空数据库：PostgreSQL 上执行 dropdb bulletin && createdb bulletin"
            "（docker compose 部署可先 docker compose down，再删除数据库卷）；\n"
            "  2. 清空媒体目录 MEDIA_ROOT（docker compose 部署删除媒体卷），媒体存在对象存储时清空存储桶；\n"
            "  3. 运行 python manage.py migrate 建表（不要创建管理员账号，账号在备份里）；\n"
            "  4. 再运行 python manage.py restore 备份文件.tar.gz。"
        )


def _require_migrations(archived, using):
    applied = _applied_migrations(using)
    missing = [f"{app}.{name}" for app, names in archived.items() for name in names if name not in applied.get(app, ())]
    if missing:
        raise RestoreRefused(
            "备份来自更新的版本，本实例的数据库还缺少这些迁移："
            + "、".join(missing[:5])
            + "。请先升级程序并运行 python manage.py migrate，再恢复。"
        )


def _extract_media(archive, member, entry):
    """Stream a media member into storage under its name; returns the name."""
    name = PurePosixPath(member.name).relative_to(MEDIA).as_posix()
    if default_storage.exists(name):
        raise RestoreRefused(f"媒体文件 {name} 已存在，未覆盖。数据库未做改动。")
    with archive.extractfile(member) as source:
        reader = _Hashing(source)
        saved = default_storage.save(name, File(reader, name=name))
    if saved != name or reader.digest.hexdigest() != entry["sha256"] or reader.size != entry["size"]:
        default_storage.delete(saved)
        raise RestoreRefused(f"媒体文件 {entry['path']} 与备份清单不符，备份可能已损坏。数据库未做改动。")
    return name
