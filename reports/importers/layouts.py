"""Reading the official layouts back: each grid becomes part of an import plan.

The layouts are the exporters' own (the same grouped header, the same positions), so
what we print we can read. Values go through the same parser and column rules as the
grid; every problem names its sheet, row and column.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from projects.models import Agreement, AgreementMetricValue, Project, ProjectLevel, TargetPeriods
from targets.models import Cell, TableRow, TargetPeriod, TargetTable
from targets.review import EDITABLE
from targets.selectors import project_indicator_tree, table_columns
from units import policy
from units.inputs import check_number, check_text

from ..provenance import exported_rows, sheet_source
from .files import Grid
from .headers import match_header
from .plan import (
    AnnexUpdate,
    CellChange,
    Conflict,
    ImportPlan,
    Issue,
    MetricUpdate,
    RowUpdate,
    TargetUpdate,
    access_refusal,
    state_refusal,
)

META_SHEET = "_meta"
META_BROKEN = "请重新下载模板"
FUNDING_SUFFIX = re.compile(r"（[\d.]+万）$")


def normalise(text: str) -> str:
    """Full-width digits to ASCII and `>=`/`<=` to ≥/≤, as people mean them in a value."""
    folded = "".join(unicodedata.normalize("NFKC", ch) if "０" <= ch <= "９" else ch for ch in text)
    return folded.replace(">=", "≥").replace("<=", "≤").replace("＞＝", "≥").replace("＜＝", "≤")


def _read_value(plan: ImportPlan, grid: Grid, r: int, c: int, label: str, *, fold: bool = True) -> str | None:
    """The text of a value cell, or None (with an error) for a formula. Text targets are
    taken as written; values are folded (full-width digits, >=) with a note in the preview."""
    cell = grid.cell(r, c)
    if cell.formula:
        plan.errors.append(Issue(grid.name, r, c, f"“{label}”是公式（{cell.value}），请填写数值而不是公式"))
        return None
    text = cell.text
    try:
        check_text(text, f"“{label}”")
    except ValidationError as exc:
        plan.errors.append(Issue(grid.name, r, c, exc.messages[0]))
        return None
    fixed = normalise(text) if fold else text
    if fixed != text:
        plan.warnings.append(Issue(grid.name, r, c, f"“{text}”已按“{fixed}”读取（全角数字或 >= 写法）"))
    if isinstance(cell.value, str) and re.fullmatch(r"\d+(\.\d+)?", fixed):
        plan.warnings.append(Issue(grid.name, r, c, f"以文本形式存储的数字“{fixed}”已按数值读取"))
    return fixed


# --- per-unit tables -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateMeta:
    """What a unit template was made from: its table and the version of each of its rows."""

    table_id: int
    versions: dict[int, int]


def template_meta(grids: list[Grid]) -> TemplateMeta | None:
    """The table and row versions a unit template was made from; None for a file that is not a template.

    The sheet is user input like any other: anything but what table_template wrote (edited
    by hand, valid JSON of another shape, a number too large for a version) raises ValueError.
    """
    meta = next((g for g in grids if g.name == META_SHEET), None)
    if meta is None:
        return None
    data = json.loads(meta.text(1, 1))
    if not isinstance(data, dict) or not _is_id(data.get("table")) or not isinstance(data.get("rows"), dict):
        raise ValueError("malformed template meta")
    versions = {}
    for key, version in data["rows"].items():
        if not (key.isascii() and key.isdigit() and len(key) <= 18) or not _is_id(version):
            raise ValueError("malformed template meta")
        versions[int(key)] = version
    return TemplateMeta(table_id=data["table"], versions=versions)


def _is_id(value) -> bool:
    # bool is an int and 1e309 parses as a float: only a plain integer of database size will do.
    return type(value) is int and 0 <= value < 2**63


def plan_unit_table(
    grid: Grid, table: TargetTable, user, versions: dict[int, int] | None = None, exported: dict[int, int] | None = None
) -> ImportPlan:
    """`versions`: a template's rows (stale ones are refused); `exported`: an official
    export's rows (cells of rows saved since are conflicts to confirm)."""
    plan = ImportPlan(sheets=[grid.name])
    columns = table_columns(table)
    depth, header = match_header(grid, columns)
    plan.warnings += header.notes
    plan.errors += _header_problems(grid, table, header)
    if plan.errors:
        return plan

    rows = {r.unit.name: r for r in TableRow.objects.filter(table=table).select_related("unit", "table__project")}
    cells = {(c.row_id, c.column_id): c for c in Cell.objects.filter(row__table=table)}
    seen: set[int] = set()
    for r in range(2 + depth, len(grid.rows) + 1):
        label = grid.text(r, 2)
        if not label and not any(grid.text(r, c) for c in header.positions.values()):
            continue
        name = FUNDING_SUFFIX.sub("", label.split("\n")[0].strip())
        row = rows.get(name)
        if row is None:
            plan.errors.append(Issue(grid.name, r, 2, f"单位“{name}”不在该目标表中"))
            continue
        refusal = access_refusal(user, row)
        if refusal:
            plan.errors.append(Issue(grid.name, r, 2, refusal))
            continue
        if row.pk in seen:
            plan.errors.append(Issue(grid.name, r, 2, f"单位“{name}”在文件中出现了两次"))
            continue
        seen.add(row.pk)
        if row.narrative:
            changes = _narrative_change(plan, grid, r, row, name)
        else:
            changes = _cell_changes(plan, grid, r, row, name, [(c, header.positions[c.pk]) for c in columns], cells)
        if changes:  # the same values: nothing to write, whatever the file's version
            _plan_row(plan, grid.name, r, row, changes, versions, exported)
    return plan


def _header_problems(grid: Grid, table: TargetTable, header) -> list[Issue]:
    """The title and the header as the table has them; the first five differences, then a count."""
    wrong = []
    if grid.text(1, 1) != table.title:
        wrong.append(Issue(grid.name, 1, 1, f"表名应为“{table.title}”，实际为“{grid.text(1, 1)}”"))
    wrong += header.errors
    if len(wrong) > 5:
        more = Issue(grid.name, None, None, f"另有 {len(wrong) - 5} 处表头不符：请使用本系统导出的模板或正式版式")
        return wrong[:5] + [more]
    return wrong


# A row's changes: (column id, "" for the narrative; the change).
RowChanges = list[tuple[str, CellChange]]


def _narrative_change(plan: ImportPlan, grid: Grid, r: int, row: TableRow, name: str) -> RowChanges:
    text = _read_value(plan, grid, r, 3, "文字目标", fold=False)
    if text is not None and text != row.narrative:
        return [("", CellChange(f"{name} · 文字目标", row.narrative, text))]
    if text is not None:
        plan.unchanged += 1
    return []


def _cell_changes(plan: ImportPlan, grid: Grid, r: int, row: TableRow, name: str, positions, cells) -> RowChanges:
    """The cells of line `r` that differ from `row`'s; `positions`: (column, its index in the sheet)."""
    changes = []
    for column, index in positions:
        text = _read_value(plan, grid, r, index, column.label, fold=column.value_kind != "text")
        if text is None:
            continue
        try:
            value = column.parse(text)
        except ValidationError as exc:
            plan.errors.append(Issue(grid.name, r, index, "；".join(exc.messages)))
            continue
        current = cells.get((row.pk, column.pk))
        before = current.raw if current else ""
        if (current is not None and before == value.raw) or (current is None and value.raw == ""):
            plan.unchanged += 1
            continue
        changes.append(
            (str(column.pk), CellChange(f"{name} · {column.label}", before, value.raw, created=current is None))
        )
    return changes


def _plan_row(
    plan: ImportPlan,
    sheet: str,
    r: int,
    row: TableRow,
    changes: list[tuple[str, CellChange]],
    versions: dict[int, int] | None,
    exported: dict[int, int] | None,
) -> None:
    """One row's changes: refused, written, or (the row was saved since the export) conflicts."""
    expected = row.version if versions is None else versions.get(row.pk)
    if expected is None:  # the row is in the sheet but not in the template's own list
        plan.errors.append(Issue(sheet, r, 2, f"单位“{row.unit.name}”不在模板的识别信息中：{META_BROKEN}"))
    elif expected != row.version:
        plan.errors.append(
            Issue(
                sheet,
                r,
                2,
                f"单位“{row.unit.name}”的数据在模板下载后已被他人修改（模板为版本 {expected}，"
                f"当前为版本 {row.version}），请重新下载模板后再填写",
            )
        )
    elif refusal := state_refusal(row):
        plan.errors.append(Issue(sheet, r, 2, refusal))
    elif locked := [
        c.label for k, c in changes if not (row.column_is_editable(int(k)) if k else row.narrative_is_editable)
    ]:
        # After a partial reopen only the reopened cells may change: say so now, not at apply.
        plan.errors.append(
            Issue(sheet, r, 2, f"单位“{row.unit.name}”只重新打开了部分内容，不能修改：{'、'.join(locked)}")
        )
    elif exported is not None and exported.get(row.pk) != row.version:
        plan.conflicts += [
            Conflict(
                row_id=row.pk,
                version=row.version,
                column=key,
                label=change.label,
                exported=exported.get(row.pk, 0),
                current=change.before,
                incoming=change.after,
            )
            for key, change in changes
        ]
    else:
        plan.changes += [change for _, change in changes]
        plan.rows.append(
            RowUpdate(
                row_id=row.pk,
                version=row.version,
                values={k: c.after for k, c in changes if k},
                narrative=next((c.after for k, c in changes if not k), None),
            )
        )


# --- indicator trees (附件2, 省财政专项转移支付) ---------------------------------------------------------


def _tree_rows(grid: Grid, start: int, name_col: int) -> list[int]:
    """Data rows after a header row, until a row that is not a tree row."""
    rows = []
    for r in range(start, len(grid.rows) + 1):
        first = grid.text(r, 1)
        if first.startswith(("注", "年度绩效目标表", "长期绩效目标表")) or first == "目标名称":
            break
        if not grid.text(r, name_col) and not grid.text(r, name_col + 1):
            if grid.text(r, 2) or grid.text(r, 3):
                rows.append(r)
                continue
            break
        rows.append(r)
    return rows


def _plan_tree(
    plan: ImportPlan, grid: Grid, project: Project, rows: list[int], period: str, name_col: int, value_col: int
):
    tree = project_indicator_tree(project)
    if len(rows) != len(tree):
        plan.errors.append(
            Issue(
                grid.name,
                rows[0] if rows else None,
                None,
                f"{TargetPeriod(period).label}有 {len(rows)} 行，项目中有 {len(tree)} 个指标：导入不增删指标，请在项目编辑页增删",
            )
        )
        return
    for r, indicator in zip(rows, tree):
        name = grid.text(r, name_col)
        if name.replace("\n", "") != indicator.name.replace("\n", ""):
            plan.errors.append(
                Issue(grid.name, r, name_col, f"三级指标应为“{indicator.name}”，实际为“{name}”（导入不改名指标）")
            )
            continue
        text = _read_value(plan, grid, r, value_col, indicator.name)
        if text is None:
            continue
        try:
            indicator.parse_target(text, period)
        except ValidationError as exc:
            plan.errors.append(Issue(grid.name, r, value_col, exc.messages[0]))
            continue
        target = getattr(indicator, period)
        before = target.raw if target else ""
        if target is not None and before == text:
            plan.unchanged += 1
            continue
        plan.targets.append(TargetUpdate(indicator_id=indicator.pk, period=period, raw=text))
        plan.changes.append(
            CellChange(f"{indicator.name}（{TargetPeriod(period).label}）", before, text, created=target is None)
        )


def plan_attachment2(grid: Grid, project: Project) -> ImportPlan:
    plan = ImportPlan(sheets=[grid.name])
    found = False
    for r in range(1, len(grid.rows) + 1):
        heading = grid.text(r, 1)
        if heading in ("长期绩效目标表", "年度绩效目标表") and grid.text(r + 1, 4) == "三级指标":
            found = True
            period = TargetPeriod.LONG_TERM if heading.startswith("长期") else TargetPeriod.ANNUAL
            _plan_tree(plan, grid, project, _tree_rows(grid, r + 2, 4), period, 4, 5)
    if not found:
        plan.errors.append(
            Issue(grid.name, None, None, "没有找到“长期绩效目标表”和“年度绩效目标表”（表头应含“三级指标”）")
        )
    return plan


def plan_transfer(grid: Grid, project: Project) -> ImportPlan:
    plan = ImportPlan(sheets=[grid.name])
    header = next(
        (r for r in range(1, len(grid.rows) + 1) if grid.text(r, 2) == "一级指标" and grid.text(r, 4) == "三级指标"),
        None,
    )
    if header is None:
        plan.errors.append(Issue(grid.name, None, None, "没有找到指标表头（一级指标、二级指标、三级指标、指标值）"))
        return plan
    _plan_tree(plan, grid, project, list(range(header + 1, len(grid.rows) + 1)), TargetPeriod.ANNUAL, 4, 5)
    return plan


# --- 项目支出绩效目标表 -----------------------------------------------------------------------------


def plan_expenditure_list(grid: Grid, user) -> ImportPlan:
    plan = ImportPlan(sheets=[grid.name])
    for r in range(3, len(grid.rows) + 1):
        name = grid.text(r, 3)
        if not name:
            continue
        project = Project.objects.filter(name=name, target_periods=TargetPeriods.ANNUAL_ONLY).first()
        if project is None or not policy.can_manage_project(user, project):
            plan.errors.append(Issue(grid.name, r, 3, f"项目“{name}”不存在或您无权修改"))
            continue
        text = grid.text(r, 5)
        tree = project_indicator_tree(project)
        starts = []
        position = 0
        for number, indicator in enumerate(tree, start=1):
            prefix = f"{number}、{indicator.category.level1.name}：{indicator.name}，年度指标值："
            found = text.find(prefix, position)
            if found < 0:
                plan.errors.append(
                    Issue(grid.name, r, 5, f"未找到第 {number} 项指标“{indicator.name}”（格式：{prefix}值。）")
                )
                break
            starts.append((found, found + len(prefix), indicator))
            position = found + len(prefix)
        else:
            for index, (_, begin, indicator) in enumerate(starts):
                end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
                value = normalise(text[begin:end].removesuffix("。"))
                try:
                    indicator.parse_target(value, TargetPeriod.ANNUAL)
                except ValidationError as exc:
                    plan.errors.append(Issue(grid.name, r, 5, exc.messages[0]))
                    continue
                before = indicator.annual.raw if indicator.annual else ""
                if before == value:
                    plan.unchanged += 1
                    continue
                plan.targets.append(TargetUpdate(indicator_id=indicator.pk, period=TargetPeriod.ANNUAL, raw=value))
                plan.changes.append(
                    CellChange(f"{project.name} · {indicator.name}", before, value, created=indicator.annual is None)
                )
    return plan


# --- 任务书 附表 -----------------------------------------------------------------------------------


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
        if text.isdigit():
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
        text = _read_value(plan, grid, r, c, f"{label} {year}年")
        if text is None:
            continue
        try:
            value = Decimal(text) if text else None
        except InvalidOperation:
            plan.errors.append(Issue(grid.name, r, c, f"“{label}”{year}年应填写数字，“{text}”不是数字"))
            continue
        try:
            check_number(value, AgreementMetricValue._meta.get_field("value"), f"“{label}”{year}年")
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
    """The 任务书 page's own rules (targets.review): an editable status, the same version."""
    if agreement.status not in EDITABLE:
        return f"任务书当前为“{agreement.get_status_display()}”，不能导入修改"
    if agreement.version != version:
        return f"任务书在导出后已被他人修改（文件为版本 {version}，当前为版本 {agreement.version}），请重新导出后再修改导入"
    return None


def _annex_agreement(
    grid: Grid, source: dict | None, project: Project | None, user
) -> tuple[Agreement | None, int, str]:
    """The 任务书 this 附表 belongs to, as the file says (its export information); a file
    without it (a Word copy) only when the project has a single 任务书. Else a refusal."""
    entry = sheet_source(source, grid.name, "agreement")
    agreements = Agreement.objects.select_related("project", "undertaker")
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


# --- which layout is this sheet? --------------------------------------------------------------------


def plan_workbook(grids: list[Grid], user, *, project: Project | None = None, source: dict | None = None) -> ImportPlan:
    """Recognise each sheet by its title or header and read it with the layout's reader.

    `source`: what an official export was made from (see reports.provenance)."""
    plan = ImportPlan()
    try:
        meta = template_meta(grids)
    except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        plan.errors.append(Issue(META_SHEET, 1, 1, f"模板的识别信息已损坏，{META_BROKEN}"))
        return plan
    recognised = False
    for grid in grids:
        if grid.name == META_SHEET or not grid.rows:
            continue
        first = [grid.text(r, 1) for r in range(1, 4)]
        table = TargetTable.objects.select_related("project").filter(title__in=[t for t in first if t]).first()
        if table is not None:
            if not policy.can_open_grid(user, table):
                plan.errors.append(Issue(grid.name, 1, 1, f"您无权导入“{table.title}”"))
                continue
            if meta is not None and meta.table_id != table.pk:
                plan.errors.append(Issue(grid.name, 1, 1, f"工作表“{grid.name}”与模板的识别信息不符：{META_BROKEN}"))
                continue
            versions = None if meta is None else meta.versions
            plan.extend(plan_unit_table(grid, table, user, versions, exported_rows(source, table.pk)))
            recognised = True
            continue
        if [grid.text(2, c) for c in range(1, 6)] == ["主管部门", "预算单位", "项目名称", "绩效目标", "绩效指标"]:
            plan.extend(plan_expenditure_list(grid, user))
            recognised = True
            continue
        annex_title = any(
            grid.text(r, 1).replace(" ", "").endswith("子平台年度绩效目标量化汇总表") for r in range(1, 3)
        )
        annex_header = any(
            grid.text(r, 1).replace(" ", "") == "年度" and grid.text(r, 2).isdigit() for r in range(1, 3)
        )
        if annex_title or annex_header:
            agreement, version, refusal = _annex_agreement(grid, source, project, user)
            if agreement is None:
                plan.errors.append(Issue(grid.name, 1, 1, refusal))
                continue
            plan.extend(plan_agreement_annex(grid, agreement, version))
            recognised = True
            continue
        owner = project or Project.objects.filter(title__in=[t for t in first if t]).first()
        is_tree = any(grid.text(r, 4) == "三级指标" for r in range(1, len(grid.rows) + 1))
        if owner is not None and is_tree:
            if not policy.can_manage_project(user, owner):
                plan.errors.append(Issue(grid.name, 1, 1, f"您无权修改项目“{owner.name}”的指标"))
                continue
            if owner.level == ProjectLevel.SECONDARY:
                plan.extend(plan_transfer(grid, owner))
            else:
                plan.extend(plan_attachment2(grid, owner))
            recognised = True
            continue
        plan.errors.append(
            Issue(grid.name, 1, 1, "无法识别的工作表：表名与系统中的目标表、项目都不符，请使用本系统导出的版式或模板")
        )
    if not recognised and not plan.errors:
        plan.errors.append(Issue("", None, None, "文件中没有可导入的工作表"))
    return plan
