"""The base of a change target (增长10%, 提高5个百分点, 下降3%): last year's 完成值 of the same
indicator, where the product has it.

A project copied into a new year (projects.copying) knows its source project, each copied table
column its column there (`copied_from`). Last year's 完成值 of a unit's column is that unit's value
for the source column in the source project's latest 自评 round (an approved report first); of a
project indicator, the project report's value of the source indicator of the same name. A value
written as a change itself (增长12%) is no level and gives no base. Read once when a round opens
(`with_baselines`, two queries) and kept on the value as `baseline_raw`, shown and used by scoring;
where there is none, the base typed with the target (增长10%（基数：500件）) is used, else the
unit is asked to write the change reached (增长12%).
"""

from __future__ import annotations

from review.engine import ReviewStatus
from targets import values as tv

from .models import ReportValue, RoundKind


def _is_change(value: ReportValue) -> bool:
    return tv.parse(value.target_raw, default_unit=value.target_unit).shape == tv.Shape.CHANGE


def _level(raw: str, unit: str) -> str:
    """Last year's 完成值 as a base: its text, with the unit it was read in where it wrote none."""
    value = tv.parse(raw, default_unit=unit)
    parts = tv.parts_of(value)
    if not parts or parts[0].is_change or len(parts) > 1:
        return ""
    part = parts[0]
    return raw.strip() if part.unit_written or not part.unit else f"{raw.strip()}{part.unit}"


def _last_year_values(project, **lookup) -> list[ReportValue]:
    """Values of the source project's 自评 reports, latest round first, approved reports first."""
    return list(
        ReportValue.objects.filter(
            report__round__project_id=project.copied_from_id, report__round__kind=RoundKind.SELF_EVALUATION, **lookup
        )
        .exclude(raw="")
        .select_related("report", "indicator")
        .order_by("-report__round__reference_date", "report__status", "pk")
    )


def with_baselines(project, unit_values: dict, project_values: list[ReportValue]) -> None:
    """Set `baseline_raw` on the unsaved values of a new round whose target is a change."""
    if not project.copied_from_id:
        return
    units = [(u, v) for u, values in unit_values.items() for v in values if _is_change(v)]
    if units:
        found: dict = {}
        sources = {v.column.copied_from_id for _, v in units if v.column.copied_from_id}
        for old in _last_year_values(project, column_id__in=sources, report__unit_id__in={u for u, _ in units}):
            approved = old.report.status == ReviewStatus.APPROVED
            found.setdefault((old.report.unit_id, old.column_id), (approved, old))
        for unit_id, value in units:
            hit = found.get((unit_id, value.column.copied_from_id))
            if hit:
                value.baseline_raw = _level(hit[1].raw, hit[1].target_unit)
    indicators = [v for v in project_values if _is_change(v)]
    if indicators:
        by_name: dict = {}
        for old in _last_year_values(project, report__unit__isnull=True, indicator__isnull=False):
            by_name.setdefault(old.indicator.name, old)
        for value in indicators:
            hit = by_name.get(value.indicator.name)
            if hit:
                value.baseline_raw = _level(hit.raw, hit.target_unit)
