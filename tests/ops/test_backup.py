"""backup writes the database and the media files to one archive; restore brings back every row and file."""

import hashlib
import importlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import CommandError, call_command

from bulletin import backup
from bulletin.models import Article, Issue, Section
from events.models import Event
from people.models import Person
from publishing import media, pagecache, storage
from publishing.models import WorkflowLog
from tests import factories as make
from website import demo

SECTIONS = importlib.import_module("bulletin.migrations.0002_sections_and_roles").SECTIONS


@pytest.fixture
def migrated_database(transactional_db):
    """A database as ``migrate`` leaves it, which ``restore`` needs a transaction to flush.

    An earlier transactional test may have flushed what the data migrations wrote; it is written again.
    """
    for name, slug, order, description in SECTIONS:
        Section.objects.get_or_create(name=name, defaults={"slug": slug, "order": order, "description": description})
    for role in (make.EDITOR, make.REVIEWER, make.CHIEF_EDITOR, make.CONTRIBUTORS):
        make.group(role)
    make.review_stages()


def every_row():
    """Each backed-up model's rows as the archive writes them (natural keys), in a comparable form."""
    rows = {}
    for model in backup.backed_up_models():
        if model._meta.auto_created:
            continue  # many-to-many rows are written with the rows that own them
        objects = model._base_manager.order_by("pk")
        serialised = serializers.serialize(
            "python", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True
        )
        rows[model._meta.label_lower] = sorted(json.dumps(row, sort_keys=True, default=str) for row in serialised)
    return rows


def every_file(media_root):
    """The stored files; the public tree's links are made from the rows (publishing.media)."""
    return {
        p.relative_to(media_root).as_posix(): p.read_bytes()
        for p in Path(media_root).rglob("*")
        if p.is_file() and not p.is_symlink()
    }


def backup_to(path):
    call_command("backup", str(path), stdout=io.StringIO())
    return path


def test_restore_brings_back_every_row_and_every_media_file(migrated_database, tmp_path, media_root):
    demo.load()
    person = Person.objects.get(name="单立新")
    person.photo = make.image_upload("portrait.jpg", size=(120, 160))
    person.save()
    rows, counts, files = every_row(), backup.row_counts(), every_file(media_root)
    archive = backup_to(tmp_path / "bulletin.tar.gz")

    call_command("flush", interactive=False)
    shutil.rmtree(media_root)
    assert not Article.objects.exists()
    output = io.StringIO()
    call_command("restore", str(archive), stdout=output)

    assert backup.row_counts() == counts
    assert every_row() == rows
    assert every_file(media_root) == files
    assert "均与备份清单一致" in output.getvalue()
    # Readers' files are linked again already: a second sync finds nothing to do.
    assert media.sync() == (0, 0)


def test_restored_content_reads_as_before(migrated_database, tmp_path, media_root, client):
    demo.load()
    article = Article.objects.get(title="凝心聚力谋发展 砥砺奋进开新局")
    issue = Issue.objects.get(year=2026, number=5)
    before = {
        "body": article.body,
        "search": article.search_body,
        "people": list(article.person_links.values_list("person__name", "role", "printed_title")),
        "cover": issue.cover_image.read(),
        "events": sorted(Event.objects.values_list("slug", "published_at")),
        "page": client.get(article.get_absolute_url()).content,
    }
    archive = backup_to(tmp_path / "bulletin.tar.gz")
    call_command("flush", interactive=False)
    shutil.rmtree(media_root)

    call_command("restore", str(archive), stdout=io.StringIO())

    article = Article.objects.get(title="凝心聚力谋发展 砥砺奋进开新局")
    issue = Issue.objects.get(year=2026, number=5)
    assert article.body == before["body"]
    assert article.search_body == before["search"]
    assert list(article.person_links.values_list("person__name", "role", "printed_title")) == before["people"]
    assert issue.cover_image.read() == before["cover"]
    assert sorted(Event.objects.values_list("slug", "published_at")) == before["events"]
    assert get_user_model().objects.get(username="chief").check_password("Zhubian-2026!")
    assert client.get(article.get_absolute_url()).content == before["page"]


def test_no_page_cached_before_a_restore_is_served_after_it(migrated_database, tmp_path, media_root, client):
    demo.load()
    archive = backup_to(tmp_path / "bulletin.tar.gz")
    call_command("flush", interactive=False)
    shutil.rmtree(media_root)
    client.get("/")
    assert client.get("/")[pagecache.CACHE_HEADER] == "hit"  # the empty site, as a reader saw it

    call_command("restore", str(archive), stdout=io.StringIO())

    home = client.get("/")
    assert home[pagecache.CACHE_HEADER] == "miss"
    assert Issue.objects.get(year=2026, number=5).get_absolute_url() in home.content.decode()


@pytest.mark.django_db
def test_archive_holds_a_manifest_the_rows_and_the_media_files(tmp_path, published_issue):
    photo = make.photo(make.article(published_issue), caption="会场全景")

    archive = backup_to(tmp_path / "bulletin.tar.gz")

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert names[:2] == ["manifest.json", "database.json"]
    assert f"media/{photo.image.name}" in names
    assert manifest["counts"]["bulletin.article"] == 1
    assert manifest["counts"]["bulletin.articlephoto"] == 1
    [entry] = [entry for entry in manifest["media"] if entry["path"] == photo.image.name]
    assert entry["size"] == photo.image.size
    assert len(entry["sha256"]) == 64
    assert "0001_initial" in manifest["migrations"]["bulletin"]


@pytest.mark.django_db
def test_backup_leaves_out_sessions_permissions_and_content_types(tmp_path):
    archive = backup_to(tmp_path / "bulletin.tar.gz")

    with tarfile.open(archive) as tar:
        models = {row["model"] for row in json.loads(tar.extractfile("database.json").read())}
    assert "auth.group" in models
    assert not models & {"sessions.session", "auth.permission", "contenttypes.contenttype"}


@pytest.mark.django_db
def test_backup_does_not_overwrite_an_existing_file(tmp_path):
    existing = tmp_path / "bulletin.tar.gz"
    existing.write_bytes(b"older backup")

    with pytest.raises(CommandError, match="已存在"):
        backup_to(existing)
    assert existing.read_bytes() == b"older backup"


@pytest.mark.django_db
def test_restore_into_a_database_with_content_is_refused_and_changes_nothing(tmp_path, published_issue):
    make.article(published_issue, title="已有的稿件")
    archive = backup_to(tmp_path / "bulletin.tar.gz")
    make.article(published_issue, title="备份之后写的稿件")

    with pytest.raises(CommandError, match="只能恢复到空的实例") as refused:
        call_command("restore", str(archive), stdout=io.StringIO())

    assert "migrate" in str(refused.value)
    assert set(Article.objects.values_list("title", flat=True)) == {"已有的稿件", "备份之后写的稿件"}


@pytest.mark.django_db
def test_restore_with_files_in_the_media_folder_is_refused(tmp_path, media_root):
    archive = backup_to(tmp_path / "bulletin.tar.gz")
    Path(media_root).mkdir(parents=True, exist_ok=True)
    (Path(media_root) / "left-over.jpg").write_bytes(b"...")

    with pytest.raises(CommandError, match="媒体目录"):
        call_command("restore", str(archive), stdout=io.StringIO())


@pytest.mark.django_db
def test_an_archive_with_files_outside_the_manifest_is_refused(tmp_path):
    archive = backup_to(tmp_path / "bulletin.tar.gz")
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source:
            target.addfile(member, source.extractfile(member))
        extra = tarfile.TarInfo("media/../../etc/cron.d/evil")
        extra.size = 0
        target.addfile(extra, io.BytesIO())

    with pytest.raises(CommandError, match="清单以外"):
        call_command("restore", str(tampered), stdout=io.StringIO())


def test_an_archive_made_before_the_review_models_moved_to_the_platform_restores(
    migrated_database, tmp_path, media_root, newsroom
):
    article = newsroom.approved(title="院士专家走进乡村中学")
    decisions = list(WorkflowLog.objects.values_list("action", "stage_name", "actor__username"))
    archive = backup_to(tmp_path / "bulletin.tar.gz")
    older = tmp_path / "older.tar.gz"
    # The same archive as the version before wrote it: those rows under the bulletin app's labels.
    with tarfile.open(archive) as source, tarfile.open(older, "w:gz") as target:
        manifest = json.loads(source.extractfile(backup.MANIFEST).read())
        rows = json.loads(source.extractfile(backup.DATABASE).read())
        old_label = {new: old for old, new in backup.MOVED.items()}
        for row in rows:
            row["model"] = old_label.get(row["model"], row["model"])
        dump = json.dumps(rows).encode()
        manifest["counts"] = {old_label.get(label, label): count for label, count in manifest["counts"].items()}
        manifest["database"]["sha256"] = hashlib.sha256(dump).hexdigest()
        for member in source:
            data = {backup.MANIFEST: json.dumps(manifest).encode(), backup.DATABASE: dump}.get(member.name)
            if data is not None:
                member.size = len(data)
            target.addfile(member, io.BytesIO(data) if data is not None else source.extractfile(member))
    call_command("flush", interactive=False)
    shutil.rmtree(media_root, ignore_errors=True)

    call_command("restore", str(older), stdout=io.StringIO())

    assert list(WorkflowLog.objects.values_list("action", "stage_name", "actor__username")) == decisions
    assert Article.objects.get(pk=article.pk).status == "approved"


def every_stored(bucket):
    """The originals in the bucket, by name; its public/ copies are made from the rows."""
    return {key: bucket.read(key) for key in bucket.listed() if not key.startswith("public/")}


def test_a_backup_of_media_in_a_bucket_restores_into_an_empty_bucket(migrated_database, tmp_path, s3, client):
    demo.load()
    issue = Issue.objects.get(year=2026, number=5)
    issue.cover_image = make.image_upload("封面.jpg", size=(300, 420))
    issue.save()
    media.sync()
    rows, files = every_row(), every_stored(s3)
    public = s3.listed("public/")
    archive = backup_to(tmp_path / "bulletin.tar.gz")

    with tarfile.open(archive) as opened:
        archived = {name.removeprefix("media/") for name in opened.getnames() if name.startswith("media/")}
    call_command("flush", interactive=False)
    for key in s3.listed():
        s3.client.delete_object(Bucket=s3.name, Key=key)
    call_command("restore", str(archive), stdout=io.StringIO())

    assert archived == set(files) and len(files) > 1
    assert every_row() == rows
    assert every_stored(s3) == files
    assert s3.listed("public/") == public
    cover = Issue.objects.get(year=2026, number=5).cover_image.name
    assert s3.anonymous_get(storage.public_tree().public.url(cover)) == (200, files[cover])


def test_restore_into_a_bucket_that_holds_files_is_refused(migrated_database, tmp_path, s3):
    archive = backup_to(tmp_path / "bulletin.tar.gz")
    s3.client.put_object(Bucket=s3.name, Key="photos/left.jpg", Body=b"left over")

    with pytest.raises(CommandError, match=f"媒体存储 {s3.name} 中已有文件"):
        call_command("restore", str(archive), stdout=io.StringIO())
