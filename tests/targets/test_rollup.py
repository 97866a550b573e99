"""汇总: the units' values of linked columns against the project's indicators (DESIGN §8.2)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from review.engine import ReviewStatus
from targets import values as tv
from targets.audit_actions import TargetAction
from targets.models import Cell, Indicator, TableColumn, TableRow, Target, TargetPeriod, TargetTable
from targets.rollup import Flag, Group, factor_label, judge, parse_factor, unit_factor
from targets.selectors import project_rollup
from units.models import AuditEntry, Unit

pytestmark = pytest.mark.django_db

COLLECT = "收集中小微企业专利技术需求"
PLEDGE = "全省专利质押融资金额"


def _region(project) -> TargetTable:
    return TargetTable.objects.get(project=project, title__contains="市州类")


def _lines(project) -> dict[str, object]:
    return {line.indicator.name: line for line in project_rollup(project)}


def _column(table, name) -> TableColumn:
    return TableColumn.objects.get(table=table, name=name)


def _blank(cells) -> None:
    cells.update(raw="", kind=tv.Kind.BLANK, number=None, comparator="", measure_unit="", text="")


# --- the seed figures -----------------------------------------------------------------------


def test_the_seed_links_the_collected_demands_and_the_pledges_to_the_provincial_indicators(hubei):
    links = {
        c.name: (c.indicator.name, c.rollup_factor)
        for c in TableColumn.objects.filter(table__project=hubei, indicator__isnull=False).select_related("indicator")
    }
    assert links == {COLLECT: (COLLECT, Decimal(1)), "专利质押融资金额": (PLEDGE, Decimal("0.0001"))}


def test_the_16_prefectures_collect_2400_against_3000_which_is_80_percent_and_short(hubei):
    line = _lines(hubei)[COLLECT]
    assert line.period == TargetPeriod.ANNUAL and line.target.raw == "3000条"
    assert line.sums[Group.FILLED] == Decimal(2400) and str(line.sums[Group.FILLED]) == "2400"
    assert line.units[Group.FILLED] == 16
    assert line.coverage == Decimal("0.8") and line.coverage_percent == 80
    assert line.flag == Flag.SHORT and line.flag_label == "未达目标"


def test_the_pledges_of_470100_wanyuan_are_exactly_47_01_yiyuan_against_35_which_is_134_percent(hubei):
    line = _lines(hubei)[PLEDGE]
    assert str(line.sums[Group.FILLED]) == "47.01"
    assert line.target.raw == "35亿元" and line.measure_unit == "亿元"
    assert line.coverage_percent == 134 and line.flag == Flag.COVERED


def test_the_sums_follow_the_rows_status_groups(hubei):
    table = _region(hubei)
    TableRow.objects.filter(table=table, unit__name="武汉市").update(status=ReviewStatus.APPROVED)
    TableRow.objects.filter(table=table, unit__name__in=["宜昌市", "襄阳市"]).update(status=ReviewStatus.SUBMITTED)
    TableRow.objects.filter(table=table, unit__name="黄石市").update(status=ReviewStatus.RETURNED)
    line = _lines(hubei)[COLLECT]
    assert line.sums == {Group.APPROVED: 500, Group.SUBMITTED: 1100, Group.FILLED: 2400}
    assert line.units == {Group.APPROVED: 1, Group.SUBMITTED: 3, Group.FILLED: 16}
    pledge = _lines(hubei)[PLEDGE]
    assert pledge.sums[Group.APPROVED] == Decimal(20) and pledge.sums[Group.SUBMITTED] == Decimal("40.6")


def test_a_removed_row_and_a_blank_cell_are_not_counted(hubei):
    table = _region(hubei)
    TableRow.objects.filter(table=table, unit__name="武汉市").update(removed_at="2022-05-01T00:00:00Z")
    _blank(Cell.objects.filter(row__table=table, row__unit__name="宜昌市", column__name=COLLECT))
    line = _lines(hubei)[COLLECT]
    assert line.sums[Group.FILLED] == 1600 and line.units[Group.FILLED] == 14


def test_a_sum_over_a_le_target_is_flagged_exceeded(hubei):
    target = Target.objects.get(indicator__project=hubei, indicator__name=COLLECT, period=TargetPeriod.ANNUAL)
    target.set_value(tv.parse("≤2000条"))
    target.save()
    line = _lines(hubei)[COLLECT]
    assert line.flag == Flag.EXCEEDED and line.flag_label == "超过上限" and line.coverage_percent == 120
    target.set_value(tv.parse("不超过3000条"))
    target.save()
    assert _lines(hubei)[COLLECT].flag == Flag.WITHIN


@pytest.mark.parametrize(
    "comparator, target, total, flag",
    [
        ("≥", 3000, 2400, Flag.SHORT),
        ("≥", 3000, 3000, Flag.COVERED),
        ("", 35, Decimal("47.01"), Flag.COVERED),
        ("", 35, Decimal("34.99"), Flag.SHORT),
        (">", 10, 10, Flag.SHORT),
        (">", 10, 11, Flag.COVERED),
        ("≤", 10, 11, Flag.EXCEEDED),
        ("≤", 10, 10, Flag.WITHIN),
        ("<", 10, 10, Flag.EXCEEDED),
        ("=", 10, 9, Flag.SHORT),
        ("=", 10, 11, Flag.EXCEEDED),
        ("=", 10, 10, Flag.COVERED),
    ],
)
def test_a_sum_is_judged_by_the_targets_comparator(comparator, target, total, flag):
    assert judge(comparator, Decimal(target), Decimal(total)) == flag


def test_a_qualitative_column_shows_how_many_units_filled_it(hubei, admin_user):
    table = _region(hubei)
    column = _column(table, "政策惠及的中小微企业营业收入增幅")
    indicator = Indicator.objects.get(project=hubei, name="企业接受高校院所专利转让许可数量")
    TableColumn.objects.filter(pk=column.pk).update(indicator=indicator)
    _blank(Cell.objects.filter(column=column, row__unit__name="武汉市"))
    TableRow.objects.filter(table=table, unit__name="宜昌市").update(status=ReviewStatus.APPROVED)
    line = _lines(hubei)[indicator.name]
    assert line.qualitative and line.sums == {} and line.coverage is None and line.flag == ""
    assert line.units == {Group.APPROVED: 1, Group.SUBMITTED: 1, Group.FILLED: 15}


def test_a_multi_year_table_counts_toward_the_long_term_target(hubei):
    centres = TargetTable.objects.get(project=hubei, title__contains="运营中心类")
    indicator = Indicator.objects.get(project=hubei, name=COLLECT)
    TableColumn.objects.filter(table=centres, name="推送专利供需信息数量").update(indicator=indicator)
    lines = [line for line in project_rollup(hubei) if line.indicator.name == COLLECT]
    long_term = next(line for line in lines if line.period == TargetPeriod.LONG_TERM)
    # six centres write ≥500条; the 地理标志 centre's row is one narrative without cells
    assert long_term.target.raw == "6000条" and long_term.sums[Group.FILLED] == 3000
    assert long_term.coverage_percent == 50 and long_term.units[Group.FILLED] == 6


def test_the_value_added_per_cell_is_a_parameter(hubei):
    from targets.rollup import CellFigure, rollup_lines

    table = _region(hubei)
    columns = list(
        TableColumn.objects.filter(table=table, indicator__isnull=False).select_related("table", "indicator")
    )
    targets = Target.objects.filter(indicator__project=hubei)
    cells = [
        CellFigure(c.column_id, c.row.unit_id, c.row.status, c.kind, c.number)
        for c in Cell.objects.filter(column__in=columns).select_related("row")
    ]
    lines = {line.indicator.name: line for line in rollup_lines(columns, targets, cells, value=lambda cell: Decimal(1))}
    assert lines[COLLECT].sums[Group.FILLED] == 16
    assert lines[PLEDGE].sums[Group.FILLED] == Decimal("0.0016")


def test_a_value_without_a_number_is_not_added_but_reported(hubei):
    Cell.objects.filter(row__unit__name="武汉市", column__name=COLLECT).update(
        raw="约五百条", kind=tv.Kind.QUALITATIVE, number=None, comparator="", measure_unit="", text="约五百条"
    )
    line = _lines(hubei)[COLLECT]
    assert line.sums[Group.FILLED] == 1900 and line.unreadable == 1


# --- factors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, factor", [("1", 1), ("0.0001", "0.0001"), ("1/10000", "0.0001"), ("÷10,000", "0.0001"), ("10000", 10000)]
)
def test_a_factor_is_typed_as_a_multiplier_or_as_one_over(typed, factor):
    assert parse_factor(typed, "该列") == Decimal(factor)


@pytest.mark.parametrize(
    "typed, message",
    [
        ("0", "应大于 0"),
        ("-1", "不是数字"),
        ("很多", "不是数字"),
        ("1/3", "无法精确保存"),
        ("1/0", "应大于 0"),
        # quantize() of these raised InvalidOperation: a 500 from the table editor
        ("9" * 50, "数值过大"),
        ("9" * 23, "数值过大"),
    ],
)
def test_a_factor_that_is_not_a_positive_exact_number_is_refused_in_chinese(typed, message):
    with pytest.raises(ValidationError) as exc:
        parse_factor(typed, "第 4 列“专利质押融资金额（万元）”")
    assert message in exc.value.messages[0] and "专利质押融资金额" in exc.value.messages[0]


def test_money_converts_by_itself_and_other_units_do_not():
    assert unit_factor("万元", "亿元") == Decimal("0.0001") and unit_factor("条", "条") == 1
    assert unit_factor("", "件") == 1 and unit_factor("件", "亿元") is None
    assert factor_label(Decimal("0.0001")) == "÷10,000" and factor_label(Decimal(1)) == "1"


def test_loading_the_seeds_again_keeps_the_links_as_users_left_them(hubei):
    column = _column(_region(hubei), COLLECT)
    TableColumn.objects.filter(pk=column.pk).update(indicator=None)
    call_command("load_seeds")
    assert TableColumn.objects.get(pk=column.pk).indicator is None
    assert TableColumn.objects.filter(table__project=hubei, indicator__isnull=False).count() == 1


# --- the page -------------------------------------------------------------------------------


def _grow(table: TargetTable, count: int) -> None:
    units = Unit.objects.bulk_create(Unit(name=f"汇总测试市{i}", category="region") for i in range(count))
    rows = TableRow.objects.bulk_create(
        TableRow(table=table, unit=u, seq=500 + i, status=ReviewStatus.APPROVED) for i, u in enumerate(units)
    )
    Cell.objects.bulk_create(
        Cell(row=r, column=c, raw="10", kind=tv.Kind.QUANTITY, number=10)
        for r in rows
        for c in table.columns.filter(indicator__isnull=False)
    )


def test_the_page_does_the_same_number_of_queries_for_16_and_60_units(
    client, reviewer, hubei, django_assert_num_queries
):
    client.force_login(reviewer)
    url = reverse("projects:rollup", args=[hubei.pk])
    # session, user, memberships, reviewed projects (policy), project,
    # linked columns (with tables, indicators, categories), targets, cells, the project's rounds
    # (links to their 完成值汇总), unread count
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200
    _grow(_region(hubei), 44)
    with django_assert_num_queries(10):
        response = client.get(url)
    line = {line.indicator.name: line for line in response.context["lines"]}[COLLECT]
    assert line.units[Group.FILLED] == 60 and line.sums[Group.APPROVED] == 440


def test_the_page_shows_each_target_sum_coverage_and_flag(client, observer, hubei):
    client.force_login(observer)
    body = client.get(reverse("projects:rollup", args=[hubei.pk])).content.decode()
    for text in ("3000条", "<strong>2,400</strong>条", "80%", "未达目标", "35亿元", "<strong>47.01</strong>亿元"):
        assert text in body
    assert "134%" in body and "已覆盖" in body and "÷10,000" in body


@pytest.mark.parametrize("who", ["wuhan", "other_reviewer"])
def test_who_sees_no_whole_table_of_the_project_gets_no_rollup(client, hubei, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("projects:rollup", args=[hubei.pk])).status_code == 404
    assert client.get(reverse("reports:export_project", args=[hubei.pk, "rollup"])).status_code == 404


def test_the_project_card_links_the_rollup_for_bureau_staff_only(client, reviewer, wuhan, hubei):
    url = reverse("projects:rollup", args=[hubei.pk])
    client.force_login(reviewer)
    assert url in client.get(reverse("home")).content.decode()
    client.force_login(wuhan)
    body = client.get(reverse("home")).content.decode()
    assert url not in body and reverse("reports:export_project", args=[hubei.pk, "rollup"]) not in body


# --- the editor -----------------------------------------------------------------------------


def _post_links(client, table, **changes):
    data = {"rollup_column": [str(c.pk) for c in table.columns.all()]}
    for column in table.columns.all():
        data[f"r-{column.pk}-indicator"] = str(column.indicator_id or "")
        data[f"r-{column.pk}-factor"] = ""
        data[f"r-{column.pk}-period"] = column.rollup_period
    data.update(changes)
    return client.post(reverse("targets:table_rollup", args=[table.pk]), data, follow=True)


def test_an_admin_links_a_column_and_its_factor_in_the_editor(client, admin_user, hubei):
    table = _region(hubei)
    column = _column(table, "中小微企业接受专利转让的成交金额")
    indicator = Indicator.objects.get(project=hubei, name=PLEDGE)
    client.force_login(admin_user)
    response = _post_links(client, table, **{f"r-{column.pk}-indicator": str(indicator.pk)})
    assert "汇总设置已保存（1 列有修改）" in response.content.decode()
    column.refresh_from_db()
    # 万元 → 亿元 by itself when no factor is typed
    assert column.indicator == indicator and column.rollup_factor == Decimal("0.0001")
    entry = AuditEntry.objects.filter(action=TargetAction.COLUMN_ROLLUP_CHANGED).latest("pk")
    assert entry.after["对应三级指标"] == PLEDGE and entry.after["换算系数"] == "÷10,000"
    # the editor shows the factor again as typed
    page = client.get(reverse("targets:table_edit", args=[table.pk])).content.decode()
    assert 'value="1/10000"' in page


@pytest.mark.parametrize(
    "change, message",
    [
        ("foreign", "所选三级指标不属于本项目"),
        ("zero", "的换算系数应大于 0"),
        ("units", "“项”与“亿元”无法自动换算，请填写换算系数"),
        ("period", "计入目标无效"),
    ],
)
def test_the_editor_refuses_a_wrong_link_in_chinese_and_saves_nothing(client, admin_user, hubei, change, message):
    table = _region(hubei)
    pledge = _column(table, "专利质押融资金额")
    items = _column(table, "专利质押项目数")
    indicator = Indicator.objects.get(project=hubei, name=PLEDGE)
    foreign = Indicator.objects.exclude(project=hubei).first()
    changes = {
        f"r-{pledge.pk}-factor": "0.5",  # a valid change, refused with the rest
        "foreign": {f"r-{items.pk}-indicator": str(foreign.pk)},
        "zero": {f"r-{items.pk}-indicator": str(indicator.pk), f"r-{items.pk}-factor": "0"},
        "units": {f"r-{items.pk}-indicator": str(indicator.pk)},
        "period": {f"r-{items.pk}-indicator": str(indicator.pk), f"r-{items.pk}-period": "monthly"},
    }
    client.force_login(admin_user)
    response = _post_links(client, table, **{f"r-{pledge.pk}-factor": "0.5"}, **changes[change])
    body = response.content.decode()
    assert message in body and "（未保存）" in body and "第 5 列“专利质押项目数（项）”" in body
    assert TableColumn.objects.get(pk=pledge.pk).rollup_factor == Decimal("0.0001")
    assert TableColumn.objects.get(pk=items.pk).indicator is None


def test_a_refused_link_keeps_what_was_typed_beside_its_error(client, admin_user, hubei):
    table = _region(hubei)
    pledge = _column(table, "专利质押融资金额")
    items = _column(table, "专利质押项目数")
    indicator = Indicator.objects.get(project=hubei, name=PLEDGE)
    client.force_login(admin_user)
    typed = {
        f"r-{pledge.pk}-factor": "0.5",
        f"r-{items.pk}-indicator": str(indicator.pk),
        f"r-{items.pk}-factor": "零点五",
    }
    before = list(TableColumn.objects.filter(table=table).values_list("pk", "indicator", "rollup_factor"))
    response = _post_links(client, table, **typed)
    body = response.content.decode()
    assert response.status_code == 400 and "表单不完整" not in body
    assert f'name="r-{pledge.pk}-factor" value="0.5"' in body
    assert f'<option value="{indicator.pk}" selected>' in body.split(f'name="r-{items.pk}-indicator"')[1]
    assert (
        f'name="r-{items.pk}-factor" value="零点五" size="9" placeholder="自动" aria-label="第5列换算系数">'
        '<span class="field-error">第 5 列“专利质押项目数（项）”的换算系数“零点五”不是数字'
    ) in body
    assert list(TableColumn.objects.filter(table=table).values_list("pk", "indicator", "rollup_factor")) == before
    assert not AuditEntry.objects.filter(action=TargetAction.COLUMN_ROLLUP_CHANGED).exists()
