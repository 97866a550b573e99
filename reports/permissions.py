"""Who may use an export job: `reports.apps` registers the rule with the policy."""

from __future__ import annotations

from monitoring.permissions import can_view_rounds
from projects.permissions import can_export_project, can_view_agreement
from targets.permissions import can_open_grid


def can_use_export_job(user, job) -> bool:
    """A job's file, its retry: its requester, while they may still read what it was made of
    (the 任务书 of a PDF job, else the project). Ownership itself is checked where the job is fetched."""
    if job.agreement_id is not None:
        return can_view_agreement(user, job.agreement)
    if job.round_id is not None:  # every unit's form of a round: who sees all its reports, as its page
        return can_view_rounds(user, job.round.project)
    if job.table_id is not None:  # a unit table as PDF: who may open its grid (the rows they see)
        return can_open_grid(user, job.table)
    return can_export_project(user, job.project)


RULES = (can_use_export_job,)
