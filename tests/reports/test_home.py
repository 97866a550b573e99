"""The home page: projects with their target tables and the count of rows per status."""

import re

import pytest
from django.urls import reverse

from targets.models import ReviewStatus, TableRow, TargetTable
from units.models import Membership, Role, Unit

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_login_page_is_in_chinese(client):
    body = client.get("/accounts/login/").content.decode()
    assert "用户名" in body and "密码" in body and "csrfmiddlewaretoken" in body


def test_bureau_staff_see_every_seed_project_with_its_tables(client, admin_user):
    client.force_login(admin_user)
    body = client.get(reverse("home")).content.decode()
    for name in ["专利转化专项计划资金", "知识产权专项资金", "技术与创新支持中心(TISC)建设、海外知识产权纠纷应对指导"]:
        assert name in body
    for title in TargetTable.objects.values_list("title", flat=True):
        assert title in body
    assert "资金需求：460万元" in body


def test_row_counts_by_status_come_from_the_data(client, observer):
    table = TargetTable.objects.get(title__contains="市州类")
    TableRow.objects.filter(table=table, unit__name__in=["武汉市", "宜昌市"]).update(status=ReviewStatus.SUBMITTED)
    TableRow.objects.filter(table=table, unit__name="襄阳市").update(status=ReviewStatus.APPROVED)
    client.force_login(observer)
    response = client.get(reverse("home"))
    tables = {t.title: t for p in response.context["projects"] for t in p.table_list}
    counts = dict((status.value, n) for status, n in tables[table.title].status_counts)
    assert counts == {"not_started": 13, "draft": 0, "submitted": 2, "returned": 0, "approved": 1}
    assert tables[table.title].n_rows == 16
    row_html = re.search(
        r"<tr>\s*<td class=\"title-col\">(<a [^>]*>)?" + re.escape(table.title) + r".*?</tr>",
        response.content.decode(),
        re.S,
    ).group()
    assert re.findall(r'class="num[^"]*">(\d+)<', row_html) == ["16", "13", "0", "2", "0", "1"]


def test_a_filler_sees_only_projects_of_their_unit_and_counts_of_their_own_rows(client, wuhan, open_table):
    client.force_login(wuhan)
    response = client.get(reverse("home"))
    projects = response.context["projects"]
    assert [p.code for p in projects] == ["hubei-2022-patent-transfer"]
    counts = {t.title: t.n_rows for t in projects[0].table_list}
    assert counts == {"湖北省专利转化专项计划区域绩效目标表-市州类（2022年度）": 1}
    assert "知识产权专项资金" not in response.content.decode()


def test_a_user_without_any_membership_sees_no_project(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x-pass-2022!"))
    response = client.get(reverse("home"))
    assert response.context["projects"] == []
    assert "暂无您可查看的项目" in response.content.decode()


def _add_region_rows(count: int):
    table = TargetTable.objects.get(title__contains="市州类")
    units = Unit.objects.bulk_create(Unit(name=f"测试市{i}", category="region") for i in range(count))
    TableRow.objects.bulk_create(TableRow(table=table, unit=u, seq=100 + i) for i, u in enumerate(units))


@pytest.mark.parametrize("extra_rows", [0, 200])
def test_home_page_query_count_does_not_grow_with_rows(client, admin_user, django_assert_num_queries, extra_rows):
    _add_region_rows(extra_rows)
    client.force_login(admin_user)
    # 1 session, 2 user, 3 memberships (policy), 4 unread notifications (top bar),
    # 5 projects with indicator counts, 6 tables with status counts, 7 agreements (export links).
    with django_assert_num_queries(7):
        response = client.get(reverse("home"))
    assert response.status_code == 200


def test_filler_home_page_query_count_is_constant(client, wuhan, open_table, django_assert_num_queries):
    _add_region_rows(50)
    Membership.objects.create(user=wuhan, unit=Unit.objects.get(name="测试市1"), role=Role.FILLER)
    client.force_login(wuhan)
    # As above, plus 8 the filler's own rows with their tables, 9 their unit's 任务书, 10 their unit's
    # monitoring and 自评 reports.
    with django_assert_num_queries(10):
        client.get(reverse("home"))


def test_a_reviewer_sees_only_assigned_projects_marked_for_review(client, reviewer, django_assert_max_num_queries):
    client.force_login(reviewer)
    # the seven of the admin's page, plus the reviewer's grants (policy) and guardian's
    # prefetch of user and group grants for all projects at once
    with django_assert_max_num_queries(10):
        response = client.get(reverse("home"))
    projects = response.context["projects"]
    assert [(p.code, p.may_review) for p in projects] == [("hubei-2022-patent-transfer", True)]
    assert "您负责审核本项目" in response.content.decode()
