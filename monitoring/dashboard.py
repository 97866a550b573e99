"""A round's dashboard: completion by unit and by indicator, on-time submission, the score
distribution and budget execution — the figures of `monitoring.summary` (so of the report pages),
as tables (the page without JavaScript) and as the series the charts draw. Queries: the summary's."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from review.engine import ReviewStatus

from .models import Round
from .summary import round_summary

HUNDRED = Decimal(100)
GRADES = ("优", "良", "中", "差")


def _share(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * HUNDRED / whole).quantize(Decimal("0.01")) if whole else None


def _met(line, evaluation: bool) -> bool:
    if evaluation:
        return line.score is not None and line.score.full
    return line.value.raw != "" and not line.lagging


def _on_time(round_: Round, rows) -> dict:
    submitted = [r.report for r in rows if r.report.submitted_at is not None]
    if round_.deadline is None:
        on_time = len(submitted)
    else:
        on_time = sum(1 for report in submitted if report.submitted_at <= round_.deadline)
    return {
        "reports": len(rows),
        "submitted": len(submitted),
        "on_time": on_time,
        "rate": _share(on_time, len(rows)),
    }


def round_dashboard(round_: Round) -> dict:
    summary = round_summary(round_)
    evaluation = summary["evaluation"]
    rows = [r for r in summary["rows"] if r.report.unit_id is not None]
    by_unit = []
    by_indicator: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        met = sum(1 for line in row.lines if _met(line, evaluation))
        by_unit.append(
            {"unit": row.report.owner_label, "met": met, "total": len(row.lines), "rate": _share(met, len(row.lines))}
        )
        for line in row.lines:
            counts = by_indicator[line.value.label]
            counts[0] += _met(line, evaluation)
            counts[1] += 1
    indicators = [
        {"label": label, "met": met, "total": total, "rate": _share(met, total)}
        for label, (met, total) in by_indicator.items()
    ]
    grades = dict(summary["grades"])
    scored = [r for r in rows if r.scores and r.scores["grade"]]
    budget = [
        {"unit": r.report.owner_label, "rate": r.rate_pct}
        for r in rows
        if r.report.budget_applicable and r.rate_pct is not None
    ]
    on_time = _on_time(round_, rows)
    return {
        **summary,
        "by_unit": by_unit,
        "by_indicator": indicators,
        "on_time": on_time,
        "approved": sum(1 for r in rows if r.report.status == ReviewStatus.APPROVED),
        "distribution": [{"grade": g, "count": grades.get(g, 0)} for g in GRADES],
        "scored": len(scored),
        "pending": len(rows) - len(scored),
        "budget": budget,
        "chart_data": {
            "units": [u["unit"] for u in by_unit],
            "unitRates": [float(u["rate"] or 0) for u in by_unit],
            "indicators": [i["label"] for i in indicators],
            "indicatorRates": [float(i["rate"] or 0) for i in indicators],
            "grades": list(GRADES),
            "gradeCounts": [grades.get(g, 0) for g in GRADES],
            "budgetUnits": [b["unit"] for b in budget],
            "budgetRates": [float(b["rate"]) for b in budget],
            "onTime": [on_time["on_time"], on_time["submitted"] - on_time["on_time"], len(rows) - on_time["submitted"]],
            "evaluation": evaluation,
        },
    }
