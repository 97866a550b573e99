"""新建项目: a bureau's admin creates a project in the app, in their own bureau's reach only."""

import pytest
from django.urls import reverse

from projects.models import FundingSource, Project
from targets.models import Indicator, IndicatorCategory, Target
from units.models import AuditEntry, Unit

pytestmark = pytest.mark.django_db

HUBEI_BUREAU = "湖北省知识产权局"


def _post(**changes):
    category = IndicatorCategory.objects.get(level=2, name="数量指标", parent__name="产出指标")
    data = {
        "code": "",
        "target_periods": "annual_only",
        "name": "专利导航服务项目",
        "title": "湖北省2024年专利导航服务项目绩效目标表",
        "level": "primary",
        "competent_department": Unit.objects.get(name=HUBEI_BUREAU).pk,
        "budget_year": "2024",
        "start_year": "2024",
        "end_year": "2024",
        "funding_requirement": "300",
        "money_unit": "万元",
        "funding_sources-TOTAL_FORMS": "3",
        "funding_sources-INITIAL_FORMS": "0",
        "funding_sources-0-label": "年度金额：",
        "funding_sources-0-amount": "300",
        "funding_sources-1-label": "其中：中央补助",
        "funding_sources-1-amount": "200",
        "ind-1-category": category.pk,
        "ind-1-name": "导航报告",
        "ind-1-measure_unit": "份",
        "ind-1-annual": "≥10份",
    }
    return data | changes


def test_a_bureau_admin_creates_a_project_with_funding_and_indicators(client, hubei_admin):
    client.force_login(hubei_admin)
    assert "新建项目" in client.get(reverse("projects:new")).content.decode()
    response = client.post(reverse("projects:new"), _post())
    project = Project.objects.get(name="专利导航服务项目")
    assert response.status_code == 302 and response.url == reverse("projects:edit", args=[project.pk])
    assert project.code.startswith("project-2024-") and project.competent_department.name == HUBEI_BUREAU
    assert list(FundingSource.objects.filter(project=project).order_by("order").values_list("label", "amount")) == [
        ("年度金额：", 300),
        ("其中：中央补助", 200),
    ]
    indicator = Indicator.objects.get(project=project)
    assert (indicator.name, indicator.measure_unit) == ("导航报告", "份")
    assert Target.objects.get(indicator=indicator).raw == "≥10份"
    entry = AuditEntry.objects.get(action="projects.project.created", object_id=str(project.pk))
    assert entry.actor == hubei_admin and entry.after["code"] == project.code
    # The project is theirs to manage from now on.
    assert client.get(reverse("projects:edit", args=[project.pk])).status_code == 200


def test_a_bureau_admin_cannot_create_a_project_for_another_bureau(client, hubei_admin):
    client.force_login(hubei_admin)
    guangdong = Unit.objects.get(name="广东省市场监督管理局（知识产权局）")
    response = client.post(reverse("projects:new"), _post(competent_department=guangdong.pk))
    assert response.status_code == 400 and not Project.objects.filter(name="专利导航服务项目").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ind-1-annual": "≥10份\x07"}, "控制字符"),
        ({"ind-1-category": ""}, "第 1 项指标：请选择指标类别"),
        ({"funding_sources-0-amount": "三百"}, "资金来源第 1 行“金额（万元）”"),
        ({"code": "hubei-2022-patent-transfer"}, "项目编号“hubei-2022-patent-transfer”已被使用"),
        ({"code": "湖北"}, "项目编号只能包含"),
        ({"competent_department": ""}, "请选择主管部门"),
    ],
)
def test_bad_input_creates_nothing_and_says_what(client, hubei_admin, changes, message):
    client.force_login(hubei_admin)
    count = Project.objects.count()
    response = client.post(reverse("projects:new"), _post(**changes))
    assert response.status_code == 400 and message in response.content.decode()
    assert Project.objects.count() == count


@pytest.mark.parametrize("who", ["reviewer", "observer", "wuhan"])
def test_only_a_bureau_admin_may_open_the_page(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("projects:new")).status_code == 403
    assert client.post(reverse("projects:new"), _post()).status_code == 403


def test_the_home_page_offers_it_to_who_may(client, hubei_admin, wuhan):
    client.force_login(hubei_admin)
    assert reverse("projects:new") in client.get(reverse("home")).content.decode()
    client.force_login(wuhan)
    assert reverse("projects:new") not in client.get(reverse("home")).content.decode()
