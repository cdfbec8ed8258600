"""Statements compiled once per process and, on PostgreSQL, prepared once per connection.

The ORM builds and compiles a query on every call, and PostgreSQL plans it on every call. For
the busiest page built afresh (an article, with its people, photos, topics, events, neighbours and
related articles) that was most of its cost: about 3 ms building and compiling seven querysets,
and as much again planning them, against a fraction of a millisecond executing them.

A ``Statement`` is written with querysets as usual, each value that changes between calls a
``Param``, and the rows of a related queryset folded into one column by ``JSONRows``. It is
compiled the first time it runs in a process. On PostgreSQL it then runs as ``EXECUTE`` of a
statement prepared once per connection, whose generic plan the server keeps
(``plan_cache_mode``, set by ``config/settings.py``). Behind a transaction pooler a connection
keeps nothing from one transaction to the next, so there the compiled SQL runs as it is and is
planned each time; so does SQLite, whose driver keeps its own statement cache.
"""

import functools
import re
import weakref
from datetime import UTC

from django.db import connections, models
from django.db.backends.signals import connection_created
from django.db.models.functions import JSONArray

PLACEHOLDER = re.compile(r"%(s|%)")


class Param(models.Expression):
    """The value named ``name``, given to ``Statement.rows()`` at each call."""

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]

    def bind(self, value, connection):
        return self.output_field.get_db_prep_value(value, connection)


# The moment of the call: what is public is public at a moment, and a statement is compiled once.
NOW = Param("now", models.DateTimeField())


class JSONRows(models.Subquery):
    """The rows of ``queryset`` as one JSON array: for each row, the array of ``fields``, in the
    queryset's order. Read back with ``instances()``.

    The order is the sorted subquery's, which both databases aggregate as they read it
    (PostgreSQL's documented idiom; ``JSONB_AGG`` has no combine function, so no parallel plan
    splits the rows between workers).
    """

    output_field = models.JSONField()

    def __init__(self, queryset, *fields):
        super().__init__(queryset.values(row=JSONArray(*fields)))

    def as_postgresql(self, compiler, connection):
        template = "(SELECT COALESCE(JSONB_AGG(rows.row), '[]') FROM (%(subquery)s) rows)"
        return self.as_sql(compiler, connection, template=template)

    def as_sqlite(self, compiler, connection):
        template = "(SELECT JSON_GROUP_ARRAY(JSON(rows.row)) FROM (%(subquery)s) rows)"
        return self.as_sql(compiler, connection, template=template)


def instances(model, names, rows):
    """``model`` instances from rows of ``JSONRows`` whose values are the fields ``names`` (in
    any order; the others deferred). JSON carries dates and times as text, and SQLite's times
    without their zone, which is UTC."""
    order, attnames, positions = layout(model, tuple(names))
    return [
        model.from_db(
            None, attnames, [python_value(field, row[at]) for field, at in zip(order, positions, strict=True)]
        )
        for row in rows
    ]


@functools.cache
def layout(model, names):
    """``names``' fields in ``model.from_db()``'s order, their attribute names and their places in
    a row: the same for every request, so worked out once."""
    fields = [model._meta.get_field(name) for name in names]
    order = [field for field in model._meta.concrete_fields if field in fields]
    return order, [field.attname for field in order], [fields.index(field) for field in order]


def python_value(field, value):
    if value is None or field.is_relation:
        return value
    value = field.to_python(value)
    if isinstance(field, models.DateTimeField) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


# Statements prepared on each connection; a new connection (a reconnect after an error, or after
# CONN_MAX_AGE) starts with none.
prepared_on = weakref.WeakKeyDictionary()


def forget_prepared(sender, connection, **kwargs):
    prepared_on[connection] = set()


connection_created.connect(forget_prepared)


class Statement:
    """The queryset ``build()`` returns (``values_list()``, with ``Param`` for each value that
    changes between calls), compiled once per process and prepared as ``name`` on PostgreSQL."""

    def __init__(self, name, build):
        self.name = name
        self.build = build
        self.compiled = {}

    def rows(self, using="default", **values):
        """The rows for ``values``, one per ``Param`` name, converted as the ORM converts them."""
        connection = connections[using]
        if using not in self.compiled:
            self.compiled[using] = self.compile(connection)
        sql, params, compiler, converters = self.compiled[using]
        bound = [param.bind(values[param.name], connection) if isinstance(param, Param) else param for param in params]
        with connection.cursor() as cursor:
            if self.preparable(connection):
                self.prepare(connection, sql, len(bound))
                cursor.execute(
                    f"EXECUTE {self.name}({', '.join(['%s'] * len(bound))})" if bound else f"EXECUTE {self.name}", bound
                )
            else:
                cursor.execute(sql, bound)
            rows = cursor.fetchall()
        return list(compiler.apply_converters(rows, converters)) if converters else rows

    def compile(self, connection):
        compiler = self.build().query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        converters = compiler.get_converters([column for column, _, _ in compiler.select])
        return sql, params, compiler, converters

    @staticmethod
    def preparable(connection):
        return connection.vendor == "postgresql" and not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")

    def prepare(self, connection, sql, count):
        names = prepared_on.setdefault(connection, set())
        if self.name in names:
            return
        numbers = iter(range(1, count + 1))
        body = PLACEHOLDER.sub(lambda found: "%" if found.group(1) == "%" else f"${next(numbers)}", sql)
        # Through the driver itself: preparing is bookkeeping, not one of the page's queries.
        with connection.connection.cursor() as cursor:
            cursor.execute(f"PREPARE {self.name} AS {body}")
        names.add(self.name)
