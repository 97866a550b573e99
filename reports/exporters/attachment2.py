"""附件2 项目绩效目标表: header block, 长期目标, 长期 and 年度 indicator tables, the 注."""

from projects.models import Project, TargetPeriods
from targets.selectors import project_indicator_tree

from .base import Exporter, SheetWriter

COLS = 6


def _merge_runs(sheet, col: int, first: int, keys: list):
    """Merge vertically consecutive rows that share a category, as the form does."""
    start = 0
    for index in range(1, len(keys) + 1):
        if index == len(keys) or keys[index] != keys[start]:
            if index - start > 1:
                sheet.merge(first + start, col, first + index - 1, col)
            start = index


class Attachment2Exporter(Exporter):
    identifier = "attachment2"
    title = "附件2 项目绩效目标表"
    takes = "project"
    permission = "view_project"

    def applies_to(self, project: Project) -> bool:
        return project.target_periods == TargetPeriods.LONG_TERM_AND_ANNUAL

    def sheet_title(self, project: Project) -> str:
        return "附件2 项目绩效目标表"

    def render(self, ws, project: Project, user) -> None:
        sheet = SheetWriter(ws, COLS)
        sheet.put(1, 1, "附件2", align="left", box=False, font="黑体", measure=False)
        sheet.title(2, project.title or project.name)
        sheet.merge(3, 1, 3, COLS, f"单位：{project.money_unit}", align="right", box=False)
        r = _write_project_block(sheet, project, 4)
        sheet.merge(r, 1, r, COLS, "项目绩效总目标", bold=True)
        sheet.put(r + 1, 1, "名称")
        sheet.merge(r + 1, 2, r + 1, COLS, "目标说明")
        long_goal_row = r + 2
        sheet.put(long_goal_row, 1, "长期目标")
        sheet.merge(long_goal_row, 2, long_goal_row, COLS, project.long_term_goal, align="left")
        r = _write_indicator_tables(sheet, project_indicator_tree(project), long_goal_row + 1)
        sheet.merge(r, 1, r, COLS, project.note, align="left", box=False)
        sheet.set_widths(minimum={1: 12, 2: 10, 3: 12, 4: 30, 5: 12, 6: 24}, maximum={4: 34, 6: 30})
        sheet.fit_heights(4, r)
        sheet.heights[long_goal_row] = max(sheet.heights.get(long_goal_row) or 0, 80)
        sheet.print_setup(title_rows=None, landscape=False)


def _write_project_block(sheet: SheetWriter, project: Project, r: int) -> int:
    """项目名称 to 项目资金来源, from row `r`; returns the next free row."""
    sheet.put(r, 1, "项目名称")
    sheet.merge(r, 2, r, COLS, project.name, align="left")
    r += 1
    sheet.put(r, 1, "项目主管部门")
    sheet.merge(r, 2, r, COLS, project.competent_department.name if project.competent_department else "", align="left")
    r += 1
    for left, right in (
        (("项目负责人", project.leader), ("联系电话", project.phone)),
        (("单位地址", project.address), ("邮政编码", project.postcode)),
    ):
        sheet.put(r, 1, left[0])
        sheet.merge(r, 2, r, 3, left[1], align="left")
        sheet.put(r, 4, right[0])
        sheet.merge(r, 5, r, COLS, right[1], align="left")
        r += 1
    sources = list(project.funding_sources.order_by("order"))
    sheet.merge(r, 1, r + len(sources), 1, "项目资金来源")
    sheet.merge(r, 2, r, 3, "来源项目")
    sheet.merge(r, 4, r, COLS, "金额")
    for offset, source in enumerate(sources, start=1):
        sheet.merge(r + offset, 2, r + offset, 3, f"{source.source_project}{source.label}", align="left")
        sheet.merge(r + offset, 4, r + offset, COLS, None)
        if source.amount is not None:
            sheet.put(r + offset, 4, source.amount, number_format="#,##0.00", align="right")
    return r + len(sources) + 1


def _write_indicator_tables(sheet: SheetWriter, tree, r: int) -> int:
    """长期绩效目标表 then 年度绩效目标表, from row `r`; returns the next free row."""
    for heading, first_header, period, basis_header in (
        ("长期绩效目标表", "绩效指标", "long_term", "标准值确定依据"),
        ("年度绩效目标表", "目标名称", "annual", "指标值确定依据"),
    ):
        sheet.merge(r, 1, r, COLS, heading, bold=True)
        r += 1
        for col, text in enumerate((first_header, "一级指标", "二级指标", "三级指标", "指标值", basis_header), start=1):
            sheet.put(r, col, text, bold=True)
        r += 1
        first = r
        for number, indicator in enumerate(tree, start=1):
            target = getattr(indicator, period)
            category = indicator.category
            sheet.put(r, 1, f"年度目标{number:02d}" if period == "annual" else None)
            sheet.put(r, 2, category.level1.name)
            sheet.put(r, 3, category.level2.name if category.level2 else None)
            sheet.put(r, 4, indicator.name, align="left")
            sheet.put(r, 5, target.raw if target else None)
            sheet.put(r, 6, indicator.basis or None, align="left")
            r += 1
        if period == "long_term" and tree:
            sheet.merge(first - 1, 1, r - 1, 1, "绩效指标")
        _merge_runs(sheet, 2, first, [i.category.level1.pk for i in tree])
        _merge_runs(sheet, 3, first, [i.category.pk for i in tree])
        if tree and tree[0].basis and not any(i.basis for i in tree[1:]):
            sheet.merge(first, 6, r - 1, 6)  # one basis for the whole table, as in the form
    return r
