"""Who may do what in 绩效监控 and 自评: rounds, reports, evidence.

A round belongs to a project; a report to a unit of it (or, with no unit, to the project itself,
filled by the bureau). Object-scoped: the project's reviewers and admins manage its rounds.
`monitoring.apps` registers these rules with the policy, so views ask
`policy.can_review_report(user, report)` as before."""

from __future__ import annotations

from guardian.core import ObjectPermissionChecker

from units.policy import filler_unit_ids, is_admin_of, oversees, reviews_project

from .models import RoundStatus


def can_manage_rounds(user, project) -> bool:
    """Open and close rounds, set weights: the project's reviewers and admins."""
    return reviews_project(user, project)


def can_view_rounds(user, project, checker: ObjectPermissionChecker | None = None) -> bool:
    """A project's rounds with every unit's status: bureau staff of the project."""
    return oversees(user, project) or reviews_project(user, project, checker=checker)


def can_view_report(user, report) -> bool:
    return (
        oversees(user, report.round.project)
        or reviews_project(user, report.round.project)
        or (report.unit_id is not None and report.unit_id in filler_unit_ids(user))
    )


def can_edit_report(user, report) -> bool:
    """The unit fills its report while the round is open; the bureau may on its behalf (and fills
    the project's own)."""
    if reviews_project(user, report.round.project):
        return True
    return (
        report.unit_id is not None
        and report.unit_id in filler_unit_ids(user)
        and report.round.status == RoundStatus.OPEN
    )


def can_submit_report(user, report) -> bool:
    return can_edit_report(user, report)


def can_set_report_budget(user, report) -> bool:
    """年初预算数 and 全年预算数 of a report's 项目资金 block: the project's reviewers and admins."""
    return reviews_project(user, report.round.project)


def can_review_report(user, report) -> bool:
    """Return, approve and grade: the project's reviewers and admins."""
    return reviews_project(user, report.round.project)


def can_reopen_report(user, report) -> bool:
    """An approved report back to 已退回: the admin of the project's bureau."""
    return is_admin_of(user, report.round.project)


def can_view_evidence(user, evidence) -> bool:
    """A file is shown to whoever may see its report, never by a public URL."""
    return can_view_report(user, evidence.report)


def can_attach_evidence(user, report) -> bool:
    return can_edit_report(user, report)


def can_view_round_summary(user, round_) -> bool:
    """A round's 汇总表: who sees all its reports, as its page."""
    return can_view_rounds(user, round_.project)


RULES = (
    can_manage_rounds,
    can_view_rounds,
    can_view_report,
    can_edit_report,
    can_submit_report,
    can_set_report_budget,
    can_review_report,
    can_reopen_report,
    can_view_evidence,
    can_attach_evidence,
    can_view_round_summary,
)
EXPORTS = {
    "view_report": can_view_report,  # the 自评表 / 监控表 of a report
    "view_rounds": can_view_round_summary,  # a round's 汇总表
}
