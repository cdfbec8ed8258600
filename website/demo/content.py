"""The demo content, read from the TOML files beside this module.

- ``site.toml``: the demo logins, the sub-sections of the printed issue, the topics, and the
  colours of the generated pictures;
- ``people.toml``: the people, each under a key by which articles and events name them;
- ``issues/<year>-<number>.toml``: one issue each, its own fields first (an issue in production
  has a ``schedule`` in days from the day the demo is loaded), then its articles in the order of
  its table of contents; an article in the works may name its responsible ``editor``, its
  ``reviewers`` by stage and the ``comments`` (批注) on it, by username;
- ``news.toml``: news published on the website only;
- ``events.toml``: the events;
- ``contributors.toml``: the units that send in pieces, their correspondents and what they sent.

An article names its people as ``[key, role]``, or ``[key, role, title]`` when the title printed
beside the name is not the person's own, and its photos as ``[caption, palette]``. Article bodies
and biographies are written one paragraph per line; a line starting with ``## `` is a subhead.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.utils.html import escape

DIRECTORY = Path(__file__).resolve().parent

# The fields each kind of entry may have: a misspelt optional field would otherwise go unseen.
FIELDS = {
    "user": {"role", "group", "superuser", "username", "password", "last_name", "first_name"},
    "subsection": {"name", "parent", "order", "description"},
    "issue": {
        "year",
        "number",
        "running_number",
        "status",
        "released_on",
        "page_count",
        "theme",
        "cover_caption",
        "cover",
        "schedule",
        "articles",
    },
    "article": {
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
        "editor",
        "reviewers",
        "comments",
    },
    "unit": {"name", "kind"},
    "contributor": {"email", "name", "unit", "password"},
    "submission": {
        "contributor",
        "article",
        "section",
        "title",
        "byline",
        "body",
        "note",
        "returned",
        "declined",
        "issue",
        "proof",
    },
    "event": {
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
    },
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
    units: list
    contributors: list
    submissions: list


def read():
    """Read every data file; raise ``ValueError`` naming an entry with a field it may not have."""
    site = _read("site.toml")
    _check_all(site["users"], "user", "site.toml")
    _check_all(site["subsections"], "subsection", "site.toml")
    palettes = {name: _tuples(colours) for name, colours in site["palettes"].items()}
    people = {key: spec | {"bio": _html(spec["bio"])} for key, spec in _read("people.toml").items()}
    issues = {}
    for path in sorted((DIRECTORY / "issues").glob("*.toml")):
        name = f"issues/{path.name}"
        issue = _read(name)
        _check(issue, "issue", name)
        issue["articles"] = [_article(spec, people, palettes, name) for spec in issue["articles"]]
        if "cover" in issue:
            issue["cover"] = palettes[issue["cover"]]
        issues[issue["year"], issue["number"]] = issue
    news = [_article(spec, people, palettes, "news.toml") for spec in _read("news.toml")["articles"]]
    events = _read("events.toml")["events"]
    _check_all(events, "event", "events.toml")
    contributed = _read("contributors.toml")
    for kind in ("unit", "contributor", "submission"):
        _check_all(contributed[f"{kind}s"], kind, "contributors.toml")
    return Content(
        users=site["users"],
        subsections=site["subsections"],
        topics=site["topics"],
        people=people,
        issues=issues,
        news=news,
        events=[spec | {"description": _html(spec["description"])} for spec in events],
        units=contributed["units"],
        contributors=contributed["contributors"],
        submissions=[spec | {"body": _html(spec.get("body", ""))} for spec in contributed["submissions"]],
    )


def _html(text):
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


def _check(spec, kind, where):
    unknown = spec.keys() - FIELDS[kind]
    if unknown:
        entry = spec.get("title") or spec.get("username") or spec.get("name") or ""
        raise ValueError(f"演示数据 {where} {entry}：没有这样的字段 {', '.join(sorted(unknown))}")


def _check_all(specs, kind, where):
    for spec in specs:
        _check(spec, kind, where)


def _article(spec, people, palettes, where):
    _check(spec, "article", where)
    return spec | {
        "body": _html(spec["body"]),
        "people": [_credit(people, *entry) for entry in spec.get("people", ())],
        "photos": [(caption, palettes[palette]) for caption, palette in spec.get("photos", ())],
    }


def _credit(people, key, role, title=None):
    """``(key, role, printed title)``: the person's own title unless the article printed another."""
    return key, role, title or people[key]["title"]


def _tuples(value):
    """TOML's arrays as tuples, the form PIL takes colours in."""
    if isinstance(value, dict):
        return {key: _tuples(item) for key, item in value.items()}
    if isinstance(value, list):
        return tuple(_tuples(item) for item in value)
    return value
