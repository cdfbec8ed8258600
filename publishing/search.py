"""Chinese search over articles, people and events.

Chinese is written without spaces, so text is cut into words with jieba and kept, separated by
spaces, in each row's ``search_title`` and ``search_body`` (derived on save, like a slug).
A query is cut with the same dictionary. PostgreSQL matches the words with full-text search (the
'simple' configuration over the segmented text, a GIN index on the same expression, the title
weighted above the body); SQLite checks that every word occurs. ``matching()`` is the only place
that asks which database it runs on.

The indexed text starts with every Chinese character in reading order and goes on with jieba's
search-mode words (``党史学习教育`` gives 党史, 学习, 教育). Words find dictionary words wherever
jieba cut them out; the characters find what the dictionary does not know, such as names
(``余明`` is searched as the phrase 余 followed by 明) and single characters inside longer words.
"""

import operator
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.migrations.operations.base import Operation
from django.db.models import Case, F, Q, Value, When
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from publishing.diff import text_of
from publishing.sanitize import RichTextField
from publishing.segmenter import tokenizer

# Longer queries are cut here: no reader types a hundred characters to find an article.
MAX_QUERY_LENGTH = 100
SNIPPET_LENGTH = 120
# How much text a snippet shows before the first hit, so the hit reads in context.
SNIPPET_LEAD = 30

SEARCH_FIELDS = ("search_title", "search_body")
# Searchable rows keep their segmented text as a tsvector too (PostgreSQL): see document().
DOCUMENT_FIELD = "search_document"
# A query matching more articles than this ranks the newest this many of them: ranking reads
# every candidate's document, and no reader pages past the first few hundred results.
RANK_WINDOW = 200
# Rows a migration segments and writes at a time: one UPDATE each, within SQLite's 999
# parameters a statement (two per row and field).
BATCH_SIZE = 200

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


# Segmentation ------------------------------------------------------------------------------------


def _is_word(token):
    return any(char.isalnum() for char in token)


def words(text, *, for_search=True):
    """The words of ``text``, lowercased, without spaces and punctuation.

    ``for_search`` adds the shorter dictionary words inside long ones (as indexed); without it
    each stretch of text gives one word (as queried). jieba's HMM guessing of unknown words is
    off on both sides, so a name cuts the same way in a query as in any sentence.
    """
    segmenter = tokenizer()
    cut = segmenter.cut_for_search(text or "", HMM=False) if for_search else segmenter.cut(text or "", HMM=False)
    return [token.lower() for token in cut if _is_word(token)]


def index_text(*parts):
    """The text kept for searching ``parts``: Chinese characters in order, then the words."""
    text = "\n".join(part for part in parts if part)
    return " ".join([*HAN.findall(text), *words(text)])


def texts(row, title_from, body_from):
    """The ``search_title`` and ``search_body`` of ``row``, a model instance (today's or a
    migration's): the index text of the fields named in ``title_from`` and in ``body_from``,
    rich text read as its text."""
    return index_text(*_values(row, title_from)), index_text(*_values(row, body_from))


def _values(row, names):
    for name in names:
        value = getattr(row, name)
        yield text_of(value) if isinstance(row._meta.get_field(name), RichTextField) else value


# Queries -----------------------------------------------------------------------------------------


@dataclass
class Query:
    """What a reader asked for, made safe to search with.

    ``terms`` are what must all occur: a word, or a run of single characters the dictionary does
    not know (a name) as one space-separated phrase such as ``"余 明"``.
    """

    text: str = ""
    truncated: bool = False
    terms: list = field(default_factory=list)

    @property
    def highlights(self):
        """The strings to mark in a snippet, longest first."""
        return sorted({term.replace(" ", "") for term in self.terms}, key=len, reverse=True)

    @property
    def problem(self):
        """Why nothing was searched, in Chinese for the reader; empty when the search ran."""
        if not self.text:
            return "请输入要查找的字词，如人名、单位或文章中的词语。"
        if not self.terms:
            return "搜索词中没有可以查找的文字（只有标点或符号），请换个说法试试。"
        return ""


def parse_query(raw):
    """``raw`` as typed, cut to ``MAX_QUERY_LENGTH`` characters and into search terms."""
    text = " ".join((raw or "").replace("\x00", " ").split())
    truncated = len(text) > MAX_QUERY_LENGTH
    text = text[:MAX_QUERY_LENGTH]
    terms, run = [], []
    for token in words(text, for_search=False):
        if len(token) == 1 and HAN.match(token):
            run.append(token)
            continue
        if run:
            terms.append(" ".join(run))
            run = []
        terms.append(token)
    if run:
        terms.append(" ".join(run))
    return Query(text=text, truncated=truncated, terms=list(dict.fromkeys(terms)))


def search_vector():
    """The weighted document of a row; the GIN indexes of the migrations are on this expression."""
    return SearchVector("search_title", weight="A", config="simple") + SearchVector(
        "search_body", weight="B", config="simple"
    )


def document(title, body):
    """The stored tsvector of a row's segmented title and body: an expression to save on
    PostgreSQL (the same document as ``search_vector()``), None on other databases. Searching
    and ranking read it rather than segmenting every candidate's text again."""
    if connection.vendor != "postgresql":
        return None
    return SearchVector(Value(title), weight="A", config="simple") + SearchVector(
        Value(body), weight="B", config="simple"
    )


def matching(queryset, query, *, then=("-pk",), window=None):
    """The rows of ``queryset`` containing every term of ``query``, best first, then by ``then``.

    PostgreSQL ranks by full-text relevance, title words counting more than body words, among
    the first ``window`` (default ``RANK_WINDOW``) matches in ``then`` order; SQLite puts rows
    with more terms in the title first. :func:`count_matching` tells how many match in all.
    """
    if not query.terms:
        return queryset.none()
    if connection.vendor == "postgresql":
        tsquery = _tsquery(query)
        candidates = queryset.filter(search_document=tsquery).order_by(*then).values("pk")[: window or RANK_WINDOW]
        return (
            queryset.filter(pk__in=candidates)
            .annotate(search_rank=SearchRank(F(DOCUMENT_FIELD), tsquery))
            .order_by("-search_rank", *then)
        )
    every_term = reduce(
        operator.and_, (Q(search_title__icontains=term) | Q(search_body__icontains=term) for term in query.terms)
    )
    title_hits = reduce(
        operator.add,
        (Case(When(search_title__icontains=term, then=Value(1)), default=Value(0)) for term in query.terms),
    )
    return queryset.filter(every_term).annotate(title_hits=title_hits).order_by("-title_hits", *then)


def filter_matching(queryset, query):
    """The rows of ``queryset`` containing every term of ``query``, in no particular order and
    with no window (PostgreSQL; :func:`matching` elsewhere)."""
    if connection.vendor != "postgresql" or not query.terms:
        return matching(queryset, query)
    return queryset.filter(search_document=_tsquery(query))


def count_matching(queryset, query):
    """How many rows of ``queryset`` contain every term of ``query``."""
    if not query.terms:
        return 0
    with through_the_index():
        return filter_matching(queryset, query).count()


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


def _tsquery(query):
    return reduce(operator.and_, (SearchQuery(term, search_type="phrase", config="simple") for term in query.terms))


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
    """Derive ``search_title`` and ``search_body`` of every row from the fields named, as
    ``Searchable`` does on save, ``BATCH_SIZE`` rows at a time, so that a large table is never
    read whole into memory."""

    reduces_to_sql = False

    def __init__(self, model_name, *, title_from, body_from):
        super().__init__(model_name)
        self.title_from, self.body_from = title_from, body_from

    def describe(self):
        return f"Fill the search text of {self.model_name}"

    def forwards(self, model, schema_editor):
        rows = model._base_manager.using(schema_editor.connection.alias)
        for batch in _batches(rows.only(*self.title_from, *self.body_from), BATCH_SIZE):
            for row in batch:
                row.search_title, row.search_body = texts(row, self.title_from, self.body_from)
            rows.bulk_update(batch, SEARCH_FIELDS)

    def backwards(self, model, schema_editor):
        # The text goes with its columns when the migration's AddField operations are reversed.
        pass


def _batches(rows, size):
    """``rows`` in lists of ``size`` by primary key, each read by a query of its own."""
    rows = rows.order_by("pk")
    batch = list(rows[:size])
    while batch:
        yield batch
        batch = list(rows.filter(pk__gt=batch[-1].pk)[:size]) if len(batch) == size else []


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
