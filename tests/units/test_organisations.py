"""Organisations: a bureau's admin administers, and its observer reads, only the projects their
bureau governs (主管部门); a superuser sees and administers all; grants and fillers are unchanged."""

import pytest
from django.urls import reverse

from projects.models import Project
from targets.models import TableRow
from units import policy
from units.models import Membership, Role, Unit

pytestmark = pytest.mark.django_db

GUANGDONG_BUREAU = "广东省市场监督管理局（知识产权局）"


def _visible_codes(user) -> set[str]:
    return set(policy.visible_projects(user, Project.objects.all()).values_list("code", flat=True))


def test_the_seeds_put_hubeis_and_guangdongs_projects_under_their_bureaus(hubei, guangzhou):
    assert hubei.competent_department.name == "湖北省知识产权局"
    assert guangzhou.competent_department.name == GUANGDONG_BUREAU
    assert guangzhou.local_department.name == "广州市市场监管局"


def test_a_bureau_admin_administers_only_their_bureaus_projects(hubei, guangzhou, hubei_admin, other_province_admin):
    assert policy.is_admin_of(hubei_admin, hubei) and not policy.is_admin_of(hubei_admin, guangzhou)
    assert policy.is_admin_of(other_province_admin, guangzhou) and not policy.is_admin_of(other_province_admin, hubei)
    assert policy.can_manage_project(hubei_admin, hubei) and not policy.can_manage_project(hubei_admin, guangzhou)
    row = TableRow.objects.filter(table__project=hubei).first()
    assert policy.can_reopen_row(hubei_admin, row) and not policy.can_reopen_row(other_province_admin, row)
    assert policy.can_manage_table(hubei_admin, row.table) and not policy.can_manage_table(
        other_province_admin, row.table
    )
    assert not policy.can_view_row(other_province_admin, row)
    assert not policy.is_admin(hubei_admin)  # no longer "everything"


def test_a_bureau_admin_sees_only_their_bureaus_projects(hubei_admin, other_province_admin):
    hubei_codes = set(
        Project.objects.filter(competent_department__name="湖北省知识产权局").values_list("code", flat=True)
    )
    gd_codes = set(Project.objects.filter(competent_department__name=GUANGDONG_BUREAU).values_list("code", flat=True))
    assert hubei_codes and gd_codes
    assert _visible_codes(hubei_admin) == hubei_codes
    assert _visible_codes(other_province_admin) == gd_codes


def test_a_superuser_sees_and_administers_every_project(admin_user, guangzhou, hubei):
    assert _visible_codes(admin_user) == set(Project.objects.values_list("code", flat=True))
    assert policy.is_admin_of(admin_user, guangzhou) and policy.is_admin_of(admin_user, hubei)
    assert policy.is_admin_of(policy.system_user(), guangzhou)


def test_an_observer_reads_only_their_bureaus_projects_and_changes_nothing(observer, hubei, guangzhou):
    assert policy.can_view_project(observer, hubei) and not policy.can_view_project(observer, guangzhou)
    assert not policy.can_manage_project(observer, hubei)
    gd_observer = policy_member("t-gd-observer", GUANGDONG_BUREAU, Role.OBSERVER)
    assert policy.can_view_project(gd_observer, guangzhou) and not policy.can_view_project(gd_observer, hubei)
    rows = TableRow.objects.filter(policy.visible_rows_filter(observer))
    assert rows.exists() and not rows.exclude(table__project__competent_department__name="湖北省知识产权局").exists()


def policy_member(username, unit_name, role):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username)
    Membership.objects.create(user=user, unit=Unit.objects.get(name=unit_name), role=role)
    return user


def test_the_home_page_lists_and_offers_editing_only_the_governed_projects(client, hubei, guangzhou, hubei_admin):
    client.force_login(hubei_admin)
    page = client.get(reverse("home")).content.decode()
    assert hubei.name in page and guangzhou.name not in page
    assert reverse("projects:edit", args=[hubei.pk]) in page


def test_another_provinces_admin_gets_404_on_hubeis_pages(client, hubei, other_province_admin, wuhan_row):
    client.force_login(other_province_admin)
    for url in (
        reverse("projects:edit", args=[hubei.pk]),
        reverse("targets:table_grid", args=[wuhan_row.table_id]),
        reverse("targets:row", args=[wuhan_row.pk]),
        reverse("reports:export_project", args=[hubei.pk, "attachment2"]),
        reverse("reports:export_table", args=[wuhan_row.table_id]),
        reverse("reports:table_template", args=[wuhan_row.table_id]),
    ):
        assert client.get(url).status_code == 404, url


def test_the_review_queue_of_a_bureau_admin_holds_only_their_projects(hubei_admin, other_province_admin, wuhan_row):
    from targets.models import ReviewStatus
    from targets.selectors import review_queue

    TableRow.objects.filter(pk=wuhan_row.pk).update(status=ReviewStatus.SUBMITTED)
    assert [r.pk for r in review_queue(hubei_admin)] == [wuhan_row.pk]
    assert review_queue(other_province_admin) == []


def test_the_admin_site_is_for_superusers_only(client, admin_user, hubei_admin):
    hubei_admin.is_staff = True
    hubei_admin.save()
    client.force_login(hubei_admin)
    assert client.get(reverse("admin:index")).status_code == 302
    client.force_login(admin_user)
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_policy_asks_no_query_of_its_own_for_many_projects(hubei_admin, django_assert_num_queries):
    projects = list(Project.objects.all())
    with django_assert_num_queries(1):  # the memberships, once
        for project in projects:
            policy.is_admin_of(hubei_admin, project)
            policy.oversees(hubei_admin, project)


def test_another_provinces_admin_cannot_import_into_hubeis_projects(admin_user, other_province_admin, hubei):
    from reports.exporters import export_workbook, exporter_for, workbook_bytes
    from reports.import_services import import_preview
    from targets.models import TargetTable
    from tests.reports import import_corpus as corpus

    tree = workbook_bytes(export_workbook([(exporter_for("attachment2"), hubei)], admin_user))
    plan = import_preview(name="附件2.xlsx", data=tree, user=other_province_admin)
    assert [str(e) for e in plan.errors] == [
        f"工作表“附件2 项目绩效目标表”第1行第1列：您无权修改项目“{hubei.name}”的指标"
    ]
    region = TargetTable.objects.get(title__contains="市州类")
    plan = import_preview(name="市州.xlsx", data=corpus.template(region, admin_user), user=other_province_admin)
    assert plan.errors and all("无权" in str(e) for e in plan.errors), [str(e) for e in plan.errors]


def test_hubeis_own_admin_imports_into_hubeis_project(admin_user, hubei_admin, hubei):
    from reports.exporters import export_workbook, exporter_for, workbook_bytes
    from reports.import_services import import_preview

    tree = workbook_bytes(export_workbook([(exporter_for("attachment2"), hubei)], admin_user))
    assert import_preview(name="附件2.xlsx", data=tree, user=hubei_admin).errors == []


def test_a_bureau_admin_cannot_hand_a_project_to_another_provinces_bureau(client, hubei, hubei_admin):
    """主管部门 decides which province governs the project: a bureau's admin choosing another bureau
    would push the project into that province (and lose it themselves). Refused, nothing saved."""
    from tests.targets.test_editors import _project_post

    guangdong = Unit.objects.get(name=GUANGDONG_BUREAU)
    client.force_login(hubei_admin)
    response = client.post(
        reverse("projects:edit", args=[hubei.pk]), _project_post(hubei, competent_department=guangdong.pk)
    )
    assert response.status_code == 400
    assert Project.objects.get(pk=hubei.pk).competent_department.name == "湖北省知识产权局"
    assert response.context["form"].errors["competent_department"]  # Django's own 选择一个有效的选项
    offered = [u.name for u in response.context["form"].fields["competent_department"].queryset]
    assert offered == ["湖北省知识产权局"]


def test_a_superuser_may_still_move_a_project_between_bureaus(client, hubei, admin_user):
    from tests.targets.test_editors import _project_post

    guangdong = Unit.objects.get(name=GUANGDONG_BUREAU)
    client.force_login(admin_user)
    response = client.post(
        reverse("projects:edit", args=[hubei.pk]), _project_post(hubei, competent_department=guangdong.pk)
    )
    assert response.status_code == 302
    assert Project.objects.get(pk=hubei.pk).competent_department_id == guangdong.pk
