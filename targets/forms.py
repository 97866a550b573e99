from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from units.inputs import RefuseControlCharacters, parse_id

from .editing import checked_direction
from .models import IndicatorCategory, TableColumn, ValueKind, read_part_shares
from .rollup_services import checked_link, link_context


class ReturnForm(RefuseControlCharacters, forms.Form):
    comment = forms.CharField(
        label="退回意见",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "退回时必须填写退回意见"},
    )


class ReopenForm(RefuseControlCharacters, forms.Form):
    reason = forms.CharField(
        label="重新打开的原因",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": "重新打开时必须填写原因"},
    )
    columns = forms.TypedMultipleChoiceField(
        label="只重新打开这些列（不选则整行）", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    narrative = forms.BooleanField(label="同时重新打开文字目标（只选部分列时）", required=False)

    def __init__(self, *args, columns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["columns"].choices = [(c.pk, c.label) for c in columns]


class OpenTableForm(forms.Form):
    deadline = forms.DateTimeField(
        label="截止时间",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": "请填写截止时间", "invalid": "截止时间格式不正确"},
    )

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline <= timezone.now():
            raise forms.ValidationError("截止时间必须晚于现在")
        return deadline


class BulkApproveForm(forms.Form):
    rows = forms.TypedMultipleChoiceField(coerce=int, error_messages={"required": "请至少选择一行"})

    def __init__(self, *args, row_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rows"].choices = [(pk, pk) for pk in row_ids]


class RemoveForm(RefuseControlCharacters, forms.Form):
    reason = forms.CharField(label="删除原因", max_length=500, error_messages={"required": "请填写删除原因"})


class ColumnForm(RefuseControlCharacters, forms.Form):
    """One column of the table editor as typed (`c-<id>-…`, `c-new-…`), checked field by field with
    the rules the save applies (targets.editing), so a refusal sits beside the field that caused it."""

    category = forms.ModelChoiceField(queryset=None, label="指标类别")
    name = forms.CharField(label="三级指标", required=False)
    unit = forms.CharField(label="计量单位", required=False)
    kind = forms.ChoiceField(label="值类型", choices=ValueKind.choices)
    blank = forms.BooleanField(label="允许空白", required=False)
    direction = forms.CharField(label="指标性质", required=False)
    shares = forms.CharField(label="分项分值比例", required=False, strip=False)
    delete = forms.BooleanField(label="删除", required=False)

    def __init__(self, data, *, key: str, column_id: int | None):
        super().__init__(data, prefix=f"c-{key}")
        self.key, self.column_id = key, column_id
        self.fields["category"].queryset = IndicatorCategory.objects.all()
        self.fields["category"].error_messages |= {"required": "请选择指标类别", "invalid_choice": "指标类别无效"}
        self.fields["kind"].error_messages |= {"required": "请选择值类型", "invalid_choice": "值类型无效"}

    @property
    def is_blank_new(self) -> bool:
        """The blank "new" line adds nothing."""
        return self.column_id is None and not (self.data.get(self.add_prefix("name")) or "").strip()

    def clean(self):
        data = super().clean()
        if data.get("delete"):  # a column to delete is not checked (the save checks it holds no value)
            self._errors.clear()
            return data
        name = data.get("name", "")
        for field, check in (
            ("direction", lambda v: checked_direction(v, name or "该列")),
            ("shares", lambda v: read_part_shares(v, f"“{name or '该列'}”")),
        ):
            if field not in self.errors:
                try:
                    data[field] = check(data.get(field, ""))
                except ValidationError as exc:
                    self.add_error(field, exc.messages[0])
        return data

    def item(self) -> dict:
        """The service's item (targets.editing.table_columns_save)."""
        data = self.cleaned_data
        return {
            "id": self.column_id,
            "category_id": data["category"].pk if data.get("category") else None,
            "name": data.get("name", ""),
            "measure_unit": data.get("unit", ""),
            "value_kind": data.get("kind", ""),
            "allow_blank": data.get("blank", False),
            "direction": data.get("direction", ""),
            "part_shares": data.get("shares", ""),
            "delete": data.get("delete", False),
        }

    def typed(self) -> dict:
        """What was typed, to show again after a refusal."""
        return {field: self.data.get(self.add_prefix(field), "") for field in self.fields}


def read_columns(post, table) -> tuple[list[ColumnForm], list[str]]:
    """The editor's columns as posted, one form each (the blank new line left out); and errors of
    the whole post (a column not of this table)."""
    existing = set(TableColumn.objects.filter(table=table).values_list("pk", flat=True))
    forms_, errors = [], []
    for key in post.getlist("column"):
        column_id = parse_id(key)
        if column_id is not None and column_id not in existing or column_id is None and key != "new":
            errors.append("要修改的列不属于该表")
            continue
        form = ColumnForm(post, key=key, column_id=column_id)
        if not form.is_blank_new:
            forms_.append(form)
    return forms_, errors


class RollupLinkForm(forms.Form):
    """One column's roll-up link as typed (`r-<column id>-…`), checked by the rule the save applies
    (rollup_services.checked_link), its error beside the field it is about."""

    indicator = forms.CharField(label="计入三级指标", required=False)
    factor = forms.CharField(label="换算系数", required=False)
    period = forms.CharField(label="计入目标", required=False)

    def __init__(self, data, *, table, column, indicators: dict, position: int):
        super().__init__(data, prefix=f"r-{column.pk}")
        self.table, self.column, self.indicators, self.position = table, column, indicators, position

    def clean(self):
        data = super().clean()
        typed = data.get("indicator", "")
        data["indicator_id"] = parse_id(typed) if typed else None
        if typed and data["indicator_id"] is None:
            self.add_error("indicator", "所选三级指标无效")
            return data
        try:
            checked_link(self.table, self.column, self.item(data), self.indicators, self.position)
        except ValidationError as exc:
            code = exc.error_list[0].code
            self.add_error(code if code in self.fields else "indicator", exc)
        return data

    def item(self, data=None) -> dict:
        """The service's link (rollup_services.table_rollup_save)."""
        data = data or self.cleaned_data
        return {
            "column_id": self.column.pk,
            "indicator_id": data.get("indicator_id"),
            "factor": data.get("factor", ""),
            "period": data.get("period", ""),
        }

    def typed(self) -> dict:
        return {field: self.data.get(self.add_prefix(field), "") for field in self.fields}


def read_rollup_links(post, table) -> tuple[list[RollupLinkForm], list[str]]:
    """The 汇总 section as posted, one form per column; and errors of the whole post."""
    columns, indicators, order = link_context(table, lock=False)
    forms_, errors = [], []
    for key in post.getlist("rollup_column"):
        column = columns.get(parse_id(key))
        if column is None:
            errors.append("要设置的列不属于该目标表，请刷新页面后重试")
            continue
        forms_.append(
            RollupLinkForm(post, table=table, column=column, indicators=indicators, position=order[column.pk])
        )
    return forms_, errors
