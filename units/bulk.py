"""Multi-row INSERTs of plain value tuples, for writes of thousands of rows at once.

Django's `bulk_create` builds a model instance per row and prepares every field of it
through the field API; for a 10,000-row import that was half of the apply's time (see
docs/benchmarks.md). Here the caller hands the stored values (ids for foreign keys), and
only the fields whose stored form differs from the Python value (JSON, dates, decimals)
go through their field. No signals, no `save()`: use it only where the model has none
that matter and the values were checked before.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, models, router

_PREPARED = (models.JSONField, models.DateTimeField, models.DateField, models.DecimalField)


def insert_many(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence]) -> int:
    """Insert `rows` (tuples in the order of `fields`) into `model`'s table. Returns the count."""
    if not rows:
        return 0
    connection = connections[router.db_for_write(model)]
    opts = model._meta
    concrete = [opts.get_field(name) for name in fields]
    prepared = [i for i, field in enumerate(concrete) if isinstance(field, _PREPARED)]
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(f.column) for f in concrete)}) VALUES "
    one = "(" + ", ".join(["%s"] * len(concrete)) + ")"
    size = max(1, connection.ops.bulk_batch_size(concrete, rows))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            params = []
            for row in batch:
                if prepared:
                    row = list(row)
                    for i in prepared:
                        row[i] = concrete[i].get_db_prep_save(row[i], connection)
                params.extend(row)
            cursor.execute(head + ", ".join([one] * len(batch)), params)
    return len(rows)
