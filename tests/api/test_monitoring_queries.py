"""The monitoring and roll-up endpoints do a constant number of queries, whatever the number of
reports; pinned here. Every request starts with the token and its user (1); the policy then asks
for the caller's memberships (1) and a reviewer's project grants (1) (an admin: neither)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import ApiToken
from monitoring.services import round_open
from targets.models import ReviewStatus, TableRow

from .conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitoring_round(open_table, reviewer):
    """A 监控 round of the project, every row of the open table approved: one report per unit."""
    TableRow.objects.filter(table=open_table).update(status=ReviewStatus.APPROVED)
    return round_open(
        project=open_table.project,
        kind="monitoring",
        reference_date=date(2022, 6, 30),
        deadline=None,
        lag_threshold=Decimal(20),
        actor=reviewer,
    )


@pytest.fixture
def used(admin_user, reviewer, wuhan, monitoring_round):
    clients = {"admin": token_client(admin_user), "reviewer": token_client(reviewer), "wuhan": token_client(wuhan)}
    ApiToken.objects.update(last_used_at=timezone.now())
    return clients


def _count(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.json()
    return len(queries), response.json()


# (path, role): queries, the token's and the policy's included.
PINS = {
    # token, the project, [memberships, grants], the rounds, the reports' counts by status
    ("rounds", "admin"): 4,
    ("rounds", "reviewer"): 6,
    # token, the round with its project, [memberships, grants], the reports with their units
    ("round_reports", "admin"): 3,
    ("round_reports", "reviewer"): 5,
    # token, memberships, the filler's reports (with round, project, unit); the reviewer's: those waiting
    ("reports", "wuhan"): 3,
    ("reports", "reviewer"): 4,
    # token, the project, [memberships, grants], the roll-up's three (linked columns, cells, targets)
    ("rollup", "admin"): 5,
    ("rollup", "reviewer"): 7,
}


def _url(name, round_) -> str:
    return {
        "rounds": f"/api/v1/projects/{round_.project_id}/rounds/",
        "round_reports": f"/api/v1/rounds/{round_.pk}/reports/",
        "reports": "/api/v1/reports/",
        "rollup": f"/api/v1/projects/{round_.project_id}/rollup/",
    }[name]


@pytest.mark.parametrize("name,role", sorted(PINS))
def test_a_monitoring_list_does_a_pinned_number_of_queries(name, role, used, monitoring_round):
    count, _body = _count(used[role], _url(name, monitoring_round))
    assert count == PINS[(name, role)]


def test_a_rounds_reports_do_not_grow_the_queries(used, monitoring_round):
    count, body = _count(used["admin"], _url("round_reports", monitoring_round))
    assert len(body) > 10  # every unit of the table, and the project's own report
    assert count == PINS[("round_reports", "admin")]


def test_a_report_is_read_in_a_constant_number_of_queries(used, monitoring_round, wuhan):
    report = monitoring_round.reports.get(unit__name="武汉市")
    first, body = _count(used["wuhan"], f"/api/v1/reports/{report.pk}/")
    assert body["values"] and all("progress" in v for v in body["values"])
    second, _ = _count(used["admin"], f"/api/v1/reports/{report.pk}/")
    assert first <= 12 and second <= 12
