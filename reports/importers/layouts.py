"""Reading the official layouts back: each grid becomes part of an import plan.

The layouts are the exporters' own (the same grouped header, the same positions), so
what we print we can read. Values go through the same parser and column rules as the
grid; every problem names its sheet, row and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from projects.models import Project, ProjectLevel, TargetPeriods
from targets import values as tv
from targets.models import Cell, TableRow, TargetPeriod, TargetTable
from targets.selectors import project_indicator_tree, table_columns
from units import policy
from units.inputs import read_json

from ..provenance import exported_rows, sheet_source
from .annex import annex_agreement, plan_agreement_annex
from .evaluation import is_evaluation_sheet, plan_evaluation_sheet, sheet_report
from .files import Grid
from .headers import match_header
from .plan import (
    CellChange,
    Conflict,
    DirectionUpdate,
    ImportPlan,
    Issue,
    RowUpdate,
    TargetUpdate,
    access_refusal,
    state_refusal,
)
from .reading import normalise, read_value

META_SHEET = "_meta"
META_BROKEN = "请重新下载模板"
FUNDING_SUFFIX = re.compile(r"（[\d.]+万）$")


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
    data = read_json(meta.text(1, 1))
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

    rows = {}
    for row in TableRow.objects.filter(table=table).select_related("unit"):
        row.table = table  # one table object for all its rows, not one (and a project) per row
        rows[row.unit.name] = row
    # The current texts only: 100,000 cells need no model object each.
    cells = {
        (r, c): raw for r, c, raw in Cell.objects.filter(row__table=table).values_list("row_id", "column_id", "raw")
    }
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
    text = read_value(plan, grid, r, 3, "文字目标", fold=False)
    if text is not None and text != row.narrative:
        return [("", CellChange(f"{name} · 文字目标", row.narrative, text))]
    if text is not None:
        plan.unchanged += 1
    return []


def _cell_changes(plan: ImportPlan, grid: Grid, r: int, row: TableRow, name: str, positions, cells) -> RowChanges:
    """The cells of line `r` that differ from `row`'s; `positions`: (column, its index in the sheet)."""
    changes = []
    for column, index in positions:
        text = read_value(plan, grid, r, index, column.label, fold=column.value_kind != "text")
        if text is None:
            continue
        try:
            value = column.parse_once(text)
        except ValidationError as exc:
            plan.errors.append(Issue(grid.name, r, index, "；".join(exc.messages)))
            continue
        current = cells.get((row.pk, column.pk))
        before = current if current is not None else ""
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


DIRECTION_HEADERS = ("指标性质", "指标方向", "方向")


def _direction_col(grid: Grid, header: int) -> int | None:
    """The 指标性质 column of a header row, if the file has one (the bureau may add it)."""
    width = max((len(row) for row in grid.rows), default=0)
    return next((c for c in range(1, width + 1) if grid.text(header, c).replace(" ", "") in DIRECTION_HEADERS), None)


def _plan_direction(plan: ImportPlan, grid: Grid, r: int, col: int, indicator) -> None:
    written = grid.text(r, col)
    try:
        found = tv.read_direction(written)
    except ValueError as exc:
        plan.errors.append(Issue(grid.name, r, col, f"“{indicator.name}”的{exc}"))
        return
    value = found.value if found else ""
    if value == indicator.direction or any(d.indicator_id == indicator.pk for d in plan.directions):
        return
    plan.directions.append(DirectionUpdate(indicator_id=indicator.pk, direction=value))
    before = tv.Direction(indicator.direction).label if indicator.direction else "按指标值"
    plan.changes.append(CellChange(f"{indicator.name}（指标性质）", before, found.label if found else "按指标值"))


def _plan_tree(
    plan: ImportPlan,
    grid: Grid,
    project: Project,
    rows: list[int],
    period: str,
    name_col: int,
    value_col: int,
    direction_col: int | None = None,
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
        if direction_col is not None:
            _plan_direction(plan, grid, r, direction_col, indicator)
        text = read_value(plan, grid, r, value_col, indicator.name)
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
            _plan_tree(plan, grid, project, _tree_rows(grid, r + 2, 4), period, 4, 5, _direction_col(grid, r + 1))
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
    rows = list(range(header + 1, len(grid.rows) + 1))
    _plan_tree(plan, grid, project, rows, TargetPeriod.ANNUAL, 4, 5, _direction_col(grid, header))
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
        sheet = _plan_sheet(grid, user, meta=meta, source=source, project=project)
        if isinstance(sheet, Issue):
            plan.errors.append(sheet)
        else:
            plan.extend(sheet)
            recognised = True
    if not recognised and not plan.errors:
        plan.errors.append(Issue("", None, None, "文件中没有可导入的工作表"))
    return plan


def _sheet_table(grid: Grid, titles: list[str], user, *, meta, source, project) -> TargetTable | Issue | None:
    """The table a sheet is, by its title. A title is unique in a project only: a copy to a new year
    keeps one without a year, another province may use it. The file's own record (the template's
    `_meta`, an export's provenance) says which; else the one table of that title the user may open."""
    tables = TargetTable.objects.select_related("project").filter(title__in=titles)
    if project is not None:
        tables = tables.filter(project=project)
    tables = list(tables[:20])
    if len(tables) <= 1:
        return tables[0] if tables else None
    named = meta.table_id if meta is not None else (sheet_source(source, grid.name, "table") or {}).get("table")
    chosen = [t for t in tables if t.pk == named] or [t for t in tables if policy.can_open_grid(user, t)]
    if len(chosen) > 1:
        return Issue(
            grid.name, 1, 1, f"有 {len(chosen)} 张目标表名为“{chosen[0].title}”：请从该目标表页面的“导入”链接上传此文件"
        )
    return chosen[0] if chosen else tables[0]


def _titled_project(grid: Grid, titles: list[str], user) -> Project | Issue | None:
    """The project a 附件2 / 二级项目 sheet names. Titles are not unique (a copy to a new year keeps
    one without a year): of several, the one the user manages, or a refusal asking for the project."""
    projects = list(Project.objects.filter(title__in=titles)[:20])
    mine = [p for p in projects if policy.can_manage_project(user, p)] if len(projects) > 1 else projects
    if len(mine) > 1:
        return Issue(grid.name, 1, 1, f"有 {len(mine)} 个项目名为“{mine[0].title}”：请从该项目的“导入”链接上传此文件")
    return mine[0] if mine else (projects[0] if projects else None)


def _plan_sheet(grid: Grid, user, *, meta, source, project) -> ImportPlan | Issue:
    """One sheet read with the reader of the layout it is recognised as, or why it is not read."""
    if is_evaluation_sheet(grid):
        report, version, refusal = sheet_report(grid, source, user)
        return plan_evaluation_sheet(grid, report, version) if report else Issue(grid.name, 1, 1, refusal)
    first = [grid.text(r, 1) for r in range(1, 4)]
    table = _sheet_table(grid, [t for t in first if t], user, meta=meta, source=source, project=project)
    if isinstance(table, Issue):
        return table
    if table is not None:
        if not policy.can_open_grid(user, table):
            return Issue(grid.name, 1, 1, f"您无权导入“{table.title}”")
        if meta is not None and meta.table_id != table.pk:
            return Issue(grid.name, 1, 1, f"工作表“{grid.name}”与模板的识别信息不符：{META_BROKEN}")
        versions = None if meta is None else meta.versions
        return plan_unit_table(grid, table, user, versions, exported_rows(source, table.pk))
    if [grid.text(2, c) for c in range(1, 6)] == ["主管部门", "预算单位", "项目名称", "绩效目标", "绩效指标"]:
        return plan_expenditure_list(grid, user)
    annex_title = any(grid.text(r, 1).replace(" ", "").endswith("子平台年度绩效目标量化汇总表") for r in range(1, 3))
    annex_header = any(grid.text(r, 1).replace(" ", "") == "年度" and grid.text(r, 2).isdigit() for r in range(1, 3))
    if annex_title or annex_header:
        agreement, version, refusal = annex_agreement(grid, source, project, user)
        if agreement is None:
            return Issue(grid.name, 1, 1, refusal)
        return plan_agreement_annex(grid, agreement, version)
    owner = project or _titled_project(grid, [t for t in first if t], user)
    if isinstance(owner, Issue):
        return owner
    if owner is not None and any(grid.text(r, 4) == "三级指标" for r in range(1, len(grid.rows) + 1)):
        if not policy.can_manage_project(user, owner):
            return Issue(grid.name, 1, 1, f"您无权修改项目“{owner.name}”的指标")
        return plan_transfer(grid, owner) if owner.level == ProjectLevel.SECONDARY else plan_attachment2(grid, owner)
    return Issue(grid.name, 1, 1, "无法识别的工作表：表名与系统中的目标表、项目都不符，请使用本系统导出的版式或模板")
