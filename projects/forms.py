from django import forms
from django.core.exceptions import ValidationError

from targets.editing import checked_direction
from targets.models import Indicator, IndicatorCategory, TargetPeriod, TargetPeriods, read_part_shares
from units import policy
from units.inputs import RefuseControlCharacters, parse_id
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


class IndicatorEditForm(RefuseControlCharacters, forms.Form):
    """One indicator of the project editor as typed (`ind-<id>-…`), checked field by field with the
    rules the save applies (targets.editing), so a refusal sits beside the field that caused it."""

    category = forms.ModelChoiceField(queryset=None, label="指标类别")
    name = forms.CharField(label="三级指标", required=False)
    unit = forms.CharField(label="计量单位", required=False)
    basis = forms.CharField(label="指标值确定依据", required=False, strip=False)
    long_term = forms.CharField(label="长期目标值", required=False, strip=False)
    annual = forms.CharField(label="年度目标值", required=False, strip=False)
    direction = forms.CharField(label="指标性质", required=False)
    shares = forms.CharField(label="分项分值比例", required=False, strip=False)

    def __init__(self, data, *, indicator, periods):
        super().__init__(data, prefix=f"ind-{indicator.pk}")
        self.indicator, self.periods = indicator, periods
        self.fields["category"].queryset = IndicatorCategory.objects.all()
        self.fields["category"].error_messages |= {"required": "请选择指标类别", "invalid_choice": "指标类别无效"}

    def posted(self, field: str) -> bool:
        return self.add_prefix(field) in self.data

    def clean(self):
        data = super().clean()
        name = data.get("name", "")
        if self.posted("direction") and "direction" not in self.errors:
            try:
                data["direction"] = checked_direction(data.get("direction", ""), name)
            except ValidationError as exc:
                self.add_error("direction", exc.messages[0])
        if self.posted("shares") and "shares" not in self.errors:
            try:
                data["shares"] = read_part_shares(data.get("shares", ""), f"“{name}”")
            except ValidationError as exc:
                self.add_error("shares", exc.messages[0])
        # The targets are read as the save reads them: with the name and unit as typed.
        typed = Indicator(name=name, measure_unit=data.get("unit", ""))
        for period in self.periods:
            if period not in self.errors:
                try:
                    typed.parse_target(data.get(period, ""), period)
                except ValidationError as exc:
                    self.add_error(period, exc.messages[0])
        return data

    def item(self) -> dict:
        """The service's item (targets.editing.indicators_update)."""
        data = self.cleaned_data
        item = {
            "id": self.indicator.pk,
            "category_id": data["category"].pk,
            "name": data["name"],
            "measure_unit": data["unit"],
            "basis": data["basis"],
            TargetPeriod.LONG_TERM: data["long_term"],
            TargetPeriod.ANNUAL: data["annual"],
        }
        # Not posted (an older page): the service keeps what is stored.
        item |= {
            key: data[field]
            for key, field in (("direction", "direction"), ("part_shares", "shares"))
            if self.posted(field)
        }
        return item

    def typed(self) -> dict:
        """What was typed, to show again after a refusal."""
        return {field: self.data.get(self.add_prefix(field), "") for field in self.fields}


def read_indicator_edits(post, project) -> tuple[list[IndicatorEditForm], list[str]]:
    """The editor's indicators as posted, one form each; and errors of the whole post (an indicator
    not of this project)."""
    indicators = {i.pk: i for i in Indicator.objects.filter(project=project)}
    periods = [TargetPeriod.LONG_TERM, TargetPeriod.ANNUAL]
    if project.target_periods != TargetPeriods.LONG_TERM_AND_ANNUAL:
        periods = [TargetPeriod.ANNUAL]
    forms_, errors = [], []
    for posted_id in post.getlist("indicator"):
        indicator = indicators.get(parse_id(posted_id))
        if indicator is None:
            errors.append("要修改的指标不属于该项目")
            continue
        forms_.append(IndicatorEditForm(post, indicator=indicator, periods=periods))
    return forms_, errors
