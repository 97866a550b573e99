"""Reading the monitoring forms: the round's opening form, and the report's, weights' and grades'
posted fields (named by the ids of the objects they belong to)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
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


class _Typed(forms.Field):
    """A checkbox group's values as posted (a list); the service reads and checks them."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return list(value or [])


class ReportForm(forms.Form):
    """The report form as typed: per value `actual-<id>`, `expected-<id>`, `likelihood-<id>`,
    `deviation_categories-<id>` and `<text>-<id>`; the unit's execution figures `executed-<source>`,
    `expected-<source>` (numbers, read here); the report's texts by name. The service checks the
    rest; its refusals name the field (`raw-<id>`, `<name>-<source>`, a text's name), put beside it
    by `refuse`. Only the fields posted are saved; a refused post is shown again as typed (`show`)."""

    def __init__(self, data, *, value_ids: list[int]):
        super().__init__(data)
        self.value_ids = value_ids
        for pk in value_ids:
            for key in VALUE_INPUTS:
                self.fields[f"{key}-{pk}"] = forms.CharField(required=False, strip=False)
            self.fields[f"deviation_categories-{pk}"] = _Typed(required=False)
        for source in FundSource:
            for name in UNIT_BUDGET_FIELDS:
                self.fields[f"{name}-{source.value}"] = NumberFormField(
                    ReportBudget._meta.get_field(name), required=False, label=f"{source.label}的{FIELD_LABELS[name]}"
                )
        for name, label in REPORT_TEXTS.items():
            self.fields[name] = forms.CharField(required=False, strip=False, label=label)

    def posted(self, name: str) -> bool:
        return name in self.data

    def clean(self):
        data = super().clean()
        for key, errors in self.errors.items():  # a number's message names its line (at the top too)
            if isinstance(self.fields.get(key), NumberFormField):
                self.errors[key] = self.error_class([f"“{self.fields[key].label}”{e}" for e in errors])
        return data

    def items(self) -> tuple[dict[int, dict], dict, dict]:
        """(values, budget, texts) for services.report_save, of the fields posted."""
        data, values = self.cleaned_data, {}
        for pk in self.value_ids:
            fields = {name: data[f"{key}-{pk}"] for key, name in VALUE_INPUTS.items() if self.posted(f"{key}-{pk}")}
            if self.posted(f"deviation_categories-{pk}"):
                fields["deviation_categories"] = data[f"deviation_categories-{pk}"]
            if fields:
                values[pk] = fields
        budget: dict[str, dict] = {}
        for source in FundSource:
            for name in UNIT_BUDGET_FIELDS:
                if self.posted(f"{name}-{source.value}"):
                    budget.setdefault(source.value, {})[name] = data[f"{name}-{source.value}"]
        texts = {name: data[name] for name in REPORT_TEXTS if self.posted(name)}
        return values, budget, texts

    def refuse(self, exc: ValidationError) -> None:
        """The service's refusal beside the field it names (the posted name: its `raw-<id>` is the
        form's `actual-<id>`), else at the top of the form."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for key, errors in exc.error_dict.items():
            name = f"actual-{key.removeprefix('raw-')}" if key.startswith("raw-") else key
            self.add_error(name if name in self.fields else None, errors)

    def messages(self) -> list[str]:
        return [m for errors in self.errors.values() for m in errors]

    def show(self, page: dict) -> dict:
        """The report page (selectors.report_page) with what was typed in place of what is stored
        (nothing is saved: the objects are the page's own) and each error beside its field."""
        errors = self.errors
        for line in page["lines"]:
            value = line.value
            pk = value.pk
            for key, name in VALUE_INPUTS.items():
                if self.posted(f"{key}-{pk}"):
                    setattr(value, name, self.data[f"{key}-{pk}"])
            if self.posted(f"deviation_categories-{pk}"):
                value.deviation_categories = ",".join(self.data.getlist(f"deviation_categories-{pk}"))
            value.field_errors = {
                key: errors[f"{key}-{pk}"] for key in (*VALUE_INPUTS, "deviation_categories") if f"{key}-{pk}" in errors
            }
            line.typed = any(self.posted(f"{key}-{pk}") for key in VALUE_INPUTS)
        report = page["report"]
        for name in REPORT_TEXTS:
            if self.posted(name):
                setattr(report, name, self.data[name])
        page["text_errors"] = {name: errors[name] for name in REPORT_TEXTS if name in errors}
        page["budget_typed"] = {
            source.value: {name: self.data.get(f"{name}-{source.value}") for name in UNIT_BUDGET_FIELDS}
            for source in FundSource
        }
        page["budget_errors"] = {
            source.value: {
                n: errors[f"{n}-{source.value}"] for n in UNIT_BUDGET_FIELDS if f"{n}-{source.value}" in errors
            }
            for source in FundSource
        }
        return page


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
