"""Reading a 任务书 附表 (子平台年度绩效目标量化汇总表) back into the 任务书 it was exported from."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from projects.models import Agreement, AgreementMetricValue, Project
from review.engine import EDITABLE
from units import policy
from units.inputs import parse_id, read_number

from ..provenance import sheet_source
from .grids import Grid
from .plan import AnnexUpdate, CellChange, ImportPlan, Issue, MetricUpdate
from .reading import read_value


def plan_agreement_annex(grid: Grid, agreement: Agreement, version: int) -> ImportPlan:
    """The 附表 of `agreement`, as exported at `version`."""
    plan = ImportPlan(sheets=[grid.name])
    annex = AnnexUpdate(agreement_id=agreement.pk, version=version)
    header = next((r for r in range(1, len(grid.rows) + 1) if grid.text(r, 1).replace(" ", "") == "年度"), None)
    if header is None:
        plan.errors.append(Issue(grid.name, None, None, "没有找到“年度”表头行"))
        return plan
    years = {}
    for c in range(2, len(grid.rows[header - 1]) + 1):
        text = grid.text(header, c)
        if parse_id(text) is not None:  # not "²" (str.isdigit, yet no int): a wrong year
            years[c] = int(text)
    if sorted(years.values()) != agreement.years:
        plan.errors.append(
            Issue(grid.name, header, None, f"年度应为 {agreement.years}，实际为 {sorted(years.values())}")
        )
        return plan
    metrics = {m.label: m for m in agreement.metrics.prefetch_related("values")}
    first_year_col = min(years)
    for r in range(header + 1, len(grid.rows) + 1):
        # The metric's name sits left of the first year: in one cell, or beside its group.
        labels = [grid.text(r, c) for c in range(1, first_year_col) if grid.text(r, c)]
        label = labels[-1] if labels else ""
        metric = metrics.get(label)
        if metric is None:
            if label and label not in {m.group for m in metrics.values()}:
                plan.errors.append(Issue(grid.name, r, 2, f"“{label}”不是附表中的指标"))
            continue
        _plan_metric_line(plan, annex, grid, r, metric, years)
    if annex.values:
        refusal = _annex_refusal(agreement, version)
        if refusal:
            plan.errors.append(Issue(grid.name, header, None, refusal))
        plan.annexes.append(annex)
    return plan


def _plan_metric_line(plan: ImportPlan, annex: AnnexUpdate, grid: Grid, r: int, metric, years: dict[int, int]) -> None:
    """One metric's line of the 附表: each year's value checked, and those that differ planned."""
    label = metric.label
    current = {v.year: v.value for v in metric.values.all()}
    for c, year in years.items():
        text = read_value(plan, grid, r, c, f"{label} {year}年")
        if text is None:
            continue
        try:
            value = read_number(text, f"“{label}”{year}年", AgreementMetricValue._meta.get_field("value"))
        except ValidationError as exc:
            plan.errors.append(Issue(grid.name, r, c, exc.messages[0]))
            continue
        before = current.get(year)
        if before == value or (before is not None and value is not None and before.compare(value) == 0):
            plan.unchanged += 1
            continue
        annex.values.append(MetricUpdate(metric_id=metric.pk, year=year, value="" if value is None else f"{value:f}"))
        plan.changes.append(
            CellChange(
                f"{label} {year}年",
                "" if before is None else f"{before.normalize():f}",
                text,
                created=year not in current,
            )
        )


def _annex_refusal(agreement: Agreement, version: int) -> str | None:
    """The 任务书 page's own rules (review.engine): an editable status, the same version."""
    if agreement.status not in EDITABLE:
        return f"任务书当前为“{agreement.get_status_display()}”，不能导入修改"
    if agreement.version != version:
        return f"任务书在导出后已被他人修改（文件为版本 {version}，当前为版本 {agreement.version}），请重新导出后再修改导入"
    return None


def annex_agreement(
    grid: Grid, source: dict | None, project: Project | None, user
) -> tuple[Agreement | None, int, str]:
    """The 任务书 this 附表 belongs to, as the file says (its export information); a file
    without it (a Word copy) only when the project has a single 任务书. Else a refusal."""
    entry = sheet_source(source, grid.name, "agreement")
    # Only a unit's 任务书 takes values: the 任务书格式 is the bureau's template, never filled.
    agreements = Agreement.objects.issued().select_related("project", "undertaker")
    if entry is not None:
        agreement = agreements.filter(pk=entry["agreement"]).first()
        version = int(entry["version"])
    else:
        candidates = list(agreements.filter(project=project)[:2]) if project else []
        agreement = candidates[0] if len(candidates) == 1 else None
        version = agreement.version if agreement else 0
        if agreement is None:
            return None, 0, "无法确定该附表属于哪一份任务书：请在该任务书页面导出附表（.xlsx），修改后再导入"
    if agreement is None or not policy.can_view_agreement(user, agreement):
        return None, 0, "该附表所属的任务书不存在或您无权查看"
    if not policy.can_edit_agreement(user, agreement):
        return None, 0, f"您无权修改任务书“{agreement.title}”"
    return agreement, version, ""
