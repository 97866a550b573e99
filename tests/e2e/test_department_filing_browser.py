"""广州市市场监管局 fills its 二级项目 table (seed 004) in the browser, the Guangdong bureau returns
it, the department corrects and resubmits, the bureau approves; Hubei's admin never sees it."""

import pytest
from playwright.sync_api import expect

from projects.models import Project, ProjectFiling
from targets.models import Target

from .conftest import click_and_load, screenshot

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
    click_and_load(city, "button:has-text('保存')")
    # Refused: the message names the indicator, what was typed is still there, nothing saved.
    expect(city.locator(".messages")).to_contain_text("举办论坛活动")
    expect(city.locator("input[name=leader]")).to_have_value("陈立")
    city.fill(forums, "≥6场")
    click_and_load(city, "button:has-text('保存')")
    expect(city.locator(".messages")).to_contain_text("已保存")
    click_and_load(city, "button:has-text('提交省局审核')")
    expect(city.locator(".status.st-submitted").first).to_be_visible()
    expect(city.locator("input[name=leader]")).to_be_disabled()

    province = login("gdadmin")
    # The Guangdong bureau's home page: its own four projects, none of Hubei's.
    projects = province.locator("section.card.project")
    expect(projects.filter(has_text="二级项目-广州")).to_have_count(1)
    expect(projects.filter(has_text="湖北省")).to_have_count(0)
    screenshot(province, "second_province_home")
    province.click("text=待审核")
    province.click(f"tr:has-text('{TITLE}') >> text=查看与审核")
    province.fill("#return-comment", "请补充联系电话的分机号")
    click_and_load(province, "button:has-text('退回修改')")
    expect(province.locator(".status.st-returned").first).to_be_visible()

    city.reload()
    expect(city.locator(".statusline")).to_contain_text("请补充联系电话的分机号")
    city.fill("input[name=phone]", "020-83221234-8001")
    click_and_load(city, "button:has-text('保存')")
    expect(city.locator(".messages")).to_contain_text("已保存")
    click_and_load(city, "button:has-text('提交省局审核')")
    expect(city.locator(".status.st-submitted").first).to_be_visible()

    province.reload()
    click_and_load(province, "button:has-text('审核通过')")
    expect(province.locator(".status.st-approved").first).to_be_visible()
    screenshot(province, "department_filing")

    project = Project.objects.get(title=TITLE)
    assert (project.leader, project.phone) == ("陈立", "020-83221234-8001")
    assert Target.objects.get(indicator__project=project, indicator__name="举办论坛活动").raw == "≥6场"
    assert ProjectFiling.objects.get(project=project).status == "approved"

    # Hubei's admin (the demo's is a superuser) aside, a Hubei filler does not find the page.
    wuhan = login("wuhan")
    response = wuhan.goto(city.url)
    assert response.status == 404
