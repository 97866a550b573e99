"""Reads for 调整 and the 批复 versions. Each states its query count; none grows with versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from review.engine import ReviewStatus
from units import policy

from .models import PENDING, AdjustmentRequest, ApprovedVersion, TableColumn, TableRow

NARRATIVE_LABEL = "文字目标"


@dataclass
class Difference:
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def request_differences(adjustment: AdjustmentRequest, columns: list[TableColumn]) -> list[Difference]:
    """What a request would change: the approved value (when it was asked) beside the one asked for (no query)."""
    out = [
        Difference(c.label, adjustment.before.get(str(c.pk), ""), adjustment.values[str(c.pk)])
        for c in columns
        if str(c.pk) in adjustment.values
    ]
    if adjustment.narrative is not None:
        out.append(Difference(NARRATIVE_LABEL, adjustment.before_narrative, adjustment.narrative))
    return out


def version_differences(
    first: ApprovedVersion, second: ApprovedVersion, columns: list[TableColumn]
) -> list[Difference]:
    """Column by column, two versions' values side by side (no query)."""
    out = [Difference(c.label, first.values.get(str(c.pk), ""), second.values.get(str(c.pk), "")) for c in columns]
    if first.narrative or second.narrative:
        out.append(Difference(NARRATIVE_LABEL, first.narrative, second.narrative))
    return out


def row_versions(row: TableRow) -> list[ApprovedVersion]:
    """The row's 批复 versions, newest first, with who approved them (one query)."""
    return list(ApprovedVersion.objects.filter(row=row).select_related("actor").order_by("-number"))


HISTORY_LIMIT = 50


def row_adjustments(row: TableRow, columns: list[TableColumn]) -> list[AdjustmentRequest]:
    """The row's requests, newest first, each with what it asked (one query)."""
    adjustments = list(
        AdjustmentRequest.objects.filter(row=row)
        .select_related("submitted_by", "reviewed_by")
        .order_by("-submitted_at", "-pk")[:HISTORY_LIMIT]
    )
    for adjustment in adjustments:
        adjustment.row = row
        adjustment.changes = request_differences(adjustment, columns)
    return adjustments


def row_adjustment_context(user, row: TableRow, columns: list[TableColumn]) -> dict:
    """What the row page's 调整 and 批复版本 sections show (two queries: the requests, the versions)."""
    adjustments = row_adjustments(row, columns)
    pending = next((a for a in adjustments if a.status in PENDING), None)
    versions = row_versions(row)
    return {
        "adjustment": pending,
        "adjustment_changes": pending.changes if pending else [],
        "decided_adjustments": [a for a in adjustments if a is not pending],
        "can_request_adjustment": (
            pending is None and row.status == ReviewStatus.APPROVED and policy.can_request_adjustment(user, row)
        ),
        "can_review_adjustment": pending is not None and policy.can_review_adjustment(user, row),
        "versions": versions,
        "as_of_today": timezone.localdate(),
    }


def adjustments_to_review(user) -> list[AdjustmentRequest]:
    """Pending requests of the projects this user reviews, oldest first (for the review queue; one query)."""
    if not policy.can_use_review_queue(user):
        return []
    # Narrowed in SQL to the projects whose work waits for this user (not every province's
    # requests), rows still there; the policy decides each one.
    adjustments = AdjustmentRequest.objects.filter(
        policy.review_scope(user, "row__table__project__"),
        status=ReviewStatus.SUBMITTED,
        row__removed_at__isnull=True,
    ).select_related("row__table__project", "row__unit", "submitted_by")
    return [
        a
        for a in adjustments.order_by("submitted_at", "pk")
        if policy.can_review_adjustment(user, a.row)  # the policy's cached grants: no query per request
    ]


def end_of_day(day: date) -> datetime:
    """The first moment after `day`, in the site's time zone: versions approved before it were in force that day."""
    # 9999-12-31 has no next day (?as_of=9999-12-31 was a 500): every version is in force by its eve.
    day = min(day, date.max - timedelta(days=1))
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def versions_in_force(row_ids: list[int], day: date) -> dict[int, ApprovedVersion]:
    """For each row, the latest version approved on or before `day` (one query; rows without one are absent)."""
    in_force: dict[int, ApprovedVersion] = {}
    for version in (
        ApprovedVersion.objects.filter(row_id__in=row_ids, at__lt=end_of_day(day))
        .only("row_id", "number", "values", "narrative", "at")
        .order_by("row_id", "number")
    ):
        in_force[version.row_id] = version
    return in_force
