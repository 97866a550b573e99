"""The 项目资金 block of a report (DESIGN §8 steps 4-5), as the Ministry of Finance's forms print it:
rows 年度资金总额 / 其中：当年财政拨款 / 上年结转资金 / 其他资金; columns 年初预算数 and 全年预算数 (set
by the bureau, prefilled from the project's 资金来源 or the unit's funding when the round opens),
执行数 (全年执行数 at year end, 1-N月执行数 mid-year) and 全年预计执行数 (the unit's).

Pure: the lines are read from whatever carries `source`, `initial_budget`, `annual_budget`,
`executed` and `expected` (the `ReportBudget` rows); the rate and points are `monitoring.scoring`'s."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models

from .scoring import CENT, budget_score, execution_rate

TOTAL_LABEL = "年度资金总额"


class FundSource(models.TextChoices):
    """The rows of the block, in the form's order."""

    CURRENT = "current", "当年财政拨款"
    CARRYOVER = "carryover", "上年结转资金"
    OTHER = "other", "其他资金"


# As the forms print the source rows: the first is introduced by 其中：.
ROW_LABELS = {
    FundSource.CURRENT: "其中：当年财政拨款",
    FundSource.CARRYOVER: "上年结转资金",
    FundSource.OTHER: "其他资金",
}
AMOUNT_FIELDS = ("initial_budget", "annual_budget", "executed", "expected")


def _sum(numbers: Iterable[Decimal | None]) -> Decimal | None:
    present = [n for n in numbers if n is not None]
    return sum(present, Decimal(0)) if present else None


def _pct(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else (rate * 100).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class BudgetLine:
    """One row of the block (a source, or the total)."""

    source: str
    label: str
    initial_budget: Decimal | None = None
    annual_budget: Decimal | None = None
    executed: Decimal | None = None
    expected: Decimal | None = None

    @property
    def rate(self) -> Decimal | None:
        """执行率 as a fraction: 执行数 ÷ 全年预算数."""
        return execution_rate(self.executed, self.annual_budget)

    @property
    def rate_pct(self) -> Decimal | None:
        """执行率 in percent, to two decimals."""
        return _pct(self.rate)

    @property
    def expected_rate(self) -> Decimal | None:
        """全年预计执行率: 全年预计执行数 ÷ 全年预算数."""
        return execution_rate(self.expected, self.annual_budget)

    @property
    def has_budget(self) -> bool:
        return bool(self.annual_budget)


@dataclass(frozen=True)
class Budget:
    """A report's block: the three source lines and their total (年度资金总额)."""

    lines: list[BudgetLine]
    total: BudgetLine

    @property
    def applicable(self) -> bool:
        """A report with no 全年预算数 has its budget points 不适用 (the total is scaled to 100)."""
        return self.total.has_budget

    @property
    def rate(self) -> Decimal | None:
        return self.total.rate

    @property
    def points(self) -> Decimal | None:
        return budget_score(self.rate) if self.applicable else None

    @property
    def rows(self) -> list[BudgetLine]:
        """As printed: the total first, then each source."""
        return [self.total, *self.lines]


def budget_of(rows: Iterable) -> Budget:
    """The block from a report's stored lines (any missing source is an empty line)."""
    by_source = {row.source: row for row in rows}
    lines = []
    for source in FundSource:
        row = by_source.get(source.value)
        amounts = {name: getattr(row, name) for name in AMOUNT_FIELDS} if row is not None else {}
        lines.append(BudgetLine(source.value, ROW_LABELS[source], **amounts))
    total = BudgetLine(
        "total", TOTAL_LABEL, **{name: _sum(getattr(line, name) for line in lines) for name in AMOUNT_FIELDS}
    )
    return Budget(lines, total)


# --- what the round opens with -----------------------------------------------------------------------

_CARRYOVER_WORDS = ("结转", "结余")
_OTHER_WORDS = ("其他", "自筹", "社会", "自有", "事业收入", "经营收入", "银行", "贷款")
_TOTAL_WORDS = ("年度金额", "资金总额", "合计", "总计", "总额", "小计")


def classify(text: str) -> str:
    """The block's row a 资金来源 line belongs to: 上年结转 → carryover; 其他/自筹/社会… → other;
    every other source (中央补助, 省级财政, 专项资金 …) is 当年财政拨款."""
    if any(word in text for word in _CARRYOVER_WORDS):
        return FundSource.CARRYOVER.value
    if any(word in text for word in _OTHER_WORDS):
        return FundSource.OTHER.value
    return FundSource.CURRENT.value


def _is_total(label: str) -> bool:
    return not label.startswith("其中") and any(word in label for word in _TOTAL_WORDS)


def sources_from_funding(entries: Iterable[tuple[str, Decimal | None]]) -> dict[str, Decimal]:
    """The budget by source from a project's 资金来源 lines, given as (label and 来源项目, amount) in
    order. A total line (年度金额：, 合计) and its parts (其中：中央补助 5,000) are not added twice:
    the parts are classified, and what the total holds beyond them is 当年财政拨款."""
    parts: dict[str, Decimal] = defaultdict(Decimal)
    totals: list[Decimal] = []
    for text, amount in entries:
        if amount is None:
            continue
        text = (text or "").strip()
        if _is_total(text):
            totals.append(Decimal(amount))
        else:
            parts[classify(text)] += Decimal(amount)
    rest = sum(totals, Decimal(0)) - sum(parts.values(), Decimal(0))
    if rest > 0:
        parts[FundSource.CURRENT.value] += rest
    return {source: amount for source, amount in parts.items() if amount}
