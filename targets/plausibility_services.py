"""The unit's confirmations of flagged values (targets.plausibility), written before it submits.

A flagged value (10 times last year's, a negative, 150% of a share …) is never refused: the unit
confirms each one with a reason, which is stored (`ValueConfirmation`), audited and shown to the
reviewer beside the value. `row_submit` (targets.workflow) refuses a submission while a flagged
value has no confirmation that holds for it, naming each one.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from review.engine import TransitionRefused
from units.audit import audit_record
from units.inputs import check_text

from .audit_actions import TargetAction
from .confirmations import ValueConfirmation
from .models import TableRow
from .review_aids import ValueAid, unconfirmed


class UnconfirmedWarnings(TransitionRefused):
    """Flagged values without the unit's reason: nothing was submitted. `aids`: those values."""

    def __init__(self, aids: list[ValueAid]):
        self.aids = aids
        super().__init__(
            {
                f"cells.{aid.column.pk}": [f"“{aid.column.label}”的值 {aid.raw} {aid.warning_text}：请填写说明后再提交"]
                for aid in aids
            }
        )


@transaction.atomic
def row_values_confirm(*, row: TableRow, aids: list[ValueAid], reasons: dict[int, str], actor) -> int:
    """Store the unit's reasons for flagged values of a locked row (column id → reason): each
    one that is new or changed is written and audited. A reason for a value that is not flagged
    (changed since the page was shown) is not kept. Returns how many were written."""
    written = 0
    for aid in aids:
        reason = (reasons.get(aid.column.pk) or "").strip()
        if not aid.flagged or not reason:
            continue
        check_text(reason, f"“{aid.column.label}”的说明")
        if aid.confirmation is not None and aid.confirmation.reason == reason:
            continue
        aid.confirmation, _ = ValueConfirmation.objects.update_or_create(
            row=row,
            column=aid.column,
            defaults={"raw": aid.raw, "reason": reason, "confirmed_by": _actor(actor), "confirmed_at": timezone.now()},
        )
        audit_record(
            actor=actor,
            action=TargetAction.CELL_PLAUSIBILITY_CONFIRMED,
            obj=row,
            after={"raw": aid.raw, "warnings": aid.warning_text},
            comment=reason,
            label=f"{row.unit.name} · {aid.column.label}",
        )
        written += 1
    return written


@transaction.atomic
def row_check_confirmed(*, row: TableRow, aids: list[ValueAid]) -> None:
    """Refuse (UnconfirmedWarnings) while a flagged value has no reason that holds for it."""
    pending = unconfirmed(aids)
    if pending:
        raise UnconfirmedWarnings(pending)


def _actor(actor):
    return actor if getattr(actor, "is_authenticated", False) and actor.pk else None
