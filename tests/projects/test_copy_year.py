"""复制到新年度: the Hubei seed project copied into 2023 (projects.copying)."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from projects.copying import project_copy_year
from projects.models import Project
from review.engine import ReviewStatus
from targets.models import Cell, Indicator, TableColumn, TableRow, Target, TargetPeriod, TargetTable
from units import policy
from units.audit import readable
from units.models import AuditEntry

pytestmark = pytest.mark.django_db


def _tables(project):
    return list(project.tables.order_by("order"))


def _units(table):
    return list(TableRow.objects.filter(table=table).order_by("seq").values_list("unit__name", flat=True))


def test_the_2023_copy_has_the_same_columns_and_units_in_the_same_order(hubei, admin_user):
    copy = project_copy_year(project=hubei, year=2023, actor=admin_user)
    assert copy.code == "hubei-2023-patent-transfer"
    assert copy.title == "湖北省2023年服务业发展（专利转化专项计划）绩效目标表"
    assert (copy.budget_year, copy.start_year, copy.end_year, copy.copied_from) == (2023, 2021, 2023, hubei)
    old_tables, new_tables = _tables(hubei), _tables(copy)
    assert len(new_tables) == len(old_tables) == 4
    for old, new in zip(old_tables, new_tables):
        assert new.copied_from == old
        assert [c.header for c in new.columns.order_by("order")] == [c.header for c in old.columns.order_by("order")]
        assert [(c.category_id, c.value_kind, c.allow_blank) for c in new.columns.order_by("order")] == [
            (c.category_id, c.value_kind, c.allow_blank) for c in old.columns.order_by("order")
        ]
        assert _units(new) == _units(old)
        assert list(new.rows.order_by("seq").values_list("seq", flat=True)) == list(range(1, old.rows.count() + 1))
    assert _units(new_tables[0])[:3] == ["武汉市", "宜昌市", "襄阳市"]
    assert new_tables[0].title == "湖北省专利转化专项计划区域绩效目标表-市州类（2023年度）"
    assert (new_tables[0].start_year, new_tables[0].end_year) == (2023, 2023)
    # The 运营中心 table covered 2023-2024: both its years move by one, in the title too.
    assert new_tables[2].title.endswith("（2024-2025年度）")
    assert (new_tables[2].start_year, new_tables[2].end_year) == (2024, 2025)


def test_the_indicator_tree_and_targets_are_copied_with_the_annual_year_moved(hubei, admin_user):
    copy = project_copy_year(project=hubei, year=2023, actor=admin_user)
    old = list(Indicator.objects.filter(project=hubei).order_by("order"))
    new = list(Indicator.objects.filter(project=copy).order_by("order"))
    assert [(i.name, i.category_id, i.basis) for i in new] == [(i.name, i.category_id, i.basis) for i in old]
    assert not {i.pk for i in new} & {i.pk for i in old}
    annual = Target.objects.get(indicator=new[0], period=TargetPeriod.ANNUAL)
    assert (annual.raw, annual.number, annual.year) == ("3000条", 3000, 2023)
    long_term = Target.objects.get(indicator=new[0], period=TargetPeriod.LONG_TERM)
    assert (long_term.raw, long_term.year) == ("6000条", None)
    assert [f.label for f in copy.funding_sources.order_by("order")] == ["年度金额：", "其中：中央补助"]


def test_a_column_linked_to_an_indicator_is_linked_to_the_copied_indicator(hubei, admin_user):
    column = TableColumn.objects.get(table__project=hubei, name="收集中小微企业专利技术需求")
    indicator = Indicator.objects.get(project=hubei, name="收集中小微企业专利技术需求")
    TableColumn.objects.filter(pk=column.pk).update(indicator=indicator)
    linked = TableColumn.objects.filter(table__project=hubei, indicator__isnull=False).count()
    copy = project_copy_year(project=hubei, year=2023, actor=admin_user)
    copied = TableColumn.objects.get(table__project=copy, name="收集中小微企业专利技术需求")
    assert copied.copied_from_id == column.pk
    assert copied.indicator.project == copy
    assert copied.indicator.name == indicator.name
    # every link of the old year (the seeds' roll-up links too), none more
    assert TableColumn.objects.filter(table__project=copy, indicator__isnull=False).count() == linked
    assert not TableColumn.objects.filter(table__project=copy, indicator__project=hubei).exists()


def test_values_are_copied_as_starting_values_and_statuses_start_at_not_started(hubei, admin_user):
    TableRow.objects.filter(table__project=hubei, unit__name="武汉市").update(status=ReviewStatus.APPROVED, version=4)
    copy = project_copy_year(project=hubei, year=2023, actor=admin_user)
    row = TableRow.objects.get(table__project=copy, unit__name="武汉市")
    assert (row.status, row.version, row.get_status_display()) == (ReviewStatus.NOT_STARTED, 1, "未填报")
    assert row.submitted_at is None and row.reviewed_by is None
    values = {c.column.name: (c.raw, c.number) for c in row.cells.select_related("column")}
    assert values["专利质押融资金额"][0] == "200000" and values["专利质押融资金额"][1] == 200000
    assert values["政策惠及的中小微企业营业收入增幅"][0] == "显著增长"
    assert set(TableRow.objects.filter(table__project=copy).values_list("status", flat=True)) == {"not_started"}
    assert set(TargetTable.objects.filter(project=copy).values_list("status", flat=True)) == {"draft"}
    old_cells = Cell.objects.filter(row__table__project=hubei).exclude(raw="").count()
    assert Cell.objects.filter(row__table__project=copy).count() == old_cells


def test_blank_leaves_cells_and_annual_targets_empty_but_keeps_units_narratives_and_funding(hubei, admin_user):
    copy = project_copy_year(project=hubei, year=2023, actor=admin_user, copy_values=False)
    assert not Cell.objects.filter(row__table__project=copy).exists()
    annual = Target.objects.filter(indicator__project=copy, period=TargetPeriod.ANNUAL)
    assert annual.count() == 5 and set(annual.values_list("raw", flat=True)) == {""}
    old_rows = TableRow.objects.filter(table__project=hubei).order_by("table__order", "seq")
    new_rows = TableRow.objects.filter(table__project=copy).order_by("table__order", "seq")
    assert [(r.unit_id, r.narrative, r.funding) for r in new_rows] == [
        (r.unit_id, r.narrative, r.funding) for r in old_rows
    ]
    assert any(r.narrative for r in new_rows)


def test_a_second_copy_for_the_same_year_is_refused_with_a_message(hubei, admin_user):
    copy = project_copy_year(project=hubei, year=2023, actor=admin_user)
    projects = Project.objects.count()
    with pytest.raises(ValidationError) as refused:
        project_copy_year(project=hubei, year=2023, actor=admin_user, copy_values=False)
    assert "已复制到2023年度" in refused.value.messages[0] and copy.code in refused.value.messages[0]
    assert Project.objects.count() == projects
    # Another year is another copy.
    assert project_copy_year(project=hubei, year=2024, actor=admin_user).code == "hubei-2024-patent-transfer"


@pytest.mark.parametrize("year", [2022, 2021, 1999, 2101])
def test_a_year_not_after_the_projects_own_is_refused(hubei, admin_user, year):
    with pytest.raises(ValidationError):
        project_copy_year(project=hubei, year=year, actor=admin_user)
    assert not Project.objects.filter(copied_from=hubei).exists()


def test_a_copy_whose_tables_would_end_after_2100_is_refused_and_leaves_nothing(hubei, admin_user):
    """The 运营中心 table spans 2023-2024: copied to 2100 it would end in 2102, which no table may."""
    with pytest.raises(ValidationError, match="运营中心类.*超过 2100 年"):
        project_copy_year(project=hubei, year=2100, actor=admin_user)
    assert not Project.objects.filter(copied_from=hubei).exists()


def test_a_failure_midway_leaves_nothing(hubei, admin_user):
    """Two tables whose titles become the same in 2023 fail on the title's constraint after
    the project, its indicators and the first tables were written: all of it is undone."""
    table = _tables(hubei)[1]
    TargetTable.objects.filter(pk=table.pk).update(title=_tables(hubei)[0].title.replace("2022", "2023"))
    counts = (Project.objects.count(), Indicator.objects.count(), TargetTable.objects.count(), Cell.objects.count())
    with pytest.raises(ValidationError) as refused:
        project_copy_year(project=hubei, year=2023, actor=admin_user)
    assert "未创建任何内容" in refused.value.messages[0]
    assert (
        Project.objects.count(),
        Indicator.objects.count(),
        TargetTable.objects.count(),
        Cell.objects.count(),
    ) == counts
    assert not AuditEntry.objects.filter(action="projects.project.copied").exists()


def test_the_copy_is_audited(hubei, admin_user):
    copy = project_copy_year(project=hubei, year=2023, actor=admin_user)
    entry = AuditEntry.objects.get(action="projects.project.copied")
    assert (entry.object_id, entry.actor) == (str(copy.pk), admin_user)
    assert entry.before["project_code"] == hubei.code and entry.after["budget_year"] == 2023
    # As the history reads it (PostgreSQL's JSON keeps no key order).
    assert set(readable(entry.after).split("；")) == {
        "项目编号：hubei-2023-patent-transfer",
        "预算年度：2023",
        "指标值：沿用上年值",
        "审核员：（无）",
    }


def test_a_code_without_the_year_gets_it_appended(admin_user):
    project = Project.objects.get(code="gzkfq-ip-reform")
    copy = project_copy_year(project=project, year=2024, actor=admin_user)
    assert copy.code == "gzkfq-ip-reform-2024" and copy.budget_year == 2024


def test_the_command_prints_the_new_code_and_refuses_a_second_copy(hubei):
    out = StringIO()
    call_command("copy_year", hubei.code, "--year", "2023", stdout=out)
    assert out.getvalue().strip() == "hubei-2023-patent-transfer"
    copy = Project.objects.get(code="hubei-2023-patent-transfer")
    assert Cell.objects.filter(row__table__project=copy).exists()
    with pytest.raises(CommandError, match="不能重复复制"):
        call_command("copy_year", hubei.code, "--year", "2023", "--blank", stdout=StringIO())
    with pytest.raises(CommandError, match="没有编号"):
        call_command("copy_year", "no-such-project", "--year", "2023", stdout=StringIO())


def test_the_command_with_blank_copies_no_values(hubei):
    out = StringIO()
    call_command("copy_year", hubei.code, "--year", "2023", "--blank", stdout=out)
    assert not Cell.objects.filter(row__table__project__code=out.getvalue().strip()).exists()


def test_the_project_page_offers_the_copy_and_the_post_goes_to_the_new_project(client, admin_user, hubei):
    client.force_login(admin_user)
    page = client.get(reverse("projects:edit", args=[hubei.pk])).content.decode()
    assert "复制到新年度" in page and 'value="2023"' in page
    response = client.post(reverse("projects:copy_year", args=[hubei.pk]), {"year": "2023", "values": "blank"})
    copy = Project.objects.get(copied_from=hubei)
    assert response.status_code == 302 and response["Location"] == reverse("projects:edit", args=[copy.pk])
    assert not Cell.objects.filter(row__table__project=copy).exists()
    page = client.get(response["Location"]).content.decode()
    assert "已复制到2023年度" in page and "本项目复制自" in page
    again = client.post(reverse("projects:copy_year", args=[hubei.pk]), {"year": "2023", "values": "copy"}, follow=True)
    assert "不能重复复制" in again.content.decode()
    assert Project.objects.filter(copied_from=hubei).count() == 1


def test_last_years_reviewers_review_the_copy_and_see_its_submissions(client, hubei, admin_user, reviewer):
    copy = project_copy_year(project=hubei, year=2023, actor=admin_user)
    assert policy.project_reviewers(copy) == [reviewer]
    row = TableRow.objects.filter(table__project=copy).first()
    assert policy.can_review_row(reviewer, row)
    client.force_login(reviewer)
    assert client.get(reverse("targets:row", args=[row.pk])).status_code == 200
    entry = AuditEntry.objects.get(action="projects.project.copied", object_id=str(copy.pk))
    assert "审核员：t-reviewer" in readable(entry.after)


def test_the_copy_is_refused_to_who_may_not_manage_the_project(client, reviewer, hubei):
    client.force_login(reviewer)
    response = client.post(reverse("projects:copy_year", args=[hubei.pk]), {"year": "2023", "values": "copy"})
    assert response.status_code == 403
    assert not Project.objects.filter(copied_from=hubei).exists()
