from django import forms

from targets.models import IndicatorCategory
from units import policy
from units.inputs import RefuseControlCharacters
from units.models import Unit, UnitCategory

from .models import FundingSource, Project

# The header's long texts, shown across the whole form.
WIDE_FIELDS = frozenset(
    {"name", "title", "expenditure_content", "policy_basis", "overall_goal", "long_term_goal", "note"}
)


class ProjectForm(RefuseControlCharacters, forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "name",
            "title",
            "level",
            "competent_department",
            "provincial_department",
            "local_department",
            "budget_unit",
            "leader",
            "phone",
            "address",
            "postcode",
            "fund_type",
            "budget_year",
            "start_year",
            "end_year",
            "funding_requirement",
            "money_unit",
            "expenditure_content",
            "policy_basis",
            "overall_goal",
            "long_term_goal",
            "note",
        ]
        widgets = {
            "expenditure_content": forms.Textarea(attrs={"rows": 3}),
            "policy_basis": forms.Textarea(attrs={"rows": 3}),
            "overall_goal": forms.Textarea(attrs={"rows": 3}),
            "long_term_goal": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Unit.objects.filter(category__in=[UnitCategory.BUREAU, UnitCategory.DEPARTMENT])
        for name in ("competent_department", "provincial_department", "local_department", "budget_unit"):
            self.fields[name].queryset = departments
        if user is not None and not policy.is_superuser(user):
            # 主管部门 decides which province governs the project: a bureau's admin keeps it among the
            # bureaus they administer (and its current one), never hands it to another province.
            kept = {self.instance.competent_department_id} - {None}
            self.fields["competent_department"].queryset = departments.filter(
                pk__in=policy.administered_bureau_ids(user) | kept
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and start > end:
            self.add_error("end_year", "结束年度不能早于起始年度")
        if data.get("funding_requirement") is not None and data["funding_requirement"] < 0:
            self.add_error("funding_requirement", "资金需求不能为负数")
        return data


class FundingSourceForm(RefuseControlCharacters, forms.ModelForm):
    class Meta:
        model = FundingSource
        fields = ["source_project", "label", "amount"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One line of a table whose header names the columns: each field is named for screen readers.
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = f"第{self.line}行{field.label}"

    @property
    def line(self) -> int:
        return int(self.prefix.rsplit("-", 1)[-1]) + 1 if self.prefix else 1


class FundingSourceBaseFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = f"删除第{form.line}行"


FundingSourceFormSet = forms.inlineformset_factory(
    Project, FundingSource, form=FundingSourceForm, formset=FundingSourceBaseFormSet, extra=1, can_delete=True
)
# 新建项目: three blank lines (年度金额、其中：中央补助、其中：省级资金 …).
NewFundingFormSet = forms.inlineformset_factory(Project, FundingSource, form=FundingSourceForm, extra=3)


class CopyYearForm(forms.Form):
    """复制到新年度: the year, and whether the values come along or start blank."""

    year = forms.IntegerField(label="新年度", min_value=2000, max_value=2100)
    values = forms.ChoiceField(
        label="指标值",
        choices=[("copy", "沿用上年值作为新年度初始值"), ("blank", "留空，由各单位重新填写")],
        initial="copy",
        widget=forms.RadioSelect,
    )


class ProjectCreateForm(ProjectForm):
    """新建项目: the header, with the code (blank: made up) and whether targets are long-term and
    annual or annual only. The 主管部门 is required: it decides who governs the project."""

    code = forms.SlugField(
        label="项目编号（英文字母、数字和连字符，可留空自动生成）", required=False, max_length=56, allow_unicode=False
    )

    class Meta(ProjectForm.Meta):
        fields = ["code", "target_periods", *ProjectForm.Meta.fields]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["competent_department"].required = True
        self.fields["code"].error_messages["invalid"] = "项目编号只能包含英文字母、数字、连字符和下划线"
        self.fields["competent_department"].error_messages["required"] = "请选择主管部门"
        administered = policy.administered_bureau_ids(user) if user is not None else set()
        if len(administered) == 1 and not self.is_bound:
            self.initial.setdefault("competent_department", next(iter(administered)))

    def clean_code(self):
        code = self.cleaned_data["code"]
        if code and Project.objects.filter(code=code).exists():
            raise forms.ValidationError(f"项目编号“{code}”已被使用，请换一个（或留空自动生成）")
        return code

    def validate_unique(self):
        pass  # the code is checked above, in Chinese; the service checks it again under its transaction


def named_errors(form, where: str = "") -> list[str]:
    """A form's errors, each naming its field (and `where`: 资金来源第 2 行)."""
    return [
        f"{where}“{form.fields[name].label}”：{m}" if name in form.fields else f"{where}{m}"
        for name, errors in form.errors.items()
        for m in errors
    ]


class IndicatorRowForm(RefuseControlCharacters, forms.Form):
    """One of the first indicators typed on the 新建项目 page (a row with no name is not one)."""

    category = forms.ModelChoiceField(queryset=None, label="指标类别")
    name = forms.CharField(label="三级指标", max_length=500)
    measure_unit = forms.CharField(label="计量单位", max_length=20, required=False)
    long_term = forms.CharField(label="长期目标值", required=False, max_length=2000)
    annual = forms.CharField(label="年度目标值", required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = IndicatorCategory.objects.all()
        self.fields["category"].error_messages["required"] = "请选择指标类别"
        self.fields["category"].error_messages["invalid_choice"] = "指标类别无效"


FIRST_INDICATOR_ROWS = 5
INDICATOR_FIELDS = ("category", "name", "measure_unit", "long_term", "annual")


def read_first_indicators(post) -> tuple[list[dict], list[str]]:
    """The rows `ind-N-…` with a name or a value typed, as the service's items; and their errors."""
    items, errors = [], []
    for n in range(1, FIRST_INDICATOR_ROWS + 1):
        prefix = f"ind-{n}"
        typed = [post.get(f"{prefix}-{f}", "").strip() for f in ("name", "measure_unit", "long_term", "annual")]
        if not any(typed):
            continue
        form = IndicatorRowForm(post, prefix=prefix)
        if form.is_valid():
            items.append(form.cleaned_data)
        else:
            errors += [f"第 {n} 项指标：{m}" for messages in form.errors.values() for m in messages]
    return items, errors
