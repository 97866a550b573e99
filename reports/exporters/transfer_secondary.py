"""省财政专项转移支付绩效目标表（二级项目）: the Guangdong header and the full indicator tree."""

from projects.models import Project, ProjectLevel
from targets.selectors import project_indicator_tree
from targets.values import format_number

from .attachment2 import _merge_runs
from .base import Exporter, SheetWriter

COLS = 5
LABEL = "附件3"


def _value_text(indicator) -> str | None:
    """指标值 as written; the form has no unit column, so a unit kept apart (a write-in row's) follows it."""
    raw = indicator.annual.raw if indicator.annual else ""
    if raw and indicator.measure_unit and indicator.measure_unit not in raw:
        return f"{raw}{indicator.measure_unit}"
    return raw or None


class TransferSecondaryExporter(Exporter):
    identifier = "transfer_secondary"
    title = "省财政专项转移支付绩效目标表（二级项目）"
    takes = "project"
    permission = "view_project"

    def applies_to(self, project: Project) -> bool:
        return project.level == ProjectLevel.SECONDARY

    def sheet_title(self, project: Project) -> str:
        return project.title or self.title

    def render(self, ws, project: Project, user) -> None:
        sheet = SheetWriter(ws, COLS)
        # The seed (004) files these tables as 附件3 of the bureau's notice: the label sits above the title.
        sheet.put(1, 1, LABEL, align="left", box=False, font="黑体", measure=False)
        sheet.title(2, project.title or self.title, size=14)
        r = 3
        money = (
            f"{format_number(project.funding_requirement)}{project.money_unit}"
            if project.funding_requirement is not None
            else ""
        )
        for label, value in (
            ("项目名称", project.name),
            ("资金类型", project.fund_type),
            ("项目等级", project.get_level_display()),
        ):
            sheet.put(r, 1, label)
            sheet.merge(r, 2, r, COLS, value, align="left")
            r += 1
        sheet.put(r, 1, "省级主管部门")
        sheet.put(r, 2, project.provincial_department.name if project.provincial_department else None)
        sheet.put(r, 3, "地方主管部门")
        sheet.merge(r, 4, r, COLS, project.local_department.name if project.local_department else "", align="left")
        r += 1
        for label, value in (
            ("预算年度", f"{project.budget_year}年" if project.budget_year else ""),
            ("资金需求", money),
            ("支出内容", project.expenditure_content),
            ("政策依据", project.policy_basis),
            ("总体绩效目标", project.overall_goal),
        ):
            sheet.put(r, 1, label)
            sheet.merge(r, 2, r, COLS, value, align="left")
            r += 1
        header = r
        for col, text in enumerate((None, "一级指标", "二级指标", "三级指标", "指标值"), start=1):
            sheet.put(r, col, text, bold=True)
        r += 1
        tree = project_indicator_tree(project)
        first = r
        for indicator in tree:
            category = indicator.category
            sheet.put(r, 1, None)
            sheet.put(r, 2, category.level1.name)
            sheet.put(r, 3, category.level2.name if category.level2 else None)
            sheet.put(r, 4, indicator.name, align="left")  # a write-in row prints blank until written in
            sheet.put(r, 5, _value_text(indicator), align="left")
            r += 1
        if tree:
            sheet.merge(first, 1, r - 1, 1, "绩效指标")
            _merge_runs(sheet, 2, first, [i.category.level1.pk for i in tree])
            _merge_runs(sheet, 3, first, [i.category.pk for i in tree])
        sheet.set_widths(minimum={1: 12, 2: 10, 3: 12, 4: 40, 5: 30}, maximum={1: 14, 2: 10, 3: 14, 4: 44, 5: 34})
        sheet.fit_heights(3, r - 1)
        sheet.print_setup(title_rows=(header, header), landscape=False)
