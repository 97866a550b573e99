"""A city department (地方主管部门) fills its own transfer-payment table (seed 004's 广州 二级项目表):
the header values and each indicator's target; submits it; the province returns or approves it,
with the review workflow and its audit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from projects.filings.services import filing_approve, filing_return, filing_save, filing_submit
from projects.models import Project, ProjectFiling
from review.engine import NotEditable, ReviewStatus, TransitionRefused
from targets.models import Indicator, Target, TargetPeriod
from units.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db


def _indicator(project, name):
    return Indicator.objects.get(project=project, name=name)


def _annual(indicator):
    return Target.objects.get(indicator=indicator, period=TargetPeriod.ANNUAL).raw


def _save(project, actor, version=1, header=None, targets=None):
    return filing_save(
        project_id=project.pk, expected_version=version, header=header or {}, targets=targets or {}, actor=actor
    )


def test_the_department_fills_header_and_indicator_values(guangzhou, guangzhou_filler):
    forums = _indicator(guangzhou, "举办论坛活动")
    filing = _save(
        guangzhou,
        guangzhou_filler,
        header={"leader": "张三", "phone": "020-12345678", "funding_requirement": "480"},
        targets={(forums.pk, TargetPeriod.ANNUAL): "≥5场"},
    )
    guangzhou.refresh_from_db()
    assert (guangzhou.leader, guangzhou.phone, str(guangzhou.funding_requirement)) == ("张三", "020-12345678", "480.00")
    assert _annual(forums) == "≥5场"
    assert Target.objects.get(indicator=forums, period=TargetPeriod.ANNUAL).number == 5
    assert (filing.status, filing.version, filing.unit.name) == (ReviewStatus.DRAFT, 2, "广州市市场监管局")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"projects.filing.changed", "projects.filing.started", "targets.target.changed"} <= actions


def test_a_bad_value_is_refused_naming_the_indicator_and_nothing_is_saved(guangzhou, guangzhou_filler):
    forums = _indicator(guangzhou, "举办论坛活动")
    people = _indicator(guangzhou, "活动参与人员数量")
    with pytest.raises(ValidationError) as refused:
        _save(
            guangzhou,
            guangzhou_filler,
            header={"leader": "李四"},
            targets={
                (forums.pk, TargetPeriod.ANNUAL): "≥6场",
                (people.pk, TargetPeriod.ANNUAL): "≥1" + "0" * 30 + "人",
            },
        )
    assert any("活动参与人员数量" in m for m in refused.value.messages), refused.value.messages
    guangzhou.refresh_from_db()
    assert guangzhou.leader == "" and _annual(forums) == "≥4场" and _annual(people) == "≥500人"
    assert not ProjectFiling.objects.filter(project=guangzhou, version__gt=1).exists()


def test_a_bad_amount_and_a_control_character_are_refused_by_name(guangzhou, guangzhou_filler):
    with pytest.raises(ValidationError) as refused:
        _save(guangzhou, guangzhou_filler, header={"funding_requirement": "很多", "leader": "王\x07五"})
    text = "；".join(refused.value.messages)
    assert "资金需求" in text and "项目负责人" in text


@pytest.mark.parametrize("number", ["1E+1000000", "1e-1000000", "Infinity", "NaN", "1E+999999999999"])
def test_a_huge_funding_requirement_is_refused_as_too_large_on_the_page(client, guangzhou, guangzhou_filler, number):
    client.force_login(guangzhou_filler)
    url = reverse("projects:filing_save", args=[guangzhou.pk])
    response = client.post(url, {"version": 1, "leader": "张三", "funding_requirement": number})
    assert response.status_code == 400 and "“资金需求（万元）”数值过大" in response.content.decode()
    guangzhou.refresh_from_db()
    assert guangzhou.leader == "" and not ProjectFiling.objects.filter(project=guangzhou, version__gt=1).exists()


def test_submit_locks_then_the_province_returns_with_a_comment(guangzhou, guangzhou_filler, other_province_admin):
    _save(guangzhou, guangzhou_filler, header={"leader": "张三"})
    filing_submit(project_id=guangzhou.pk, actor=guangzhou_filler)
    with pytest.raises(NotEditable):
        _save(guangzhou, guangzhou_filler, version=2, header={"leader": "赵六"})
    with pytest.raises(TransitionRefused):
        filing_return(project_id=guangzhou.pk, actor=other_province_admin, comment="")
    filing = filing_return(project_id=guangzhou.pk, actor=other_province_admin, comment="请补充联系电话")
    assert filing.status == ReviewStatus.RETURNED and filing.review_comment == "请补充联系电话"
    assert Notification.objects.filter(recipient=guangzhou_filler, body__contains="请补充联系电话").exists()
    # Returned: editable again, and submitted again.
    _save(guangzhou, guangzhou_filler, version=2, header={"phone": "020-1"})
    filing_submit(project_id=guangzhou.pk, actor=guangzhou_filler)
    filing = filing_approve(project_id=guangzhou.pk, actor=other_province_admin)
    assert filing.status == ReviewStatus.APPROVED and filing.reviewed_by == other_province_admin
    with pytest.raises(NotEditable):
        _save(guangzhou, guangzhou_filler, version=3, header={"leader": "赵六"})
    codes = list(AuditEntry.objects.filter(action__startswith="projects.filing.").values_list("action", flat=True))
    for step in ("submitted", "returned", "approved"):
        assert f"projects.filing.{step}" in codes


def test_the_department_cannot_approve_its_own_filing(guangzhou, guangzhou_filler):
    filing_submit(project_id=guangzhou.pk, actor=guangzhou_filler)
    with pytest.raises(PermissionDenied):
        filing_approve(project_id=guangzhou.pk, actor=guangzhou_filler)
    assert ProjectFiling.objects.get(project=guangzhou).status == ReviewStatus.SUBMITTED


def test_another_citys_department_and_hubeis_admin_may_not_fill_it(guangzhou, hubei_admin, django_user_model):
    from units.models import Membership, Role, Unit

    shenzhen = django_user_model.objects.create_user("t-shenzhen")
    Membership.objects.create(user=shenzhen, unit=Unit.objects.get(name="深圳市场监管局"), role=Role.FILLER)
    for actor in (shenzhen, hubei_admin):
        with pytest.raises(PermissionDenied):
            _save(guangzhou, actor, header={"leader": "X"})
    guangzhou.refresh_from_db()
    assert guangzhou.leader == ""


def test_the_submitted_filing_waits_in_the_provinces_review_queue_only(
    client, guangzhou, guangzhou_filler, other_province_admin, hubei_admin
):
    filing_submit(project_id=guangzhou.pk, actor=guangzhou_filler)
    client.force_login(other_province_admin)
    page = client.get(reverse("targets:review_queue")).content.decode()
    assert reverse("projects:filing", args=[guangzhou.pk]) in page
    client.force_login(hubei_admin)
    page = client.get(reverse("targets:review_queue")).content.decode()
    assert reverse("projects:filing", args=[guangzhou.pk]) not in page


def test_the_page_saves_and_redisplays_a_refused_value(client, guangzhou, guangzhou_filler):
    forums = _indicator(guangzhou, "举办论坛活动")
    client.force_login(guangzhou_filler)
    url = reverse("projects:filing_save", args=[guangzhou.pk])
    field = f"target-{forums.pk}-annual"
    response = client.post(url, {"version": 1, "leader": "张三", field: "≥1" + "0" * 30 + "场"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "举办论坛活动" in body and "未保存" in body and "张三" in body
    response = client.post(url, {"version": 1, "leader": "张三", field: "≥6场"})
    assert response.status_code == 302
    assert _annual(forums) == "≥6场"
    assert Project.objects.get(pk=guangzhou.pk).leader == "张三"
    history = client.get(reverse("projects:filing", args=[guangzhou.pk])).content.decode()
    assert "修改绩效目标值：举办论坛活动" in history and "项目负责人" in history


def test_the_filing_page_does_a_constant_number_of_queries(
    client, guangzhou, guangzhou_filler, django_assert_num_queries
):
    client.force_login(guangzhou_filler)
    client.get(reverse("projects:filing", args=[guangzhou.pk]))
    # session, user; memberships; the project; the filing; the targets; the indicators with their
    # categories; the history (the filing's and its targets' audit entries); the unread count (the top bar).
    with django_assert_num_queries(9):
        assert client.get(reverse("projects:filing", args=[guangzhou.pk])).status_code == 200


def test_posting_the_page_back_unchanged_changes_nothing(client, guangzhou, guangzhou_filler):
    """A textarea posts CRLF line ends: the stored text, posted back as the browser does, is no change."""
    client.force_login(guangzhou_filler)
    data = {"version": 1, "expenditure_content": guangzhou.expenditure_content.replace("\n", "\r\n")}
    data["overall_goal"] = guangzhou.overall_goal + "\r\n"
    assert client.post(reverse("projects:filing_save", args=[guangzhou.pk]), data).status_code == 302
    assert not AuditEntry.objects.filter(action__startswith="projects.filing.").exists()
    assert ProjectFiling.objects.get(project=guangzhou).version == 1


def test_the_departments_home_page_lists_its_filing(client, guangzhou, guangzhou_filler):
    client.force_login(guangzhou_filler)
    page = client.get(reverse("home")).content.decode()
    assert "我的主管部门填报" in page and reverse("projects:filing", args=[guangzhou.pk]) in page
    assert "湖北省" not in page.split("我的主管部门填报")[1].split("项目一览")[0]
