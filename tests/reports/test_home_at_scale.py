"""The home page of a bureau with many projects: a year filter, a search, an index of the projects
found; “您负责审核本项目” leads to that project's own review queue."""

import pytest
from django.urls import reverse

from projects.models import Project
from targets.models import ReviewStatus, TableRow
from units.models import Unit

pytestmark = pytest.mark.django_db

BUREAU = "湖北省知识产权局"


@pytest.fixture
def many_projects(db):
    bureau = Unit.objects.get(name=BUREAU)
    return [
        Project.objects.create(
            code=f"hubei-{2019 + n % 5}-p{n}",
            name=f"{'专利导航' if n % 2 else '商标品牌'}项目{n}",
            competent_department=bureau,
            budget_year=2019 + n % 5,
        )
        for n in range(14)
    ]


def _codes(response) -> list[str]:
    return [p.code for p in response.context["projects"]]


def test_a_year_shows_that_year_s_projects_and_every_year_stays_on_offer(client, hubei_admin, many_projects):
    client.force_login(hubei_admin)
    everything = client.get(reverse("home"))
    assert len(_codes(everything)) == 15  # the 14 and the seed's Hubei project
    assert everything.context["years"] == [2023, 2022, 2021, 2020, 2019]
    page = everything.content.decode()
    assert page.count('href="#project-') == 15 and 'id="project-' in page  # the index
    only_2021 = client.get(reverse("home"), {"year": "2021"})
    assert set(_codes(only_2021)) == {p.code for p in many_projects if p.budget_year == 2021}
    assert only_2021.context["years"] == [2023, 2022, 2021, 2020, 2019]
    assert '<option value="2021" selected>' in only_2021.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "专利导航"}, 7),
        ({"q": "专利导航 2021"}, 1),  # every word must match (name, code …)
        ({"q": "hubei-2022-p"}, 4),  # hubei-2022-patent-transfer too
        ({"q": BUREAU}, 15),  # the 主管部门
        ({"q": "专利导航", "year": "2020"}, 2),
        ({"q": "没有这个项目"}, 0),
    ],
)
def test_the_search_finds_by_name_code_and_department(client, hubei_admin, many_projects, params, expected):
    client.force_login(hubei_admin)
    response = client.get(reverse("home"), params)
    assert len(_codes(response)) == expected
    if not expected:
        assert "没有符合条件的项目" in response.content.decode()


@pytest.mark.parametrize("year", ["abc", "²", "9" * 30, "-1"])
def test_a_crafted_year_is_every_year_not_an_error(client, hubei_admin, many_projects, year):
    client.force_login(hubei_admin)
    response = client.get(reverse("home"), {"year": year})
    assert response.status_code == 200 and len(_codes(response)) == 15


def test_the_search_is_within_what_the_user_may_see(client, wuhan, many_projects, open_table):
    client.force_login(wuhan)
    response = client.get(reverse("home"), {"q": "项目"})
    assert _codes(response) == [] and client.get(reverse("home"), {"year": "2022"}).status_code == 200
    assert [p for p in client.get(reverse("home")).context["years"]] == [2022]


@pytest.mark.parametrize("count", [2, 14])
def test_a_filtered_home_page_does_a_constant_number_of_queries(
    client, hubei_admin, django_assert_num_queries, count, db
):
    bureau = Unit.objects.get(name=BUREAU)
    Project.objects.bulk_create(
        Project(code=f"q-{n}", name=f"查询项目{n}", competent_department=bureau, budget_year=2021) for n in range(count)
    )
    client.force_login(hubei_admin)
    # session, user, memberships, unread count, projects, tables, agreements, and the years on offer
    with django_assert_num_queries(8):
        client.get(reverse("home"), {"year": "2021", "q": "查询"})


def test_the_reviewer_s_link_leads_to_that_project_s_queue(client, reviewer, hubei, admin_user):
    TableRow.objects.filter(table__project=hubei, unit__name="武汉市").update(status=ReviewStatus.SUBMITTED)
    other = Project.objects.get(code="gd-transfer-guangzhou")
    from units import policy

    policy.grant_review(reviewer, other)
    client.force_login(reviewer)
    home = client.get(reverse("home")).content.decode()
    link = f"{reverse('targets:review_queue')}?project={hubei.pk}"
    assert f'href="{link}">您负责审核本项目' in home
    queue = client.get(link)
    assert [row.unit.name for row in queue.context["rows"]] == ["武汉市"]
    assert "仅显示“专利转化专项计划资金”的待审核内容" in queue.content.decode()
    empty = client.get(reverse("targets:review_queue"), {"project": other.pk})
    assert empty.context["rows"] == [] and "没有待审核的填报" in empty.content.decode()
    assert client.get(reverse("targets:review_queue"), {"project": "x²"}).status_code == 200
