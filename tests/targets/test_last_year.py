"""上年值: a copied table's grid and row page show last year's approved value beside each cell."""

import pytest
from django.urls import reverse

from projects.copying import project_copy_year
from targets.models import Cell, TableColumn, TableRow, TargetTable
from targets.review import ReviewStatus
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
