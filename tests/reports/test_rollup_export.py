"""指标汇总表 (layout `rollup`): the roll-up page as a printable sheet, numbers as numbers."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from reports.bundles import project_items
from reports.exporters import export_workbook, exporter_for, workbook_bytes
from review.engine import ReviewStatus
from targets.models import TableRow
from targets.rollup import Group
from units import policy

from .test_rendered_exports import _assert_all_present, _render, _squash, soffice  # noqa: F401

pytestmark = pytest.mark.django_db
HUBEI = "hubei-2022-patent-transfer"


def _rows(ws) -> dict[str, list]:
    """The indicator lines, by 三级指标 (column D)."""
    return {row[3].value: row for row in ws.iter_rows(min_row=5) if isinstance(row[0].value, int)}


def test_the_command_writes_one_row_per_linked_indicator_with_numbers(tmp_path, hubei):
    TableRow.objects.filter(table__project=hubei, unit__name="武汉市", table__title__contains="市州").update(
        status=ReviewStatus.APPROVED
    )
    out = tmp_path / "rollup.xlsx"
    call_command("export_attachment", HUBEI, "--layout", "rollup", "--out", str(out))
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["指标汇总表"]
    ws = workbook.active
    assert ws["A1"].value == "专利转化专项计划资金 指标汇总表"
    lines = _rows(ws)
    assert list(lines) == ["收集中小微企业专利技术需求", "全省专利质押融资金额"]
    collect, pledge = lines["收集中小微企业专利技术需求"], lines["全省专利质押融资金额"]
    # target as written, its number, the three sums, the coverage (a % format), units, flag
    assert [c.value for c in collect[5:14]] == ["3000条", 3000, "条", 500, 500, 2400, 0.8, 16, "未达目标"]
    assert [c.value for c in pledge[5:14]] == ["35亿元", 35, "亿元", 20, 20, 47.01, 1.3431, 16, "已覆盖"]
    assert pledge[10].number_format == "#,##0.00" and collect[10].number_format == "#,##0"
    assert collect[11].number_format == "0%" and pledge[11].data_type == "n"
    assert "÷10,000" in pledge[14].value and "专利质押融资金额（万元）" in pledge[14].value


def test_the_sheet_prints_on_a4_landscape_with_the_header_on_every_page(hubei):
    book = export_workbook([(exporter_for("rollup"), hubei)], policy.system_user())
    ws = load_workbook(BytesIO(workbook_bytes(book))).active
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.print_title_rows == "$1:$4" and "&P" in ws.oddFooter.center.text
    assert ws["A3"].font.name == "黑体" and ws["D5"].font.name == "仿宋_GB2312"
    assert "I3:K3" in {str(m) for m in ws.merged_cells.ranges}


def test_the_rollup_is_not_among_the_filed_attachments(hubei, admin_user):
    assert "rollup" not in [e.identifier for e, _ in project_items(hubei, admin_user)]
    assert "rollup" in [e.identifier for e, _ in project_items(hubei, admin_user, bundled_only=False)]


def test_the_download_is_for_the_projects_bureau_staff(client, reviewer, wuhan, hubei):
    url = reverse("reports:export_project", args=[hubei.pk, "rollup"])
    client.force_login(reviewer)
    response = client.get(url)
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    assert Decimal(str(_rows(ws)["全省专利质押融资金额"][10].value)) == Decimal("47.01")
    client.force_login(wuhan)
    assert client.get(url).status_code == 404


def test_the_rollup_prints_every_figure(soffice, tmp_path, hubei):  # noqa: F811
    texts = _render(soffice, tmp_path, "rollup", "rollup", hubei)
    _assert_all_present(texts, ["指标汇总表", "收集中小微企业专利技术需求", "3000条", "2,400", "80%", "47.01", "134%"])
    assert "未达目标" in _squash("".join(texts)) and len(texts) == 1


# --- with a round's 完成值 ----------------------------------------------------------------------


def _demo_rounds():
    """The demo's rounds, on its copy of the Hubei project (monitoring.demo)."""
    from monitoring.demo import demo_project
    from monitoring.models import Round

    call_command("load_demo", "--i-know-this-is-not-production")
    return {r.kind: r for r in Round.objects.filter(project=demo_project())}


def _actual_expected(kind: str, name: str) -> Decimal:
    from tests.monitoring.test_actuals import demo_expected

    return demo_expected(kind)[name][Group.FILLED]


def test_with_a_round_the_sheet_adds_the_latest_rounds_completion_and_rate_as_numbers(tmp_path):
    rounds = _demo_rounds()
    out = tmp_path / "rollup.xlsx"
    call_command("export_attachment", rounds["monitoring"].project.code, "--layout", "rollup", "--out", str(out))
    ws = load_workbook(out).active
    assert [ws.cell(3, c).value for c in (14, 15, 16, 17)] == ["状态", "完成值合计", "完成率", "计入的列（换算系数）"]
    assert str(rounds["self_evaluation"]) in ws["A2"].value  # the latest: the year end
    lines = _rows(ws)
    for name, target in (("收集中小微企业专利技术需求", 3000), ("全省专利质押融资金额", 35)):
        total = _actual_expected("self_evaluation", name)
        completion, rate = lines[name][14], lines[name][15]
        assert completion.data_type == "n" and Decimal(str(completion.value)) == total
        assert rate.number_format == "0%" and Decimal(str(rate.value)) == (total / target).quantize(Decimal("0.0001"))
    assert "÷10,000" in lines["全省专利质押融资金额"][16].value
    assert {"I3:K3", "O3:O4", "P3:P4", "Q3:Q4"} <= {str(m) for m in ws.merged_cells.ranges}
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$4"


def test_the_round_option_picks_the_mid_year_round(tmp_path):
    rounds = _demo_rounds()
    mid = rounds["monitoring"]
    demo = mid.project.code
    out = tmp_path / "mid.xlsx"
    call_command("export_attachment", demo, "--layout", "rollup", "--round", str(mid.pk), "--out", str(out))
    ws = load_workbook(out).active
    assert str(mid) in ws["A2"].value
    collect = _rows(ws)["收集中小微企业专利技术需求"]
    assert Decimal(str(collect[14].value)) == _actual_expected("monitoring", "收集中小微企业专利技术需求")
    with pytest.raises(CommandError, match="没有编号为 999999 的监控/自评轮次"):
        call_command("export_attachment", demo, "--layout", "rollup", "--round", "999999", "--out", str(out))


def test_the_download_takes_a_round_of_the_project_only(client, reviewer, hubei):
    mid = _demo_rounds()["monitoring"]
    url = reverse("reports:export_project", args=[mid.project_id, "rollup"])
    client.force_login(reviewer)
    ws = load_workbook(BytesIO(client.get(f"{url}?round={mid.pk}").content)).active
    assert ws["O3"].value == "完成值合计" and str(mid) in ws["A2"].value
    seed_url = reverse("reports:export_project", args=[hubei.pk, "rollup"])
    assert client.get(f"{seed_url}?round={mid.pk}").status_code == 404  # another project's round
    for crafted in ("999999", "abc", "１", "9" * 30):
        assert client.get(f"{url}?round={crafted}").status_code == 404


def test_a_formula_like_text_of_a_qualitative_line_stays_text(tmp_path, hubei, admin_user):
    from monitoring.services import round_open
    from targets.models import Indicator, TableColumn

    indicator = Indicator.objects.get(project=hubei, name="企业接受高校院所专利转让许可数量")
    Indicator.objects.filter(pk=indicator.pk).update(name="=HYPERLINK(1)")
    TableColumn.objects.filter(table__project=hubei, name="政策惠及的中小微企业营业收入增幅").update(
        indicator=indicator
    )
    round_open(
        project=hubei,
        kind="monitoring",
        reference_date=date(2022, 6, 30),
        deadline=None,
        lag_threshold=Decimal(10),
        actor=admin_user,
    )
    out = tmp_path / "rollup.xlsx"
    call_command("export_attachment", HUBEI, "--layout", "rollup", "--out", str(out))
    ws = load_workbook(out).active
    line = _rows(ws)["=HYPERLINK(1)"]
    assert line[3].data_type == "s" and line[14].value == "0 个单位已填报" and line[15].value is None


def test_the_rollup_with_completions_prints_every_figure_on_one_page(soffice, tmp_path, hubei):  # noqa: F811
    rounds = _demo_rounds()
    collect = _actual_expected("self_evaluation", "收集中小微企业专利技术需求")
    pledge = _actual_expected("self_evaluation", "全省专利质押融资金额")
    percent = f"{(collect / 3000 * 100).quantize(Decimal(1))}%"
    texts = _render(soffice, tmp_path, "rollup-actuals", "rollup", rounds["self_evaluation"].project)
    expected = ["完成值合计", "完成率", f"{int(collect):,}", percent, format(pledge.normalize(), ",f")]
    _assert_all_present(texts, [*expected, str(rounds["self_evaluation"])])
    assert len(texts) == 1
