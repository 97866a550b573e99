"""A row's posted values before they are saved, and what a save refused for a stale version answers:
one place for every way values are saved (the grid, the 下达值 grid and the API's row PATCH)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from units.audit import audit_entries_for

from .models import Cell

NOT_OF_TABLE = "该列不属于此目标表"


def cells_refused(columns: dict, values: dict[int, str]) -> dict[int, list[str]]:
    """Each value read by its column's parser, as the save will read it: {column id: why it is
    refused}, in the order posted; a column of another table is refused too. Empty: all readable."""
    refused = {}
    for column_id, raw in values.items():
        column = columns.get(column_id)
        if column is None:
            refused[column_id] = [NOT_OF_TABLE]
            continue
        try:
            column.parse(raw)
        except ValidationError as exc:
            refused[column_id] = exc.messages
    return refused


def row_conflict(row, exc: ValidationError, user, values=Cell) -> dict:
    """The 409's body: what the other person saved and who they were, so the page (or the API
    client) can show both. `values`: the model of what was saved (a row's cells, or the 下达值 of a
    handed-down row)."""
    row.refresh_from_db()
    current = {str(v.column_id): v.raw for v in values.objects.filter(row=row)}
    last = audit_entries_for(row).exclude(actor=user).first()
    return {
        "message": exc.messages[0],
        "conflict": True,
        "version": row.version,
        "current": current,
        "narrative": row.narrative,
        "by": (last.actor.first_name or last.actor.username) if last and last.actor else "他人",
        "at": timezone.localtime(last.at).strftime("%Y-%m-%d %H:%M:%S") if last else "",
    }
