"""Seed 004's placeholder lines (“... ..”, “....”, “指标7: ....”) are blank rows for the department to
write its own indicators in (name, value, unit), printed blank until filled."""

import importlib
from io import BytesIO
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from projects.filings.services import filing_save
from reports.exporters import export_workbook, exporter_for, workbook_bytes
from targets.models import Indicator, IndicatorCategory, Target, TargetPeriod
from targets.write_in import is_write_in_line
from units.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("... ..", "", True),
        ("....", "", True),
        (".....", "", True),
        ("指标7: ....", "", True),
        ("指标4:", "", True),
        ("指标 6：", "", True),
        ("……", "", True),
        ("", "", True),
        ("指标1: 项目完成期限符合相关要求", "2021年", False),
        ("指标1: 项目申报、评审、公示程序符合相关管理办法要求", "", False),
        ("....", "≥5家", False),  # a value written beside the dots is an indicator of its own
        ("举办论坛活动", "", False),
    ],
)
def test_a_placeholder_line_is_told_from_an_indicator(name, value, expected):
    assert is_write_in_line(name, value) is expected


def _text_cells(project, user) -> list[str]:
    data = workbook_bytes(export_workbook([(exporter_for("transfer_secondary"), project)], user))
    return [str(c.value) for row in load_workbook(BytesIO(data)).active.iter_rows() for c in row if c.value]


def test_guangzhou_is_shown_blank_rows_and_exports_them_blank(client, guangzhou, guangzhou_filler, admin_user):
    rows = Indicator.objects.filter(project=guangzhou, write_in=True)
    assert rows.count() == 7 and set(rows.values_list("name", flat=True)) == {""}
    assert not Indicator.objects.filter(project=guangzhou, name__regex=r"\.\.").exists()
    client.force_login(guangzhou_filler)
    page = client.get(reverse("projects:filing", args=[guangzhou.pk])).content.decode()
    assert "... .." not in page and "指标7: ...." not in page
    assert page.count("留白行：可填写本单位自拟的指标") == 7
    cells = _text_cells(guangzhou, admin_user)
    assert not [c for c in cells if ".." in c or c.startswith("指标7")]
    assert "指标1: 项目申报、评审、公示程序符合相关管理办法要求" in cells


def test_the_department_writes_its_own_indicator_in_a_blank_row(client, guangzhou, guangzhou_filler, admin_user):
    row = Indicator.objects.filter(project=guangzhou, write_in=True).order_by("order").first()
    client.force_login(guangzhou_filler)
    response = client.post(
        reverse("projects:filing_save", args=[guangzhou.pk]),
        {
            "version": 1,
            f"write-{row.pk}-name": "项目验收合格率",
            f"write-{row.pk}-measure_unit": "%",
            f"target-{row.pk}-annual": "100",
        },
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.name, row.measure_unit, row.write_in) == ("项目验收合格率", "%", True)
    target = Target.objects.get(indicator=row, period=TargetPeriod.ANNUAL)
    assert (target.raw, target.number, target.measure_unit) == ("100", 100, "%")
    entry = AuditEntry.objects.get(action="targets.indicator.changed", object_id=str(row.pk))
    assert entry.after == {"name": "项目验收合格率", "measure_unit": "%"} and entry.actor == guangzhou_filler
    assert "项目验收合格率" in _text_cells(guangzhou, admin_user) and "100%" in _text_cells(guangzhou, admin_user)


def test_a_value_without_a_name_is_refused_and_nothing_is_saved(guangzhou, guangzhou_filler):
    row = Indicator.objects.filter(project=guangzhou, write_in=True).order_by("order").first()
    with pytest.raises(ValidationError, match="填写了指标值，请同时填写指标名称"):
        filing_save(
            project_id=guangzhou.pk,
            expected_version=1,
            header={"leader": "张三"},
            targets={(row.pk, TargetPeriod.ANNUAL): "5家"},
            write_ins={row.pk: {"name": "", "measure_unit": "家"}},
            actor=guangzhou_filler,
        )
    row.refresh_from_db()
    guangzhou.refresh_from_db()
    assert (row.measure_unit, guangzhou.leader) == ("", "")


def test_an_indicator_of_the_form_is_not_renamed_through_a_crafted_field(guangzhou, guangzhou_filler):
    fixed = Indicator.objects.get(project=guangzhou, name="举办论坛活动")
    with pytest.raises(ValidationError, match="不属于本项目的留白行"):
        filing_save(
            project_id=guangzhou.pk,
            expected_version=1,
            header={},
            targets={},
            write_ins={fixed.pk: {"name": "改名", "measure_unit": ""}},
            actor=guangzhou_filler,
        )
    fixed.refresh_from_db()
    assert fixed.name == "举办论坛活动"


def test_a_database_loaded_before_write_in_rows_has_its_placeholders_turned_into_them(guangzhou):
    category = IndicatorCategory.objects.get(level=2, name="生态效益指标")
    old = Indicator.objects.create(project=guangzhou, category=category, name="指标7: ....", order=900)
    Target.objects.create(indicator=old, period=TargetPeriod.ANNUAL, raw="", kind="blank")
    kept = Indicator.objects.create(project=guangzhou, category=category, name="....", order=901)
    Target.objects.create(indicator=kept, period=TargetPeriod.ANNUAL, raw="≥3家", kind="quantity", number=3)
    migration = importlib.import_module("targets.migrations.0011_indicator_write_in")
    migration.placeholders_to_write_in(apps, None)
    old.refresh_from_db()
    kept.refresh_from_db()
    assert (old.name, old.write_in) == ("", True)
    assert (kept.name, kept.write_in) == ("....", False)


def test_the_catalogue_of_an_empty_database_is_the_fixture_s():
    migration = importlib.import_module("targets.migrations.0012_indicator_catalogue")
    fixture = yaml.safe_load((Path(__file__).parents[2] / "fixtures" / "catalogue.yaml").read_text(encoding="utf-8"))
    assert migration.CATALOGUE == [(c["name"], c["children"]) for c in fixture["categories"]]
