"""绩效运行监控 and 绩效自评 (DESIGN §8 steps 4-5): what each unit reports against its approved targets.

The shape, for whoever builds on it (forms, imports, summaries):

- `Round`: the bureau opens one on a project — mid-year monitoring (`kind=monitoring`, with its
  `reference_date`, e.g. 2022-06-30) or the year-end self-evaluation (`kind=self_evaluation`) —
  with a deadline and the `lag_threshold` (percentage points) above which a lagging target needs
  偏差原因 and 纠偏措施. Unique per (project, kind, reference_date).
- `Report` (a `review.engine.Reviewable`): one per round × unit that has approved rows in the
  project's tables, plus one per round with `unit=None` for the project's own annual indicators
  (the 附件2 level, filled by the bureau). Its 项目资金 block is `ReportBudget`, one line per source
  (当年财政拨款 / 上年结转资金 / 其他资金): 年初预算数 and 全年预算数 set by the bureau (prefilled from
  the project's 资金来源, the unit's row funding or its 任务书's budget), 执行数 and 全年预计执行数
  reported by the unit; `budget` reads it (`monitoring.budget`): a report without any 全年预算数 has
  its 10 budget points 不适用 and the total scaled to 100. `goal_achievement` is the unit's own
  account of the 年度总体目标 (实际完成情况).
- `ReportValue` (a `targets.models.TargetValueFields`: the 完成值 as written and its reading):
  one per report × approved `Cell` (unit reports) or × `Indicator` (project report). The target
  is kept as it was when the round opened (`target_raw`, read with `target_unit`), so a later
  change to the table does not move a report. It holds the unit's monitoring answers (全年预计完成值,
  完成目标可能性, 偏差原因 by category and in words, 完成目标采取的措施), its 偏差原因分析及改进措施
  at year end, and the reviewer's grade (`grade` + `grade_percent`, `graded_by/at`) for
  qualitative targets and unmet "=" targets.
- `Weight`: the bureau's weight of a column (unit tables) or an indicator (project level) in a
  round; the weights of one table (or of the project's indicators) sum to 90. Missing: equal.
- `ReportSnapshot`: a report's values and budget at each workflow step (the page shows the
  changes since the last return / approval / reopening, as for rows).
- `GradeLevel`: the grade table as data (达成 100, 部分达成 judged, 未达成 0).
- `Evidence`: 佐证材料 attached to a report or one of its values, stored through the default
  storage under `monitoring/evidence/` (never served as a media URL; the download view checks
  the policy and answers as an attachment).

Scores are never stored: `monitoring.scoring` computes them from these rows (pure functions), and
`monitoring.selectors.report_page` gathers them for a page or an export.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse

from review.engine import Reviewable, ReviewEvent
from targets import values as tv
from targets.models import TargetValueFields, part_shares, value_constraints
from units import inputs
from units.models import Unit

from .answers import DeviationCategory, Likelihood
from .budget import Budget, FundSource, budget_of


class RoundKind(models.TextChoices):
    MONITORING = "monitoring", "绩效运行监控"
    SELF_EVALUATION = "self_evaluation", "绩效自评"


class RoundStatus(models.TextChoices):
    OPEN = "open", "填报中"
    CLOSED = "closed", "已结束"


class Round(models.Model):
    """A monitoring or self-evaluation round of a project, opened by the bureau."""

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.CASCADE, related_name="monitoring_rounds"
    )
    kind = models.CharField("类型", max_length=20, choices=RoundKind.choices)
    year = models.PositiveIntegerField("年度")
    reference_date = models.DateField("监控时点")
    deadline = models.DateTimeField("截止时间", null=True, blank=True)
    lag_threshold = inputs.DecimalField(
        "偏差阈值（百分点）",
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        help_text="进度落后于时间超过此值须说明原因",
    )
    status = models.CharField("状态", max_length=16, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Meta:
        verbose_name = "监控/自评轮次"
        verbose_name_plural = "监控/自评轮次"
        ordering = ["project", "-reference_date", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind", "reference_date"], name="round_once_per_date"),
            models.CheckConstraint(
                condition=models.Q(lag_threshold__gte=0, lag_threshold__lte=100), name="round_threshold_percent"
            ),
        ]

    def __str__(self):
        return f"{self.year}年{self.get_kind_display()}（{self.reference_date:%Y-%m-%d}）"

    @property
    def is_monitoring(self) -> bool:
        return self.kind == RoundKind.MONITORING

    @property
    def form_name(self) -> str:
        """The form each report of this round prints as."""
        return "监控表" if self.is_monitoring else "自评表"


class GradeLevel(models.Model):
    """A reviewer's grade of a qualitative (or unmet "=") target. `percent` None: judged per value."""

    code = models.SlugField("代码", max_length=20, unique=True)
    name = models.CharField("等级", max_length=20)
    percent = inputs.DecimalField("得分比例（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "评定等级"
        verbose_name_plural = "评定等级"
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    @property
    def is_judged(self) -> bool:
        return self.percent is None

    @classmethod
    def in_force(cls) -> list[GradeLevel]:
        """The grade table. Grading cannot work without one: a database emptied since its data
        migration ran (`flush`, a restore of the data only) gets the rules' three levels back."""
        levels = list(cls.objects.all())
        if not levels:
            for code, name, percent, order in DEFAULT_GRADE_LEVELS:
                cls.objects.get_or_create(code=code, defaults={"name": name, "percent": percent, "order": order})
            levels = list(cls.objects.all())
        return levels


# DESIGN §8 step 5: 达成 100%, 部分达成 judged per value, 未达成 0% (migration 0002 writes the same).
DEFAULT_GRADE_LEVELS = [
    ("achieved", "达成", Decimal("100"), 1),
    ("partial", "部分达成", None, 2),
    ("not_achieved", "未达成", Decimal("0"), 3),
]


class Report(Reviewable):
    """One unit's (or, with no unit, the project's) report in a round."""

    round = models.ForeignKey(Round, verbose_name="轮次", on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(
        Unit, verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT, related_name="monitoring_reports"
    )
    budget_reason = models.TextField("预算执行偏低原因", blank=True)
    goal_achievement = models.TextField("实际完成情况", blank=True, help_text="年度总体目标的实际完成情况（单位填写）")
    conclusion = models.TextField("评价结论", blank=True)
    problems = models.TextField("存在问题", blank=True)
    improvements = models.TextField("改进措施", blank=True)

    class Meta:
        verbose_name = "监控/自评报告"
        verbose_name_plural = "监控/自评报告"
        ordering = ["round", "unit__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="report_once_per_unit"),
            models.UniqueConstraint(
                fields=["round"], condition=models.Q(unit__isnull=True), name="report_one_project_level"
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="report_version_positive"),
        ]

    def __str__(self):
        return f"{self.round} / {self.owner_label}"

    @property
    def owner_label(self) -> str:
        return self.unit.name if self.unit_id else "项目整体（附件2）"

    @property
    def project(self):
        return self.round.project

    def get_absolute_url(self) -> str:
        return reverse("monitoring:report", args=[self.pk])

    @property
    def budget(self) -> Budget:
        """The 项目资金 block (one query, or none when `budget_lines` is prefetched)."""
        return budget_of(self.budget_lines.all())

    @property
    def budget_applicable(self) -> bool:
        return self.budget.applicable

    @property
    def execution_rate(self) -> Decimal | None:
        """执行率 as a fraction: the total 执行数 ÷ the total 全年预算数."""
        return self.budget.rate

    # --- as a reviewable (review.engine) ---
    audit_code = "monitoring.report"
    review_noun = "报告"
    review_rules = {
        ReviewEvent.SUBMITTED: "can_submit_report",
        ReviewEvent.RETURNED: "can_review_report",
        ReviewEvent.APPROVED: "can_review_report",
        ReviewEvent.REOPENED: "can_reopen_report",
    }

    @property
    def review_label(self) -> str:
        return f"{self.owner_label}的{self.round.get_kind_display()}"

    def review_snapshot(self, event: str, actor) -> None:
        """Keep the 完成值, answers and budget at each step, so that a reviewer sees what changed since."""
        values = {
            str(row["pk"]): {name: row[name] for name in SNAPSHOT_VALUE_FIELDS}
            for row in ReportValue.objects.filter(report=self).values("pk", *SNAPSHOT_VALUE_FIELDS)
        }
        budget = {
            f"{line.source}.{name}": "" if getattr(line, name) is None else f"{getattr(line, name)}"
            for line in self.budget.lines
            for name in BUDGET_AMOUNTS
        }
        ReportSnapshot.objects.create(
            report=self,
            event=event,
            version=self.version,
            values=values,
            budget=budget | {"budget_reason": self.budget_reason, "goal_achievement": self.goal_achievement},
            actor=actor if actor and actor.is_authenticated else None,
        )


class ReportBudget(models.Model):
    """One row of a report's 项目资金 block: a source's budget (the bureau's) and its execution (the unit's)."""

    report = models.ForeignKey(Report, verbose_name="报告", on_delete=models.CASCADE, related_name="budget_lines")
    source = models.CharField("资金来源", max_length=16, choices=FundSource.choices)
    initial_budget = inputs.DecimalField("年初预算数（万元）", max_digits=14, decimal_places=2, null=True, blank=True)
    annual_budget = inputs.DecimalField("全年预算数（万元）", max_digits=14, decimal_places=2, null=True, blank=True)
    executed = inputs.DecimalField("执行数（万元）", max_digits=14, decimal_places=2, null=True, blank=True)
    expected = inputs.DecimalField("全年预计执行数（万元）", max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "项目资金"
        verbose_name_plural = "项目资金"
        constraints = [
            models.UniqueConstraint(fields=["report", "source"], name="report_budget_once_per_source"),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__gte": 0}) | models.Q(**{f"{name}__isnull": True}),
                    name=f"report_budget_{name}_not_negative",
                )
                for name in ("initial_budget", "annual_budget", "executed", "expected")
            ),
        ]

    def __str__(self):
        return f"{self.report} · {self.get_source_display()}"


# Who fills which figure of the block: the bureau sets the budget, the unit reports its execution.
BUREAU_BUDGET_FIELDS = ("initial_budget", "annual_budget")
UNIT_BUDGET_FIELDS = ("executed", "expected")
BUDGET_AMOUNTS = BUREAU_BUDGET_FIELDS + UNIT_BUDGET_FIELDS


SNAPSHOT_VALUE_FIELDS = (
    "raw",
    "expected",
    "likelihood",
    "deviation_categories",
    "deviation_reason",
    "corrective_measure",
    "shortfall_reason",
)


class ReportValue(TargetValueFields):
    """The 完成值 of one target (a unit's approved cell, or a project indicator) in a report."""

    report = models.ForeignKey(Report, verbose_name="报告", on_delete=models.CASCADE, related_name="values")
    cell = models.ForeignKey(
        "targets.Cell", verbose_name="目标单元格", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.ForeignKey(
        "targets.Indicator", verbose_name="三级指标", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    column = models.ForeignKey(
        "targets.TableColumn", verbose_name="列", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveIntegerField("排序")
    label = models.CharField("三级指标", max_length=500)
    category = models.ForeignKey(
        "targets.IndicatorCategory", verbose_name="指标类别", on_delete=models.PROTECT, related_name="+"
    )
    target_raw = models.TextField("指标值", blank=True)
    target_unit = models.CharField("度量单位", max_length=20, blank=True)
    expected = models.TextField("全年预计完成值", blank=True)
    likelihood = models.CharField("完成目标可能性", max_length=16, choices=Likelihood.choices, blank=True)
    deviation_categories = models.CharField(
        "偏差原因类别", max_length=100, blank=True, help_text="经费保障、制度保障…的代码，以逗号分隔"
    )
    # A change target's base (增长10%): last year's 完成值 of the same indicator, found when the
    # round opened (monitoring.baselines); blank where the product has none.
    baseline_raw = models.CharField("基数（上年完成值）", max_length=200, blank=True)
    deviation_reason = models.TextField("偏差原因", blank=True)
    corrective_measure = models.TextField("纠偏措施", blank=True, help_text="监控表的“完成目标采取的措施”")
    shortfall_reason = models.TextField("未完成原因分析", blank=True, help_text="自评表的“偏差原因分析及改进措施”")
    grade = models.ForeignKey(
        GradeLevel, verbose_name="评定等级", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grade_percent = inputs.DecimalField("评定比例（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评定人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    graded_at = models.DateTimeField("评定时间", null=True, blank=True)

    class Meta:
        verbose_name = "完成值"
        verbose_name_plural = "完成值"
        ordering = ["report", "order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cell__isnull=False, indicator__isnull=True)
                | models.Q(cell__isnull=True, indicator__isnull=False),
                name="report_value_cell_or_indicator",
            ),
            models.UniqueConstraint(fields=["report", "cell"], name="report_value_once_per_cell"),
            models.UniqueConstraint(fields=["report", "indicator"], name="report_value_once_per_indicator"),
            models.CheckConstraint(
                condition=models.Q(grade_percent__isnull=True) | models.Q(grade_percent__gte=0, grade_percent__lte=100),
                name="report_value_grade_percent",
            ),
            *value_constraints("report_value"),
        ]

    def __str__(self):
        return f"{self.label}：{self.raw}"

    @property
    def target(self) -> tv.TargetValue:
        return tv.parse(self.target_raw, default_unit=self.target_unit)

    @property
    def actual(self) -> tv.TargetValue:
        """The 完成值 read as it was saved (with the target's unit for a bare number)."""
        return tv.parse(self.raw, default_unit=self.target_unit)

    @property
    def direction(self) -> str:
        """The bureau's 指标性质 for this indicator ("" to read it from the target): the column's
        for a unit's value, the indicator's for the project's own (select_related them)."""
        source = self.column if self.column_id else self.indicator
        return source.direction if source is not None else ""

    @property
    def part_shares(self) -> list | None:
        """The bureau's shares of a compound target's parts (None: equal)."""
        source = self.column if self.column_id else self.indicator
        return part_shares(source.part_shares) if source is not None else None

    @property
    def direction_label(self) -> str:
        return tv.effective_direction(self.direction, self.target).label

    @property
    def category_codes(self) -> list[str]:
        """The 偏差原因 categories chosen, in the form's order."""
        chosen = set(filter(None, self.deviation_categories.split(",")))
        return [code for code in DeviationCategory.values if code in chosen]

    @property
    def category_labels(self) -> list[str]:
        return [DeviationCategory(code).label for code in self.category_codes]

    @property
    def judgment(self) -> Decimal | None:
        """The reviewer's percentage: the grade's, or the one judged for 部分达成."""
        if self.grade_id is None:
            return None
        return self.grade.percent if self.grade.percent is not None else self.grade_percent


class Weight(models.Model):
    """The bureau's weight of a column (unit tables) or an indicator (project level) in a round."""

    round = models.ForeignKey(Round, verbose_name="轮次", on_delete=models.CASCADE, related_name="weights")
    column = models.ForeignKey(
        "targets.TableColumn", verbose_name="列", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.ForeignKey(
        "targets.Indicator", verbose_name="三级指标", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    weight = inputs.DecimalField("权重", max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = "权重"
        verbose_name_plural = "权重"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(column__isnull=False, indicator__isnull=True)
                | models.Q(column__isnull=True, indicator__isnull=False),
                name="weight_column_or_indicator",
            ),
            models.UniqueConstraint(fields=["round", "column"], name="weight_once_per_column"),
            models.UniqueConstraint(fields=["round", "indicator"], name="weight_once_per_indicator"),
            models.CheckConstraint(condition=models.Q(weight__gte=0, weight__lte=90), name="weight_range"),
        ]

    def __str__(self):
        return f"{self.weight}"


class Evidence(models.Model):
    """佐证材料: a file attached to a report, or to one of its values."""

    report = models.ForeignKey(Report, verbose_name="报告", on_delete=models.CASCADE, related_name="evidence")
    value = models.ForeignKey(
        ReportValue, verbose_name="指标", null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence"
    )
    file = models.FileField("文件", upload_to="monitoring/evidence/%Y/%m/", max_length=300)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["report", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class ReportSnapshot(models.Model):
    """A report's values at a workflow step (as `targets.RowSnapshot` for rows)."""

    report = models.ForeignKey(Report, verbose_name="报告", on_delete=models.CASCADE, related_name="snapshots")
    event = models.CharField("事件", max_length=16, choices=ReviewEvent.choices)
    version = models.PositiveIntegerField("版本")
    values = models.JSONField(
        "完成值", help_text="{完成值编号: {raw, expected, likelihood, deviation_categories, deviation_reason, …}}"
    )
    budget = models.JSONField("预算执行", default=dict, help_text="{来源.字段: 金额, budget_reason, goal_achievement}")
    at = models.DateTimeField("时间", auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "报告快照"
        verbose_name_plural = "报告快照"
        ordering = ["report", "-at", "-id"]

    def __str__(self):
        return f"{self.report} v{self.version} {self.get_event_display()}"
