"""The 任务书格式 page as a form: the 甲方 and its people, the period, and the 附表's metrics as
numbered rows (`m-1-name` …; every row with something typed is a metric, in the order shown)."""

from __future__ import annotations

import re

from django import forms

from units import policy
from units.inputs import RefuseControlCharacters
from units.models import Unit, UnitCategory

from ..models import Agreement, MetricKind
from .format_services import FORMAT_FIELDS, METRIC_FIELDS

BLANK_METRIC_ROWS = 3  # rows to write new metrics in, below the existing ones


class AgreementFormatForm(RefuseControlCharacters, forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [name.removesuffix("_id") for name in FORMAT_FIELDS]
        widgets = {"issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        bureaus = Unit.objects.filter(category__in=[UnitCategory.BUREAU, UnitCategory.DEPARTMENT]).order_by("name")
        if user is not None and not policy.is_superuser(user):
            # The 甲方 is the bureau issuing the 任务书: one the user administers (or the one already set).
            kept = {self.instance.principal_id} - {None}
            bureaus = bureaus.filter(pk__in=policy.administered_bureau_ids(user) | kept)
        self.fields["principal"].queryset = bureaus
        self.fields["principal"].empty_label = "请选择委托单位（甲方）…"
        for name in ("start_month", "end_month"):
            self.fields[name].widget.attrs.update(min=1, max=12)
        for name in ("start_year", "end_year"):
            self.fields[name].widget.attrs.update(min=2000, max=2100)

    def clean(self):
        data = super().clean()
        for name in ("start_month", "end_month"):
            if data.get(name) is not None and not 1 <= data[name] <= 12:
                self.add_error(name, "月份应在 1 到 12 之间")
        start = (data.get("start_year"), data.get("start_month"))
        end = (data.get("end_year"), data.get("end_month"))
        if None not in start + end and start > end:
            self.add_error("end_year", "项目期限的结束早于开始")
        return data

    def service_data(self) -> dict:
        data = {name: self.cleaned_data.get(name.removesuffix("_id")) for name in FORMAT_FIELDS}
        data["principal_id"] = data["principal_id"].pk if data["principal_id"] else None
        return data


def read_metrics(post) -> list[dict]:
    """The 附表 metrics as typed, in the order of their row numbers; rows left blank are dropped."""
    numbers = sorted({int(m[1]) for key in post for m in [re.match(r"m-(\d+)-", key)] if m})
    metrics = []
    for n in numbers:
        row = {f: (post.get(f"m-{n}-{f}") or "").strip() for f in METRIC_FIELDS}
        if row["group"] or row["name"] or row["measure_unit"]:
            row["kind"] = row["kind"] or MetricKind.QUANTITY
            metrics.append(row)
    return metrics
