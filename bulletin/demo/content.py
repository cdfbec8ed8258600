"""The demo content, read from the TOML files beside this module.

- ``site.toml``: the demo logins, the sub-sections of the printed issue, the topics, and the
  colours of the generated pictures;
- ``people.toml``: the people, each under a key by which articles and events name them;
- ``issues/<year>-<number>.toml``: one issue each, its own fields first, then its articles in the
  order of its table of contents;
- ``news.toml``: news published on the website only;
- ``events.toml``: the events.

An article names its people as ``[key, role]``, or ``[key, role, title]`` when the title printed
beside the name is not the person's own, and its photos as ``[caption, palette]``. Article bodies
and biographies are written one paragraph per line; a line starting with ``## `` is a subhead.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.utils.html import escape

DIRECTORY = Path(__file__).resolve().parent

# What each kind of entry may say: a misspelt optional field would otherwise be dropped unseen.
ISSUE_FIELDS = {
    "year",
    "number",
    "running_number",
    "status",
    "released_on",
    "page_count",
    "theme",
    "cover_caption",
    "cover",
    "articles",
}
ARTICLE_FIELDS = {
    "ref",
    "section",
    "kicker",
    "title",
    "subtitle",
    "summary",
    "body",
    "byline",
    "contributor",
    "pages",
    "people",
    "topics",
    "photos",
    "status",
    "published_at",
}
EVENT_FIELDS = {
    "slug",
    "title",
    "status",
    "start_date",
    "end_date",
    "start_time",
    "end_time",
    "place",
    "organiser",
    "description",
    "people",
    "articles",
}


@dataclass(frozen=True)
class Content:
    """The demo content with references resolved and text turned into the HTML that is stored."""

    users: list
    subsections: list
    topics: dict
    people: dict
    issues: dict  # (year, number) → the issue's fields, its articles under "articles"
    news: list
    events: list


def read():
    """Read every data file; raise ``ValueError`` naming the file of an entry with an unknown field."""
    site = _read("site.toml")
    palettes = {name: _palette(colours) for name, colours in site["palettes"].items()}
    people = {key: spec | {"bio": html(spec["bio"])} for key, spec in _read("people.toml").items()}
    issues = {}
    for path in sorted((DIRECTORY / "issues").glob("*.toml")):
        issue = _read(path)
        _check(issue, ISSUE_FIELDS, path.name)
        issue["articles"] = [_article(spec, people, palettes, path.name) for spec in issue["articles"]]
        if "cover" in issue:
            issue["cover"] = palettes[issue["cover"]]
        issues[issue["year"], issue["number"]] = issue
    news = [_article(spec, people, palettes, "news.toml") for spec in _read("news.toml")["articles"]]
    events = _read("events.toml")["events"]
    for spec in events:
        _check(spec, EVENT_FIELDS, "events.toml")
        spec["description"] = html(spec["description"])
    return Content(
        users=site["users"],
        subsections=site["subsections"],
        topics=site["topics"],
        people=people,
        issues=issues,
        news=news,
        events=events,
    )


def html(text):
    """Plain text, one paragraph per line and ``## `` before a subhead, as HTML."""
    blocks = []
    for line in text.strip().splitlines():
        line = line.strip()
        if line.startswith("## "):
            blocks.append(f"<h2>{escape(line[3:])}</h2>")
        elif line:
            blocks.append(f"<p>{escape(line)}</p>")
    return "".join(blocks)


def _read(name):
    with open(DIRECTORY / name, "rb") as file:
        return tomllib.load(file)


def _check(spec, fields, where):
    unknown = spec.keys() - fields
    if unknown:
        raise ValueError(f"{where}：《{spec.get('title', '')}》有未知字段 {', '.join(sorted(unknown))}")


def _article(spec, people, palettes, where):
    _check(spec, ARTICLE_FIELDS, where)
    return spec | {
        "body": html(spec["body"]),
        "people": [_credit(people, *entry) for entry in spec.get("people", ())],
        "photos": [(caption, palettes[palette]) for caption, palette in spec.get("photos", ())],
    }


def _credit(people, key, role, title=None):
    """``(key, role, printed title)``: the person's own title unless the article printed another."""
    return key, role, title or people[key]["title"]


def _palette(colours):
    """Colours as PIL takes them: each an (r, g, b) tuple."""
    return {
        part: tuple(tuple(colour) for colour in value) if isinstance(value[0], list) else tuple(value)
        for part, value in colours.items()
    }
