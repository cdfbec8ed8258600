"""What an uncached page would cost if its SQL were compiled once per process and its statements
prepared on the server: the most that change could gain, measured before anyone builds it.

The page is requested once to record the SQL the ORM compiles for it (top-level statements, in
order). Each later request of the same page replays that record instead of compiling, and in the
``prepared`` mode runs each statement as ``EXECUTE`` of a ``PREPARE``d one, so PostgreSQL plans
it once. Query building (``filter()``, ``select_related()`` …), model instances, prefetching,
templates and middleware still run as they do in production. Every replayed answer is checked to
be the page the ORM built.

    python -m bench.ceiling person [REQUESTS]

Not for the article page, whose one statement is already compiled once and prepared
(``publishing.statements``): there is nothing left to replay.

with the benchmark's environment (``bench/run.py`` prints it; the standard archive). Prints one
line of JSON: median CPU and wall milliseconds per request in each mode.
"""

import json
import re
import statistics
import sys
import time
from contextlib import ExitStack, contextmanager
from unittest import mock

import django

MODES = ("orm", "compiled_once", "prepared")
PLACEHOLDER = re.compile(r"%(s|%)")


class Replay:
    """Stands in for ``SQLCompiler.as_sql``: records the top-level statements of one request,
    then hands them back in the same order, with the compiler state the ORM set beside them."""

    def __init__(self, as_sql):
        self.as_sql = as_sql
        self.recorded = []
        self.recording = True
        self.depth = 0
        self.next = 0

    def __call__(self, compiler, *args, **kwargs):
        if self.recording or self.depth:
            # Subqueries compile inside their outer statement: only the outer one is replayed.
            self.depth += 1
            try:
                result = self.as_sql(compiler, *args, **kwargs)
            finally:
                self.depth -= 1
            if self.recording and not self.depth:
                self.recorded.append((result, dict(compiler.__dict__)))
            return result
        result, state = self.recorded[self.next]
        self.next += 1
        compiler.__dict__.update(state)
        return result


class Prepared:
    """An ``execute_wrapper`` running each statement as ``EXECUTE`` of one prepared per SQL text."""

    def __init__(self, connection):
        self.connection = connection
        self.names = {}

    def __call__(self, execute, sql, params, many, context):
        name = self.names.get(sql)
        if name is None:
            name = self.names[sql] = f"bench_{len(self.names)}"
            numbers = iter(range(1, len(params or ()) + 1))
            body = PLACEHOLDER.sub(lambda found: "%" if found.group(1) == "%" else f"${next(numbers)}", sql)
            with self.connection.connection.cursor() as cursor:
                cursor.execute(f"PREPARE {name} AS {body}")
        arguments = f"({', '.join(['%s'] * len(params))})" if params else ""
        return execute(f"EXECUTE {name}{arguments}", params, many, context)


@contextmanager
def mode(name, browser, path):
    from django.db import connection
    from django.db.models.sql.compiler import SQLCompiler

    with ExitStack() as stack:
        if name != "orm":
            replay = Replay(SQLCompiler.as_sql)
            stack.enter_context(mock.patch.object(SQLCompiler, "as_sql", lambda self, *a, **k: replay(self, *a, **k)))
            browser.get(path)
            replay.recording = False
            if name == "prepared":
                stack.enter_context(connection.execute_wrapper(Prepared(connection)))
            yield lambda: setattr(replay, "next", 0)
        else:
            yield lambda: None


def measure(page, requests=300):
    from bench import inprocess

    path = inprocess.pages()[page]
    browser = inprocess.client()
    figures = {}
    with inprocess.without_page_cache():
        expected = browser.get(path).content
        for name in MODES:
            cpu, wall = [], []
            with mode(name, browser, path) as rewind:
                for _ in range(requests):
                    rewind()
                    started_cpu, started = time.process_time(), time.perf_counter()
                    response = browser.get(path)
                    cpu.append(time.process_time() - started_cpu)
                    wall.append(time.perf_counter() - started)
                    if response.content != expected:
                        raise SystemExit(f"{name}: the replayed page differs from the one the ORM built")
            figures[name] = {
                "cpu_ms": round(statistics.median(cpu) * 1000, 2),
                "wall_ms": round(statistics.median(wall) * 1000, 2),
            }
    return {"page": page, "path": path, "requests": requests, **figures}


def main(argv):
    django.setup()
    print(json.dumps(measure(argv[0], *map(int, argv[1:2])), ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
