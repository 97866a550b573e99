from django import forms
from django.utils import timezone

from units.inputs import RefuseControlCharacters


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
