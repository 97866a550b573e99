"""What the API sends and accepts for 绩效运行监控, 自评 and the roll-up.

A report's figures are `monitoring.selectors.report_page`'s (progress, deviation, scores, total,
grade): turned into JSON here, never computed again. Values go out as `{raw, comparator, number,
unit, text}`, like targets (api.serializers.value_data)."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from monitoring.models import DeviationCategory, Likelihood, Report, ReportBudget, ReportValue, Round

from .fields import NumberField
from .serializers import ValueSerializer, value_data


def _dec(number: Decimal | None) -> str | None:
    return None if number is None else f"{number}"


class RoundSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(read_only=True)
    n_reports = serializers.IntegerField(help_text="报告数")
    status_counts = serializers.SerializerMethodField(help_text="各状态的报告数")

    class Meta:
        model = Round
        fields = [
            "id",
            "project",
            "kind",
            "year",
            "reference_date",
            "deadline",
            "lag_threshold",
            "status",
            "n_reports",
            "status_counts",
        ]

    def get_status_counts(self, obj) -> dict[str, int]:
        return {f"{status}": n for status, n in obj.status_counts}


class ReportListSerializer(serializers.ModelSerializer):
    round = serializers.PrimaryKeyRelatedField(read_only=True)
    project = serializers.IntegerField(source="round.project_id")
    kind = serializers.CharField(source="round.kind", help_text="monitoring（监控）或 self_evaluation（自评）")
    unit_id = serializers.IntegerField(allow_null=True, help_text="单位；null 为项目本级")
    unit = serializers.CharField(source="owner_label")

    class Meta:
        model = Report
        fields = [
            "id",
            "round",
            "project",
            "kind",
            "unit_id",
            "unit",
            "status",
            "version",
            "submitted_at",
            "reviewed_at",
            "review_comment",
        ]


class ScoreSerializer(serializers.Serializer):
    points = serializers.CharField(help_text="得分")
    ratio = serializers.CharField(help_text="得分比例（0-1）")
    rule = serializers.CharField(
        help_text="positive（正向）/ negative（反向）/ range（区间）/ change（增减）/ compound（多分项）/ judged（审核员评定）"
    )
    explanation = serializers.CharField(help_text="评分说明：所用规则与数值")


class ReportLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="完成值编号，写入时用作 values 的键")
    label = serializers.CharField(help_text="三级指标")
    column = serializers.IntegerField(allow_null=True)
    indicator = serializers.IntegerField(allow_null=True)
    weight = serializers.CharField()
    target = ValueSerializer(help_text="指标值（目标）")
    actual = ValueSerializer(help_text="完成值")
    expected = serializers.CharField(help_text="监控：全年预计完成值（原文）")
    likelihood = serializers.CharField(help_text="监控：完成目标可能性 certain / possible / impossible，空为未选")
    deviation_categories = serializers.ListField(
        child=serializers.CharField(), help_text="监控：偏差原因类别 funding / system / staff / hardware / other"
    )
    deviation_reason = serializers.CharField()
    corrective_measure = serializers.CharField(help_text="纠偏措施（监控表的“完成目标采取的措施”）")
    shortfall_reason = serializers.CharField(help_text="未完成原因分析（自评表的“偏差原因分析及改进措施”）")
    progress = serializers.CharField(allow_null=True, help_text="监控：完成进度（%）")
    deviation = serializers.CharField(allow_null=True, help_text="监控：偏差（百分点）")
    lagging = serializers.BooleanField(help_text="监控：偏差超过阈值")
    needs_judgment = serializers.BooleanField(help_text="自评：须审核员评定")
    direction = serializers.CharField(help_text="指标性质：正向 / 反向 / 区间 / 定性")
    target_reading = serializers.CharField(help_text="系统对指标值的理解，如 ≥15家（媒体） 且 ≥30篇")
    status = serializers.CharField(
        allow_null=True, help_text="自评：scored（已评分）/ judge（待评定）/ refused（不能评分）/ blank（未填）"
    )
    explanation = serializers.CharField(help_text="自评：评分说明（规则与数值，或不能评分的原因）")
    grade = serializers.CharField(allow_null=True, help_text="评定等级代码")
    grade_percent = serializers.CharField(allow_null=True)
    score = ScoreSerializer(allow_null=True, help_text="自评：本指标得分")


class BudgetLineSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="total（年度资金总额）/ current / carryover / other")
    label = serializers.CharField()
    initial_budget = serializers.CharField(allow_null=True, help_text="年初预算数（万元，省局设定）")
    annual_budget = serializers.CharField(allow_null=True, help_text="全年预算数（万元，省局设定）")
    executed = serializers.CharField(allow_null=True, help_text="执行数（万元）")
    expected = serializers.CharField(allow_null=True, help_text="全年预计执行数（万元，监控）")
    execution_rate = serializers.CharField(allow_null=True, help_text="执行率（%）")


class BudgetSerializer(serializers.Serializer):
    applicable = serializers.BooleanField(help_text="有全年预算数；否则预算执行 10 分不适用")
    total = BudgetLineSerializer(help_text="年度资金总额")
    lines = BudgetLineSerializer(many=True, help_text="当年财政拨款、上年结转资金、其他资金")
    annual_budget = serializers.CharField(allow_null=True, help_text="全年预算数合计")
    executed = serializers.CharField(allow_null=True, help_text="执行数合计")
    execution_rate = serializers.CharField(allow_null=True, help_text="执行率（%）")
    budget_reason = serializers.CharField()


class ScoresSerializer(serializers.Serializer):
    budget_points = serializers.CharField(allow_null=True)
    indicator_points = serializers.CharField()
    weight_total = serializers.CharField()
    total = serializers.CharField(allow_null=True, help_text="总分")
    grade = serializers.CharField(allow_null=True, help_text="等级（优、良、中、差）；未评完为 null")
    complete = serializers.BooleanField()
    budget_explanation = serializers.CharField(help_text="预算执行得分的说明")


class ReportSerializer(ReportListSerializer):
    time_elapsed = serializers.CharField(help_text="时间进度（%）")
    values = ReportLineSerializer(many=True)
    budget = BudgetSerializer()
    scores = ScoresSerializer(allow_null=True, help_text="自评的得分；监控为 null")
    goal_achievement = serializers.CharField(help_text="年度总体目标的实际完成情况")
    conclusion = serializers.CharField()
    problems = serializers.CharField()
    improvements = serializers.CharField()
    can_edit = serializers.BooleanField()
    can_submit = serializers.BooleanField()
    can_review = serializers.BooleanField()

    class Meta(ReportListSerializer.Meta):
        fields = [
            *ReportListSerializer.Meta.fields,
            "time_elapsed",
            "values",
            "budget",
            "scores",
            "goal_achievement",
            "conclusion",
            "problems",
            "improvements",
            "can_edit",
            "can_submit",
            "can_review",
        ]


def line_data(line) -> dict:
    value = line.value
    score = line.score
    return {
        "id": value.pk,
        "label": value.label,
        "column": value.column_id,
        "indicator": value.indicator_id,
        "weight": _dec(line.weight),
        "target": value_data(value.target),
        "actual": value_data(value.actual),
        "expected": value.expected,
        "likelihood": value.likelihood,
        "deviation_categories": value.category_codes,
        "deviation_reason": value.deviation_reason,
        "corrective_measure": value.corrective_measure,
        "shortfall_reason": value.shortfall_reason,
        "progress": _dec(line.progress),
        "deviation": _dec(line.deviation),
        "lagging": line.lagging,
        "needs_judgment": line.needs_judgment,
        "direction": line.direction,
        "target_reading": line.target_reading,
        "status": line.assessment.status.value if line.assessment else None,
        "explanation": line.explanation,
        "grade": value.grade.code if value.grade_id else None,
        "grade_percent": _dec(value.grade_percent),
        "score": None
        if score is None
        else {
            "points": _dec(score.points),
            "ratio": _dec(score.ratio),
            "rule": score.rule,
            "explanation": score.explanation,
        },
    }


def budget_line_data(line) -> dict:
    return {
        "source": line.source,
        "label": line.label,
        **{name: _dec(getattr(line, name)) for name in ("initial_budget", "annual_budget", "executed", "expected")},
        "execution_rate": _dec(line.rate_pct),
    }


def report_data(page: dict) -> dict:
    """The report as `ReportSerializer` writes it, from `monitoring.selectors.report_page`."""
    report, scores, budget = page["report"], page["scores"], page["budget"]
    return {
        "time_elapsed": _dec(page["elapsed"]),
        "values": [line_data(line) for line in page["lines"]],
        "budget": {
            "applicable": budget.applicable,
            "total": budget_line_data(budget.total),
            "lines": [budget_line_data(line) for line in budget.lines],
            "annual_budget": _dec(budget.total.annual_budget),
            "executed": _dec(budget.total.executed),
            "execution_rate": _dec(page["rate_pct"]),
            "budget_reason": report.budget_reason,
        },
        "scores": None if scores is None else {k: _dec(v) if isinstance(v, Decimal) else v for k, v in scores.items()},
        **{name: getattr(report, name) for name in ("goal_achievement", "conclusion", "problems", "improvements")},
        "can_edit": page["editable"],
        "can_submit": page["can_submit"],
        "can_review": page["can_review"],
    }


class ValueWriteSerializer(serializers.Serializer):
    actual = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, help_text="完成值原文")
    expected = serializers.CharField(required=False, allow_blank=True, help_text="监控：全年预计完成值原文")
    likelihood = serializers.ChoiceField(
        choices=Likelihood.choices, required=False, allow_blank=True, help_text="监控：完成目标可能性"
    )
    deviation_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=DeviationCategory.choices), required=False, help_text="监控：偏差原因类别"
    )
    deviation_reason = serializers.CharField(required=False, allow_blank=True, help_text="偏差原因")
    corrective_measure = serializers.CharField(required=False, allow_blank=True, help_text="纠偏措施")
    shortfall_reason = serializers.CharField(required=False, allow_blank=True, help_text="未完成原因分析")


class BudgetFiguresWriteSerializer(serializers.Serializer):
    executed = NumberField(
        ReportBudget._meta.get_field("executed"),
        negative=False,
        required=False,
        allow_null=True,
        help_text="执行数（万元）",
    )
    expected = NumberField(
        ReportBudget._meta.get_field("expected"),
        negative=False,
        required=False,
        allow_null=True,
        help_text="全年预计执行数（万元，监控）",
    )


class BudgetWriteSerializer(serializers.Serializer):
    """The unit's figures by source; the budget itself (年初预算数, 全年预算数) is the bureau's."""

    lines = serializers.DictField(
        child=BudgetFiguresWriteSerializer(),
        required=False,
        help_text='{"current" | "carryover" | "other": {"executed": "95", "expected": "120"}}',
    )
    budget_reason = serializers.CharField(required=False, allow_blank=True, help_text="预算执行偏低原因")

    def to_internal_value(self, data):
        keys = set(data) if isinstance(data, dict) else set()
        bureau = {"initial_budget", "annual_budget", "adjusted_budget"} & keys
        if bureau:
            raise serializers.ValidationError({name: "年初预算数和全年预算数由省局设定" for name in sorted(bureau)})
        flat = {"executed", "expected"} & keys
        if flat:
            message = '请按资金来源填写：{"lines": {"current": {"executed": …}}}'
            raise serializers.ValidationError(dict.fromkeys(sorted(flat), message))
        return super().to_internal_value(data)


class ReportWriteSerializer(serializers.Serializer):
    """The caller's own report: 完成值 and reasons by value id, the budget, the texts, and the version."""

    version = serializers.IntegerField(min_value=1, help_text="读取时的报告版本；他人已保存时返回 409")
    values = serializers.DictField(
        child=ValueWriteSerializer(), required=False, default=dict, help_text='{完成值编号: {"actual": "≥520条", …}}'
    )
    budget = BudgetWriteSerializer(required=False)
    goal_achievement = serializers.CharField(required=False, allow_blank=True, help_text="实际完成情况")
    conclusion = serializers.CharField(required=False, allow_blank=True, help_text="评价结论")
    problems = serializers.CharField(required=False, allow_blank=True, help_text="存在问题")
    improvements = serializers.CharField(required=False, allow_blank=True, help_text="改进措施")


class GradeWriteSerializer(serializers.Serializer):
    grade = serializers.CharField(allow_blank=True, help_text="评定等级代码；空为取消评定")
    percent = NumberField(
        ReportValue._meta.get_field("grade_percent"), required=False, allow_null=True, help_text="部分达成时的得分比例"
    )


class GradesSerializer(serializers.Serializer):
    grades = serializers.DictField(child=GradeWriteSerializer(), help_text='{完成值编号: {"grade": "…"}}')


class ApproveSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", help_text="审核意见")


class RollupFigureSerializer(serializers.Serializer):
    group = serializers.CharField(help_text="approved / submitted / filled")
    label = serializers.CharField()
    sum = serializers.CharField(allow_null=True)
    units = serializers.IntegerField(help_text="计入的单位数")


class RollupLineSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    name = serializers.CharField()
    period = serializers.CharField()
    target = ValueSerializer(allow_null=True)
    measure_unit = serializers.CharField()
    qualitative = serializers.BooleanField()
    columns = serializers.ListField(child=serializers.IntegerField())
    figures = RollupFigureSerializer(many=True)
    unreadable = serializers.IntegerField(help_text="无法计入的已填单元格数")
    coverage_percent = serializers.IntegerField(allow_null=True)
    flag = serializers.CharField(help_text="short / exceeded / covered / within，或空")


def rollup_line_data(line) -> dict:
    return {
        "indicator": line.indicator.pk,
        "name": line.indicator.name,
        "period": line.period,
        "target": value_data(line.target),
        "measure_unit": line.measure_unit,
        "qualitative": line.qualitative,
        "columns": [c.pk for c in line.columns],
        "figures": [
            {"group": f["group"], "label": f["label"], "sum": _dec(f["sum"]), "units": f["units"]} for f in line.figures
        ],
        "unreadable": line.unreadable,
        "coverage_percent": line.coverage_percent,
        "flag": line.flag,
    }
