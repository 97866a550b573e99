"""The bureau's summary of a round: every report with its total, grade, budget execution rate and
the indicators not met (or, in a monitoring round, lagging).

The figures are those of the report page: the same `selectors._lines` and `selectors.report_scores`
over the same values and weights, fetched for the whole round at once. Queries: the reports (with
unit and round), their budget lines, their values (with category and grade), the weights (values seen,
stored): five."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from .models import Report, ReportValue, Round, RoundKind
from .selectors import ValueLine, _lines, percent, report_scores, weights_by_key


@dataclass
class SummaryRow:
    report: Report
    lines: list[ValueLine]
    scores: dict | None
    rate_pct: Decimal | None
    short: list[ValueLine] = field(default_factory=list)  # not met (自评) or lagging (monitoring)

    @property
    def short_labels(self) -> str:
        return "、".join(line.value.label for line in self.short)


def _short(kind: str, lines: list[ValueLine]) -> list[ValueLine]:
    if kind == RoundKind.MONITORING:
        return [line for line in lines if line.lagging]
    return [line for line in lines if line.score is not None and not line.score.full]


def round_summary(round_: Round) -> dict:
    """{"round", "project", "rows": [SummaryRow], "counts"}; the project's own report first."""
    reports = list(
        Report.objects.filter(round=round_)
        .select_related("unit", "round")
        .prefetch_related("budget_lines")
        .order_by("unit__category", "unit__name", "pk")
    )
    reports.sort(key=lambda r: r.unit_id is not None)
    by_report = defaultdict(list)
    for value in (
        ReportValue.objects.filter(report__round=round_)
        .select_related("category", "grade", "column", "indicator")
        .order_by("order", "pk")
    ):
        by_report[value.report_id].append(value)
    weights = weights_by_key(round_)
    rows = []
    for report in reports:
        for value in by_report[report.pk]:
            value.files = []
        lines = _lines(report, by_report[report.pk], weights)
        scores = report_scores(report, lines) if round_.kind == RoundKind.SELF_EVALUATION else None
        rows.append(SummaryRow(report, lines, scores, percent(report.execution_rate), _short(round_.kind, lines)))
    grades = defaultdict(int)
    for row in rows:
        if row.scores and row.scores["grade"]:
            grades[row.scores["grade"]] += 1
    return {
        "round": round_,
        "project": round_.project,
        "rows": rows,
        "grades": [(g, grades.get(g, 0)) for g in ("优", "良", "中", "差")],
        "evaluation": round_.kind == RoundKind.SELF_EVALUATION,
    }
