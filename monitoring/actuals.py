"""完成值汇总 (对照省级指标): the roll-up of the yearly cycle (targets.rollup) with actuals.

Per project indicator a table column counts toward, the 完成值 the units reported in a round for
that column, summed by the same `targets.rollup.rollup_lines` that sums their targets: each value
times the column's factor, counted by its report's status (已通过 / 已提交含已通过 / 全部已填, as
the target roll-up counts rows), against the indicator's target as written. The line's `coverage`
is then the 完成率 (全部已填合计 ÷ 指标值) and its flag says where the sum falls short of a ≥ target
or goes over a ≤ one; for qualitative columns only the units that reported are counted.

Nothing is summed here: this module only says which number of a reported value is added
(`actual_number`, the 完成值 in the target's unit) and fetches the figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from targets import values as tv
from targets.rollup import CellFigure, RollupLine, rollup_lines
from targets.selectors import rollup_links

from .models import ReportValue, Round
from .scoring import in_unit

FIGURE_FIELDS = (
    "column_id",
    "report__unit_id",
    "report__status",
    "kind",
    "number",
    "measure_unit",
    "target_unit",
)


@dataclass(frozen=True)
class ActualFigure(CellFigure):
    """A reported 完成值 as the roll-up takes a cell: its column, the reporting unit, the status
    of the report (not of the row), and the reading of the 完成值 with its unit and the target's."""

    measure_unit: str = ""  # the unit the 完成值 was written in (`1.2亿元`), blank: the target's
    target_unit: str = ""  # the unit of the target cell, the column's


def actual_number(figure: ActualFigure) -> Decimal | None:
    """The 完成值 to add, in the unit of the target cell (the column's factor then takes it to
    the indicator's): a number, or a sentence with one (`完成520条`), read as the scoring reads
    it; None for a text, or a unit that does not convert (then counted as not a number)."""
    if figure.number is None or figure.kind not in (tv.Kind.QUANTITY, tv.Kind.SENTENCE):
        return None
    return in_unit(figure.number, figure.measure_unit, figure.target_unit)


def figures_of(values: Iterable[ReportValue], reports: dict) -> list[ActualFigure]:
    """The unit reports' values as figures, from values already fetched (`reports`: report id →
    Report); the project's own report (no unit) is the bureau's, not a unit's, and not added."""
    figures = []
    for value in values:
        report = reports[value.report_id]
        if report.unit_id is None or value.column_id is None:
            continue
        figures.append(
            ActualFigure(
                value.column_id,
                report.unit_id,
                report.status,
                value.kind,
                value.number,
                value.measure_unit,
                value.target_unit,
            )
        )
    return figures


def round_actuals(round_: Round, figures: Iterable[ActualFigure] | None = None) -> list[RollupLine]:
    """The roll-up of a round's 完成值: one line per linked indicator (targets.rollup.RollupLine).

    Queries: the linked columns and their indicators' targets (`targets.selectors.rollup_links`),
    then the round's unit values of those columns unless `figures` are given (the summary page
    passes those it fetched already): three at most, whatever the number of units."""
    columns, targets = rollup_links(round_.project)
    if not columns:
        return []
    if figures is None:
        rows = ReportValue.objects.filter(
            report__round=round_, report__unit__isnull=False, column__in=columns
        ).values_list(*FIGURE_FIELDS)
        figures = (ActualFigure(*row) for row in rows)
    return rollup_lines(columns, targets, figures, value=actual_number)


def latest_round(project) -> Round | None:
    """The round whose 完成值 a sheet shows by default: the latest reference date (one query)."""
    return Round.objects.filter(project=project).order_by("-reference_date", "-pk").first()
