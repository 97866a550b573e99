"""上年值: a copied table's grid and row page show last year's approved value beside each cell."""

import pytest
from django.urls import reverse

from projects.copying import project_copy_year
from review.engine import ReviewStatus
from targets.models import Cell, TableColumn, TableRow, TargetTable
from units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def copied(hubei, admin_user):
    """武汉市 and 襄阳市 approved in 2022, the rest not; then copied into 2023 with blank values."""
    TableRow.objects.filter(table__project=hubei, unit__name__in=["武汉市", "襄阳市"]).update(
        status=ReviewStatus.APPROVED
    )
    copy = project_copy_year(project=hubei, year=2023, actor=admin_user, copy_values=False)
    return TargetTable.objects.get(project=copy, unit_category="region")


def _cell(body: str, column: TableColumn, row: TableRow) -> str:
    """The grid's <td> of this row and column (its opening tag)."""
    start = body.index(f'data-row="{row.pk}"')
    start = body.index(f'data-col="{column.pk}"', start)
    return body[body.rindex("<td", 0, start) : body.index(">", start)]


def test_the_grid_shows_last_years_approved_value_or_a_dash(client, admin_user, copied):
    client.force_login(admin_user)
    body = client.get(reverse("targets:table_grid", args=[copied.pk])).content.decode()
    pledge = TableColumn.objects.get(table=copied, name="专利质押融资金额")
    wuhan = TableRow.objects.get(table=copied, unit__name="武汉市")
    xiangyang = TableRow.objects.get(table=copied, unit__name="襄阳市")
    yichang = TableRow.objects.get(table=copied, unit__name="宜昌市")
    assert 'data-last-year="200000"' in _cell(body, pledge, wuhan)
    assert 'data-last-year="6000"' in _cell(body, pledge, xiangyang)
    # 宜昌市 was not approved last year: no value shown as last year's.
    assert 'data-last-year="—"' in _cell(body, pledge, yichang)
    # 武汉市 left 成交金额 blank last year.
    amount = TableColumn.objects.get(table=copied, name="中小微企业接受专利转让的成交金额")
    assert 'data-last-year="—"' in _cell(body, amount, wuhan)
    assert "上年值" in body


def test_a_table_that_was_not_copied_shows_no_last_year(client, admin_user, hubei):
    client.force_login(admin_user)
    table = TargetTable.objects.get(project=hubei, unit_category="region")
    body = client.get(reverse("targets:table_grid", args=[table.pk])).content.decode()
    assert "data-last-year" not in body and "上年值" not in body


def test_the_row_page_shows_last_years_values(client, admin_user, copied):
    client.force_login(admin_user)
    row = TableRow.objects.get(table=copied, unit__name="武汉市")
    response = client.get(reverse("targets:row", args=[row.pk]))
    body = response.content.decode()
    assert '<th class="last-year">上年值</th>' in body
    values = {item.column.name: item.last_year for item in response.context["cells"]}
    assert values["专利质押融资金额"] == "200000"
    assert values["中小微企业接受专利转让的成交金额"] == "—"
    assert values["政策惠及的中小微企业营业收入增幅"] == "显著增长"
    other = TableRow.objects.get(table=copied, unit__name="宜昌市")
    values = {i.column.name: i.last_year for i in client.get(reverse("targets:row", args=[other.pk])).context["cells"]}
    assert set(values.values()) == {"—"}


def test_a_value_changed_last_year_after_the_copy_shows_the_approved_one(client, admin_user, copied):
    """上年值 is read when the page is shown: last year's table as approved now."""
    old = TableRow.objects.get(table=copied.copied_from, unit__name="宜昌市")
    TableRow.objects.filter(pk=old.pk).update(status=ReviewStatus.APPROVED)
    Cell.objects.filter(row=old, column__name="专利质押融资金额").update(raw="210000", number=210000)
    client.force_login(admin_user)
    row = TableRow.objects.get(table=copied, unit__name="宜昌市")
    cells = client.get(reverse("targets:row", args=[row.pk])).context["cells"]
    assert {i.column.name: i.last_year for i in cells}["专利质押融资金额"] == "210000"


def test_the_copied_grid_costs_one_query_more_whatever_the_rows(client, reviewer, copied, django_assert_num_queries):
    from guardian.shortcuts import assign_perm

    assign_perm("projects.review_project", reviewer, copied.project)
    client.force_login(reviewer)
    url = reverse("targets:table_grid", args=[copied.pk])
    # session, user, memberships, unread count, table, reviewed projects (policy),
    # columns, row count (pages), one page of rows, their cells, last year's approved cells
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200
    units = Unit.objects.bulk_create(Unit(name=f"上年测试市{i}", category="region") for i in range(60))
    TableRow.objects.bulk_create(TableRow(table=copied, unit=u, seq=300 + i) for i, u in enumerate(units))
    with django_assert_num_queries(11):
        response = client.get(url)
    assert len(response.context["rows"]) == 76


def test_the_copied_row_page_costs_one_query_more(client, wuhan, copied, django_assert_num_queries):
    TargetTable.objects.filter(pk=copied.pk).update(status="open")  # a filler sees it once published
    row = TableRow.objects.get(table=copied, unit__name="武汉市")
    client.force_login(wuhan)
    client.get(reverse("targets:row", args=[row.pk]))
    # session, user, memberships, unread count, row, columns, cells, last year's approved cells,
    # last review, history, adjustment requests, 批复 versions
    with django_assert_num_queries(12):
        assert client.get(reverse("targets:row", args=[row.pk])).status_code == 200


# --- 上年实际值: last year's 完成值 beside last year's target -----------------------------------


def _evaluate(project, admin_user, actuals: dict[str, str], *, approved=True, when=None):
    """A 自评 round on last year's project, 武汉市's 完成值 written and its report approved (or not)."""
    from datetime import date

    from monitoring.models import Report, ReportValue, RoundKind
    from monitoring.services import round_open

    round_ = round_open(
        project=project,
        kind=RoundKind.SELF_EVALUATION,
        reference_date=when or date(2022, 12, 31),
        deadline=None,
        lag_threshold=10,
        actor=admin_user,
    )
    report = Report.objects.get(round=round_, unit__name="武汉市")
    for label, raw in actuals.items():
        ReportValue.objects.filter(report=report, label=label).update(raw=raw, kind="quantity", number=raw)
    Report.objects.filter(pk=report.pk).update(status=ReviewStatus.APPROVED if approved else ReviewStatus.SUBMITTED)
    return report


@pytest.fixture
def evaluated(hubei, admin_user):
    """武汉市 approved in 2022 and its 2022 自评 approved (质押 185000, 次数 580); then copied."""
    from datetime import date

    TableRow.objects.filter(table__project=hubei, unit__name__in=["武汉市", "襄阳市"]).update(
        status=ReviewStatus.APPROVED
    )
    _evaluate(hubei, admin_user, {"专利质押融资金额": "150000"}, when=date(2022, 11, 30))  # an earlier 自评
    _evaluate(hubei, admin_user, {"专利质押融资金额": "185000", "中小微企业接受专利转让次数": "580"})
    _evaluate(hubei, admin_user, {"专利质押融资金额": "999999"}, approved=False, when=date(2023, 1, 15))
    copy = project_copy_year(project=hubei, year=2023, actor=admin_user, copy_values=False)
    return TargetTable.objects.get(project=copy, unit_category="region")


def test_the_grid_shows_last_years_actual_beside_last_years_target(client, admin_user, evaluated):
    client.force_login(admin_user)
    body = client.get(reverse("targets:table_grid", args=[evaluated.pk])).content.decode()
    pledge = TableColumn.objects.get(table=evaluated, name="专利质押融资金额")
    wuhan = TableRow.objects.get(table=evaluated, unit__name="武汉市")
    xiangyang = TableRow.objects.get(table=evaluated, unit__name="襄阳市")
    # the latest approved 自评: not the earlier one, not the later one still waiting for review
    assert 'data-last-year="200000" data-last-year-actual="185000"' in _cell(body, pledge, wuhan)
    assert 'data-last-year="6000"' in _cell(body, pledge, xiangyang)  # no 自评 of 襄阳市: target only
    assert "data-last-year-actual" not in _cell(body, pledge, xiangyang)
    assert "上年实际值" in body  # the note says what the figures are


def test_the_row_page_shows_last_years_actual(client, wuhan, evaluated, admin_user):
    from targets.workflow import table_open

    table_open(table_id=evaluated.pk, actor=admin_user, deadline=None)  # the unit sees it once published
    row = TableRow.objects.get(table=evaluated, unit__name="武汉市")
    client.force_login(wuhan)
    response = client.get(reverse("targets:row", args=[row.pk]))
    actual = {item.column.name: item.last_year_actual for item in response.context["cells"]}
    assert actual["专利质押融资金额"] == "185000" and actual["中小微企业接受专利转让次数"] == "580"
    assert actual["收集中小微企业专利技术需求"] == "—"
    assert '<th class="last-year-actual">上年实际值</th>' in response.content.decode()


def test_last_years_actual_comes_in_the_same_query(client, reviewer, evaluated, django_assert_num_queries):
    from guardian.shortcuts import assign_perm

    assign_perm("projects.review_project", reviewer, evaluated.project)
    client.force_login(reviewer)
    url = reverse("targets:table_grid", args=[evaluated.pk])
    client.get(url)
    with django_assert_num_queries(11):  # as without a 自评 (test_the_copied_grid_costs_one_query_more…)
        assert "185000" in client.get(url).content.decode()
