"""Reading the monitoring forms: the round's opening form, and the report's, weights' and grades'
posted fields (named by the ids of the objects they belong to)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from units.inputs import NumberFormField, read_number

from .budget import FundSource
from .budget_services import FIELD_LABELS
from .models import BUREAU_BUDGET_FIELDS, UNIT_BUDGET_FIELDS, ReportBudget, ReportValue, Round, RoundKind, Weight
from .services import REPORT_TEXTS, VALUE_TEXTS


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


def read_budget(post, fields: tuple[str, ...]) -> dict[str, dict]:
    """The 项目资金 figures posted as `<field>-<source>` ({source: {field: Decimal or None}}); only
    the fields present are read."""
    budget: dict[str, dict] = {}
    for source in FundSource:
        for name in fields:
            key = f"{name}-{source.value}"
            if key in post:
                label = f"{source.label}的{FIELD_LABELS[name]}"
                budget.setdefault(source.value, {})[name] = decimal_or_none(
                    post[key], label, ReportBudget._meta.get_field(name)
                )
    return budget


def read_budget_set(post) -> dict[str, dict]:
    """The bureau's 年初预算数 and 全年预算数 by source."""
    return read_budget(post, BUREAU_BUDGET_FIELDS)


# A value's posted fields: `<name>-<id>`; the categories are checkboxes (with a blank hidden input
# of the same name, so that none checked is told from the field not shown).
VALUE_INPUTS = {"actual": "raw", "expected": "expected", "likelihood": "likelihood", **{n: n for n in VALUE_TEXTS}}


def read_report(post, value_ids: list[int]) -> tuple[dict[int, dict], dict, dict]:
    """(values, budget, texts) from the report form: `actual-<id>`, `expected-<id>`, `likelihood-<id>`,
    `deviation_categories-<id>` and `<text>-<id>` per value; the unit's execution figures by source
    (`executed-<source>`, `expected-<source>`); the report's texts by name. Only the fields present
    are read."""
    values: dict[int, dict] = {}
    for pk in value_ids:
        fields = {name: post[f"{key}-{pk}"] for key, name in VALUE_INPUTS.items() if f"{key}-{pk}" in post}
        if f"deviation_categories-{pk}" in post:
            fields["deviation_categories"] = post.getlist(f"deviation_categories-{pk}")
        if fields:
            values[pk] = fields
    texts = {name: post[name] for name in REPORT_TEXTS if name in post}
    return values, read_budget(post, UNIT_BUDGET_FIELDS), texts


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
