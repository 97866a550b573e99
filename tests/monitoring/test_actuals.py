"""完成值汇总 (对照省级指标): per provincial indicator a table column counts toward, the units' 完成值
of a round summed by the target roll-up's own `rollup_lines` (times the column's factor, by report
status), against the indicator's target; the 完成率 and the flag; on the round summary page with
constant queries; linked from the project roll-up."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse

from monitoring.actuals import ActualFigure, actual_number, round_actuals
from monitoring.models import Report, ReportValue, RoundKind
from monitoring.services import report_save, round_open
from review.engine import ReviewStatus
from targets import values as tv
from targets.models import Cell, Indicator, TableColumn, TableRow, Target, TargetPeriod, TargetTable
from targets.rollup import Flag, Group
from units.models import Unit

from .conftest import fill

pytestmark = pytest.mark.django_db

COLLECT = "收集中小微企业专利技术需求"  # 3000条, column in 条 (factor 1)
PLEDGE = "全省专利质押融资金额"  # 35亿元, from the column 专利质押融资金额 in 万元 (factor 0.0001)
PLEDGE_COLUMN = "专利质押融资金额"
WAN_TO_YI = Decimal("0.0001")


def _region(project) -> TargetTable:
    return TargetTable.objects.get(project=project, title__contains="市州类")


def _open(project, admin_user, day=date(2022, 6, 30), kind=RoundKind.MONITORING):
    return round_open(
        project=project, kind=kind, reference_date=day, deadline=None, lag_threshold=Decimal("10"), actor=admin_user
    )


def _report(round_, unit: str, actor, actuals: dict[str, str], status: str) -> Report:
    report = Report.objects.get(round=round_, unit__name=unit)
    report_save(report_id=report.pk, expected_version=report.version, actor=actor, values=fill(report, actuals))
    # The status as the workflow would leave it; submitting is tested with the reports.
    Report.objects.filter(pk=report.pk).update(status=status)
    return report


@pytest.fixture
def three_units(hubei, approved_wuhan, admin_user, wuhan, reviewer):
    """A mid-year round with 武汉市 approved, 襄阳市 submitted and 黄石市 still a draft."""
    TableRow.objects.filter(table=_region(hubei), unit__name__in=["襄阳市", "黄石市"]).update(
        status=ReviewStatus.APPROVED
    )
    round_ = _open(hubei, admin_user)
    _report(round_, "武汉市", wuhan, {COLLECT: "260", PLEDGE_COLUMN: "1.2亿元"}, ReviewStatus.APPROVED)
    _report(round_, "襄阳市", reviewer, {COLLECT: "完成140条", PLEDGE_COLUMN: "3500"}, ReviewStatus.SUBMITTED)
    _report(round_, "黄石市", reviewer, {COLLECT: "100", PLEDGE_COLUMN: "未统计"}, ReviewStatus.DRAFT)
    return round_


def _lines(round_) -> dict:
    return {line.indicator.name: line for line in round_actuals(round_)}


def test_the_units_completions_add_up_by_report_status_against_the_provincial_target(three_units):
    collect = _lines(three_units)[COLLECT]
    approved, submitted, filled = Decimal(260), Decimal(260 + 140), Decimal(260 + 140 + 100)
    assert collect.target.raw == "3000条" and collect.period == TargetPeriod.ANNUAL
    assert collect.sums == {Group.APPROVED: approved, Group.SUBMITTED: submitted, Group.FILLED: filled}
    assert collect.units == {Group.APPROVED: 1, Group.SUBMITTED: 2, Group.FILLED: 3}
    rate = (filled / Decimal(3000)).quantize(Decimal("0.0001"))
    assert collect.coverage == rate and collect.coverage_percent == int((rate * 100).quantize(1, ROUND_HALF_UP))
    assert collect.flag == Flag.SHORT and collect.flag_label == "未达目标"


def test_money_is_taken_to_the_column_unit_then_to_the_indicators_and_a_text_is_not_added(three_units):
    pledge = _lines(three_units)[PLEDGE]
    wuhan = Decimal("1.2") * 10_000 * WAN_TO_YI  # 1.2亿元 written in a 万元 column: 12000万元
    xiangyang = Decimal(3500) * WAN_TO_YI
    assert pledge.sums[Group.APPROVED] == wuhan
    assert pledge.sums[Group.SUBMITTED] == pledge.sums[Group.FILLED] == wuhan + xiangyang
    assert pledge.units[Group.FILLED] == 2 and pledge.unreadable == 1  # 黄石市's 未统计
    assert pledge.coverage == ((wuhan + xiangyang) / 35).quantize(Decimal("0.0001"))
    assert pledge.flag == Flag.SHORT


def test_a_sum_over_an_upper_bound_is_flagged(three_units):
    Target.objects.filter(indicator__name=COLLECT, period=TargetPeriod.ANNUAL).update(
        raw="≤450条", comparator=tv.Comparator.LE, number=Decimal(450)
    )
    collect = _lines(three_units)[COLLECT]
    assert collect.sums[Group.FILLED] == 500 > 450
    assert collect.flag == Flag.EXCEEDED and collect.flag_label == "超过上限"
    Target.objects.filter(indicator__name=COLLECT, period=TargetPeriod.ANNUAL).update(raw="≤600条", number=600)
    assert _lines(three_units)[COLLECT].flag == Flag.WITHIN


def test_a_qualitative_column_counts_the_units_that_reported(hubei, approved_wuhan, admin_user, wuhan):
    indicator = Indicator.objects.get(project=hubei, name="企业接受高校院所专利转让许可数量")
    TableColumn.objects.filter(table=_region(hubei), name="政策惠及的中小微企业营业收入增幅").update(
        indicator=indicator
    )
    round_ = _open(hubei, admin_user)
    _report(round_, "武汉市", wuhan, {"政策惠及的中小微企业营业收入增幅": "显著增长"}, ReviewStatus.SUBMITTED)
    line = _lines(round_)[indicator.name]
    assert line.qualitative and line.sums == {} and line.coverage is None and line.flag == ""
    assert line.units == {Group.APPROVED: 0, Group.SUBMITTED: 1, Group.FILLED: 1}


def test_the_value_selector_reads_the_completion_as_the_scoring_does():
    figure = ActualFigure(1, 1, ReviewStatus.SUBMITTED, tv.Kind.QUANTITY, Decimal("1.5"), "亿元", "万元")
    assert actual_number(figure) == Decimal(15000)
    assert actual_number(ActualFigure(1, 1, "draft", tv.Kind.SENTENCE, Decimal(7), "", "件")) == 7
    assert actual_number(ActualFigure(1, 1, "draft", tv.Kind.QUANTITY, Decimal(7), "件", "亿元")) is None
    assert actual_number(ActualFigure(1, 1, "draft", tv.Kind.QUALITATIVE, None, "", "件")) is None


def test_the_project_level_report_is_not_a_unit_and_is_not_added(three_units):
    project_report = Report.objects.get(round=three_units, unit__isnull=True)
    assert project_report.values.filter(column__isnull=True).exists()
    assert _lines(three_units)[COLLECT].units[Group.FILLED] == 3


# --- the page ---------------------------------------------------------------------------------


def test_the_summary_page_shows_the_section_with_sums_rate_and_flag(client, three_units, reviewer):
    client.force_login(reviewer)
    body = client.get(reverse("monitoring:round_summary", args=[three_units.pk])).content.decode()
    section = body[body.index('id="actuals"') :]
    assert "完成值汇总（对照省级指标）" in section
    rate = int((Decimal(500) / 3000 * 100).quantize(1, ROUND_HALF_UP))
    for text in ("3000条", "<strong>500</strong>条", "<strong>400</strong>条", f"{rate}%", "未达目标", "35亿元"):
        assert text in section
    assert "1 个完成值不是数字，未计入" in section
    assert f"{reverse('reports:export_project', args=[three_units.project_id, 'rollup'])}?round={three_units.pk}" in (
        section
    )


def _more_units(project, count: int) -> None:
    units = Unit.objects.bulk_create(Unit(name=f"完成值测试市{i}", category="region") for i in range(count))
    table = _region(project)
    rows = TableRow.objects.bulk_create(
        TableRow(table=table, unit=u, seq=700 + i, status=ReviewStatus.APPROVED) for i, u in enumerate(units)
    )
    Cell.objects.bulk_create(
        Cell(row=r, column=c, raw="20", kind=tv.Kind.QUANTITY, number=20)
        for r in rows
        for c in table.columns.filter(indicator__isnull=False)
    )


def test_the_summary_page_queries_do_not_grow_with_the_units_reporting(
    client, three_units, hubei, admin_user, django_assert_num_queries
):
    client.force_login(admin_user)
    _more_units(hubei, 30)
    large = _open(hubei, admin_user, date(2022, 7, 31))
    ReportValue.objects.filter(report__round=large, report__unit__name__startswith="完成值测试市").update(
        raw="10", kind=tv.Kind.QUANTITY, number=10
    )
    assert _lines(large)[COLLECT].sums[Group.FILLED] == 30 * 10
    # session, user, memberships, the round, reports, their budget lines, values, values seen and
    # stored weights, linked columns, their targets, unread notifications
    for round_ in (three_units, large):
        with django_assert_num_queries(12):
            response = client.get(reverse("monitoring:round_summary", args=[round_.pk]))
        assert response.status_code == 200
    assert {line.indicator.name: line for line in response.context["actuals"]}[COLLECT].units[Group.FILLED] == 30


def test_the_project_rollup_links_each_rounds_completions(client, hubei, reviewer, admin_user, approved_wuhan):
    client.force_login(reviewer)
    url = reverse("projects:rollup", args=[hubei.pk])
    assert "完成值汇总" not in client.get(url).content.decode()
    first = _open(hubei, admin_user)
    second = _open(hubei, admin_user, date(2022, 12, 31), RoundKind.SELF_EVALUATION)
    body = client.get(url).content.decode()
    for round_ in (first, second):
        assert f"{reverse('monitoring:round_summary', args=[round_.pk])}#actuals" in body and str(round_) in body
    assert body.index(str(second)) < body.index(str(first))  # the latest first


# --- the demo ---------------------------------------------------------------------------------


def demo_expected(kind: str) -> dict[str, dict[str, Decimal]]:
    """What the demo's 完成值 add up to, from what it puts in: each demo unit's filed target of a
    linked column times its share of the round (monitoring.demo.PLANS), rounded to a whole number
    as the demo writes it, times the column's factor; counted by how far the demo takes the report."""
    from monitoring.demo import PLANS, demo_project

    sums: dict[str, dict[str, Decimal]] = {}
    cells = Cell.objects.filter(
        row__table__project=demo_project(),
        row__unit__name__in=PLANS,
        column__indicator__isnull=False,
        number__isnull=False,
    ).select_related("column__indicator", "row__unit")
    for cell in cells:
        mid, end, _, how = PLANS[cell.row.unit.name]
        share = mid if kind == RoundKind.MONITORING else end
        value = (cell.number * share).quantize(Decimal(1), ROUND_HALF_UP) * cell.column.rollup_factor
        line = sums.setdefault(cell.column.indicator.name, dict.fromkeys(Group.ALL, Decimal(0)))
        line[Group.FILLED] += value
        if how in ("approve", "submit"):
            line[Group.SUBMITTED] += value
        if how == "approve":
            line[Group.APPROVED] += value
    return sums


def test_the_demo_rounds_add_up_to_what_the_demo_reported(client, reviewer):
    from django.core.management import call_command

    from monitoring.demo import demo_project
    from monitoring.models import Round

    call_command("load_demo", "--i-know-this-is-not-production")
    for round_ in Round.objects.filter(project=demo_project()):
        expected = demo_expected(round_.kind)
        lines = _lines(round_)
        assert set(expected) == {COLLECT, PLEDGE}
        for name, sums in expected.items():
            assert lines[name].sums == {g: s.normalize() for g, s in sums.items()}, (round_, name)
            goal = lines[name].target.number
            assert lines[name].coverage == (sums[Group.FILLED] / goal).quantize(Decimal("0.0001"))
            assert lines[name].flag == (Flag.SHORT if sums[Group.FILLED] < goal else Flag.COVERED)
    # half a year in, the four prefectures are far from the province's 3000条
    mid = Round.objects.get(project=demo_project(), kind=RoundKind.MONITORING)
    assert _lines(mid)[COLLECT].flag == Flag.SHORT
    client.force_login(reviewer)
    body = client.get(reverse("monitoring:round_summary", args=[mid.pk])).content.decode()
    total = demo_expected(RoundKind.MONITORING)[COLLECT][Group.FILLED]
    assert total == int(total) and f"<strong>{int(total):,}</strong>条" in body
