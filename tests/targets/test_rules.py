"""Each rule of DESIGN §4, checked against the seeded database."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.models import FundingSource, Project
from review.engine import NotEditable, StaleVersion
from targets.models import (
    Cell,
    IndicatorCategory,
    ReviewStatus,
    TableColumn,
    TableRow,
    Target,
    TargetPeriod,
    TargetTable,
)
from targets.selectors import project_indicator_tree
from targets.services import row_cells_update
from units.models import Unit

pytestmark = pytest.mark.django_db


def pairing_problems(project) -> list[str]:
    """What the project editor flags, by indicator name (the 注's one-to-one rule)."""
    return [f"“{i.name}”{i.pairing_problem}" for i in project_indicator_tree(project) if i.pairing_problem]


def test_seeded_hubei_project_pairs_every_annual_target_with_a_long_term_one(hubei):
    assert pairing_problems(hubei) == []
    assert Target.objects.filter(indicator__project=hubei, period=TargetPeriod.LONG_TERM).count() == 5
    assert Target.objects.filter(indicator__project=hubei, period=TargetPeriod.ANNUAL).count() == 5


def test_an_annual_target_without_its_long_term_counterpart_is_flagged_by_name(hubei):
    Target.objects.filter(
        indicator__project=hubei, indicator__name="企业接受高校院所专利转让许可数量", period=TargetPeriod.LONG_TERM
    ).delete()
    assert pairing_problems(hubei) == ["“企业接受高校院所专利转让许可数量”有年度目标，缺少对应的长期目标"]


def test_a_long_term_target_without_its_annual_counterpart_is_flagged(hubei):
    Target.objects.filter(
        indicator__project=hubei, indicator__name="全省专利质押融资金额", period=TargetPeriod.ANNUAL
    ).delete()
    assert pairing_problems(hubei) == ["“全省专利质押融资金额”有长期目标，缺少对应的年度目标"]


def test_an_indicator_holds_at_most_one_target_per_period(hubei):
    target = Target.objects.filter(indicator__project=hubei, period=TargetPeriod.ANNUAL).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(indicator=target.indicator, period=TargetPeriod.ANNUAL, raw="", kind="blank")


def test_annual_only_projects_are_not_held_to_the_pairing_rule():
    project = Project.objects.get(code="gd-transfer-shenzhen")
    assert pairing_problems(project) == []


def test_a_cell_cannot_use_a_column_of_another_table(wuhan_row):
    other_column = TableColumn.objects.exclude(table=wuhan_row.table).first()
    with pytest.raises(ValidationError, match="不属于该行所在的目标表"):
        Cell.objects.create(row=wuhan_row, column=other_column, raw="", kind="blank")


def test_one_cell_per_row_and_column(wuhan_row):
    column = wuhan_row.table.columns.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Cell.objects.create(row=wuhan_row, column=column, raw="", kind="blank")


def test_a_unit_appears_at_most_once_per_table(wuhan_row):
    with pytest.raises(IntegrityError), transaction.atomic():
        TableRow.objects.create(table=wuhan_row.table, unit=wuhan_row.unit, seq=99)


def test_a_row_unit_must_have_the_tables_category(wuhan_row):
    university = Unit.objects.get(name="武汉轻工大学")
    with pytest.raises(ValidationError, match="高校院所"):
        TableRow.objects.create(table=wuhan_row.table, unit=university, seq=99)
    assert not TableRow.objects.filter(table=wuhan_row.table, unit=university).exists()


@pytest.mark.parametrize(
    ("status", "editable"),
    [
        (ReviewStatus.NOT_STARTED, True),
        (ReviewStatus.DRAFT, True),
        (ReviewStatus.RETURNED, True),
        (ReviewStatus.SUBMITTED, False),
        (ReviewStatus.APPROVED, False),
    ],
)
def test_rows_are_editable_only_while_not_started_draft_or_returned(wuhan_row, status, editable):
    TableRow.objects.filter(pk=wuhan_row.pk).update(status=status)
    column = wuhan_row.table.columns.get(order=1)
    if editable:
        row = row_cells_update(row_id=wuhan_row.pk, values={column.pk: "520"}, expected_version=1)
        assert row.version == 2
        assert Cell.objects.get(row=wuhan_row, column=column).number == Decimal("520")
    else:
        with pytest.raises(NotEditable):
            row_cells_update(row_id=wuhan_row.pk, values={column.pk: "520"}, expected_version=1)
        assert Cell.objects.get(row=wuhan_row, column=column).raw == "500"


def test_an_update_is_all_or_nothing_when_one_value_is_bad(wuhan_row):
    first, second = wuhan_row.table.columns.order_by("order")[:2]
    with pytest.raises(ValidationError, match="应填写数字"):
        row_cells_update(row_id=wuhan_row.pk, values={first.pk: "700", second.pk: "很多"}, expected_version=1)
    cells = {c.column_id: c.raw for c in Cell.objects.filter(row=wuhan_row)}
    assert (cells[first.pk], cells[second.pk]) == ("500", "600")
    assert TableRow.objects.get(pk=wuhan_row.pk).version == 1


def test_a_save_from_an_old_version_is_refused_and_changes_nothing(wuhan_row):
    column = wuhan_row.table.columns.get(order=1)
    row_cells_update(row_id=wuhan_row.pk, values={column.pk: "510"}, expected_version=1)
    with pytest.raises(StaleVersion):
        row_cells_update(row_id=wuhan_row.pk, values={column.pk: "520"}, expected_version=1)
    assert Cell.objects.get(row=wuhan_row, column=column).raw == "510"


def test_a_column_may_not_be_borrowed_from_another_table_through_an_update(wuhan_row):
    foreign = TableColumn.objects.exclude(table=wuhan_row.table).first()
    with pytest.raises(ValidationError, match="不属于该目标表"):
        row_cells_update(row_id=wuhan_row.pk, values={foreign.pk: "1"}, expected_version=1)


def test_blank_is_refused_only_where_the_column_forbids_it(wuhan_row):
    column = wuhan_row.table.columns.get(order=3)
    row_cells_update(row_id=wuhan_row.pk, values={column.pk: ""}, expected_version=1)
    TableColumn.objects.filter(pk=column.pk).update(allow_blank=False)
    with pytest.raises(ValidationError, match="不能为空"):
        row_cells_update(row_id=wuhan_row.pk, values={column.pk: " "}, expected_version=1)


def test_money_is_decimal_never_float(hubei):
    central = FundingSource.objects.get(project=hubei, label="其中：中央补助")
    assert central.amount == Decimal("5000.00") and isinstance(central.amount, Decimal)
    guangzhou = Project.objects.get(code="gd-transfer-guangzhou")
    assert guangzhou.funding_requirement == Decimal("460") and isinstance(guangzhou.funding_requirement, Decimal)
    platform_row = TableRow.objects.get(unit__name="湖北省知识产权发展中心")
    assert platform_row.funding == Decimal("160") and isinstance(platform_row.funding, Decimal)
    cell = Cell.objects.get(row__unit__name="武汉市", column__name="专利质押融资金额")
    assert isinstance(cell.number, Decimal)


def test_the_catalogue_allows_cost_as_a_second_level_and_as_a_first_level():
    assert IndicatorCategory.objects.filter(level=2, name="成本指标", parent__name="产出指标").exists()
    first_level_cost = IndicatorCategory.objects.get(level=1, name="成本指标")
    assert set(first_level_cost.children.values_list("name", flat=True)) == {
        "经济成本指标",
        "社会成本指标",
        "生态环境成本指标",
    }


def test_a_second_level_category_needs_a_parent():
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorCategory.objects.create(level=2, name="孤立指标")


def test_a_table_spans_ordered_years(hubei):
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetTable.objects.create(
            project=hubei, title="倒序表", unit_category="region", start_year=2024, end_year=2023
        )
