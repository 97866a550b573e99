"""Reading the monitoring forms: the round's opening form, and the report's, weights' and grades'
posted fields (named by the ids of the objects they belong to)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from units.inputs import NumberFormField, read_number

from .models import Report, ReportValue, Round, RoundKind, Weight
from .services import BUDGET_FIELDS, REPORT_TEXTS, VALUE_TEXTS


class _RoundDates:
    # A round's dates are in the projects' years; 0001-01-01 in UTC+8 falls before year 1 when stored (a 500).
    YEARS = (2000, 2100)

    def _in_years(self, name: str, label: str):
        value = self.cleaned_data[name]
        if value is not None and not self.YEARS[0] <= value.year <= self.YEARS[1]:
            raise forms.ValidationError(f"{label}应在 {self.YEARS[0]} 到 {self.YEARS[1]} 年之间")
        return value

    def clean_deadline(self):
        # As for a table's deadline (targets.forms.OpenTableForm): a past one tells the units nothing.
        deadline = self._in_years("deadline", "填报截止时间")
        if deadline is not None and deadline <= timezone.now():
            raise forms.ValidationError("填报截止时间必须晚于现在")
        return deadline


class RoundOpenForm(_RoundDates, forms.Form):
    kind = forms.ChoiceField(label="类型", choices=RoundKind.choices)
    reference_date = forms.DateField(
        label="监控时点 / 自评截至日", widget=forms.DateInput(attrs={"type": "date"}), help_text="如 2022-06-30"
    )
    deadline = forms.DateTimeField(
        label="填报截止时间", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    lag_threshold = NumberFormField(
        Round._meta.get_field("lag_threshold"),
        label="偏差阈值（百分点）",
        initial=Round._meta.get_field("lag_threshold").default,
        min_value=0,
        max_value=100,
    )

    def clean_reference_date(self):
        return self._in_years("reference_date", "监控时点 / 自评截至日")


class RoundDeadlineForm(_RoundDates, forms.Form):
    """Extend (or clear) a round's deadline: the same checks as when the round was opened."""

    deadline = forms.DateTimeField(label="填报截止时间", required=False, help_text="留空为不限")


def decimal_or_none(raw: str | None, label: str, field) -> Decimal | None:
    return read_number(raw, f"“{label}”", field)


def read_report(post, value_ids: list[int]) -> tuple[dict[int, dict], dict, dict]:
    """(values, budget, texts) from the report form: `actual-<id>`, `<text>-<id>` per value; the budget
    figures and the report's texts by name. Only the fields present are read."""
    values: dict[int, dict] = {}
    for pk in value_ids:
        fields = {}
        if f"actual-{pk}" in post:
            fields["raw"] = post[f"actual-{pk}"]
        for name in VALUE_TEXTS:
            if f"{name}-{pk}" in post:
                fields[name] = post[f"{name}-{pk}"]
        if fields:
            values[pk] = fields
    labels = {"annual_budget": "全年预算数", "adjusted_budget": "调整后预算数", "executed": "执行数"}
    budget = {
        name: decimal_or_none(post[name], labels[name], Report._meta.get_field(name))
        for name in BUDGET_FIELDS
        if name in post
    }
    texts = {name: post[name] for name in REPORT_TEXTS if name in post}
    return values, budget, texts


def read_weights(post, groups: list[dict]) -> dict[tuple[str, int], Decimal]:
    weights = {}
    for group in groups:
        for item in group["items"]:
            if item["field"] in post:
                number = decimal_or_none(
                    post[item["field"]], f"{item['label']}的权重", Weight._meta.get_field("weight")
                )
                weights[item["key"]] = number if number is not None else Decimal(0)
    return weights


def read_grades(post, value_ids: list[int]) -> dict[int, tuple[str, Decimal | None]]:
    grades = {}
    for pk in value_ids:
        if f"grade-{pk}" in post:
            grades[pk] = (
                post[f"grade-{pk}"],
                decimal_or_none(post.get(f"percent-{pk}"), "得分比例", ReportValue._meta.get_field("grade_percent")),
            )
    return grades
