"""广州市市场监管局 fills its 二级项目 table (seed 004) in the browser, the Guangdong bureau returns
it, the department corrects and resubmits, the bureau approves; Hubei's admin never sees it."""

import pytest

from projects.models import Project, ProjectFiling
from targets.models import Target

from .conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "省财政专项转移支付绩效目标表(二级项目-广州)"


def test_a_city_department_fills_its_table_and_the_province_reviews_it(login):
    city = login("guangzhou")
    city.on("dialog", lambda dialog: dialog.accept())
    city.click(f"text={TITLE}")  # 我的主管部门填报
    city.fill("input[name=leader]", "陈立")
    city.fill("input[name=phone]", "020-83221234")
    forums = "input[aria-label='举办论坛活动的年度绩效目标']"
    city.fill(forums, "≥1" + "0" * 30 + "场")
    city.click("button:has-text('保存')")
    # Refused: the message names the indicator, what was typed is still there, nothing saved.
    city.wait_for_selector(".messages >> text=举办论坛活动")
    assert city.input_value("input[name=leader]") == "陈立"
    city.fill(forums, "≥6场")
    city.click("button:has-text('保存')")
    city.wait_for_selector(".messages >> text=已保存")
    city.click("button:has-text('提交省局审核')")
    city.wait_for_selector(".status.st-submitted")
    assert city.is_disabled("input[name=leader]")

    province = login("gdadmin")
    # The Guangdong bureau's home page: its own four projects, none of Hubei's.
    home = province.inner_text("main") if province.query_selector("main") else province.inner_text("body")
    assert "二级项目-广州" in home and "湖北省" not in home.split("项目一览", 1)[1]
    screenshot(province, "second_province_home")
    province.click("text=待审核")
    province.click(f"tr:has-text('{TITLE}') >> text=查看与审核")
    province.fill("#return-comment", "请补充联系电话的分机号")
    province.click("button:has-text('退回修改')")
    province.wait_for_selector(".status.st-returned")

    city.reload()
    assert "请补充联系电话的分机号" in city.inner_text(".statusline")
    city.fill("input[name=phone]", "020-83221234-8001")
    city.click("button:has-text('保存')")
    city.wait_for_selector(".messages >> text=已保存")
    city.click("button:has-text('提交省局审核')")
    city.wait_for_selector(".status.st-submitted")

    province.reload()
    province.click("button:has-text('审核通过')")
    province.wait_for_selector(".status.st-approved")
    screenshot(province, "department_filing")

    project = Project.objects.get(title=TITLE)
    assert (project.leader, project.phone) == ("陈立", "020-83221234-8001")
    assert Target.objects.get(indicator__project=project, indicator__name="举办论坛活动").raw == "≥6场"
    assert ProjectFiling.objects.get(project=project).status == "approved"

    # Hubei's admin (the demo's is a superuser) aside, a Hubei filler does not find the page.
    wuhan = login("wuhan")
    response = wuhan.goto(city.url)
    assert response.status == 404
