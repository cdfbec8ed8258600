"""Time and peak memory of building one issue's print PDF, as the task worker builds it.

The issue is the size of the printed one studied for the design: 60 articles in the usual
sections (a long speech, features, news, briefs), 20 camera-sized photos, 48 A4 pages. Standalone, on a throwaway SQLite database and media folder:

    taskset -c 0 .venv/bin/python bench/print_pdf.py

The build runs in a fresh process, as in the worker: Django set up, then ``build_edition``; its
peak resident memory is read when it ends. The parent has already migrated, filled the issue and
made the photos' renditions (as uploads do). Targets: under 20 s and under 500 MB on one core.
Prints one line of JSON; set BENCH_PDF=path to keep the PDF for a look.
"""

import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 20
TARGET_MB = 500
# (section, parent, articles, characters each, kind) in table-of-contents order: 60 articles,
# about 44,000 characters, which the print layout (五号 type, two columns) sets on 48 pages.
PLAN = [
    ("要情快报", None, 1, 6_000, "speech"),
    ("要情快报", None, 11, 480, "news"),
    ("学教动态", None, 6, 480, "news"),
    ("学教短波", "学教动态", 6, 250, "brief"),
    ("科协动态", None, 16, 480, "news"),
    ("基层风采", None, 8, 480, "news"),
    ("八方简讯", None, 6, 250, "brief"),
    ("科海观澜", None, 4, 1_800, "feature"),
    ("热点科普", "科海观澜", 2, 1_800, "feature"),
]
PHOTOS = 20
PHOTO_SIZE = (4000, 3000)  # a 12-megapixel phone photo


def main(argv):
    if argv[:1] == ["--build"]:
        return build(int(argv[1]))
    with tempfile.TemporaryDirectory(prefix="bench-print-") as work:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DEBUG="1",
            DATABASE_URL=f"sqlite:///{work}/bench.sqlite3",
            MEDIA_ROOT=f"{work}/media",
            TASK_BACKEND="immediate",
            LOG_LEVEL="WARNING",
        )
        setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        issue = fill()
        result = measure(issue)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["ok"] else 1


def setup():
    sys.path.insert(0, str(ROOT))
    django.setup()


def build(edition_id):
    """In the measured process: build the PDF and report this process's peak memory."""
    setup()
    from bulletin import print_edition

    start = time.perf_counter()
    edition = print_edition.build_edition(edition_id)
    report = {
        "state": edition.state,
        "build_seconds": time.perf_counter() - start,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(report))
    return 0


def fill():
    """The issue, its sections, articles and photos; renditions are made as each photo is saved."""
    from bench.prose import Writer
    from bulletin.models import Article, ArticlePhoto, Issue, Section
    from tests import factories as make

    writer, rng = Writer(seed=7), random.Random(7)
    issue = Issue.objects.create(
        year=2026,
        number=2,
        running_number=122,
        status=Issue.Status.PUBLISHED,
        page_count=48,
        theme="科技志愿服务 助力基层发展",
    )
    position, photo_count = 0, 0
    for order, (name, parent, count, length, kind) in enumerate(PLAN):
        parent_section = Section.objects.get_or_create(name=parent)[0] if parent else None
        section, _ = Section.objects.update_or_create(name=name, defaults={"parent": parent_section, "order": order})
        for _ in range(count):
            position += 1
            article = Article.objects.create(
                issue=issue,
                section=section,
                title=writer.phrase(10, 24),
                subtitle=f"——{writer.phrase(8, 16)}" if kind in ("feature", "speech") else "",
                byline=f"文_省科协 {writer.phrase(2, 3)}" if kind != "brief" else "",
                body=writer.body_html(length),
                contributor="省科协办公室" if kind == "news" else "",
                status=Article.Status.PUBLISHED,
                published_at=make.yesterday(),
                position=position,
            )
            if kind != "brief" and photo_count < PHOTOS:
                photo_count += 1
                ArticlePhoto.objects.create(
                    article=article,
                    image=make.image_upload(f"photo{photo_count}.jpg", content=camera_photo(rng)),
                    alt=writer.phrase(8, 16),
                    caption=writer.phrase(10, 20),
                    credit="张伟",
                )
    issue.published_at = make.yesterday()
    issue.save()
    return issue


def camera_photo(rng):
    """A JPEG the size of a phone photo, with detail in it so that it compresses like one."""
    from PIL import Image, ImageFilter

    noise = Image.effect_noise((PHOTO_SIZE[0] // 8, PHOTO_SIZE[1] // 8), 60).convert("RGB")
    tint = Image.new("RGB", noise.size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    image = Image.blend(noise, tint, 0.5).resize(PHOTO_SIZE).filter(ImageFilter.GaussianBlur(2))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def measure(issue):
    """Build the issue's PDF in a fresh process: its wall time, pages and peak resident memory."""
    from bulletin import print_edition
    from publishing.diff import text_of

    edition = print_edition.edition_for(issue, print_edition.public_layout())
    start = time.perf_counter()
    child = subprocess.run(
        [sys.executable, __file__, "--build", str(edition.pk)], capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - start
    report = json.loads(child.stdout.splitlines()[-1])
    edition.refresh_from_db()
    if os.environ.get("BENCH_PDF"):
        Path(os.environ["BENCH_PDF"]).write_bytes(edition.file.read())
    return {
        "articles": issue.articles.count(),
        "characters": sum(len(text_of(body)) for body in issue.articles.values_list("body", flat=True)),
        "photos": issue.articles.filter(photos__isnull=False).count(),
        "pages": edition.page_total,
        "pdf_mb": round(edition.file.size / 1e6, 1),
        "seconds_with_startup": round(seconds, 2),
        "build_seconds": round(report["build_seconds"], 2),
        "peak_rss_mb": round(report["peak_rss_mb"]),
        "cpus": len(os.sched_getaffinity(0)),
        "ok": report["state"] == "ready" and seconds < TARGET_SECONDS and report["peak_rss_mb"] < TARGET_MB,
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
