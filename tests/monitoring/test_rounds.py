"""Opening a round: who may, what it creates (one report per unit with approved rows, one for the
project), the budget each unit brings, the weights."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from monitoring.models import Report, Round, RoundKind, Weight
from monitoring.selectors import weight_groups
from monitoring.services import round_close, round_open, weights_save
from targets.models import TableRow
from units.audit import readable
from units.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db


def _open(project, actor, **kwargs):
    args = {
        "kind": RoundKind.MONITORING,
        "reference_date": date(2022, 6, 30),
        "deadline": None,
        "lag_threshold": Decimal("10"),
    }
    return round_open(project=project, actor=actor, **(args | kwargs))


def test_a_round_gives_each_unit_with_approved_rows_a_report_of_its_non_blank_targets(monitoring_round, approved_wuhan):
    reports = Report.objects.filter(round=monitoring_round)
    unit_reports = reports.filter(unit__isnull=False)
    assert [r.unit.name for r in unit_reports] == ["武汉市"]  # the only approved row
    wuhan = unit_reports.get()
    targets = dict(wuhan.values.values_list("label", "target_raw"))
    assert targets["收集中小微企业专利技术需求"] == "500" and targets["政策惠及的中小微企业营业收入增幅"] == "显著增长"
    assert set(wuhan.values.values_list("cell__row", flat=True)) == {approved_wuhan.pk}
    assert wuhan.budget_applicable and wuhan.budget.total.annual_budget == Decimal("160")
    current = wuhan.budget.lines[0]
    assert (current.source, current.initial_budget, current.annual_budget) == (
        "current",
        Decimal("160"),
        Decimal("160"),
    )
    project_report = reports.get(unit__isnull=True)
    assert project_report.values.filter(indicator__isnull=False).count() == project_report.values.count() > 0


def test_a_round_records_who_opened_it_and_tells_the_units_fillers(wuhan, monitoring_round, admin_user):
    assert monitoring_round.opened_by == admin_user and monitoring_round.year == 2022
    entry = AuditEntry.objects.get(action="monitoring.round.opened", object_id=str(monitoring_round.pk))
    assert set(readable(entry.after).split("；")) == {
        "类型：绩效运行监控",  # not 值类型, a target value's label
        "监控时点 / 自评截至日：2022-06-30",
        "偏差阈值（百分点）：10",
    }
    assert Notification.objects.filter(recipient=wuhan, kind="round_opened").exists()


def test_a_unit_without_money_in_the_project_has_no_budget_block(hubei, approved_wuhan, admin_user):
    TableRow.objects.filter(pk=approved_wuhan.pk).update(funding=None)
    report = Report.objects.get(round=_open(hubei, admin_user), unit__name="武汉市")
    assert report.budget_applicable is False and report.budget.total.annual_budget is None


def test_a_platform_brings_its_agreements_special_budget(hubei, approved_wuhan, admin_user, platform_agreement):
    from monitoring.budget_services import unit_budgets

    assert unit_budgets(hubei)[platform_agreement.undertaker_id]["current"] == Decimal("160")


def test_the_same_round_cannot_be_opened_twice(hubei, monitoring_round, admin_user):
    with pytest.raises(ValidationError, match="已有一轮"):
        _open(hubei, admin_user)


def test_only_the_projects_reviewers_and_admins_open_rounds(
    hubei, approved_wuhan, observer, other_reviewer, wuhan, reviewer
):
    for user in (observer, other_reviewer, wuhan):
        with pytest.raises(PermissionDenied):
            _open(hubei, user)
    assert _open(hubei, reviewer).opened_by == reviewer


def test_a_threshold_outside_0_to_100_is_refused(hubei, approved_wuhan, admin_user):
    with pytest.raises(ValidationError):
        _open(hubei, admin_user, lag_threshold=Decimal("120"))


def test_default_weights_follow_the_level1_points_and_sum_to_90_per_table(monitoring_round):
    """产出 50, 效益 30, 满意度 10; the table has no 满意度 column, so its 10 go to the others in
    proportion (产出 56.25 over two columns, 效益 33.75 over four), and the page says so."""
    groups = weight_groups(monitoring_round)
    table = groups[0]
    expected = [Decimal(w) for w in ("28.13", "28.12", "8.44", "8.44", "8.44", "8.43")]
    assert [i["weight"] for i in table["items"]] == expected and table["total"] == 90
    assert "没有满意度指标" in table["default_note"] and "产出指标 56.25" in table["default_note"]
    assert groups[-1]["key"] == "project" and groups[-1]["total"] == 90


def test_weights_must_sum_to_90_and_are_kept_with_an_audit_entry(monitoring_round, reviewer):
    table = weight_groups(monitoring_round)[0]
    keys = [i["key"] for i in table["items"]]
    bad = dict.fromkeys(keys, Decimal("10"))
    with pytest.raises(ValidationError, match="60.00"):
        weights_save(round_id=monitoring_round.pk, weights=bad, actor=reviewer)
    assert not Weight.objects.filter(round=monitoring_round).exists()
    good = dict(zip(keys, [Decimal("20"), Decimal("20"), Decimal("20"), Decimal("10"), Decimal("10"), Decimal("10")]))
    weights_save(round_id=monitoring_round.pk, weights=good, actor=reviewer)
    assert [i["weight"] for i in weight_groups(monitoring_round)[0]["items"]] == list(good.values())
    assert AuditEntry.objects.filter(action="monitoring.round.weights_changed").count() == 1


def test_weights_are_set_by_the_projects_reviewers_only(monitoring_round, other_reviewer, wuhan):
    for user in (other_reviewer, wuhan):
        with pytest.raises(PermissionDenied):
            weights_save(round_id=monitoring_round.pk, weights={}, actor=user)


def test_after_a_round_closes_the_unit_can_no_longer_edit_but_the_bureau_can(wuhan_report, admin_user, wuhan, reviewer):
    from units import policy

    round_close(round_id=wuhan_report.round_id, actor=admin_user)
    wuhan_report.refresh_from_db()
    assert not policy.can_edit_report(wuhan, wuhan_report)
    assert policy.can_edit_report(reviewer, wuhan_report)
    with pytest.raises(ValidationError):
        round_close(round_id=wuhan_report.round_id, actor=admin_user)


def test_units_that_have_not_submitted_are_reminded_once_three_days_before_the_deadline(
    wuhan, hubei, approved_wuhan, admin_user
):
    from datetime import timedelta

    from django.utils import timezone

    from monitoring.tasks import report_deadline_reminders_send

    deadline = timezone.now() + timedelta(days=10)
    _open(hubei, admin_user, deadline=deadline)
    assert report_deadline_reminders_send((deadline - timedelta(days=4)).isoformat()) == 0
    assert report_deadline_reminders_send((deadline - timedelta(days=2)).isoformat()) == 1
    assert report_deadline_reminders_send((deadline - timedelta(days=1)).isoformat()) == 0
    assert Notification.objects.filter(recipient=wuhan, kind="deadline_soon").count() == 1


def test_a_round_with_a_deadline_already_past_is_refused_and_the_form_kept(client, hubei, approved_wuhan, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("monitoring:round_open", args=[hubei.pk]),
        {"kind": "monitoring", "reference_date": "2022-06-30", "deadline": "2020-07-15T17:00", "lag_threshold": "10"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "填报截止时间必须晚于现在" in page and 'value="2022-06-30"' in page
    assert not Round.objects.filter(project=hubei).exists()


def test_a_unit_approved_after_the_round_opened_is_offered_and_added_once(
    client, hubei, monitoring_round, reviewer, admin_user
):
    from django.contrib.auth import get_user_model

    from monitoring.services import round_units_add
    from units.models import Membership

    yichang = TableRow.objects.get(table__project=hubei, unit__name="宜昌市")
    TableRow.objects.filter(pk=yichang.pk).update(status="approved")
    filler = get_user_model().objects.create_user("yichang-filler")
    Membership.objects.create(user=filler, unit=yichang.unit, role="filler")
    client.force_login(reviewer)
    page = client.get(reverse("monitoring:round", args=[monitoring_round.pk])).content.decode()
    assert "1 个单位的目标在本轮发起后才审核通过" in page and "宜昌市" in page

    response = client.post(reverse("monitoring:round_units_add", args=[monitoring_round.pk]), follow=True)
    assert "已为 1 个单位加入本轮并通知填报：宜昌市" in response.content.decode()
    added = Report.objects.get(round=monitoring_round, unit=yichang.unit)
    assert set(added.values.values_list("cell__row", flat=True)) == {yichang.pk} and added.values.count() > 0
    assert Notification.objects.filter(recipient=filler, kind="round_opened").count() == 1
    entry = AuditEntry.objects.get(action="monitoring.round.units_added", object_id=str(monitoring_round.pk))
    assert entry.actor == reviewer and entry.after == {"units": "宜昌市"}
    assert (
        "本轮发起后才审核通过"
        not in client.get(reverse("monitoring:round", args=[monitoring_round.pk])).content.decode()
    )

    assert round_units_add(round_id=monitoring_round.pk, actor=reviewer) == []  # nothing twice
    assert Report.objects.filter(round=monitoring_round, unit=yichang.unit).count() == 1
    round_close(round_id=monitoring_round.pk, actor=admin_user)
    with pytest.raises(ValidationError, match="已结束"):
        round_units_add(round_id=monitoring_round.pk, actor=reviewer)


@pytest.mark.parametrize(
    "fields",
    [
        {"reference_date": "2022-06-30", "deadline": "0001-01-01T00:00"},  # UTC+8 → before year 1: an OverflowError
        {"reference_date": "0001-01-01"},
        {"reference_date": "9999-12-31"},
        {"reference_date": "2022-06-30", "deadline": "9999-12-31T23:59"},
    ],
)
def test_a_date_outside_2000_to_2100_is_refused_in_chinese_and_opens_nothing(
    client, hubei, approved_wuhan, admin_user, fields
):
    client.force_login(admin_user)
    response = client.post(
        reverse("monitoring:round_open", args=[hubei.pk]), {"kind": "monitoring", "lag_threshold": "10", **fields}
    )
    assert response.status_code == 400 and "2000 到 2100" in response.content.decode()
    assert not Round.objects.exists()
