"""Reads of the API's monitoring and roll-up endpoints, over monitoring.selectors and
targets.selectors (the pages' own reads); each says its query count."""

from __future__ import annotations

from monitoring import selectors as monitoring
from monitoring.models import Report, Round


def project_rounds(project) -> list[Round]:
    """The project's rounds with their reports' counts by status (two queries)."""
    return monitoring.rounds_for_project(project)


def round_reports(round_: Round) -> list[Report]:
    """Every report of a round, the project's own first (one query)."""
    reports = list(round_.reports.select_related("round", "unit").order_by("unit__category", "unit__name"))
    reports.sort(key=lambda r: r.unit_id is not None)
    return reports


def my_reports(user, round_id: int | None = None) -> list[Report]:
    """The caller's reports: their units' (to fill), then those waiting for their review (one query
    each, after the policy's), of one round if `round_id`."""
    reports = monitoring.reports_for_filler(user)
    seen = {r.pk for r in reports}
    reports += [r for r in monitoring.reports_to_review(user) if r.pk not in seen]
    if round_id is not None:
        reports = [r for r in reports if r.round_id == round_id]
    return reports
