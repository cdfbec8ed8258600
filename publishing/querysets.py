"""Reading a large table a slice at a time."""


def in_batches(rows, size):
    """``rows`` in lists of ``size`` by primary key, each read by a query of its own.

    Memory stays flat however large the table, and no server-side cursor is held from one query
    to the next: a pooled connection (PgBouncer's transaction mode) could not keep one.
    """
    rows = rows.order_by("pk")
    batch = list(rows[:size])
    while batch:
        yield batch
        batch = list(rows.filter(pk__gt=batch[-1].pk)[:size]) if len(batch) == size else []
