"""The 任务书 page's sections as Django forms: each posted section becomes plain data for its service.

The page numbers its table rows (`p-1-name`, `s-2-age`, new rows from 51): every row that is not
entirely blank is a form of its own with the prefix `p-N`, so its errors sit beside its fields
and name the row. `parse_section` answers the service's keyword arguments or raises FieldErrors
{posted field name: message}.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from units.inputs import read_number
from units.models import Unit, UnitCategory

from ..models import Agreement, AgreementExpense, AgreementMetricValue, BudgetSourceKind, PlatformKind, StaffRole
from .services import BASIC_FIELDS, BUREAU_FIELDS, CONTENT_FIELDS

PARTICIPANT_FIELDS = ["name", "contact", "contact_title", "phone", "email", "address"]
ALLOCATION_FIELDS = ["party", "amount"]
EXPENSE_FIELDS = ["content", "amount", "explanation", "is_equipment"]
STAFF_FIELDS = ["name", "gender", "age", "title", "education", "major", "months_per_year", "workplace", "role"]


class FieldErrors(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(errors.values()))
        self.errors = errors


def amount(value: str, label: str, *, field=None, required: bool = False) -> Decimal | None:
    """A non-negative amount as typed (`5,000`, `１６０`), read as every number is (`read_number`)
    against the column it is stored in (万元 by default); blank is None unless `required`."""
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationError(f"请填写{label}")
        return None
    return read_number(value, label, field or AgreementExpense._meta.get_field("amount"), negative=False)


def posted_numbers(post, prefix: str, fields: list[str]) -> list[int]:
    """The numbers of the rows `prefix-N-field` with something typed (a lone checkbox is not)."""
    numbers = sorted({int(m.group(1)) for key in post for m in [re.match(rf"{prefix}-(\d+)-", key)] if m})
    return [
        n for n in numbers if any((post.get(f"{prefix}-{n}-{f}") or "").strip() for f in fields if f != "is_equipment")
    ]


def read_rows(post, prefix: str, fields: list[str]) -> list[tuple[int, dict]]:
    """The non-blank numbered rows as typed (stripped), to show them again after a refusal."""
    return [
        (n, {f: (post.get(f"{prefix}-{n}-{f}") or "").strip() for f in fields})
        for n in posted_numbers(post, prefix, fields)
    ]


def _errors(form: forms.Form) -> dict[str, str]:
    """{posted field name: its first message}; errors of the whole form are keyed by its prefix."""
    return {form.add_prefix(field): messages[0] for field, messages in form.errors.items()}


class RowForm(forms.Form):
    """One numbered row: `number` names its fields as posted (new rows start at 51); messages count
    rows as the person sees them, from the first filled row (`number` is that position)."""

    def __init__(self, data, *, prefix: str, number: int, position: int | None = None):
        super().__init__(data, prefix=f"{prefix}-{number}")
        self.number = number if position is None else position

    def posted(self, field: str) -> str:
        """What was typed in `field` of this row, before any cleaning (to name the row in a message)."""
        return (self.data.get(self.add_prefix(field)) or "").strip()

    def required_text(self, field: str, message: str) -> str:
        if not self.cleaned_data[field]:
            raise ValidationError(message)
        return self.cleaned_data[field]


def _text(**kwargs) -> forms.CharField:
    return forms.CharField(required=False, **kwargs)


class ParticipantForm(RowForm):
    name, contact, contact_title, phone, address = (_text() for _ in range(5))
    email = forms.EmailField(required=False)

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["email"].error_messages["invalid"] = f"参与单位{self.number}：电子邮箱格式不正确"

    def clean_name(self):
        return self.required_text("name", f"参与单位{self.number}：请填写单位名称")


class AllocationForm(RowForm):
    amount = _text()
    party = _text()

    def clean_amount(self):
        return amount(self.cleaned_data["amount"], f"{self.posted('party') or '分配'}金额", required=True)

    def clean_party(self):
        return self.required_text("party", "请填写单位")


class ExpenseForm(RowForm):
    amount = _text()
    content = _text()
    explanation = _text()
    is_equipment = forms.BooleanField(required=False)

    def clean_amount(self):
        return amount(self.cleaned_data["amount"], f"“{self.posted('content')}”预算金额", required=True)

    def clean_content(self):
        return self.required_text("content", "请填写经费开支内容")


class StaffForm(RowForm):
    name = forms.CharField()
    gender = forms.ChoiceField(choices=[("男", "男"), ("女", "女")])
    age = forms.IntegerField(min_value=16, max_value=100)
    title, education, major = _text(), _text(), _text()
    months_per_year = forms.IntegerField(min_value=1, max_value=12)
    workplace = _text()
    role = forms.ChoiceField(choices=StaffRole.choices)

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        n = self.number
        messages = {
            "name": f"第{n}人：请填写姓名",
            "gender": f"第{n}人：性别应为男或女",
            "age": f"第{n}人：年龄应为 16 到 100 的整数",
            "months_per_year": f"第{n}人：工作时间（月/年）应为 1 到 12 的整数",
            "role": f"第{n}人：请选择任务角色",
        }
        for field, message in messages.items():
            # One message per field, whatever was wrong with it (blank, not a number, out of range).
            self.fields[field].error_messages = dict.fromkeys(
                ("required", "invalid", "invalid_choice", "min_value", "max_value"), message
            )


def _row_forms(form_class, post, prefix: str, fields: list[str]) -> tuple[list[dict], dict[str, str]]:
    rows, errors = [], {}
    for position, n in enumerate(posted_numbers(post, prefix, fields), start=1):
        form = form_class(post, prefix=prefix, number=n, position=position)
        if form.is_valid():
            rows.append(form.cleaned_data)
        else:
            errors |= _errors(form)
    return rows, errors


class BasicForm(forms.Form):
    """The undertaker's details. Fields the bureau fills (项目编号) are shown locked to a unit:
    with `locked`, a posted change is refused and the stored value kept."""

    def __init__(self, data, *, agreement: Agreement, locked: bool):
        super().__init__(data)
        self.agreement, self.locked = agreement, locked
        for field in BASIC_FIELDS:
            self.fields[field] = _text()
        self.fields["undertaker_email"] = forms.EmailField(
            required=False, error_messages={"invalid": "电子邮箱格式不正确"}
        )

    def clean(self):
        data = super().clean()
        for field in BUREAU_FIELDS if self.locked else ():
            stored, posted = getattr(self.agreement, field), self.data.get(field)
            if posted is not None and posted.strip() != stored:
                label = Agreement._meta.get_field(field).verbose_name
                self.add_error(field, f"{label}由省局填写，承担单位不能修改")
            data[field] = stored
        return data


def _basic(post, agreement: Agreement, locked: bool) -> tuple[dict, dict]:
    form = BasicForm(post, agreement=agreement, locked=locked)
    errors = {} if form.is_valid() else _errors(form)
    data = {f: form.cleaned_data.get(f, "") for f in BASIC_FIELDS}
    participants, row_errors = _row_forms(ParticipantForm, post, "p", PARTICIPANT_FIELDS)
    return {"data": data, "participants": participants}, errors | row_errors


def _content(post, agreement: Agreement, locked: bool) -> tuple[dict, dict]:
    # Free text, kept exactly as typed (leading spaces indent paragraphs in the printed form).
    return {
        "data": {f: post.get(f, "") for f in CONTENT_FIELDS},
        "stage_goals": {y: post.get(f"goal-{y}", "") for y in agreement.years},
    }, {}


def _annex(post, agreement: Agreement, locked: bool) -> tuple[dict, dict]:
    values, errors = {}, {}
    for metric in agreement.metrics.all():
        for year in agreement.years:
            key = f"m-{metric.pk}-{year}"
            try:
                values[(metric.pk, year)] = amount(
                    post.get(key, ""), f"“{metric.label}”{year}年", field=AgreementMetricValue._meta.get_field("value")
                )
            except ValidationError as exc:
                errors[key] = exc.messages[0]
    return {"values": values}, errors


def _budget(post, agreement: Agreement, locked: bool) -> tuple[dict, dict]:
    sources, errors = {}, {}
    for kind in BudgetSourceKind:
        key = f"source-{kind.value}"
        try:
            sources[kind.value] = amount(post.get(key, ""), kind.label)
        except ValidationError as exc:
            errors[key] = exc.messages[0]
    allocations, allocation_errors = _row_forms(AllocationForm, post, "a", ALLOCATION_FIELDS)
    expenses, expense_errors = _row_forms(ExpenseForm, post, "e", EXPENSE_FIELDS)
    data = {"sources": sources, "allocations": allocations, "expenses": expenses}
    return data, errors | allocation_errors | expense_errors


def _staff(post, agreement: Agreement, locked: bool) -> tuple[dict, dict]:
    staff, errors = _row_forms(StaffForm, post, "s", STAFF_FIELDS)
    return {"staff": staff}, errors


SECTIONS = {"basic": _basic, "content": _content, "annex": _annex, "budget": _budget, "staff": _staff}


def parse_section(section: str, post, agreement: Agreement, *, locked: bool) -> dict:
    """The service's keyword arguments for `section` as posted; FieldErrors if any field is wrong."""
    data, errors = SECTIONS[section](post, agreement, locked)
    if errors:
        raise FieldErrors(errors)
    return data


class AgreementNewForm(forms.Form):
    """The bureau issues a 任务书: to a platform unit, for a platform kind."""

    undertaker = forms.ModelChoiceField(queryset=Unit.objects.filter(category=UnitCategory.PLATFORM))
    platform_kind = forms.ChoiceField(choices=PlatformKind.choices)
