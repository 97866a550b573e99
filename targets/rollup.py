"""汇总 (roll-up): what the units' values of a project's tables add up to, against the
project's own indicators (DESIGN §8.2).

A table column may count toward one project indicator (`TableColumn.indicator`): each
unit's value in it, times the column's `rollup_factor` (a multiplier: 万元 → 亿元 is
0.0001, 条 → 条 is 1), adds to the indicator's target of the period the column counts
toward (`rollup_period`; blank: the annual target for a one-year table, the long-term one
for a multi-year table).

Everything here is pure: `rollup_lines` takes the linked columns, the targets and the
cells as fetched (`selectors.project_rollup` fetches them in a fixed number of queries)
and which value of a cell to add (`value`, by default the number the unit wrote;
`monitoring.actuals` passes the 完成值 reported in a round, with the report's status).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from review.engine import ReviewStatus
from units import inputs

from . import values as tv
from .models import TableColumn, Target, TargetPeriod, ValueKind

# --- the factor ---------------------------------------------------------------------------

# Units of money the product converts by itself; any other pair of units needs a factor typed.
MONEY_SCALE = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
_DIVIDE = re.compile(r"^\s*(?:1\s*)?[/÷]\s*(?P<divisor>[\d,，.]+)\s*$")


def unit_factor(column_unit: str, target_unit: str) -> Decimal | None:
    """The factor from a column's unit to a target's: 1 for the same unit (or one not given),
    the money scale for 元/万元/亿元, None where the product cannot tell (件 → 亿元)."""
    if not column_unit or not target_unit or column_unit == target_unit:
        return Decimal(1)
    if column_unit in MONEY_SCALE and target_unit in MONEY_SCALE:
        return MONEY_SCALE[column_unit] / MONEY_SCALE[target_unit]
    return None


def parse_factor(text: str, where: str) -> Decimal:
    """A factor as typed: `0.0001`, `1/10000` or `÷10000` (the same), `1`. Refused in Chinese
    unless it is a number greater than 0 that the column can store exactly."""
    text = (text or "").strip()
    divide = _DIVIDE.match(text)
    try:
        if divide:
            divisor = tv.parse_number(divide["divisor"])
            factor = Decimal(1) / divisor if divisor else Decimal(0)
        else:
            factor = tv.parse_number(text)
    except (tv.ParseError, InvalidOperation, ArithmeticError):
        raise ValidationError(f"{where}的换算系数“{text}”不是数字（如 1、0.0001 或 1/10000）") from None
    if factor <= 0:
        raise ValidationError(f"{where}的换算系数应大于 0")
    field_ = TableColumn._meta.get_field("rollup_factor")
    inputs.check_number(factor.to_integral_value(rounding="ROUND_DOWN"), field_, f"{where}的换算系数")
    # Checked for size first: quantize() of 1e999999 or fifty 9s raises InvalidOperation (a 500).
    if factor != factor.quantize(Decimal(1).scaleb(-field_.decimal_places), rounding="ROUND_DOWN"):
        raise ValidationError(f"{where}的换算系数“{text}”超过 {field_.decimal_places} 位小数，无法精确保存")
    inputs.check_number(factor, field_, f"{where}的换算系数")
    return factor


def factor_label(factor: Decimal) -> str:
    """How a factor reads: `1`, `÷10,000` (万元 → 亿元), `×10,000`, `×0.5`."""
    factor = Decimal(factor)
    if factor == 1:
        return "1"
    inverse = Decimal(1) / factor
    if factor < 1 and inverse == inverse.to_integral_value():
        return f"÷{int(inverse):,}"
    if factor == factor.to_integral_value():
        return f"×{int(factor):,}"
    return f"×{tv.format_number(factor)}"


def factor_input(factor: Decimal) -> str:
    """A stored factor as the editor shows it for typing again: `1`, `1/10000`, `0.5`."""
    factor = Decimal(factor)
    inverse = Decimal(1) / factor
    if factor < 1 and inverse == inverse.to_integral_value():
        return f"1/{int(inverse)}"
    return tv.format_number(factor)


def counted_period(column: TableColumn) -> str:
    """The target a column counts toward: as set, else by its table's years."""
    if column.rollup_period:
        return column.rollup_period
    table = column.table
    return TargetPeriod.ANNUAL if table.start_year == table.end_year else TargetPeriod.LONG_TERM


# --- the sums -----------------------------------------------------------------------------


class Group:
    """Which rows a sum counts, by the row's status (review.engine)."""

    APPROVED = "approved"  # 已通过
    SUBMITTED = "submitted"  # 已提交 or 已通过
    FILLED = "filled"  # every row with a value, whatever its status

    ALL = (APPROVED, SUBMITTED, FILLED)
    LABELS = {APPROVED: "已通过", SUBMITTED: "已提交（含已通过）", FILLED: "全部已填"}
    STATUSES = {
        APPROVED: frozenset({ReviewStatus.APPROVED}),
        SUBMITTED: frozenset({ReviewStatus.SUBMITTED, ReviewStatus.APPROVED}),
        FILLED: frozenset(ReviewStatus),
    }


class Flag:
    SHORT = "short"  # a ≥ / > / bare target the sum does not reach
    EXCEEDED = "exceeded"  # a ≤ / < target the sum goes over
    COVERED = "covered"  # a ≥ / > / bare target reached
    WITHIN = "within"  # a ≤ / < target kept
    LABELS = {SHORT: "未达目标", EXCEEDED: "超过上限", COVERED: "已覆盖", WITHIN: "未超上限"}


@dataclass(frozen=True)
class CellFigure:
    """One cell as fetched for the roll-up: where it is, its row's status and what it holds."""

    column_id: int
    unit_id: int
    status: str
    kind: str
    number: Decimal | None


def cell_number(cell: CellFigure) -> Decimal | None:
    """The value a unit wrote, when it is a number (`500`, `≥70`); a sentence or text is not."""
    return cell.number if cell.kind == tv.Kind.QUANTITY else None


@dataclass
class RollupLine:
    """One project indicator against what the columns linked to it add up to."""

    indicator: object
    period: str
    target: Target | None
    columns: list[TableColumn] = field(default_factory=list)
    qualitative: bool = False
    sums: dict[str, Decimal] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)
    unreadable: int = 0  # filled cells of a numeric column without a number to add
    coverage: Decimal | None = None  # the all-filled sum ÷ the target's number
    flag: str = ""

    @property
    def period_label(self) -> str:
        return TargetPeriod(self.period).label

    @property
    def coverage_percent(self) -> int | None:
        return None if self.coverage is None else int((self.coverage * 100).to_integral_value(rounding="ROUND_HALF_UP"))

    @property
    def flag_label(self) -> str:
        return Flag.LABELS.get(self.flag, "")

    @property
    def measure_unit(self) -> str:
        return (self.target.measure_unit if self.target else "") or self.indicator.measure_unit

    @property
    def figures(self) -> list[dict]:
        """Per status group, for a page: the sum as text (`2,400`) and the units counted."""
        return [
            {
                "group": group,
                "label": Group.LABELS[group],
                "sum": None if self.qualitative else self.sums[group],
                "text": "" if self.qualitative else number_text(self.sums[group]),
                "units": self.units[group],
            }
            for group in Group.ALL
        ]


def number_text(number: Decimal | None) -> str:
    """`2,400`, `47.01`: grouped, no trailing zeros; blank for None."""
    return "" if number is None else format(plain(number), ",f")


def judge(comparator: str, target: Decimal | None, total: Decimal | None) -> str:
    """The flag of a sum against a target number: short of a ≥ / > / bare (or =) target,
    over a ≤ / < (or =) one."""
    if target is None or total is None:
        return ""
    if comparator in (tv.Comparator.LE, tv.Comparator.LT):
        over = total >= target if comparator == tv.Comparator.LT else total > target
        return Flag.EXCEEDED if over else Flag.WITHIN
    if comparator == tv.Comparator.EQ and total > target:
        return Flag.EXCEEDED
    short = total <= target if comparator == tv.Comparator.GT else total < target
    return Flag.SHORT if short else Flag.COVERED


def rollup_lines(
    columns: Iterable[TableColumn],
    targets: Iterable[Target],
    cells: Iterable[CellFigure],
    *,
    value: Callable[[CellFigure], Decimal | None] = cell_number,
) -> list[RollupLine]:
    """One line per (indicator, period) that some column counts toward, in the indicators'
    order. `columns` are the linked ones (with `.table` and `.indicator`); `value` says
    which number of a cell is added (None: nothing to add)."""
    columns = list(columns)
    target_of = {(t.indicator_id, t.period): t for t in targets}
    lines: dict[tuple[int, str], RollupLine] = {}
    line_of_column: dict[int, RollupLine] = {}
    for column in columns:
        key = (column.indicator_id, counted_period(column))
        line = lines.get(key)
        if line is None:
            line = lines[key] = RollupLine(indicator=column.indicator, period=key[1], target=target_of.get(key))
        line.columns.append(column)
        line_of_column[column.pk] = line
    for line in lines.values():
        line.qualitative = all(c.value_kind == ValueKind.TEXT for c in line.columns)
    _add_cells(line_of_column, {c.pk: c for c in columns}, cells, value)
    for line in lines.values():
        target = line.target
        if not line.qualitative and target is not None and target.number is not None:
            total = line.sums[Group.FILLED]
            line.coverage = (total / target.number).quantize(Decimal("0.0001")) if target.number else None
            line.flag = judge(target.comparator, target.number, total)
    return sorted(lines.values(), key=lambda line: (line.indicator.order, line.period != TargetPeriod.ANNUAL))


def _add_cells(line_of_column, column_of, cells, value) -> None:
    counted: dict[int, dict[str, set[int]]] = {}
    for line in line_of_column.values():
        line.sums = dict.fromkeys(Group.ALL, Decimal(0))
        counted[id(line)] = {group: set() for group in Group.ALL}
    for cell in cells:
        line = line_of_column.get(cell.column_id)
        if line is None or cell.kind == tv.Kind.BLANK:
            continue
        column = column_of[cell.column_id]
        if line.qualitative or column.value_kind == ValueKind.TEXT:
            number = None
        else:
            number = value(cell)
            if number is None:
                line.unreadable += 1
                continue
            number = number * column.rollup_factor
        for group in Group.ALL:
            if cell.status in Group.STATUSES[group]:
                if number is not None:
                    line.sums[group] += number
                counted[id(line)][group].add(cell.unit_id)
    for line in line_of_column.values():
        line.units = {group: len(units) for group, units in counted[id(line)].items()}
        line.sums = {} if line.qualitative else {group: plain(total) for group, total in line.sums.items()}


def plain(number: Decimal) -> Decimal:
    """Without the trailing zeros a factor's ten places leave (47.0100000000 → 47.01), never in
    exponent form (2400, not 2.4E+3)."""
    number = number.normalize()
    return number.quantize(Decimal(1)) if number.as_tuple().exponent > 0 else number
