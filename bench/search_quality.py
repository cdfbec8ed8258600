"""Precision and recall of the public search on a benchmark archive, against the text itself.

For each query, the articles that truly hold it are found by reading every public article's
searched fields (its title lines, summary, body text, byline and credit) for the query as
written; the search's matches are compared with them:

- precision and recall of all the matches, and of those the results page lists as holding the
  query as written (before the words-apart ones; all the matches where there are none);
- precision of the first k listed, k the number of true holders (at most the ranking window):
  whether the articles holding the query as written come first.

Queries are of two kinds, picked from the archive with a fixed seed: phrases of two two-character
dictionary words written together somewhere (like 学习教育), and parts of names: the first two and
the last two characters of people's three-character names, which readers type and jieba's
dictionary may cut otherwise (霍金 of 霍金花).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bulletin_bench python -m bench.search_quality
"""

import argparse
import json
import os
import random
import time
import unicodedata

import django

FIELDS = ("kicker", "title", "subtitle", "summary", "byline", "contributor")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phrases", type=int, default=12, help="how many phrases to search for")
    parser.add_argument("--names", type=int, default=12, help="how many people's names to take parts of")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    print(json.dumps(measure(args.phrases, args.names, args.seed), ensure_ascii=False))


def measure(phrases, names, seed):
    from bulletin.models import Article
    from people.models import Person
    from publishing.sanitize import text_content
    from publishing.segmenter import tokenizer

    articles = Article.objects.public()
    texts = {
        pk: unicodedata.normalize("NFKC", "\n".join([*(value or "" for value in fields), text_content(body)]))
        for pk, body, *fields in articles.values_list("pk", "body", *FIELDS).iterator(chunk_size=2000)
    }
    pick = random.Random(seed)
    people = sorted(Person.objects.filter(name__regex=r"^...$").values_list("name", flat=True))
    # The names a dictionary would cut otherwise: one of their two-character parts is a word.
    words = tokenizer().FREQ
    tricky = [name for name in people if words.get(name[:2]) or words.get(name[1:])]
    chosen = pick.sample(tricky, min(names, len(tricky)))
    cases = {
        "phrases": two_word_phrases(texts, phrases, pick),
        "name parts": sorted({part for name in chosen for part in (name[:2], name[1:])}),
    }
    return {kind: summarise([one(query, texts, articles) for query in queries]) for kind, queries in cases.items()}


def two_word_phrases(texts, count, pick):
    """``count`` runs of four characters found in the texts that jieba reads as two words."""
    from publishing.segmenter import tokenizer

    found, keys = set(), sorted(texts)
    while len(found) < count:
        text = texts[pick.choice(keys)]
        start = pick.randrange(max(len(text) - 4, 1))
        run = text[start : start + 4]
        chinese = len(run) == 4 and all("\u4e00" <= char <= "\u9fff" for char in run)
        if chinese and [len(word) for word in tokenizer().lcut(run, HMM=False)] == [2, 2]:
            found.add(run)
    return sorted(found)


def one(query_text, texts, articles):
    from publishing import search

    truth = {pk for pk, text in texts.items() if query_text in text}
    query = search.parse_query(query_text)
    started = time.perf_counter()
    found = set(search.filter_matching(articles, query).values_list("pk", flat=True))
    # What the results page counts as holding the query as written (all matches, before it did).
    written = query.exactly() if hasattr(query, "exactly") else query
    as_written = set(search.filter_matching(articles, written).values_list("pk", flat=True))
    k = min(len(truth), search.RANK_WINDOW)
    listed = list(search.matching(articles, query, then=("-published_at", "-pk")).values_list("pk", flat=True)[:k])
    took = time.perf_counter() - started
    hits = len(found & truth)
    return {
        "query": query_text,
        "true": len(truth),
        "found": len(found),
        "precision": hits / len(found) if found else 1.0,
        "recall": hits / len(truth) if truth else 1.0,
        "first_k_precision": sum(pk in truth for pk in listed) / k if k else 1.0,
        "as_written": len(as_written),
        "as_written_precision": len(as_written & truth) / len(as_written) if as_written else 1.0,
        "as_written_recall": len(as_written & truth) / len(truth) if truth else 1.0,
        "ms": round(took * 1000, 1),
    }


def summarise(rows):
    def mean(key):
        return round(sum(row[key] for row in rows) / len(rows), 3)

    return {
        "queries": len(rows),
        "precision": mean("precision"),
        "recall": mean("recall"),
        "first_k_precision": mean("first_k_precision"),
        "as_written_precision": mean("as_written_precision"),
        "as_written_recall": mean("as_written_recall"),
        "true_total": sum(row["true"] for row in rows),
        "found_total": sum(row["found"] for row in rows),
        "rows": rows,
    }


if __name__ == "__main__":
    main()
