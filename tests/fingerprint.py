"""A fingerprint of every table: for each model of every installed app (`apps.get_models()`, so a
model added later is in it without a word here), its row count, its largest primary key, the sum
of its `version` column and the count of each of its `status` values. Read in one query.

A refused request must leave it as it was: a row created or deleted anywhere (an audit entry, a
notification, a job, a report, an agreement, a cell, a token …), a version bumped or a status moved
shows. What it cannot see is an edit in place that bumps no version and moves no status; the
matrices check the row they aim at (`_row_state`) for that."""

from __future__ import annotations

from django.apps import apps
from django.db import connection


def _select(model) -> tuple[str, list]:
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    fields = {f.name: f for f in model._meta.concrete_fields}
    version = f"COALESCE(SUM({quote('version')}), 0)" if "version" in fields else "0"
    status, params = "''", [model._meta.label]
    if "status" in fields and fields["status"].choices:
        parts = []
        for value, _label in fields["status"].flatchoices:
            parts.append(f"CAST(SUM(CASE WHEN {quote('status')} = %s THEN 1 ELSE 0 END) AS TEXT)")
            params.append(value)
        status = " || '|' || ".join(parts)
    columns = f"COUNT(*), CAST(MAX({pk}) AS TEXT), {version}, COALESCE({status}, '')"
    return f"SELECT %s, {columns} FROM {table}", params


def fingerprint() -> dict[str, tuple]:
    """{model label: (rows, largest pk, sum of versions, counts by status)} for every model."""
    selects = [_select(model) for model in apps.get_models() if model._meta.managed and not model._meta.proxy]
    sql = " UNION ALL ".join(select for select, _params in selects)
    params = [p for _select_sql, select_params in selects for p in select_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {label: tuple(rest) for label, *rest in cursor.fetchall()}


def changed(before: dict, after: dict) -> dict:
    """The models whose fingerprint moved: {label: (before, after)}."""
    return {
        label: (before.get(label), after.get(label))
        for label in set(before) | set(after)
        if before.get(label) != after.get(label)
    }
