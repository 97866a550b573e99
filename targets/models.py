from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max
from django.urls import reverse

from review.engine import Reviewable, ReviewEvent, ReviewStatus
from units import inputs
from units.audit import audit_entries_for
from units.models import Unit, UnitCategory

from . import values as tv
from .audit_actions import TargetAction
from .confirmations import ValueConfirmation  # noqa: F401 (a model of the app)
from .fields import direction_field, part_shares, part_shares_field, read_part_shares  # noqa: F401
from .layout import unit_label
from .reminders import TableReminder  # noqa: F401 (a model of the app)


class TargetPeriods(models.TextChoices):
    LONG_TERM_AND_ANNUAL = "long_term_and_annual", "长期与年度目标"
    ANNUAL_ONLY = "annual_only", "仅年度目标"


class IndicatorCategory(models.Model):
    """The standard catalogue: 一级指标 (产出指标 …) over 二级指标 (数量指标 …)."""

    level = models.PositiveSmallIntegerField("级别", choices=[(1, "一级指标"), (2, "二级指标")])
    name = models.CharField("名称", max_length=60)
    parent = models.ForeignKey(
        "self", verbose_name="上级指标", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "指标类别"
        verbose_name_plural = "指标类别（一级/二级）"
        ordering = ["level", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level=1, parent__isnull=True) | models.Q(level=2, parent__isnull=False),
                name="category_level_matches_parent",
            ),
            models.UniqueConstraint(fields=["name"], condition=models.Q(level=1), name="category_level1_name_unique"),
            models.UniqueConstraint(fields=["parent", "name"], name="category_name_unique_under_parent"),
        ]

    def __str__(self):
        return self.path

    @property
    def path(self) -> str:
        return f"{self.parent.name}/{self.name}" if self.parent_id else self.name

    @property
    def level1(self) -> "IndicatorCategory":
        return self.parent if self.parent_id else self

    @property
    def level2(self) -> "IndicatorCategory | None":
        return self if self.parent_id else None


class ValueKind(models.TextChoices):
    NUMBER = "number", "数值"
    QUANTITY = "quantity", "指标值（可带比较符）"
    TEXT = "text", "文字"
    ANY = "any", "不限"


class TargetValueFields(models.Model):
    """A written target value and what it means (DESIGN §3): raw beside its parsed parts."""

    raw = models.TextField("指标值", blank=True)
    kind = models.CharField(
        "值类型", max_length=16, choices=[(k.value, k.name) for k in tv.Kind], default=tv.Kind.BLANK
    )
    comparator = models.CharField(
        "比较符", max_length=1, blank=True, choices=[(c.value, c.value or "无") for c in tv.Comparator]
    )
    number = inputs.DecimalField("数值", max_digits=24, decimal_places=6, null=True, blank=True)
    measure_unit = models.CharField("计量单位", max_length=20, blank=True)
    text = models.TextField("文字", blank=True)

    class Meta:
        abstract = True

    def set_value(self, value: tv.TargetValue) -> None:
        self.raw = value.raw
        self.kind = value.kind.value
        self.comparator = value.comparator.value
        self.number = value.number
        self.measure_unit = value.measure_unit
        self.text = value.text

    def value_fields(self) -> dict:
        return {f: getattr(self, f) for f in ("raw", "kind", "comparator", "number", "measure_unit", "text")}


def check_value_fits(value: tv.TargetValue, where: str) -> None:
    """The number read from a written value must fit the stored reading exactly: the text is kept as
    written, and a reading rounded away from it would print another number than the one typed."""
    field = TargetValueFields._meta.get_field("number")
    inputs.check_number(value.number, field, where)


def value_constraints(prefix: str) -> list[models.CheckConstraint]:
    has_number = models.Q(kind__in=[tv.Kind.QUANTITY, tv.Kind.SENTENCE])
    return [
        models.CheckConstraint(
            condition=(has_number & models.Q(number__isnull=False)) | (~has_number & models.Q(number__isnull=True)),
            name=f"{prefix}_number_iff_numeric_kind",
        ),
        models.CheckConstraint(
            condition=~models.Q(kind=tv.Kind.BLANK) | models.Q(comparator="", text="", measure_unit=""),
            name=f"{prefix}_blank_has_no_parts",
        ),
    ]


class ActiveManager(models.Manager):
    """Hides removed objects; `all_objects` still finds them so an admin can restore them."""

    def get_queryset(self):
        return super().get_queryset().filter(removed_at__isnull=True)


class Indicator(models.Model):
    """三级指标: project-specific, under a 二级 (or, in flat lists, a 一级) category."""

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.CASCADE, related_name="indicators"
    )
    category = models.ForeignKey(
        IndicatorCategory, verbose_name="上级指标类别", on_delete=models.PROTECT, related_name="indicators"
    )
    name = models.CharField("三级指标", max_length=500, blank=True)
    measure_unit = models.CharField("计量单位", max_length=20, blank=True)
    basis = models.TextField("指标值确定依据", blank=True)
    direction = direction_field()
    part_shares = part_shares_field()
    order = models.PositiveIntegerField("排序")
    removed_at = models.DateTimeField("删除时间", null=True, blank=True)
    # A blank row of the form (seed 004's “... ..”, “指标7: ....”) for the filling department to
    # write an indicator of its own in: its name, value and unit are the department's, and it
    # prints blank until filled (targets.write_in).
    write_in = models.BooleanField("留白行（由填报单位自拟指标）", default=False)

    objects = ActiveManager()
    all_objects = models.Manager()

    class Meta:
        base_manager_name = "all_objects"
        verbose_name = "三级指标"
        verbose_name_plural = "三级指标"
        ordering = ["project", "order"]
        constraints = [models.UniqueConstraint(fields=["project", "order"], name="indicator_order_unique")]

    def __str__(self):
        return self.name or "（空）"

    def parse_target(self, raw: str | None, period: str = "") -> tv.TargetValue:
        """Read a target typed for this indicator, refusing what cannot be stored."""
        where = f"“{self.name}”" + (f"的{TargetPeriod(period).label}" if period else "")
        inputs.check_text(raw, where)
        value = tv.parse(raw, default_unit=self.measure_unit)
        check_value_fits(value, where)
        return value


class TargetPeriod(models.TextChoices):
    LONG_TERM = "long_term", "长期绩效目标"
    ANNUAL = "annual", "年度绩效目标"


class Target(TargetValueFields):
    indicator = models.ForeignKey(Indicator, verbose_name="三级指标", on_delete=models.CASCADE, related_name="targets")
    period = models.CharField("期间", max_length=16, choices=TargetPeriod.choices)
    year = models.PositiveIntegerField("年度", null=True, blank=True)

    class Meta:
        verbose_name = "绩效目标"
        verbose_name_plural = "绩效目标"
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="target_one_per_period"),
            models.CheckConstraint(
                condition=models.Q(period=TargetPeriod.LONG_TERM, year__isnull=True)
                | models.Q(period=TargetPeriod.ANNUAL),
                name="target_long_term_has_no_year",
            ),
            *value_constraints("target"),
        ]

    def __str__(self):
        return f"{self.indicator}：{self.raw}"


class TableStatus(models.TextChoices):
    DRAFT = "draft", "未发布"
    OPEN = "open", "填报中"
    CLOSED = "closed", "已截止"


class TableMode(models.TextChoices):
    """Who writes the values first: the unit (填报), or the bureau, for the unit to confirm (下达)."""

    UNIT_FILLED = "unit_filled", "单位填报"
    HANDED_DOWN = "handed_down", "省局下达"


class TargetTable(models.Model):
    """分解目标表: a project's targets split down to the units of one category."""

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.CASCADE, related_name="tables"
    )
    title = models.CharField("表名", max_length=200)
    unit_category = models.CharField("单位类别", max_length=32, choices=UnitCategory.choices)
    start_year = models.PositiveIntegerField("起始年度")
    end_year = models.PositiveIntegerField("结束年度")
    status = models.CharField("状态", max_length=16, choices=TableStatus.choices, default=TableStatus.DRAFT)
    deadline = models.DateTimeField("截止时间", null=True, blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    # The same table of the year before (复制到新年度): where the grid reads 上年值.
    copied_from = models.ForeignKey(
        "self", verbose_name="复制自", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    mode = models.CharField("填报方式", max_length=16, choices=TableMode.choices, default=TableMode.UNIT_FILLED)

    class Meta:
        verbose_name = "分解目标表"
        verbose_name_plural = "分解目标表"
        ordering = ["project", "order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "title"], name="table_title_unique_in_project"),
            models.CheckConstraint(
                condition=models.Q(start_year__lte=models.F("end_year")), name="table_years_ordered"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_handed_down(self) -> bool:
        return self.mode == TableMode.HANDED_DOWN

    @property
    def years_label(self) -> str:
        if self.start_year == self.end_year:
            return f"{self.start_year}年度"
        return f"{self.start_year}-{self.end_year}年度"


class TableColumn(models.Model):
    table = models.ForeignKey(TargetTable, verbose_name="目标表", on_delete=models.CASCADE, related_name="columns")
    order = models.PositiveIntegerField("排序")
    category = models.ForeignKey(
        IndicatorCategory, verbose_name="指标类别", on_delete=models.PROTECT, related_name="table_columns"
    )
    name = models.CharField("三级指标", max_length=200, blank=True)
    measure_unit = models.CharField("计量单位", max_length=20, blank=True)
    value_kind = models.CharField("值类型", max_length=16, choices=ValueKind.choices, default=ValueKind.ANY)
    allow_blank = models.BooleanField("允许空白", default=True)
    direction = direction_field()
    part_shares = part_shares_field()
    indicator = models.ForeignKey(
        Indicator, verbose_name="对应三级指标", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # 汇总 (targets.rollup): a unit's value × rollup_factor counts toward the indicator's target
    # (a multiplier: 万元 → 亿元 is 0.0001); rollup_period "" counts toward the annual target for
    # a one-year table, the long-term one for a multi-year table.
    rollup_factor = inputs.DecimalField(
        "换算系数",
        max_digits=20,
        decimal_places=10,
        default=1,
        help_text="单位值 × 系数 = 计入指标的值（万元→亿元 为 0.0001）",
    )
    rollup_period = models.CharField(
        "计入目标",
        max_length=16,
        blank=True,
        choices=[("", "按表的年度（单年度→年度，多年度→长期）")] + list(TargetPeriod.choices),
    )
    # The same column of the year before's table (复制到新年度).
    copied_from = models.ForeignKey(
        "self", verbose_name="复制自", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "目标表列"
        verbose_name_plural = "目标表列"
        ordering = ["table", "order"]
        constraints = [
            models.UniqueConstraint(fields=["table", "order"], name="column_order_unique"),
            models.CheckConstraint(condition=models.Q(rollup_factor__gt=0), name="column_rollup_factor_positive"),
        ]

    def __str__(self):
        return self.header

    @property
    def header(self) -> str:
        """The 三级 header as printed: `收集中小微企业专利技术需求（条）`."""
        if self.name and self.measure_unit:
            return f"{self.name}（{self.measure_unit}）"
        return self.name

    @property
    def label(self) -> str:
        """What an error message calls this column."""
        if self.header:
            return self.header
        if self.category_id:
            return self.category.name
        return f"第{self.order}列" if self.order else "该列"

    def parse_once(self, raw: str) -> tv.TargetValue:
        """`parse`, worked out once per distinct short text for this column object: an
        import of 10,000 rows reads the same few values again and again. A refusal is
        remembered too, and raised again."""
        raw = "" if raw is None else str(raw)
        if len(raw) > 200:
            return self.parse(raw)
        memo = self.__dict__.setdefault("_parsed", {})
        found = memo.get(raw)
        if found is None:
            try:
                found = memo[raw] = self.parse(raw)
            except ValidationError as exc:
                found = memo[raw] = exc
        if isinstance(found, ValidationError):
            raise ValidationError(found.messages)
        return found

    def parse(self, raw: str | None) -> tv.TargetValue:
        """Read a cell typed into this column, refusing what the column cannot hold."""
        raw = "" if raw is None else str(raw)
        where = f"“{self.label}”"
        inputs.check_text(raw, where, limit=inputs.MAX_CELL_CHARS)
        if self.value_kind == ValueKind.TEXT:
            value = tv.parse(raw) if not raw.strip() else tv.TargetValue(raw=raw, kind=tv.Kind.QUALITATIVE, text=raw)
        else:
            value = tv.parse(raw, default_unit=self.measure_unit)
        if value.is_blank:
            if not self.allow_blank:
                raise ValidationError(f"{where}不能为空")
            return value
        self.check_unit(value, where)
        if self.value_kind == ValueKind.NUMBER:
            if value.kind != tv.Kind.QUANTITY or value.comparator or value.unit_token not in ("", self.measure_unit):
                raise ValidationError(f"{where}应填写数字，“{raw}”不是数字")
        elif self.value_kind == ValueKind.QUANTITY and value.kind != tv.Kind.QUANTITY:
            raise ValidationError(f"{where}应填写指标值（如 ≥70、≥15%），“{raw}”无法识别为数值")
        check_value_fits(value, where)
        return value

    def check_unit(self, value: tv.TargetValue, where: str) -> None:
        """A unit written in the cell must be the column's (or convert to it: 亿元 in a 万元 column):
        `5%` in a 件 column is refused naming both units."""
        if not self.measure_unit:
            return
        for part in value.parts:
            if part.is_change and (part.is_percent or part.is_points):
                continue  # 增长10% in a 件 column: the change is in percent, the level in 件
            if part.unit_written and not tv.units_agree(part.unit, self.measure_unit):
                raise ValidationError(
                    f"{where}的计量单位为“{self.measure_unit}”，“{value.raw.strip()}”写的单位是“{part.unit}”，单位不一致"
                )


# In `reopened_column_ids`, beside column ids: the row's 文字目标 was reopened too.
NARRATIVE = "narrative"


class TableRow(Reviewable):
    table = models.ForeignKey(TargetTable, verbose_name="目标表", on_delete=models.CASCADE, related_name="rows")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="table_rows")
    seq = models.PositiveIntegerField("序号")
    narrative = models.TextField("文字目标", blank=True, help_text="整行为一段文字目标时填写（跨列显示）")
    funding = inputs.DecimalField("资金（万元）", max_digits=14, decimal_places=2, null=True, blank=True)
    # After an admin reopens some cells of an approved row, only those may change
    # (column ids, and NARRATIVE if the 文字目标 was reopened too); None: the whole row.
    reopened_column_ids = models.JSONField("重新打开的列", null=True, blank=True)
    removed_at = models.DateTimeField("删除时间", null=True, blank=True)

    objects = ActiveManager()
    all_objects = models.Manager()

    class Meta:
        base_manager_name = "all_objects"
        verbose_name = "单位填报行"
        verbose_name_plural = "单位填报行"
        ordering = ["table", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["table", "unit"], name="row_unit_once_per_table"),
            models.UniqueConstraint(fields=["table", "seq"], name="row_seq_unique"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="row_version_positive"),
        ]

    def __str__(self):
        return f"{self.table} / {self.unit}"

    # --- as a reviewable (review.engine) ---
    audit_code = "targets.row"
    review_noun = "行"
    review_rules = {
        ReviewEvent.SUBMITTED: "can_submit_row",
        ReviewEvent.RETURNED: "can_review_row",
        ReviewEvent.APPROVED: "can_review_row",
        ReviewEvent.REOPENED: "can_reopen_row",
    }

    @property
    def review_label(self) -> str:
        return self.unit.name

    def review_snapshot(self, event: str, actor) -> None:
        values = {str(c): raw for c, raw in Cell.objects.filter(row=self).values_list("column_id", "raw")}
        snapshot = RowSnapshot.objects.create(
            row=self,
            event=event,
            version=self.version,
            values=values,
            narrative=self.narrative,
            actor=actor if actor and actor.is_authenticated else None,
        )
        if event == ReviewEvent.APPROVED:  # every approved state is kept as 批复 vN
            approved_version_record(row=self, values=values, actor=actor, at=snapshot.at, reason=self.reopen_reason())

    def reopen_reason(self) -> str:
        """Why an admin last reopened this row, if it ever was (the audit entry's comment)."""
        entry = (
            audit_entries_for(self)
            .filter(action=TargetAction.ROW_REOPENED)
            .order_by("-at", "-id")
            .values_list("comment", flat=True)
            .first()
        )
        return entry or ""

    def column_is_editable(self, column_id: int) -> bool:
        return self.is_editable and (self.reopened_column_ids is None or column_id in self.reopened_column_ids)

    @property
    def narrative_is_editable(self) -> bool:
        return self.column_is_editable(NARRATIVE)

    @property
    def pending_review_comment(self) -> str:
        """The reviewer's return (or reopen) comment, while the unit works on it: until it submits again."""
        if self.status in (ReviewStatus.RETURNED, ReviewStatus.DRAFT):
            return self.review_comment
        return ""

    @property
    def unit_label(self) -> str:
        return unit_label(self.unit.name, self.unit.designation, self.funding)

    def clean(self):
        if self.table_id and self.unit_id and self.unit.category != self.table.unit_category:
            raise ValidationError(
                {
                    "unit": f"“{self.unit}”属于{self.unit.get_category_display()}，不能填入{self.table.get_unit_category_display()}目标表"
                }
            )

    def save(self, *args, **kwargs):
        self.clean()
        super().save(*args, **kwargs)


class Cell(TargetValueFields):
    row = models.ForeignKey(TableRow, verbose_name="填报行", on_delete=models.CASCADE, related_name="cells")
    column = models.ForeignKey(TableColumn, verbose_name="列", on_delete=models.CASCADE, related_name="cells")

    class Meta:
        verbose_name = "单元格"
        verbose_name_plural = "单元格"
        constraints = [
            models.UniqueConstraint(fields=["row", "column"], name="cell_one_per_row_column"),
            *value_constraints("cell"),
        ]

    def __str__(self):
        return self.raw

    def clean(self):
        check_cell_belongs(self.row, self.column)

    def save(self, *args, **kwargs):
        self.clean()
        super().save(*args, **kwargs)


def check_cell_belongs(row: TableRow, column: TableColumn) -> None:
    if row.table_id != column.table_id:
        raise ValidationError("单元格的列不属于该行所在的目标表")


class AssignedState(models.TextChoices):
    PENDING = "pending", "待确认"
    CONFIRMED = "confirmed", "已确认"
    PROPOSED = "proposed", "提出调整"


class AssignedValue(TargetValueFields):
    """下达值: what the bureau hands down for one cell of a handed-down table, and the unit's answer.

    The unit's own value stays in `Cell` (confirming copies this value there; proposing writes
    another one with `reason`), so review, exports and snapshots read the unit's value as before."""

    row = models.ForeignKey(TableRow, verbose_name="填报行", on_delete=models.CASCADE, related_name="assigned_values")
    column = models.ForeignKey(TableColumn, verbose_name="列", on_delete=models.CASCADE, related_name="+")
    state = models.CharField("确认状态", max_length=16, choices=AssignedState.choices, default=AssignedState.PENDING)
    reason = models.TextField("调整理由", blank=True)

    class Meta:
        verbose_name = "下达值"
        verbose_name_plural = "下达值"
        constraints = [
            models.UniqueConstraint(fields=["row", "column"], name="assigned_one_per_row_column"),
            models.CheckConstraint(
                condition=~models.Q(state="proposed") | ~models.Q(reason=""), name="assigned_proposal_has_reason"
            ),
            *value_constraints("assigned"),
        ]

    def __str__(self):
        return self.raw

    def clean(self):
        check_cell_belongs(self.row, self.column)

    def save(self, *args, **kwargs):
        self.clean()
        super().save(*args, **kwargs)


class RowSnapshot(models.Model):
    """The row's values at a workflow step, so a reviewer sees what changed since."""

    row = models.ForeignKey(TableRow, verbose_name="填报行", on_delete=models.CASCADE, related_name="snapshots")
    event = models.CharField("事件", max_length=16, choices=ReviewEvent.choices)
    version = models.PositiveIntegerField("版本")
    values = models.JSONField("各列的值", help_text="{列编号: 指标值原文}")
    narrative = models.TextField("文字目标", blank=True)
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
        verbose_name = "填报快照"
        verbose_name_plural = "填报快照"
        ordering = ["row", "-at", "-id"]

    def __str__(self):
        return f"{self.row} v{self.version} {self.get_event_display()}"


# --- what was approved, version by version (批复 v1, v2 …), and the adjustments asked of it (调整 / 报批) ---
# A row's approved values are kept each time the row becomes approved: by a review, after an admin's
# reopen, or by an approved adjustment request (`TableRow.review_snapshot`). An adjustment request is
# itself a reviewable: a unit asks to change some cells of an approved row with a reason; the
# project's reviewer approves it (the cells change and a new version is kept) or refuses it with a
# comment (nothing changes). While it is pending, the approved values stay in the cells, so every page
# and export prints them. Its steps: targets/adjustment_services.py.


class VersionSource(models.TextChoices):
    REVIEW = "review", "审核通过"
    REOPEN = "reopen", "重新打开后审核通过"
    ADJUSTMENT = "adjustment", "调整申请获批"


class ApprovedVersion(models.Model):
    """批复 vN: the values of a row as approved, with who, when and why."""

    row = models.ForeignKey(
        "targets.TableRow", verbose_name="填报行", on_delete=models.CASCADE, related_name="approved_versions"
    )
    number = models.PositiveIntegerField("批复版本号")
    row_version = models.PositiveIntegerField("行版本")
    values = models.JSONField("各列的值", help_text="{列编号: 指标值原文}")
    narrative = models.TextField("文字目标", blank=True)
    source = models.CharField("来源", max_length=16, choices=VersionSource.choices)
    reason = models.TextField("原因", blank=True, help_text="调整申请或重新打开的理由")
    comment = models.TextField("审核意见", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批准人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("批准时间")
    adjustment = models.OneToOneField(
        "targets.AdjustmentRequest",
        verbose_name="调整申请",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approved_version",
    )

    class Meta:
        verbose_name = "批复版本"
        verbose_name_plural = "批复版本"
        ordering = ["row", "number"]
        constraints = [
            models.UniqueConstraint(fields=["row", "number"], name="approved_version_number_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="approved_version_number_positive"),
        ]

    def __str__(self):
        return f"{self.row} 批复 v{self.number}"

    @property
    def label(self) -> str:
        return f"批复 v{self.number}"


def approved_version_record(
    *, row, values: dict, actor, at, source: str = "", reason: str = "", comment: str = "", adjustment=None
) -> ApprovedVersion:
    """Keep the row's values as its next approved version. The caller holds the row's lock,
    so the next number cannot be taken meanwhile (the constraint would refuse it anyway)."""
    last = ApprovedVersion.objects.filter(row=row).aggregate(n=Max("number"))["n"] or 0
    return ApprovedVersion.objects.create(
        row=row,
        number=last + 1,
        row_version=row.version,
        values=values,
        narrative=row.narrative,
        source=source or (VersionSource.REOPEN if last else VersionSource.REVIEW),
        reason=reason,
        comment=comment,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=at,
        adjustment=adjustment,
    )


# A pending request: asked and not yet decided.
PENDING = (ReviewStatus.NOT_STARTED, ReviewStatus.SUBMITTED)


class AdjustmentRequest(Reviewable):
    """调整申请: a unit asks to change some cells (and the 文字目标) of an approved row."""

    row = models.ForeignKey(
        "targets.TableRow", verbose_name="填报行", on_delete=models.CASCADE, related_name="adjustments"
    )
    values = models.JSONField("申请的值", default=dict, help_text="{列编号: 新的指标值原文}，只含要改的列")
    # None: the 文字目标 is not asked to change ("" asks to clear it).
    narrative = models.TextField("申请的文字目标", null=True, blank=True, help_text="不改文字目标时为空")  # noqa: DJ001
    reason = models.TextField("调整理由")
    base_version = models.PositiveIntegerField("申请时的行版本")
    before = models.JSONField("申请时的批复值", default=dict, help_text="{列编号: 原值}，与申请的值对照")
    before_narrative = models.TextField("申请时的文字目标", blank=True)

    class Meta:
        verbose_name = "调整申请"
        verbose_name_plural = "调整申请"
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            # At most one request waits on a row.
            models.UniqueConstraint(
                fields=["row"], condition=models.Q(status__in=PENDING), name="adjustment_one_pending_per_row"
            ),
        ]

    def __str__(self):
        return f"{self.row} 调整申请"

    # --- as a reviewable (review.engine) ---
    audit_code = "targets.adjustment"
    review_noun = "调整申请"
    review_rules = {
        ReviewEvent.SUBMITTED: "can_submit_adjustment",
        ReviewEvent.RETURNED: "can_decide_adjustment",
        ReviewEvent.APPROVED: "can_decide_adjustment",
    }

    @property
    def review_label(self) -> str:
        return f"{self.row.unit.name} 的调整申请"

    @property
    def project(self):
        """The review queue lists it under its project."""
        return self.row.table.project

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING

    @property
    def decision_label(self) -> str:
        return {ReviewStatus.APPROVED: "已批准", ReviewStatus.RETURNED: "未批准"}.get(self.status, "待审核")

    def get_absolute_url(self) -> str:
        return reverse("targets:row", args=[self.row_id]) + "#adjustment"
