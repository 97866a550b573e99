"""An import in two phases: a plan that says what will change, then one transaction.

The plan is built without writing anything. It lists every error with its sheet, row and
column, every cell it would create or change (before and after), and how many it leaves
alone. Applying it goes through the same services as typing in the grid, all rows or none.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction


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
class MetricUpdate:
    metric_id: int
    year: int
    value: str  # Decimal as text; "" for blank


@dataclass
class ImportPlan:
    sheets: list[str] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    changes: list[CellChange] = field(default_factory=list)
    unchanged: int = 0
    rows: list[RowUpdate] = field(default_factory=list)
    targets: list[TargetUpdate] = field(default_factory=list)
    metrics: list[MetricUpdate] = field(default_factory=list)

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
        return f"新建 {self.created} 项，修改 {self.changed} 项，不变 {self.unchanged} 项，错误 {len(self.errors)} 项"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportPlan:
        return cls(
            sheets=data["sheets"],
            errors=[Issue(**i) for i in data["errors"]],
            warnings=[Issue(**i) for i in data["warnings"]],
            changes=[CellChange(**c) for c in data["changes"]],
            unchanged=data["unchanged"],
            rows=[RowUpdate(**r) for r in data["rows"]],
            targets=[TargetUpdate(**t) for t in data["targets"]],
            metrics=[MetricUpdate(**m) for m in data["metrics"]],
        )

    def extend(self, other: ImportPlan) -> None:
        self.sheets += other.sheets
        self.errors += other.errors
        self.warnings += other.warnings
        self.changes += other.changes
        self.unchanged += other.unchanged
        self.rows += other.rows
        self.targets += other.targets
        self.metrics += other.metrics


class ImportRefused(ValidationError):
    pass


@transaction.atomic
def plan_apply(plan: ImportPlan, *, actor) -> int:
    """Write the plan: everything, or nothing if any row moved on since the preview."""
    from targets.editing import metric_values_set, target_values_set
    from targets.services import RowEdit, rows_cells_update

    if plan.errors:
        raise ImportRefused("导入文件有错误，未导入任何数据")
    rows_cells_update(
        edits=[RowEdit(u.row_id, {int(k): v for k, v in u.values.items()}, u.version, u.narrative) for u in plan.rows],
        actor=actor,
    )
    target_values_set(updates=[(t.indicator_id, t.period, t.raw) for t in plan.targets], actor=actor)
    metric_values_set(updates=[(m.metric_id, m.year, m.value) for m in plan.metrics], actor=actor)
    return len(plan.changes)
