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
    lagging = {r.report.owner_label for r in round_summary(rounds["monitoring"])["rows"] if r.short}
    assert "黄石市" in lagging
    before = (Report.objects.count(), Report.objects.values_list("version", flat=True).order_by("pk")[::1])
    call_command("load_demo", "--i-know-this-is-not-production")
    assert (Report.objects.count(), Report.objects.values_list("version", flat=True).order_by("pk")[::1]) == before
