"""A change target (增长10%) is scored against last year's 完成值 where the product has it: the copied
project's source report, for a unit's column and for the project's own indicator."""

from datetime import date
from decimal import Decimal as D

import pytest

from monitoring.models import Report, RoundKind
from monitoring.selectors import report_page
from monitoring.services import report_save, round_open
from projects.copying import project_copy_year
from targets import values as tv
from targets.models import Cell, ReviewStatus, TableRow, Target, TargetPeriod

pytestmark = pytest.mark.django_db

NEED = "收集中小微企业专利技术需求"


def _open(project, actor, year):
    return round_open(
        project=project,
        kind=RoundKind.SELF_EVALUATION,
        reference_date=date(year, 12, 31),
        deadline=None,
        lag_threshold=D("10"),
        actor=actor,
    )


def _fill(report, actor, label, raw):
    value = report.values.get(label=label)
    report_save(report_id=report.pk, expected_version=report.version, actor=actor, values={value.pk: {"raw": raw}})
    report.refresh_from_db()


def _set(obj, raw):
    obj.set_value(tv.parse(raw))
    obj.save()


def test_a_growth_target_is_scored_against_last_years_actual(hubei, wuhan_row, admin_user):
    TableRow.objects.filter(pk=wuhan_row.pk).update(status=ReviewStatus.APPROVED, funding=D("100"))
    last = _open(hubei, admin_user, 2022)
    _fill(Report.objects.get(round=last, unit=wuhan_row.unit), admin_user, NEED, "1000")
    _fill(Report.objects.get(round=last, unit__isnull=True), admin_user, NEED, "3000条")

    copy = project_copy_year(project=hubei, year=2023, actor=admin_user)
    row = TableRow.objects.get(table__project=copy, unit=wuhan_row.unit)
    TableRow.objects.filter(pk=row.pk).update(status=ReviewStatus.APPROVED)
    _set(Cell.objects.get(row=row, column__name=NEED), "增长10%")
    _set(Target.objects.get(indicator__project=copy, indicator__name=NEED, period=TargetPeriod.ANNUAL), "增长10%")

    this = _open(copy, admin_user, 2023)
    unit_report = Report.objects.get(round=this, unit=wuhan_row.unit)
    assert unit_report.values.get(label=NEED).baseline_raw == "1000条"  # its unit was the column's
    project_report = Report.objects.get(round=this, unit__isnull=True)
    assert project_report.values.get(label=NEED).baseline_raw == "3000条"

    _fill(unit_report, admin_user, NEED, "1050条")
    _fill(project_report, admin_user, NEED, "增长12%")
    line = next(x for x in report_page(unit_report, admin_user)["lines"] if x.value.label == NEED)
    assert line.score.ratio == D("0.5") and "基数 1000" in line.explanation and "实际增长 5%" in line.explanation
    assert "上年完成值 1000条" in line.target_reading
    line = next(x for x in report_page(project_report, admin_user)["lines"] if x.value.label == NEED)
    assert line.score.full


def test_without_a_base_the_unit_is_asked_for_the_change_reached(hubei, wuhan_row, admin_user):
    TableRow.objects.filter(pk=wuhan_row.pk).update(status=ReviewStatus.APPROVED, funding=D("100"))
    _set(Cell.objects.get(row=wuhan_row, column__name=NEED), "增长10%")
    report = Report.objects.get(round=_open(hubei, admin_user, 2022), unit=wuhan_row.unit)
    assert report.values.get(label=NEED).baseline_raw == ""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="没有基数"):
        _fill(report, admin_user, NEED, "1050条")
    _fill(report, admin_user, NEED, "增长8%")
    line = next(x for x in report_page(report, admin_user)["lines"] if x.value.label == NEED)
    assert line.score.ratio == D("0.8")
