"""A new clerk files a whole year in Chromium, from a database with no project at all, without the
admin site or a management command: project, table, units, funding, 任务书格式 and 任务书, 下达,
filling, review, exports, 监控, 自评, and the copy into the next year (docs/year.md walks the same).

What is there before the clerk starts is the organisation, set up once by the 系统管理员 (the units
and user accounts, imported as flat lists): a bureau, its admin, two 市州 and a platform with a
filler each. The indicator catalogue and the grade table come with the database (migrations)."""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from monitoring.models import Report
from projects.models import Agreement, Project
from targets.models import AssignedValue, TableRow
from units.models import Membership, Role, Unit

from .conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "walk-pass-2024!"
BUREAU = "江汉省知识产权局"
PROJECT = "江汉省专利转化专项"
TABLE = "江汉省专利转化专项-市州（2024年度）"
INDICATOR = "收集中小微企业专利技术需求"


@pytest.fixture
def empty_site(reseeded_after, transactional_db, live_server):
    """No project, no table, no 任务书: only what migrations put in and the organisation."""
    call_command("flush", interactive=False, verbosity=0)  # whatever the tests before left
    for migration in ("targets.migrations.0012_indicator_catalogue", "monitoring.migrations.0002_grade_levels"):
        importlib.import_module(migration).seed(apps, None)  # a flush empties what they had put in
    bureau = Unit.objects.create(name=BUREAU, category="bureau")
    units = [
        Unit.objects.create(name=name, category=category, order=n)
        for n, (name, category) in enumerate(
            [("甲市", "region"), ("乙市", "region"), ("江汉省专利运营平台", "platform")]
        )
    ]
    User = get_user_model()
    for username, unit, role in [("clerk", bureau, Role.ADMIN)] + [
        (login, unit, Role.FILLER) for login, unit in zip(("jia", "yi", "pingtai"), units)
    ]:
        user = User.objects.create_user(username, email=f"{username}@example.cn", password=PASSWORD)
        Membership.objects.create(user=user, unit=unit, role=role)
    assert not Project.objects.exists()
    return live_server.url


@pytest.fixture
def open_as(browser, empty_site):
    contexts = []

    def _open(username: str):
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20000)
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto(f"{empty_site}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("nav.userbar")).to_be_visible()
        return page

    yield _open
    for context in contexts:
        context.close()


def _new_project(clerk):
    expect(clerk.locator("main")).to_contain_text("暂无您可查看的项目")
    clerk.click("text=新建项目")
    clerk.fill("input[name=name]", PROJECT)
    clerk.fill("input[name=title]", "江汉省2024年专利转化专项绩效目标表")
    clerk.select_option("select[name=target_periods]", "long_term_and_annual")  # printed as 附件2
    for name, value in (("budget_year", "2024"), ("start_year", "2024"), ("end_year", "2026")):
        clerk.fill(f"input[name={name}]", value)
    clerk.fill("input[name=funding_requirement]", "300")
    expect(clerk.locator("select[name=competent_department] option:checked")).to_have_text(BUREAU)
    clerk.fill("input[name='funding_sources-0-label']", "年度金额：")
    clerk.fill("input[name='funding_sources-0-amount']", "300")
    clerk.select_option("select[aria-label=第1项指标类别]", label="产出指标/数量指标")
    clerk.fill("textarea[aria-label=第1项三级指标]", INDICATOR)
    clerk.fill("input[aria-label=第1项计量单位]", "条")
    clerk.fill("input[aria-label=第1项长期目标值]", "≥600条")
    clerk.fill("input[aria-label=第1项年度目标值]", "≥200条")
    screenshot(clerk, "project-new")
    clerk.click("button:has-text('新建项目')")
    expect(clerk.locator(".messages")).to_contain_text(f"已新建项目“{PROJECT}”")


def _table_with_units_and_funding(clerk):
    add = clerk.locator("form.addform:has(input[name=title])")
    add.locator("input[name=title]").fill(TABLE)
    add.locator("select[name=unit_category]").select_option("region")
    add.locator("input[name=start_year]").fill("2024")
    add.locator("input[name=end_year]").fill("2024")
    add.locator("button[type=submit]").click()
    expect(clerk.locator(".messages")).to_contain_text("已新建目标表")
    clerk.select_option("select[name=c-new-category]", label="产出指标/数量指标")
    clerk.fill("input[name=c-new-name]", INDICATOR)
    clerk.fill("input[name=c-new-unit]", "条")
    clerk.select_option("select[name=c-new-kind]", "number")
    clerk.click("button:has-text('保存列')")
    expect(clerk.locator(".messages")).to_contain_text("列已保存")
    expect(clerk.locator("#unit-picker input[name=units]:checked")).to_have_count(2)  # 全部市州, in order
    clerk.fill("input[aria-label='甲市 资金（万元）']", "160")
    clerk.fill("input[aria-label='乙市 资金（万元）']", "140")
    clerk.click("#funding button:has-text('保存资金')")
    expect(clerk.locator(".messages")).to_contain_text("已保存 2 个单位的资金")


def _agreement(clerk):
    clerk.click("nav.crumbs >> text=" + PROJECT)
    clerk.click("#agreement-format >> text=新建任务书格式")
    clerk.fill("input[name=title]", "江汉省专利转化专项任务书（平台类）")
    clerk.select_option("select[name=principal]", label=BUREAU)
    for name, value in (("start_year", "2024"), ("start_month", "1"), ("end_year", "2024"), ("end_month", "12")):
        clerk.fill(f"input[name={name}]", value)
    clerk.fill("input[aria-label=新指标1名称]", "专利转让许可")
    clerk.fill("input[aria-label=新指标1计量单位]", "件")
    clerk.click("button:has-text('保存任务书格式')")
    expect(clerk.locator(".messages")).to_contain_text("任务书格式已保存")
    clerk.click("nav.crumbs >> text=" + PROJECT)
    clerk.select_option("select[aria-label=承担单位]", label="江汉省专利运营平台")
    clerk.click("button:has-text('下达任务书')")
    expect(clerk.locator(".messages")).to_contain_text("已为“江汉省专利运营平台”下达任务书")


def _type(page, unit: str, text: str):
    page.locator(f"tr.datarow[data-unit='{unit}'] td.cell").first.click()
    page.keyboard.press("F2")
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    expect(page.locator("#statusbar")).to_contain_text("已保存")


def _hand_down_and_open(clerk):
    clerk.click("nav.crumbs >> text=" + PROJECT)
    expect(clerk.locator("#agreement-format")).to_contain_text("附表 1 项指标")
    screenshot(clerk, "project-editor")
    clerk.click(f"li:has-text('{TABLE}') >> text=填报表格")
    clerk.click("button:has-text('改为下达表')")
    expect(clerk.locator("table.sheet.handdown")).to_be_visible()
    _type(clerk, "甲市", "100")
    _type(clerk, "乙市", "100")
    clerk.click("nav.crumbs >> text=填报进度")
    deadline = timezone.localtime() + timedelta(days=20)
    clerk.fill("input[name=deadline]", deadline.strftime("%Y-%m-%dT%H:%M"))
    clerk.click("button:has-text('开放填报')")
    expect(clerk.locator(".messages")).to_contain_text("已开放填报，已通知各单位")


def _fill_and_submit(jia, yi, pingtai):
    jia.click("table.myrows a:text-is('填报')")
    jia.click("button:has-text('全部确认（1）')")
    expect(jia.locator("tr.datarow[data-unit='甲市']")).not_to_contain_text("全部确认")
    jia.click("tr.datarow[data-unit='甲市'] button:has-text('提交')")
    expect(jia.locator("tr.datarow[data-unit='甲市'] .status")).to_have_text("已提交")

    yi.click("table.myrows a:text-is('填报')")
    yi.click("tr.datarow[data-unit='乙市'] >> text=详情")
    yi.select_option("select[name^=decision-]", "propose")
    yi.fill("input[name^=value-]", "80")
    yi.fill("input[name^=reason-]", "新设工作站尚在筹建")
    yi.click("button:has-text('保存确认与调整')")
    expect(yi.locator(".messages")).to_contain_text("已保存")
    yi.click("button:has-text('提交审核')")
    expect(yi.locator(".statusline")).to_contain_text("等待审核")

    pingtai.click("text=江汉省专利转化专项任务书（平台类）")
    pingtai.fill("input[name=undertaker_leader]", "周平")
    pingtai.fill("input[name=undertaker_phone]", "027-66668888")
    pingtai.click("button:has-text('保存基本情况')")
    expect(pingtai.locator(".messages")).to_contain_text("已保存")


def _review_and_export(clerk, tmp_path):
    clerk.click("header >> text=待审核")
    clerk.check("input[aria-label=全选]")
    clerk.click("button:has-text('批量审核通过所选')")
    expect(clerk.locator(".messages")).to_contain_text("已审核通过 2 个单位的填报")
    clerk.click("header >> text=项目一览")
    with clerk.expect_download() as download:
        clerk.click(".exports >> text=附件2 项目绩效目标表 >> nth=0")
    assert download.value.suggested_filename == f"{PROJECT}-2024年-附件2 项目绩效目标表.xlsx"
    with clerk.expect_download() as download:
        clerk.click(f"tr:has-text('{TABLE}') >> text=导出")
    assert download.value.suggested_filename == f"{PROJECT}-{TABLE}.xlsx"
    with clerk.expect_download() as download:  # 全部附件: made by a worker, arrives by itself
        clerk.click("button:has-text('全部附件（后台生成）')")
    assert download.value.suggested_filename == f"{PROJECT}-2024年-全部附件.xlsx"
    download.value.save_as(tmp_path / "all.xlsx")
    screenshot(clerk, "walk-home")


def _round(clerk, kind: str, day: str):
    clerk.click("header >> text=项目一览")
    clerk.click("text=绩效监控与自评 >> nth=0")
    clerk.select_option("select[name=kind]", label=kind)
    clerk.fill("input[name=reference_date]", day)
    clerk.click("button:has-text('发起')")
    expect(clerk.locator(".messages")).to_contain_text("已通知各单位填报")


def _report(unit, kind: str, actual: str, executed: str):
    unit.click("header >> text=项目一览")
    unit.click(f"tr:has-text('{kind}') >> a:has-text('填报')")
    unit.fill(f"textarea[aria-label='{INDICATOR}的完成值']", actual)
    unit.fill("input[name=executed-current]", executed)  # 当年财政拨款, the source the row's funding is
    unit.click("#save")
    expect(unit.locator(".messages")).to_contain_text("已保存")
    unit.click("#submit")
    expect(unit.locator(".messages")).to_contain_text("已提交，等待省局审核")


def _approve_report(clerk, kind: str):
    clerk.click("header >> text=待审核")
    clerk.click(f"tr:has-text('{kind}'):has-text('甲市') >> a:has-text('查看与审核')")
    clerk.click("#approve")
    expect(clerk.locator(".messages")).to_contain_text("已审核通过")


def _copy(clerk):
    project = Project.objects.get(name=PROJECT)
    clerk.goto(clerk.url.split("/", 3)[0] + "//" + clerk.url.split("/", 3)[2] + f"/projects/{project.pk}/edit/")
    clerk.locator("#copy-year button[type=submit]").click()
    expect(clerk.locator(".messages")).to_contain_text("已复制到2025年度")
    expect(clerk.locator("#agreement-format")).to_contain_text("2025年1月至2025年12月")
    clerk.select_option("select[aria-label=承担单位]", label="江汉省专利运营平台")
    clerk.click("button:has-text('下达任务书')")
    expect(clerk.locator(".messages")).to_contain_text("已为“江汉省专利运营平台”下达任务书")


def test_a_new_clerk_files_a_whole_year_from_an_empty_database(open_as, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    clerk = open_as("clerk")
    _new_project(clerk)
    _table_with_units_and_funding(clerk)
    _agreement(clerk)
    _hand_down_and_open(clerk)
    jia, yi, pingtai = open_as("jia"), open_as("yi"), open_as("pingtai")
    _fill_and_submit(jia, yi, pingtai)
    _review_and_export(clerk, tmp_path)
    rows = dict(TableRow.objects.values_list("unit__name", "status"))
    assert rows == {"甲市": "approved", "乙市": "approved"}
    assert dict(AssignedValue.objects.values_list("row__unit__name", "raw")) == {"甲市": "100", "乙市": "100"}

    _round(clerk, "绩效运行监控", "2024-06-30")
    jia.reload()
    _report(jia, "绩效运行监控", "60条", "80")
    _approve_report(clerk, "绩效运行监控")
    _round(clerk, "绩效自评", "2024-12-31")
    _report(jia, "绩效自评", "110条", "150")
    _approve_report(clerk, "绩效自评")
    reports = dict(Report.objects.filter(unit__name="甲市").values_list("round__kind", "status"))
    assert reports == {"monitoring": "approved", "self_evaluation": "approved"}
    expect(clerk.locator(".score-summary")).to_contain_text("等级")

    _copy(clerk)
    copy = Project.objects.get(copied_from__name=PROJECT)
    assert copy.budget_year == 2025 and Agreement.objects.issued().filter(project=copy).count() == 1
    assert re.search(r"2025", copy.title)
    assert not get_user_model().objects.filter(is_staff=True).exists()  # nobody needed the admin site
