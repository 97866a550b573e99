from django import forms

from units import policy
from units.inputs import RefuseControlCharacters
from units.models import Unit, UnitCategory

from .models import FundingSource, Project


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


FundingSourceFormSet = forms.inlineformset_factory(
    Project, FundingSource, form=FundingSourceForm, extra=1, can_delete=True
)


class CopyYearForm(forms.Form):
    """复制到新年度: the year, and whether the values come along or start blank."""

    year = forms.IntegerField(label="新年度", min_value=2000, max_value=2100)
    values = forms.ChoiceField(
        label="指标值",
        choices=[("copy", "沿用上年值作为新年度初始值"), ("blank", "留空，由各单位重新填写")],
        initial="copy",
        widget=forms.RadioSelect,
    )
