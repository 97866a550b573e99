"""An import in two phases: a plan that says what will change, then one transaction.

The plan is built without writing anything. It lists every error with its sheet, row and
column, every cell it would create or change (before and after), and how many it leaves
alone. Applying it goes through the same services as typing in the grid, all rows or none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from monitoring.services import report_save
from projects.agreements.services import agreement_save_annex
from projects.models import Agreement, Project
from targets.editing import indicator_directions_set, target_values_set
from targets.models import Indicator, TableStatus
from targets.services import RowEdit, rows_cells_update
from units import policy


@dataclass
class Issue:
    sheet: str
    row: int | None
    col: int | None
    message: str

    def __str__(self):
        where = f"工作表“{self.sheet}”"
        if self.row:
            where += f"第{self.row}行"
        if self.col:
            where += f"第{self.col}列"
        return f"{where}：{self.message}"


@dataclass
class CellChange:
    label: str  # 单位 · 指标, or 指标（期间）
    before: str
    after: str
    created: bool = False


@dataclass
class RowUpdate:
    row_id: int
    version: int
    values: dict[str, str]  # column id -> raw
    narrative: str | None = None


@dataclass
class TargetUpdate:
    indicator_id: int
    period: str
    raw: str


@dataclass
class DirectionUpdate:
    """An indicator's 指标性质 read from an import's 指标性质 column (as written: 正向, ≤ …)."""

    indicator_id: int
    direction: str


@dataclass
class MetricUpdate:
    metric_id: int
    year: int
    value: str  # Decimal as text; "" for blank


@dataclass
class AnnexUpdate:
    """A 任务书's 附表 values, written through the 任务书's own service at this version."""

    agreement_id: int
    version: int
    values: list[MetricUpdate] = field(default_factory=list)


@dataclass
class ReportUpdate:
    """A monitoring report's 完成值, texts and budget read from its 自评表 / 监控表."""

    report_id: int
    version: int
    values: dict[str, dict[str, str]]  # value id -> {field: text}
    budget: dict[str, dict[str, str]]  # source -> {field: Decimal as text, "" for blank}
    texts: dict[str, str]


@dataclass
class Conflict:
    """A cell the file would change in a row someone saved after the file was exported.

    The file may carry the importer's own edit or the old value of someone else's; only
    the importer can tell, so it is written only when confirmed, one by one."""

    row_id: int
    version: int  # the row's version at the preview: applying refuses if it moved again
    column: str  # column id, "" for the narrative
    label: str
    exported: int  # the row's version in the file
    current: str
    incoming: str


@dataclass
class ImportPlan:
    sheets: list[str] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    changes: list[CellChange] = field(default_factory=list)
    unchanged: int = 0
    rows: list[RowUpdate] = field(default_factory=list)
    targets: list[TargetUpdate] = field(default_factory=list)
    annexes: list[AnnexUpdate] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    reports: list[ReportUpdate] = field(default_factory=list)
    directions: list[DirectionUpdate] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def created(self) -> int:
        return sum(1 for c in self.changes if c.created)

    @property
    def changed(self) -> int:
        return sum(1 for c in self.changes if not c.created)

    def summary(self) -> str:
        text = f"新建 {self.created} 项，修改 {self.changed} 项，不变 {self.unchanged} 项，错误 {len(self.errors)} 项"
        if self.conflicts:
            text += f"，导出后已被他人修改 {len(self.conflicts)} 项（须逐项确认）"
        return text

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportPlan:
        plan = cls(
            sheets=data["sheets"],
            errors=[Issue(**i) for i in data["errors"]],
            warnings=[Issue(**i) for i in data["warnings"]],
            changes=[CellChange(**c) for c in data["changes"]],
            unchanged=data["unchanged"],
            rows=[RowUpdate(**r) for r in data["rows"]],
            targets=[TargetUpdate(**t) for t in data["targets"]],
            annexes=[
                AnnexUpdate(a["agreement_id"], a["version"], [MetricUpdate(**m) for m in a["values"]])
                for a in data.get("annexes", [])
            ],
            conflicts=[Conflict(**c) for c in data.get("conflicts", [])],
            reports=[ReportUpdate(**r) for r in data.get("reports", [])],
            directions=[DirectionUpdate(**d) for d in data.get("directions", [])],
        )
        if data.get("metrics"):  # a preview stored before 附表 imports named their 任务书
            plan.errors.append(Issue("", None, None, "该预览已过期，请重新上传文件"))
        return plan

    def extend(self, other: ImportPlan) -> None:
        self.sheets += other.sheets
        self.errors += other.errors
        self.warnings += other.warnings
        self.changes += other.changes
        self.unchanged += other.unchanged
        self.rows += other.rows
        self.targets += other.targets
        self.annexes += other.annexes
        self.conflicts += other.conflicts
        self.reports += other.reports
        self.directions += other.directions


class ImportRefused(ValidationError):
    pass


def access_refusal(user, row, now=None) -> str | None:
    """Why `user` may not import into `row` at all now (who they are, the table's state), or None."""
    name, table = row.unit.name, row.table
    if not policy.can_view_row(user, row):
        return f"您无权导入单位“{name}”的数据"
    if not policy.reviews_project(user, table.project):  # the bureau imports past the window
        if table.status != TableStatus.OPEN:
            return f"“{table.title}”{table.get_status_display()}，不能导入单位“{name}”的数据"
        if policy.deadline_passed(table, now):
            # After the deadline the unit can no longer submit: the bureau imports on its behalf.
            return f"“{table.title}”已过截止时间，不能导入单位“{name}”的数据"
    if not policy.can_edit_row(user, row):
        return f"您无权导入单位“{name}”的数据"
    return None


def state_refusal(row) -> str | None:
    if not row.is_editable:
        return f"单位“{row.unit.name}”的填报为“{row.get_status_display()}”，不能导入修改"
    return None


def row_refusal(user, row, now=None) -> str | None:
    """Why `user` may not write `row` by import now, or None. The preview asks this
    (see layouts.plan_unit_table), and the apply again inside its transaction, rows locked."""
    return access_refusal(user, row, now) or state_refusal(row)


@transaction.atomic
def plan_apply(plan: ImportPlan, *, actor, confirmed: Iterable[int] = ()) -> int:
    """Write the plan: everything, or nothing if any row moved on since the preview, or
    the user may no longer write it (permission, table closed, deadline, row submitted).
    Of the conflicts, only those whose index is in `confirmed` are written.

    `actor` None is the system (the command line): it has the bureau admin's rights."""
    if plan.errors:
        raise ImportRefused("导入文件有错误，未导入任何数据")
    user = actor if actor is not None else policy.system_user()
    edits = _row_edits(plan, set(confirmed))
    # Asked again of the rows as they are locked for the write: a close or a submit waits for us.
    rows_cells_update(edits=edits, actor=actor, check=lambda rows: _refuse_rows(user, rows))
    _recheck_projects(user, [t.indicator_id for t in plan.targets] + [d.indicator_id for d in plan.directions])
    target_values_set(updates=[(t.indicator_id, t.period, t.raw) for t in plan.targets], actor=actor)
    if plan.directions:
        indicator_directions_set(updates=[(d.indicator_id, d.direction) for d in plan.directions], actor=actor)
    for annex in plan.annexes:
        _annex_apply(annex, user=user, actor=actor)
    apply_report_updates(plan.reports, user=user)
    return len(plan.changes) + sum(1 for i in set(confirmed) if 0 <= i < len(plan.conflicts))


def _row_edits(plan: ImportPlan, confirmed: set[int]):
    edits = [RowEdit(u.row_id, {int(k): v for k, v in u.values.items()}, u.version, u.narrative) for u in plan.rows]
    by_row: dict[int, RowEdit] = {}
    for index, conflict in enumerate(plan.conflicts):
        if index not in confirmed:
            continue
        edit = by_row.setdefault(conflict.row_id, RowEdit(conflict.row_id, {}, conflict.version))
        if conflict.column:
            edit.values[int(conflict.column)] = conflict.incoming
        else:
            edit.narrative = conflict.incoming
    return edits + list(by_row.values())


def _refuse_rows(user, rows) -> None:
    problems = [problem for row in rows if (problem := row_refusal(user, row))]
    if problems:
        raise ImportRefused(problems)


def _recheck_projects(user, indicator_ids: list[int]) -> None:
    if not indicator_ids:
        return
    for project in Project.objects.filter(pk__in=Indicator.objects.filter(pk__in=indicator_ids).values("project_id")):
        if not policy.can_manage_project(user, project):
            raise ImportRefused(f"您无权修改项目“{project.name}”的指标")


def _annex_apply(annex: AnnexUpdate, *, user, actor) -> None:
    agreement = Agreement.objects.select_related("project", "undertaker").filter(pk=annex.agreement_id).first()
    if agreement is None or not policy.can_edit_agreement(user, agreement):
        raise ImportRefused("该任务书不存在或您无权修改")
    values = {(m.metric_id, m.year): Decimal(m.value) if m.value else None for m in annex.values}
    # The page's own service: it locks the 任务书 and checks its status and version.
    agreement_save_annex(agreement_id=agreement.pk, expected_version=annex.version, values=values, actor=actor)


def apply_report_updates(updates: list[ReportUpdate], *, user) -> None:
    """Write each report through the service (its own checks and audit), inside the caller's transaction."""
    for update in updates:
        if any(not isinstance(figures, dict) for figures in update.budget.values()):
            raise ValidationError("该预览已过期，请重新上传文件")  # stored before the budget was by source
        budget = {
            source: {k: (Decimal(v) if v != "" else None) for k, v in figures.items()}
            for source, figures in update.budget.items()
        }
        try:
            with transaction.atomic():
                report_save(
                    report_id=update.report_id,
                    expected_version=update.version,
                    actor=user,
                    values={int(k): v for k, v in update.values.items()},
                    budget=budget,
                    texts=update.texts,
                )
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from None
