"""Last year's 完成值, for the pages of a copied year (targets.last_year's 上年实际值).

Registered with `targets.last_year.actual_register` when the app starts: the approved values of
last year's table and their 完成值 are then read in one query."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from review.engine import ReviewStatus

from .models import ReportValue, RoundKind


def cell_actual() -> Subquery:
    """The 完成值 a cell's unit reported in the latest approved 自评 of the cell's project (a
    subquery over the outer Cell's pk), or NULL."""
    values = (
        ReportValue.objects.filter(
            cell_id=OuterRef("pk"),
            report__status=ReviewStatus.APPROVED,
            report__round__kind=RoundKind.SELF_EVALUATION,
        )
        .exclude(raw="")
        .order_by("-report__round__reference_date", "-report__round_id")
        .values("raw")[:1]
    )
    return Subquery(values)
