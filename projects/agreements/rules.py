"""The 任务书's rules, as one pure function over its parts, so the page, the save and the
submission ask the same question."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from targets.values import format_number

from ..models import BudgetSourceKind, PlatformKind, StaffRole

# The statuses in which the undertaking unit may change its 任务书 (also read by the 附表 import).
EQUIPMENT_SHARE = Decimal("0.20")
STAFF_LIMITS = {PlatformKind.MAIN: 12, PlatformKind.SUB: 10}

# The budget's messages, worded once: the save, the submission and the page's live check
# (budget_check, asked by static/js/agreement_budget.js) format them here (amounts in 万元).
_SHARE = f"{EQUIPMENT_SHARE * 100:.0f}%"
BUDGET_MESSAGES = {
    "equipment_over": (
        "基础设施建设或信息化软硬件等设备购置共 {equipment} 万元，超过专项经费的 " + _SHARE + "（{limit} 万元）"
    ),
    "allocated_differs": "财政经费分配合计 {allocated} 万元，应等于专项经费 {special} 万元",
    "expensed_differs": "专项经费支出预算合计 {expensed} 万元，应等于专项经费 {special} 万元",
    "agree": "合计一致；设备购置 {equipment} 万元，未超过专项经费的 " + _SHARE + "（{limit} 万元）",
}


def _sum(values) -> Decimal:
    return sum((Decimal(v) for v in values if v is not None), Decimal(0))


def budget_figures(sources: dict[str, Decimal | None], allocations: list, expenses: list) -> dict:
    """Totals and shares, as the form prints them (万元, % to two places)."""
    total = _sum(sources.values())
    shares = {
        kind: (Decimal(100) * (amount or 0) / total).quantize(Decimal("0.01")) if total else None
        for kind, amount in sources.items()
    }
    special = sources.get(BudgetSourceKind.SPECIAL) or Decimal(0)
    equipment = _sum(e["amount"] for e in expenses if e.get("is_equipment"))
    return {
        "total": total,
        "shares": shares,
        "special": special,
        "allocated": _sum(a["amount"] for a in allocations),
        "expensed": _sum(e["amount"] for e in expenses),
        "equipment": equipment,
        "equipment_limit": (special * EQUIPMENT_SHARE).quantize(Decimal("0.01")),
    }


def budget_problems(figures: dict, *, complete: bool) -> list[str]:
    """Always: the 20% rule. When complete (to submit): the totals must agree."""
    problems = []
    amounts = {
        name: format_number(figures[key])
        for name, key in (
            ("equipment", "equipment"),
            ("limit", "equipment_limit"),
            ("allocated", "allocated"),
            ("expensed", "expensed"),
            ("special", "special"),
        )
    }
    if figures["equipment"] > figures["equipment_limit"]:
        problems.append(BUDGET_MESSAGES["equipment_over"].format(**amounts))
    if complete:
        if not figures["special"]:
            problems.append("请填写省知识产权局专项经费金额")
        if figures["allocated"] != figures["special"]:
            problems.append(BUDGET_MESSAGES["allocated_differs"].format(**amounts))
        if figures["expensed"] != figures["special"]:
            problems.append(BUDGET_MESSAGES["expensed_differs"].format(**amounts))
    return problems


def budget_agreement(figures: dict) -> str:
    """What the page says when the budget has no problem."""
    return BUDGET_MESSAGES["agree"].format(
        equipment=format_number(figures["equipment"]), limit=format_number(figures["equipment_limit"])
    )


def budget_check(figures: dict) -> dict:
    """What the page's budget check shows for `figures` (the stored ones, or those typed and not yet
    saved): its totals and shares as printed, and the problems a submission would meet."""
    problems = budget_problems(figures, complete=True)
    number = lambda value: "" if value is None else format_number(value)  # noqa: E731
    return {
        "total": number(figures["total"]),
        "shares": {kind: number(share) for kind, share in figures["shares"].items()},
        "allocated": number(figures["allocated"]),
        "expensed": number(figures["expensed"]),
        "problems": problems,
        "text": "".join(f"{p}。" for p in problems) or f"{budget_agreement(figures)}。",
    }


def staff_problems(staff: list[dict], kind: str, *, complete: bool) -> list[str]:
    problems = []
    limit = STAFF_LIMITS[kind]
    if len(staff) > limit:
        problems.append(f"{PlatformKind(kind).label}的项目主要参与人不得超过 {limit} 人（现有 {len(staff)} 人）")
    for role in (StaffRole.LEADER, StaffRole.FINANCE):
        count = sum(1 for person in staff if person["role"] == role)
        if count > 1 or (complete and count != 1):
            problems.append(f"须有且只有一名{role.label}（现有 {count} 名）")
    return problems


def report_due_dates(start_year: int, end_year: int, end_month: int) -> dict:
    """进展报告 by each 31 December within the period; 成果与决算报告 by the period's last day."""
    last_day = calendar.monthrange(end_year, end_month)[1]
    final = datetime.date(end_year, end_month, last_day)
    progress = [
        datetime.date(year, 12, 31) for year in range(start_year, end_year + 1) if datetime.date(year, 12, 31) <= final
    ]
    return {"progress": progress, "final": final}
