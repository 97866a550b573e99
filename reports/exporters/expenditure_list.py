"""项目支出绩效目标表（含转移支付项目）: one row per project, indicators as numbered text."""

from projects.models import Project, TargetPeriods
from targets.models import Indicator, TargetPeriod

from .base import Exporter, SheetWriter

HEADERS = ("主管部门", "预算单位", "项目名称", "绩效目标", "绩效指标")


def indicator_text(indicators) -> str:
    """`1、产出指标：名称，年度指标值：值。2、…` as the budget system prints it."""
    parts = []
    for number, indicator in enumerate(indicators, start=1):
        annual = next((t for t in indicator.targets.all() if t.period == TargetPeriod.ANNUAL), None)
        parts.append(
            f"{number}、{indicator.category.level1.name}：{indicator.name}，年度指标值：{annual.raw if annual else ''}。"
        )
    return "".join(parts)


def list_projects(project: Project):
    """The projects that share this form: same title and 主管部门, in order."""
    return (
        Project.objects.filter(
            title=project.title,
            competent_department=project.competent_department,
            target_periods=TargetPeriods.ANNUAL_ONLY,
        )
        .select_related("competent_department", "budget_unit")
        .order_by("order", "code")
    )


class ExpenditureListExporter(Exporter):
    identifier = "expenditure_list"
    title = "项目支出绩效目标表（含转移支付项目）"
    takes = "project"
    permission = "view_project"

    def applies_to(self, project: Project) -> bool:
        return (
            project.target_periods == TargetPeriods.ANNUAL_ONLY
            and project.budget_unit_id is not None
            and project.local_department_id is None
        )

    def sheet_title(self, project: Project) -> str:
        return "项目支出绩效目标表"

    def dedupe_key(self, project: Project):
        return (self.identifier, project.title, project.competent_department_id)

    def render(self, ws, project: Project, user) -> None:
        projects = list(list_projects(project))
        indicators = {}
        for indicator in (
            Indicator.objects.filter(project__in=projects)
            .select_related("category__parent")
            .prefetch_related("targets")
            .order_by("order")
        ):
            indicators.setdefault(indicator.project_id, []).append(indicator)
        sheet = SheetWriter(ws, len(HEADERS))
        sheet.title(1, self.title)
        for col, text in enumerate(HEADERS, start=1):
            sheet.put(2, col, text, bold=True)
        for r, item in enumerate(projects, start=3):
            # The budget system names a 主管部门 by its department: “…（部门）”.
            sheet.put(r, 1, f"{item.competent_department.name}（部门）" if item.competent_department else None)
            sheet.put(r, 2, item.budget_unit.name if item.budget_unit else None)
            sheet.put(r, 3, item.name)
            sheet.put(r, 4, item.overall_goal, align="left")
            sheet.put(r, 5, indicator_text(indicators.get(item.pk, [])), align="left")
        sheet.set_widths(minimum={1: 16, 2: 14, 3: 18, 4: 44, 5: 60}, maximum={1: 18, 2: 16, 3: 20, 4: 44, 5: 60})
        sheet.fit_heights(2, 2 + len(projects))
        sheet.print_setup(title_rows=(1, 2), landscape=True)
