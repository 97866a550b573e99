"""load_demo opens the Hubei monitoring and 自评 rounds with scored, reviewed reports; run again, it
changes nothing."""

import pytest
from django.core.management import call_command

from monitoring.models import Report, Round
from monitoring.summary import round_summary

pytestmark = pytest.mark.django_db


def test_load_demo_shows_scored_forms_at_once_and_is_idempotent():
    call_command("load_demo", "--i-know-this-is-not-production")
    rounds = {r.kind: r for r in Round.objects.all()}
    assert set(rounds) == {"monitoring", "self_evaluation"}
    rows = {row.report.owner_label: row for row in round_summary(rounds["self_evaluation"])["rows"]}
    assert rows["襄阳市"].report.status == "approved" and rows["襄阳市"].scores["grade"] == "优"
    assert rows["黄石市"].short and rows["黄石市"].scores["total"] < 90  # short, with reasons
    assert rows["黄石市"].report.budget_reason
    assert rows["黄石市"].rate_pct is not None
    assert any(line.value.grade_id for row in rows.values() for line in row.lines)  # graded by the reviewer
    monitoring = {r.report.owner_label: r for r in round_summary(rounds["monitoring"])["rows"]}
    assert monitoring["黄石市"].short  # lagging
    # the forms' new fields: the 监控表's answers, the unit's words, the budget by source
    huangshi = monitoring["黄石市"].lines
    assert all(line.value.expected and line.value.likelihood for line in huangshi)
    assert any(line.value.category_codes for line in huangshi)
    assert monitoring["黄石市"].report.goal_achievement and rows["襄阳市"].report.goal_achievement
    assert rows["黄石市"].report.budget.lines[0].executed is not None
    assert monitoring["黄石市"].report.budget.total.expected is not None
    project = rows["项目整体（附件2）"].report.budget
    assert project.applicable and project.total.annual_budget == 5000  # 中央补助 in its 资金来源
    before = (Report.objects.count(), Report.objects.values_list("version", flat=True).order_by("pk")[::1])
    call_command("load_demo", "--i-know-this-is-not-production")
    assert (Report.objects.count(), Report.objects.values_list("version", flat=True).order_by("pk")[::1]) == before
