"""Steps that needed a developer, done in the app: the 任务书格式 carried by the copy and edited on its
page, funding per row, 修改密码 and 找回密码, 广州's blank rows, 催报, the home page's year and search,
named downloads, the PDF that arrives by itself."""

import re
import shutil

import pytest
from django.core import mail
from playwright.sync_api import expect

from projects.models import Agreement, Project
from targets.models import Indicator, TableRow, TargetTable
from units.models import Notification, Unit

from .conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HUBEI = "hubei-2022-patent-transfer"
REGION = "湖北省专利转化专项计划区域绩效目标表-市州类（2022年度）"


def _accept(page) -> list[str]:
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    return asked


def test_the_copy_carries_the_agreement_format_which_the_admin_edits_and_issues_from(login, demo):
    hubei = Project.objects.get(code=HUBEI)
    page = login("admin")
    page.goto(f"{demo}/projects/{hubei.pk}/edit/")
    expect(page.locator("#agreement-format")).to_contain_text("2021年9月至2023年12月")
    page.locator("#copy-year button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("已复制到2023年度")
    # The copy's format: the period a year later, no unit's 任务书 listed as if it were one.
    expect(page.locator("#agreement-format")).to_contain_text("2022年9月至2024年12月")
    expect(page.locator("#agreement-format")).to_contain_text("附表 12 项指标")
    page.click("#agreement-format >> text=编辑任务书格式")
    expect(page.locator("h1")).to_contain_text("任务书格式")
    page.fill("input[name=principal_phone]", "027-87654321")
    page.fill("input[aria-label=新指标1名称]", "高价值专利包")
    page.fill("input[aria-label=新指标1计量单位]", "个")
    screenshot(page, "agreement_format")
    page.click("button:has-text('保存任务书格式')")
    expect(page.locator(".messages")).to_contain_text("任务书格式已保存")
    page.click("nav.crumbs >> text=专利转化专项计划资金")
    page.select_option("select[aria-label=承担单位]", label="湖北省知识产权发展中心")
    page.click("button:has-text('下达任务书')")
    expect(page.locator(".messages")).to_contain_text("已为“湖北省知识产权发展中心”下达任务书")
    copy = Project.objects.get(copied_from=hubei)
    issued = Agreement.objects.issued().get(project=copy)
    assert (issued.years, issued.principal_phone, issued.metrics.count()) == ([2022, 2023, 2024], "027-87654321", 13)
    page.goto(f"{demo}/")
    expect(page.locator(f"a[href='/exports/agreements/{issued.pk}.xlsx']")).to_have_text(
        "任务书附表（湖北省知识产权发展中心）"
    )
    formats = Agreement.objects.formats().values_list("pk", flat=True)
    for pk in formats:  # the format is no unit's 任务书: never listed as one
        expect(page.locator(f"a[href='/exports/agreements/{pk}.xlsx']")).to_have_count(0)


def test_the_bureau_sets_each_unit_s_funding_in_the_table_editor_and_on_the_row_page(login, demo):
    table = TargetTable.objects.get(title=REGION)
    admin = login("admin")
    admin.goto(f"{demo}/tables/{table.pk}/edit/")
    admin.fill("input[aria-label='武汉市 资金（万元）']", "160")
    admin.fill("input[aria-label='宜昌市 资金（万元）']", "一百")
    admin.click("#funding button:has-text('保存资金')")
    expect(admin.locator(".messages")).to_contain_text("“宜昌市”的资金应为数字（万元），收到“一百”")
    assert TableRow.objects.get(table=table, unit__name="武汉市").funding is None  # all or nothing
    admin.fill("input[aria-label='宜昌市 资金（万元）']", "80.5")
    admin.fill("input[aria-label='武汉市 资金（万元）']", "160")
    screenshot(admin, "table-funding")
    admin.click("#funding button:has-text('保存资金')")
    expect(admin.locator(".messages")).to_contain_text("已保存 2 个单位的资金：武汉市、宜昌市")
    admin.goto(f"{demo}/tables/{table.pk}/grid/")
    expect(admin.locator("tr.datarow[data-unit='武汉市'] td.unit")).to_have_text("武汉市（160万）")

    reviewer = login("reviewer")
    row = TableRow.objects.get(table=table, unit__name="襄阳市")
    reviewer.goto(f"{demo}/rows/{row.pk}/")
    reviewer.fill("input[aria-label='襄阳市 资金（万元）']", "120")
    reviewer.click("#funding button:has-text('保存资金')")
    expect(reviewer.locator(".messages")).to_contain_text("襄阳市：资金已保存")
    expect(reviewer.locator("#funding")).to_contain_text("打印为“襄阳市（120万）”")
    unit = login("wuhan")
    wuhan = TableRow.objects.get(table=table, unit__name="武汉市")
    unit.goto(f"{demo}/rows/{wuhan.pk}/")
    expect(unit.locator(".statusline")).to_contain_text("资金：160 万元")
    expect(unit.locator("#funding")).to_have_count(0)


def test_a_filler_changes_the_password_and_resets_a_forgotten_one_in_the_app_s_pages(login, demo, browser):
    page = login("wuhan")
    page.click("header >> text=修改密码")
    expect(page.locator("h1")).to_have_text("修改密码")
    expect(page.locator("body")).not_to_contain_text("Django")
    page.fill("input[name=old_password]", "demo-pass-2022")
    page.fill("input[name=new_password1]", "Wuhan-xin-2024!")
    page.fill("input[name=new_password2]", "Wuhan-xin-2024!")
    screenshot(page, "password_change")
    page.click("button:has-text('修改密码')")
    expect(page.locator("h1")).to_have_text("密码已修改")
    page.click("header button:has-text('退出')")

    user = Unit.objects.get(name="武汉市").memberships.get().user
    user.email = "wuhan@example.cn"
    user.save()
    page.goto(f"{demo}/accounts/login/")
    page.click("text=忘记密码？")
    page.fill("input[name=email]", "wuhan@example.cn")
    screenshot(page, "password_reset")
    page.click("button:has-text('发送重设密码邮件')")
    expect(page.locator("h1")).to_have_text("请查收邮件")
    link = re.search(r"https?://\S+/accounts/reset/\S+", mail.outbox[-1].body)[0]
    assert "重设密码" in mail.outbox[-1].subject
    page.goto(link)
    expect(page.locator("h1")).to_have_text("设置新密码")
    page.fill("input[name=new_password1]", "Wuhan-chong-2024!")
    page.fill("input[name=new_password2]", "Wuhan-chong-2024!")
    page.click("button:has-text('设置新密码')")
    expect(page.locator("h1")).to_have_text("密码已重设")
    page.click("a:has-text('登录')")
    page.fill("input[name=username]", "wuhan")
    page.fill("input[name=password]", "Wuhan-chong-2024!")
    page.click("button[type=submit]")
    expect(page.locator("h1").first).to_have_text("我的填报")


def test_guangzhou_writes_its_own_indicator_in_a_blank_row(login, demo):
    city = login("guangzhou")
    city.click("text=省财政专项转移支付绩效目标表(二级项目-广州)")
    expect(city.locator("table.filing")).not_to_contain_text("....")
    rows = city.locator("tr.write-in")
    expect(rows).to_have_count(7)
    first = rows.first
    first.locator("input[name$='-name']").fill("资金拨付及时率")
    first.locator("input[name$='-measure_unit']").fill("%")
    first.locator("input[name^='target-']").fill("≥95")
    screenshot(city, "filing_write_in")
    city.click("button:has-text('保存')")
    expect(city.locator(".messages")).to_contain_text("已保存")
    written = Indicator.objects.filter(project__code="gd-transfer-guangzhou", write_in=True).order_by("order").first()
    assert (written.name, written.measure_unit, written.targets.get().raw) == ("资金拨付及时率", "%", "≥95")
    expect(city.locator("tr.write-in").first.locator("input[name$='-name']")).to_have_value("资金拨付及时率")


def test_the_bureau_reminds_the_units_not_submitted_and_exports_their_list(login, demo):
    table = TargetTable.objects.get(title=REGION)
    TableRow.objects.filter(table=table, unit__name="宜昌市").update(status="submitted")
    admin = login("admin")
    asked = _accept(admin)
    admin.goto(f"{demo}/tables/{table.pk}/progress/")
    admin.click("button:has-text('催报未提交单位（15）')")
    expect(admin.locator(".messages")).to_contain_text("已催报 1 个单位：武汉市；没有填报员账号，未能催报：襄阳市")
    assert "向尚未提交的 15 个单位发送催报" in asked[0]
    assert Notification.objects.filter(kind="reminder", recipient__username="wuhan").count() == 1
    screenshot(admin, "remind")
    admin.click("button:has-text('催报未提交单位')")
    expect(admin.locator(".messages")).to_contain_text("今天已催报过，未重复：武汉市")
    assert Notification.objects.filter(kind="reminder", recipient__username="wuhan").count() == 1
    with admin.expect_download() as download:
        admin.click("text=导出未提交单位名单（Excel）")
    assert download.value.suggested_filename == f"专利转化专项计划资金-{REGION}-未提交单位名单.xlsx"
    unit = login("wuhan")
    unit.click("header >> text=通知")
    expect(unit.locator("main")).to_contain_text("催报：请尽快提交")


def test_a_bureau_with_many_projects_finds_one_by_year_and_by_name(login, demo):
    bureau = Unit.objects.get(name="湖北省知识产权局")
    for n in range(13):
        Project.objects.create(
            code=f"hubei-{2019 + n % 4}-extra-{n}",
            name=f"{'专利导航' if n % 2 else '商标品牌'}项目{n}",
            competent_department=bureau,
            budget_year=2019 + n % 4,
        )
    admin = login("admin")
    screenshot(admin, "home-admin")
    in_2020 = Project.objects.filter(budget_year=2020).count()  # 3 of these, and seed 004's 广州 and 珠海
    admin.select_option("select[name=year]", "2020")  # applies itself: no button to press
    expect(admin.locator("section.card.project")).to_have_count(in_2020)
    expect(admin.locator(".project-filter")).to_contain_text(f"找到 {in_2020} 个项目")
    admin.fill("input[name=q]", "导航项目5")
    admin.press("input[name=q]", "Enter")
    expect(admin.locator("section.card.project")).to_have_count(1)
    screenshot(admin, "home-filter")
    admin.click(".project-filter >> text=清除条件")
    expect(admin.locator(".project-index li")).to_have_count(25)
    admin.click(".project-index >> text=专利转化专项计划资金")
    hubei = Project.objects.get(code=HUBEI)
    expect(admin.locator(f"#project-{hubei.pk}")).to_be_in_viewport()
    TableRow.objects.filter(table__title=REGION, unit__name="武汉市").update(status="submitted")
    admin.click(f"#project-{hubei.pk} >> text=您负责审核本项目")
    expect(admin.locator(".filter-note")).to_contain_text("仅显示“专利转化专项计划资金”的待审核内容")
    # One unit to review: its row (the value aids below it hold a table of their own).
    expect(admin.locator("table.queue input[name=rows]")).to_have_count(1)
    expect(admin.locator("table.queue")).to_contain_text("武汉市")


def test_every_guangzhou_kfq_list_downloads_under_its_own_name(login, demo):
    admin = login("admin")
    names = []
    for project in Project.objects.filter(code__startswith="gzkfq-"):
        with admin.expect_download() as download:
            admin.click(f"#project-{project.pk} .exports >> text=项目支出绩效目标表（含转移支付项目） >> nth=0")
        names.append(download.value.suggested_filename)
        assert names[-1].startswith(project.name[:20]) and names[-1].endswith(".xlsx")
    assert len(names) == 7 and len(set(names)) == 7


@pytest.mark.skipif(not shutil.which("soffice"), reason="needs LibreOffice")
def test_a_pdf_shows_its_wait_and_arrives_without_a_second_click(login, demo, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    admin = login("admin")
    hubei = Project.objects.get(code=HUBEI)
    card = admin.locator(f"#project-{hubei.pk}")
    with admin.expect_download(timeout=180_000) as download:
        card.locator("form[data-job='附件2 项目绩效目标表 PDF'] button").click()
        wait = card.locator(".job-wait")
        expect(wait).to_contain_text("正在生成附件2 项目绩效目标表 PDF")
        screenshot(admin, "pdf_waiting")
    assert download.value.suggested_filename == "专利转化专项计划资金-2022年-附件2 项目绩效目标表.pdf"
    expect(card.locator(".job-wait")).to_contain_text("已生成")
    path = tmp_path / "a2.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")

    # The 任务书's PDF link waits the same way on its page.
    from django.contrib.auth import get_user_model

    from projects.agreements.services import agreement_create

    issued = agreement_create(
        project=hubei,
        undertaker=Unit.objects.get(name="湖北省知识产权发展中心"),
        platform_kind="sub",
        actor=get_user_model().objects.get(username="admin"),
    )
    admin.goto(f"{demo}/agreements/{issued.pk}/")
    with admin.expect_download(timeout=180_000) as download:
        admin.click("a[data-job='任务书 PDF']")
        expect(admin.locator(".job-wait")).to_contain_text("正在生成任务书 PDF")
    assert download.value.suggested_filename.endswith("-任务书-湖北省知识产权发展中心.pdf")
