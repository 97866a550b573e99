"""What a report must hold before it is submitted (pure but for reading the report's budget lines)."""

from __future__ import annotations

from decimal import Decimal

from . import scoring
from .budget import Budget, FundSource
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


def budget_problems(report: Report, budget: Budget) -> list[str]:
    """Every source with a 全年预算数 needs its 执行数; at year end an execution below 90% a reason."""
    if not budget.applicable:
        return []
    missing = [FundSource(line.source).label for line in budget.lines if line.has_budget and line.executed is None]
    if missing:
        return [f"请填写预算执行数：{'、'.join(missing)}"]
    rate = budget.rate
    if report.round.kind == RoundKind.SELF_EVALUATION and rate < LOW_EXECUTION and not report.budget_reason:
        return [f"预算执行率 {rate * 100:.2f}% 低于 90%，须说明原因"]
    return []


def submit_problems(report: Report, values: list[ReportValue]) -> list[str]:
    problems = [p for value in values for p in value_problems(report, value)]
    return problems + budget_problems(report, report.budget)
