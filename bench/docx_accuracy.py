"""How accurately Word import recognises what contributors wrote, field by field.

Reads every file an expected manifest names (by default the sample of contributions in
``tests/bulletin/docx_samples/``, whose ``expected.toml`` says what each file should give) and
prints, for each field, how many files came out as expected, then each miss:

    .venv/bin/python bench/docx_accuracy.py [FOLDER] [--expected MANIFEST.toml]

No database is touched: files are only read, as ``import_docx --dry-run`` reads them. The exit
status is 1 when any field of any file missed.
"""

import argparse
import html
import os
import re
import sys
import tomllib
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "tests" / "bulletin" / "docx_samples"
# The manifest's fields, in the order of the report; a field a file leaves out is expected empty.
FIELDS = (
    "title",
    "kicker",
    "subtitle",
    "byline",
    "rule",
    "author_names",
    "affiliation",
    "author_title",
    "contributor",
    "first_paragraph",
)
FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


def expected(manifest):
    """``{file name: {field: expected value}}`` from a manifest, every field filled in."""
    entries = tomllib.loads(Path(manifest).read_text(encoding="utf-8"))
    return {
        name: {field: entry.get(field, [] if field == "author_names" else "") for field in FIELDS}
        for name, entry in entries.items()
    }


def observed(article):
    """The manifest's fields as an ``ImportedArticle`` gives them."""
    first = FIRST_PARAGRAPH.search(article.body)
    return {
        "title": article.title,
        "kicker": article.kicker,
        "subtitle": article.subtitle,
        "byline": article.byline,
        "rule": article.byline_rule,
        "author_names": list(article.author_names),
        "affiliation": article.affiliation,
        "author_title": article.author_title,
        "contributor": article.contributor,
        "first_paragraph": html.unescape(re.sub(r"<[^>]+>", "", first[1])).strip() if first else "",
    }


def measure(folder, manifest):
    """``(hits per field, misses)``: misses are ``(file, field, expected, observed)``."""
    from bulletin.docx_import import read_docx

    hits, misses = dict.fromkeys(FIELDS, 0), []
    wanted = expected(manifest)
    for name, fields in wanted.items():
        found = observed(read_docx(Path(folder) / name))
        for field, value in fields.items():
            if found[field] == value:
                hits[field] += 1
            else:
                misses.append((name, field, value, found[field]))
    return hits, misses, len(wanted)


def main(argv):
    parser = argparse.ArgumentParser(description="Word 导入的识别准确率（按字段）")
    parser.add_argument("folder", nargs="?", default=str(SAMPLES), help="存放 .docx 样稿的文件夹")
    parser.add_argument("--expected", help="期望结果清单（TOML），默认是文件夹中的 expected.toml")
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    django.setup()

    hits, misses, files = measure(options.folder, options.expected or Path(options.folder) / "expected.toml")
    width = max(len(field) for field in FIELDS)
    print(f"{files} files")
    for field in FIELDS:
        print(f"{field:<{width}}  {hits[field]:>3}/{files}  {100 * hits[field] / files:5.1f}%")
    total = sum(hits.values())
    print(f"{'all fields':<{width}}  {total:>3}/{files * len(FIELDS)}  {100 * total / (files * len(FIELDS)):5.1f}%")
    for name, field, want, got in misses:
        print(f"  {name} {field}: expected {want!r}, got {got!r}")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
