"""指标汇总表: each project indicator that table columns count toward, against the units' sums
(the roll-up page as a printable sheet; targets.rollup computes it). When the project has a
round, two more columns give the units' 完成值 of that round (the latest, or the one chosen with
`for_round`): 完成值合计 (all filled reports) and 完成率 (÷ 目标数值), as monitoring.actuals sums
them with the same roll-up."""

from copy import copy
from decimal import Decimal

from monitoring.actuals import latest_round, round_actuals
from monitoring.models import Round
from projects.models import Project
from targets.rollup import Group, factor_label
from targets.selectors import project_rollup

from .base import Exporter, SheetWriter, number_value

# Short, to print on one line; the note above the table says 已提交 includes 已通过.
SUM_LABELS = {Group.APPROVED: "已通过", Group.SUBMITTED: "已提交", Group.FILLED: "全部已填"}
HEADERS = (
    "序号",
    "一级指标",
    "二级指标",
    "三级指标",
    "计入目标",
    "指标值",
    "目标数值",
    "计量单位",
    *(SUM_LABELS[group] for group in Group.ALL),
    "覆盖率",
    "计入单位数",
    "状态",
    "计入的列（换算系数）",
)
SUMS = 9  # the first of the three sum columns
MIN_WIDTHS = {1: 6, 2: 10, 3: 12, 4: 24, 5: 12, 6: 12, 7: 10, 8: 8, 9: 12, 10: 12, 11: 12, 12: 9, 13: 8, 14: 10, 15: 34}
MAX_WIDTHS = {4: 30, 9: 13, 10: 13, 11: 13, 13: 8, 15: 40}
COLS = len(HEADERS)
# With a round: its 完成值 after the target columns, before the (wide) list of columns counted.
ACTUAL_HEADERS = ("完成值合计", "完成率")
ACTUALS = 15  # the first of the two actual columns; 计入的列 moves to 17
ACTUAL_WIDTHS = {15: 13, 16: 9, 17: 34}


def number_format(number: Decimal | None) -> str:
    """As many decimals as the number has (47.01 → 0.00), thousands grouped: no 2,400.00."""
    if number is None:
        return "General"
    places = max(0, -Decimal(number).normalize().as_tuple().exponent)
    return "#,##0" + ("." + "0" * places if places else "")


class RollupExporter(Exporter):
    identifier = "rollup"
    title = "指标汇总表"
    takes = "project"
    permission = "view_rollup"
    bundled = False  # a working sheet of the bureau, not one of the filed 附件

    round_: Round | None = None  # None: the project's latest round, if any

    def for_round(self, round_: Round):
        """This layout with the 完成值 of `round_` (a round of the project exported)."""
        chosen = copy(self)
        chosen.round_ = round_
        return chosen

    def sheet_title(self, project: Project) -> str:
        return "指标汇总表"

    def render(self, ws, project: Project, user) -> None:
        lines = project_rollup(project)
        round_ = self.round_ if self.round_ is not None else latest_round(project)
        actuals = _actuals_by_line(round_) if round_ is not None else None
        cols = COLS + (len(ACTUAL_HEADERS) if actuals is not None else 0)
        sheet = SheetWriter(ws, cols)
        sheet.title(1, f"{project.name} 指标汇总表")
        note = "覆盖率 = 全部已填合计 ÷ 目标数值；“已提交”含已通过"
        if actuals is not None:
            note += f"；完成值：{round_}各单位全部已填报告的合计，完成率 = 完成值合计 ÷ 目标数值"
        sheet.merge(2, 1, 2, cols, note, align="right", box=False)
        _write_header(sheet, actuals is not None)
        r = 4
        for number, line in enumerate(lines, start=1):
            r += 1
            _write_line(sheet, r, number, line, actuals)
        if not lines:
            r += 1
            sheet.merge(r, 1, r, cols, "本项目还没有计入三级指标的列", align="left")
        widths = (MIN_WIDTHS, MAX_WIDTHS)
        if actuals is not None:  # the list of columns moves two places right
            widths = tuple({**{k: v for k, v in w.items() if k < ACTUALS}, **_shifted(w)} for w in widths)
            widths[0].update(ACTUAL_WIDTHS)
        sheet.set_widths(minimum=widths[0], maximum=widths[1])
        sheet.fit_heights(3, r)
        sheet.print_setup(title_rows=(1, 4), landscape=True)


def _shifted(widths: dict) -> dict:
    return {k + len(ACTUAL_HEADERS): v for k, v in widths.items() if k >= ACTUALS}


def _actuals_by_line(round_: Round) -> dict:
    return {(line.indicator.pk, line.period): line for line in round_actuals(round_)}


def _write_header(sheet: SheetWriter, with_actuals: bool) -> None:
    headers = list(HEADERS)
    if with_actuals:
        headers[ACTUALS - 1 : ACTUALS - 1] = ACTUAL_HEADERS
    for col, text in enumerate(headers, start=1):
        if not SUMS <= col < SUMS + len(Group.ALL):
            sheet.merge(3, col, 4, col, text, bold=True)
    sheet.merge(3, SUMS, 3, SUMS + len(Group.ALL) - 1, "单位合计", bold=True)
    for offset, group in enumerate(Group.ALL):
        sheet.put(4, SUMS + offset, SUM_LABELS[group], bold=True)


def _write_line(sheet: SheetWriter, r: int, number: int, line, actuals: dict | None) -> None:
    category = line.indicator.category
    target = line.target
    sheet.put(r, 1, number)
    sheet.put(r, 2, category.level1.name)
    sheet.put(r, 3, category.level2.name if category.level2 else None)
    sheet.put(r, 4, line.indicator.name, align="left")
    sheet.put(r, 5, line.period_label)
    sheet.put(r, 6, target.raw if target else "未设定")
    target_number = target.number if target is not None else None
    sheet.put(r, 7, number_value(target_number), number_format=number_format(target_number), align="right")
    sheet.put(r, 8, line.measure_unit or None)
    for offset, group in enumerate(Group.ALL):
        total = None if line.qualitative else line.sums[group]
        sheet.put(r, SUMS + offset, number_value(total), number_format=number_format(total), align="right")
    sheet.put(r, 12, line.coverage, number_format="0%", align="right")
    sheet.put(r, 13, line.units[Group.FILLED], align="right")
    sheet.put(r, 14, line.flag_label or ("定性指标" if line.qualitative else None))
    last = COLS
    if actuals is not None:
        _write_actual(sheet, r, actuals.get((line.indicator.pk, line.period)))
        last += len(ACTUAL_HEADERS)
    columns = [f"{c.table.title} · {c.header}（{_factor(c.rollup_factor)}）" for c in line.columns]
    sheet.put(r, last, "\n".join(columns), align="left")


def _write_actual(sheet: SheetWriter, r: int, actual) -> None:
    """完成值合计 (a number) and 完成率 (a %), or for a qualitative line how many units reported."""
    if actual is None or actual.qualitative:
        units = f"{actual.units[Group.FILLED]} 个单位已填报" if actual is not None else None
        sheet.put(r, ACTUALS, units)
        sheet.put(r, ACTUALS + 1, None)
        return
    total = actual.sums[Group.FILLED]
    sheet.put(r, ACTUALS, number_value(total), number_format=number_format(total), align="right")
    sheet.put(r, ACTUALS + 1, actual.coverage, number_format="0%", align="right")


def _factor(factor) -> str:
    label = factor_label(factor)
    return "×1" if label == "1" else label
