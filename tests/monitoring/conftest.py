"""Monitoring fixtures: Hubei with 武汉市's row approved (its targets as filed in the seed), and a
monitoring round and a 自评 round opened on it by the admin."""

from datetime import date
from decimal import Decimal

import pytest

from monitoring.models import Report, RoundKind
from monitoring.services import round_open
from targets.models import ReviewStatus, TableRow


@pytest.fixture
def approved_wuhan(wuhan_row):
    # 160万 of the project's money, so that the budget block applies.
    TableRow.objects.filter(pk=wuhan_row.pk).update(status=ReviewStatus.APPROVED, funding=Decimal("160"))
    wuhan_row.refresh_from_db()
    return wuhan_row


@pytest.fixture
def monitoring_round(hubei, approved_wuhan, admin_user):
    return round_open(
        project=hubei,
        kind=RoundKind.MONITORING,
        reference_date=date(2022, 6, 30),
        deadline=None,
        lag_threshold=Decimal("10"),
        actor=admin_user,
    )


@pytest.fixture
def evaluation_round(hubei, approved_wuhan, admin_user):
    return round_open(
        project=hubei,
        kind=RoundKind.SELF_EVALUATION,
        reference_date=date(2022, 12, 31),
        deadline=None,
        lag_threshold=Decimal("10"),
        actor=admin_user,
    )


@pytest.fixture
def wuhan_report(monitoring_round):
    return Report.objects.get(round=monitoring_round, unit__name="武汉市")


@pytest.fixture
def wuhan_evaluation(evaluation_round):
    return Report.objects.get(round=evaluation_round, unit__name="武汉市")


def fill(report, actuals: dict[str, str], **texts):
    """The `values` argument of `report_save`: 完成值 by indicator label, and per-value texts as
    {field: {label: text}}."""
    report.refresh_from_db()
    values = {}
    for value in report.values.all():
        fields = {}
        if value.label in actuals:
            fields["raw"] = actuals[value.label]
        for name, by_label in texts.items():
            if value.label in by_label:
                fields[name] = by_label[value.label]
        if fields:
            values[value.pk] = fields
    return values


WUHAN_LABELS = [
    "收集中小微企业专利技术需求",  # 500条
    "中小微企业接受专利转让次数",  # 600次
    "专利质押融资金额",  # 200000万元
    "专利质押项目数",  # 176项
    "政策惠及的中小微企业营业收入增幅",  # 显著增长
    "政策惠及的中小微企业就业人数增幅",  # 显著增长
]
