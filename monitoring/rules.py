"""What a report must hold before it is submitted (pure: reads the objects it is given, no queries)."""

from __future__ import annotations

from decimal import Decimal

from . import scoring
from .models import Report, ReportValue, RoundKind

LOW_EXECUTION = Decimal("0.9")  # below 90% at year end, a reason is required


def value_problems(report: Report, value: ReportValue) -> list[str]:
    if value.actual.is_blank:
        return [f"“{value.label}”未填写完成值"]
    round_ = report.round
    target, actual = value.target, value.actual
    assessment = scoring.assess(
        target, value.raw, Decimal(1), direction=value.direction, baseline=value.baseline_raw, judgment=value.judgment
    )
    if assessment.refused:
        return [f"“{value.label}”{assessment.explanation}"]
    if round_.kind == RoundKind.MONITORING:
        elapsed = scoring.time_elapsed(round_.reference_date, round_.year)
        if scoring.lags(scoring.progress(actual, target, value.direction), elapsed, round_.lag_threshold):
            missing = [
                n
                for n, f in (("偏差原因", "deviation_reason"), ("纠偏措施", "corrective_measure"))
                if not getattr(value, f)
            ]
            if missing:
                return [
                    f"“{value.label}”进度落后于时间进度超过 {round_.lag_threshold:.0f} 个百分点，须填写{'和'.join(missing)}"
                ]
        return []
    score = assessment.score
    if score is not None and not score.full and not value.shortfall_reason:
        return [f"“{value.label}”未完全达成，须填写未完成原因分析"]
    return []


def budget_problems(report: Report) -> list[str]:
    if not report.budget_applicable:
        return []
    if report.executed is None:
        return ["请填写预算执行数"]
    rate = report.execution_rate
    if rate is None:
        return ["请填写全年预算数或调整后预算数"]
    if report.round.kind == RoundKind.SELF_EVALUATION and rate < LOW_EXECUTION and not report.budget_reason:
        return [f"预算执行率 {rate * 100:.2f}% 低于 90%，须说明原因"]
    return []


def submit_problems(report: Report, values: list[ReportValue]) -> list[str]:
    problems = [p for value in values for p in value_problems(report, value)]
    return problems + budget_problems(report)
