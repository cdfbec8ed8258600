"""Chinese search over articles, people and events.

Chinese is written without spaces, so the text of each row is kept, as space-separated tokens, in
its ``search_title`` and ``search_body`` (derived on save, like a slug): every pair of adjacent
Chinese characters in reading order (``霍金花`` gives 霍金, 金花), every Latin word or number
(lowercased), and then each character once. A reader's query is cut the same way, so any run of
two or more characters is found as a phrase of pairs wherever it is written, whatever a
dictionary would make of it: 金花 and 霍金 both find 霍金花, 人民 finds 中华人民共和国, and 学习教育
finds the four characters together only. A single character is found by itself.

A run of characters that reads as several dictionary words (jieba: ``学习教育`` is 学习 + 教育)
also finds rows holding those words apart; those rows come after every row holding the run as
written. A run that is one dictionary word, or that has a character no word takes (a name), is
searched only as written.

PostgreSQL matches the tokens with full-text search (the 'simple' configuration, a GIN index on
the stored document, the title weighted above the body); SQLite looks for the same tokens in the
text. ``matching()`` is the only place that asks which database it runs on.
"""

import json
import operator
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import reduce
from typing import NamedTuple

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, connections, transaction
from django.db.migrations.operations.base import Operation
from django.db.models import BooleanField, Case, F, Q, Value, When
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from publishing.querysets import in_batches
from publishing.sanitize import RichTextField, text_content
from publishing.segmenter import tokenizer

# Longer queries are cut here: no reader types a hundred characters to find an article.
MAX_QUERY_LENGTH = 100
SNIPPET_LENGTH = 120
# How much text a snippet shows before the first hit, so the hit reads in context.
SNIPPET_LEAD = 30
# Markup around a hit that text_around_hit() keeps: far more than the snippet's words need.
QUOTE_BEFORE = 400
QUOTE_AFTER = 800
# A window cut out of markup may begin or end inside a tag or a character reference.
INSIDE_TAG_AT_START = re.compile(r"^[^<]*?>")
INSIDE_TAG_AT_END = re.compile(r"<[^>]*$|&[^;\s]*$")

SEARCH_FIELDS = ("search_title", "search_body")
# Searchable rows keep their search text as a tsvector too (PostgreSQL): see document().
DOCUMENT_FIELD = "search_document"
STORED_FIELDS = (*SEARCH_FIELDS, DOCUMENT_FIELD)
# A query matching more articles than this ranks the newest this many of them: finding and
# ranking each reads its whole document (28 KB on average, stored out of line), which was half of
# a common-word search's time at 100k articles with 200; five pages of results is more than
# readers page through, and a filter or another word narrows the rest.
RANK_WINDOW = 100
# Searches the planner expects to match this many rows or more are told its estimate, as
# "about", rather than counted. Above RANK_WINDOW, so that such a search fills the ranking window.
COUNT_LIMIT = 1000
# Rows reindexed at a time: one UPDATE each, within SQLite's 999 parameters a statement.
BATCH_SIZE = 200

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A run of Chinese characters, or a word of other letters and digits.
PIECE = re.compile(f"([{HAN}]+)|[^\\W_{HAN}]+")
CHARACTER = re.compile(f"[{HAN}]")


# Tokens ------------------------------------------------------------------------------------------


def tokens(text):
    """The tokens of ``text`` in reading order: the pairs of each run of Chinese characters (a
    lone character standing for itself) and the other words, lowercased.

    Text is normalised first (NFKC), so full-width letters and digits are the ASCII ones.
    """
    return _tokens(unicodedata.normalize("NFKC", text or ""))


def _tokens(text):
    found = []
    for match in PIECE.finditer(text):
        piece = match[0]
        if not match[1]:
            found.append(piece.lower())
        elif len(piece) == 1:
            found.append(piece)
        else:
            # Each character joined to the next, in C: a rebuild makes millions of pairs.
            found += map(operator.add, piece, piece[1:])
    return found


def index_text(*parts):
    """The text kept for searching ``parts``: their tokens, then each Chinese character once.

    Spaces at both ends let a token be looked for with the spaces around it (SQLite).
    """
    text = unicodedata.normalize("NFKC", "\n".join(part for part in parts if part))
    return f" {' '.join([*_tokens(text), *dict.fromkeys(CHARACTER.findall(text))])} "


def texts(row, title_from, body_from):
    """The ``search_title`` and ``search_body`` of ``row``, a model instance (today's or a
    migration's): the index text of the fields named in ``title_from`` and in ``body_from``,
    rich text read as its text."""
    return index_text(*_values(row, title_from)), index_text(*_values(row, body_from))


def _values(row, names):
    for name in names:
        value = getattr(row, name)
        yield text_content(value) if isinstance(row._meta.get_field(name), RichTextField) else value


# Queries -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """Something a row must hold: ``tokens`` next to each other (a run of characters, a word)."""

    text: str
    tokens: tuple

    @classmethod
    def of(cls, text):
        return cls(text=text.lower(), tokens=tuple(tokens(text)))

    @property
    def phrase(self):
        return " ".join(self.tokens)


@dataclass(frozen=True)
class Part:
    """One run of characters or one word of the query: found as written (``term``), or, for a
    run that reads as several dictionary words, as those words anywhere in the row (``apart``)."""

    term: Term
    apart: tuple = ()


@dataclass
class Query:
    """What a reader asked for, made safe to search with: ``parts``, each of which must occur."""

    text: str = ""
    truncated: bool = False
    parts: list = field(default_factory=list)

    @property
    def highlights(self):
        """The strings to mark in a snippet, longest first."""
        words = {term.text for part in self.parts for term in (part.term, *part.apart)}
        return sorted(words, key=len, reverse=True)

    @property
    def loose(self):
        """Whether rows holding some run's words apart may match too (and follow the others)."""
        return any(part.apart for part in self.parts)

    @property
    def apart_words(self):
        """The words of the runs that may match apart, as the reader is told of them."""
        return [term.text for part in self.parts for term in part.apart]

    def exactly(self):
        """This query without the words apart: what matches every part as written."""
        return Query(text=self.text, truncated=self.truncated, parts=[Part(term=part.term) for part in self.parts])

    @property
    def problem(self):
        """Why nothing was searched, in Chinese for the reader; empty when the search ran."""
        if not self.text:
            return "请输入要查找的字词，如人名、单位或文章中的词语。"
        if not self.parts:
            return "搜索词中没有可以查找的文字（只有标点或符号），请换个说法试试。"
        return ""


def parse_query(raw):
    """``raw`` as typed, cut to ``MAX_QUERY_LENGTH`` characters and into the parts to look for."""
    text = " ".join((raw or "").replace("\x00", " ").split())
    truncated = len(text) > MAX_QUERY_LENGTH
    text = text[:MAX_QUERY_LENGTH]
    pieces = dict.fromkeys(match[0] for match in PIECE.finditer(unicodedata.normalize("NFKC", text)))
    return Query(text=text, truncated=truncated, parts=[_part(piece) for piece in pieces])


def _part(piece):
    words = tokenizer().lcut(piece, HMM=False) if len(piece) > 2 and CHARACTER.match(piece) else [piece]
    # Only whole words: a lone character (the 霍 of 霍金花) would find a name's parts anywhere.
    apart = tuple(Term.of(word) for word in words) if len(words) > 1 and min(map(len, words)) > 1 else ()
    return Part(term=Term.of(piece), apart=apart)


def search_vector():
    """The weighted document of a row; the GIN indexes of the migrations are on this expression."""
    return SearchVector("search_title", weight="A", config="simple") + SearchVector(
        "search_body", weight="B", config="simple"
    )


def document(title, body):
    """The stored tsvector of a row's search title and body: an expression to save on
    PostgreSQL (the same document as ``search_vector()``), None on other databases. Searching
    and ranking read it rather than parsing every candidate's text again."""
    if connection.vendor != "postgresql":
        return None
    return _vector(title, body)


def _vector(title, body):
    return SearchVector(Value(title), weight="A", config="simple") + SearchVector(
        Value(body), weight="B", config="simple"
    )


def matching(queryset, query, *, then=("-pk",), window=None):
    """The rows of ``queryset`` holding every part of ``query``, best first, then by ``then``.

    Rows holding every part as written come before rows that hold some run's words apart; each
    row is annotated with which it is (``exact_match``). Among those, PostgreSQL ranks by
    full-text relevance, title words counting more than body words, within the first ``window``
    (default ``RANK_WINDOW``) of each kind in ``then`` order; SQLite puts rows with more parts in
    the title first. :func:`count_matching` tells how many match in all.

    On PostgreSQL the rows are read through the model's default manager, by key from the windows
    ``queryset`` chose them in: ask ``select_related()`` and the like of the result.
    """
    if not query.parts:
        return queryset.none()
    if connection.vendor == "postgresql":
        return _ranked_on_postgresql(queryset, query, then, window or RANK_WINDOW)
    title_hits = reduce(
        operator.add,
        (
            Case(When(_holds(part.term, fields=("search_title",)), then=Value(1)), default=Value(0))
            for part in query.parts
        ),
    )
    return (
        queryset.filter(_condition(query))
        .annotate(exact_match=_is(_condition(query, exact=True)), title_hits=title_hits)
        .order_by("-exact_match", "-title_hits", *then)
    )


def _ranked_on_postgresql(queryset, query, then, window):
    tsquery, exact = _condition(query), _condition(query, exact=True)

    def first(condition):
        return Q(pk__in=queryset.filter(search_document=condition).order_by(*then).values("pk")[:window])

    # The exact matches get a window of their own, so that newer matches of the words apart
    # never push them out of the ranking.
    candidates = first(tsquery) | first(exact) if query.loose else first(tsquery)
    # The windows hold rows of ``queryset`` only: its conditions are not asked again of them (for
    # articles, the join that tells whether an issue is out), which planning and running the
    # query would pay for twice.
    return (
        queryset.model._default_manager.filter(candidates)
        .annotate(
            exact_match=_is(Q(search_document=exact)) if query.loose else Value(True),
            search_rank=SearchRank(F(DOCUMENT_FIELD), tsquery),
        )
        .order_by("-exact_match", "-search_rank", *then)
    )


def filter_matching(queryset, query):
    """The rows of ``queryset`` holding every part of ``query``, in no particular order and
    with no window (PostgreSQL; :func:`matching` elsewhere)."""
    if connection.vendor != "postgresql" or not query.parts:
        return matching(queryset, query)
    return queryset.filter(search_document=_condition(query))


class Found(NamedTuple):
    """How many rows match: exactly, or (``estimated``) about that many."""

    count: int
    estimated: bool = False

    def __str__(self):
        if not self.estimated:
            return str(self.count)
        if self.count >= 10_000:
            return f"约{self.count / 10_000:.1f}".removesuffix(".0") + "万"
        return f"约{round(self.count, -2) if self.count >= 1000 else self.count}"


def count_matching(queryset, query):
    """How many rows of ``queryset`` hold every part of ``query`` (a :class:`Found`).

    On PostgreSQL, when the planner expects ``COUNT_LIMIT`` matches or more, its estimate is told
    instead, as "about": an exact count reads every match, and a common word matches much of the
    archive (its estimate is then close: within 2 % at 15,000 articles). Fewer are counted.
    """
    if not query.parts:
        return Found(0)
    matches = filter_matching(queryset, query).order_by()
    if connection.vendor == "postgresql":
        # The planner's estimate of the rows is the same whichever way it would read them, so it
        # is asked without through_the_index(): no transaction, one round trip.
        expected = int(json.loads(matches.explain(format="json"))[0]["Plan"]["Plan Rows"])
        if expected >= COUNT_LIMIT:
            return Found(expected, estimated=True)
    with through_the_index():
        return Found(matches.count())


def _condition(query, *, exact=False):
    """What a row must hold for ``query``: a tsquery (PostgreSQL) or a ``Q`` on the text."""
    combined = []
    for part in query.parts:
        found = _holds(part.term)
        if part.apart and not exact:
            found = found | reduce(operator.and_, (_holds(term) for term in part.apart))
        combined.append(found)
    return reduce(operator.and_, combined)


def _holds(term, fields=SEARCH_FIELDS):
    """The tokens of ``term`` next to each other, in one of ``fields`` (for SQLite)."""
    if connection.vendor == "postgresql":
        return SearchQuery(term.phrase, search_type="phrase", config="simple")
    return reduce(operator.or_, (Q(**{f"{name}__contains": f" {term.phrase} "}) for name in fields))


def _is(condition):
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


@contextmanager
def through_the_index():
    """Inside the block PostgreSQL finds matches through the GIN index, not by reading the table.

    The planner prices a scan of the table without the cost of decompressing each row's stored
    document (large ones live in TOAST), so for a word in half the archive it chose to read every
    document: 1.8 s to count the matches at 100k articles, 145 ms through the index. The setting
    lasts until the block's transaction ends.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        # Disabling a plan prices it at 10^10, which would also make every query in the block
        # worth compiling with JIT (40 ms each); none of them is.
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL jit = off")
        yield


def listed(total):
    """How many of ``total`` matches :func:`matching` lists: the ranking window's worth at most."""
    return min(total, RANK_WINDOW) if connection.vendor == "postgresql" else total


# Snippets ----------------------------------------------------------------------------------------


def highlight(text, query):
    """``text`` escaped, with every occurrence of the query's terms in ``<mark>``."""
    pattern = _pattern(query)
    if pattern is None:
        return escape(text)
    pieces, start = [], 0
    for hit in pattern.finditer(text):
        pieces += [escape(text[start : hit.start()]), format_html("<mark>{}</mark>", hit.group())]
        start = hit.end()
    pieces.append(escape(text[start:]))
    # Every piece is escaped or built by format_html.
    return mark_safe("".join(pieces))


def snippet(query, *texts, length=SNIPPET_LENGTH):
    """About ``length`` characters around the first hit in the first of ``texts`` that has one,
    highlighted and escaped; without a hit (the terms were in the title), the first text's start.
    """
    texts = [" ".join((text or "").split()) for text in texts]
    pattern = _pattern(query)
    hits = [(text, pattern.search(text)) for text in texts] if pattern else []
    text, hit = next(((text, hit) for text, hit in hits if hit), (next((t for t in texts if t), ""), None))
    start = max(0, hit.start() - SNIPPET_LEAD) if hit else 0
    end = start + length
    excerpt = highlight(text[start:end], query)
    if start > 0:
        excerpt = format_html("…{}", excerpt)
    if end < len(text):
        excerpt = format_html("{}…", excerpt)
    return excerpt


def text_around_hit(query, rich_text):
    """The words of ``rich_text`` (``sanitize.text_content``) for :func:`snippet` to quote.

    An article's text runs to 11,000 characters and its snippet shows 120, so only the stretch
    of markup around the first hit loses its tags; "…" stands for what is left out, where the
    snippet would show it. The whole text when the markup holds no hit that reads as text (a
    term split by a tag, or in an attribute).
    """
    pattern = _pattern(query)
    hit = pattern.search(rich_text) if pattern and rich_text else None
    if hit is None:
        return text_content(rich_text)
    start, end = max(0, hit.start() - QUOTE_BEFORE), hit.end() + QUOTE_AFTER
    window = rich_text[start:end]
    if start > 0:
        window = INSIDE_TAG_AT_START.sub("", window, count=1)
    if end < len(rich_text):
        window = INSIDE_TAG_AT_END.sub("", window, count=1)
    text = text_content(window)
    if not pattern.search(text):
        return text_content(rich_text)
    return ("…" if start > 0 else "") + text + ("…" if end < len(rich_text) else "")


def _pattern(query):
    if not query.highlights:
        return None
    return re.compile("|".join(re.escape(term) for term in query.highlights), re.IGNORECASE)


# Migrations --------------------------------------------------------------------------------------


class SearchOperation(Operation):
    """A migration step on a model's search text or its PostgreSQL index.

    It changes no model state (the fields come and go by ordinary ``AddField`` operations) and
    works on the migration's historical model, never on today's. A step that is
    ``postgresql_only`` does nothing on other databases.
    """

    reversible = True
    postgresql_only = False

    def __init__(self, model_name):
        self.model_name = model_name

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if self._runs_on(schema_editor):
            self.forwards(from_state.apps.get_model(app_label, self.model_name), schema_editor)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if self._runs_on(schema_editor):
            self.backwards(from_state.apps.get_model(app_label, self.model_name), schema_editor)

    def _runs_on(self, schema_editor):
        return schema_editor.connection.vendor == "postgresql" or not self.postgresql_only


class FillSearchText(SearchOperation):
    """Derive the search text of every row from the fields named, as ``Searchable`` does on
    save, with :func:`reindex`.

    On PostgreSQL, the stored documents' index ``index`` (if named) is dropped for the time and
    built again at the end: entered row by row, its entries took three quarters of the time.
    """

    reduces_to_sql = False

    def __init__(self, model_name, *, title_from, body_from, index=None):
        super().__init__(model_name)
        self.title_from, self.body_from, self.index = title_from, body_from, index

    def describe(self):
        return f"Fill the search text of {self.model_name}"

    def forwards(self, model, schema_editor):
        rebuilt = schema_editor.connection.vendor == "postgresql" and self.index
        if rebuilt:
            index = GinIndex(fields=[DOCUMENT_FIELD], name=self.index)
            schema_editor.remove_index(model, index)
        for _ in reindex(model._base_manager.using(schema_editor.connection.alias), self.title_from, self.body_from):
            pass
        if rebuilt:
            schema_editor.add_index(model, index)

    def backwards(self, model, schema_editor):
        # The text goes with its columns when the migration's AddField operations are reversed.
        pass


def reindex(rows, title_from, body_from, *, batch_size=None):
    """Derive the search text of ``rows`` again (and the stored document, where the model has
    one), ``batch_size`` (``BATCH_SIZE``) rows at a time, each batch read and written by a query of its own, so
    that a large table is never read whole into memory. Yields, for each batch, how many rows it
    read and how many changed: an unchanged row is not written, and leaves no dead row behind.
    """
    model = rows.model
    with_document = connections[rows.db].vendor == "postgresql" and any(
        f.name == DOCUMENT_FIELD for f in model._meta.concrete_fields
    )
    if with_document:
        rows = rows.annotate(without_document=_is(Q(search_document__isnull=True)))
    for batch in in_batches(rows.only(*title_from, *body_from, *SEARCH_FIELDS), batch_size or BATCH_SIZE):
        changed = []
        for row in batch:
            title, body = texts(row, title_from, body_from)
            if (title, body) == (row.search_title, row.search_body) and not getattr(row, "without_document", False):
                continue
            row.search_title, row.search_body = title, body
            if with_document:
                row.search_document = _vector(title, body)
            changed.append(row)
        if changed:
            model._base_manager.using(rows.db).bulk_update(
                changed, (*SEARCH_FIELDS, DOCUMENT_FIELD) if with_document else SEARCH_FIELDS
            )
        yield len(batch), len(changed)


class AddSearchIndex(SearchOperation):
    """The GIN index ``name`` on ``search_vector()`` of the model, on PostgreSQL only.

    SQLite has no full-text index. Django's index machinery compiles the expression
    ``matching()`` filtered on at the time, so the planner could use the index.
    """

    postgresql_only = True

    def __init__(self, model_name, name):
        super().__init__(model_name)
        self.index = GinIndex(search_vector(), name=name)

    def describe(self):
        return f"Create the search index {self.index.name} on {self.model_name} (PostgreSQL)"

    def forwards(self, model, schema_editor):
        schema_editor.add_index(model, self.index)

    def backwards(self, model, schema_editor):
        schema_editor.remove_index(model, self.index)


class StoreSearchDocuments(SearchOperation):
    """Fill the stored ``search_document`` from the search text and index it under ``name`` in
    place of the ``AddSearchIndex`` index ``replaces`` (PostgreSQL only; SQLite has neither)."""

    postgresql_only = True
    reduces_to_sql = False

    def __init__(self, model_name, *, replaces, name):
        super().__init__(model_name)
        self.replaced = GinIndex(search_vector(), name=replaces)
        self.index = GinIndex(fields=[DOCUMENT_FIELD], name=name)

    def describe(self):
        return f"Store the search documents of {self.model_name} under the index {self.index.name} (PostgreSQL)"

    def forwards(self, model, schema_editor):
        # The old index goes first and the new one comes last: an index present during the UPDATE
        # would be maintained row by row, several times slower than building it once. One
        # statement rather than batches: the database computes each document from its own row, so
        # nothing is read into this process.
        schema_editor.remove_index(model, self.replaced)
        model._base_manager.using(schema_editor.connection.alias).update(search_document=search_vector())
        schema_editor.add_index(model, self.index)

    def backwards(self, model, schema_editor):
        schema_editor.add_index(model, self.replaced)
        schema_editor.remove_index(model, self.index)
