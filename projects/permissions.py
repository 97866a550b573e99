"""Who may do what to the objects of projects: the project, its 任务书 (and 任务书格式), its
roll-up, its 地方主管部门's filing.

The rules read the governance predicates of `units.policy` and the tables' rules of
`targets.permissions`; `projects.apps` registers them with the policy, so views ask
`policy.can_view_agreement(user, agreement)` as before."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from guardian.core import ObjectPermissionChecker

from targets.permissions import published_filter
from units.policy import (
    filler_unit_ids,
    governed_filter,
    is_admin_of,
    overseen_bureau_ids,
    oversees,
    reviewed_project_ids,
    reviews_project,
    sees_everything,
)

# --- the project -----------------------------------------------------------------------


def visible_projects(user, projects: QuerySet) -> QuerySet:
    if not user.is_authenticated:
        return projects.none()
    if sees_everything(user):
        return projects
    return projects.filter(
        governed_filter(overseen_bureau_ids(user))
        | Q(pk__in=reviewed_project_ids(user))
        | (Q(tables__rows__unit_id__in=filler_unit_ids(user)) & published_filter("tables__"))
        | Q(local_department_id__in=filler_unit_ids(user))
        # a unit a 任务书 was issued to, whether or not its table is published yet
        | Q(agreements__undertaker_id__in=filler_unit_ids(user))
    ).distinct()


def can_view_project(user, project) -> bool:
    return (
        oversees(user, project)
        or project.pk in reviewed_project_ids(user)
        or (project.local_department_id is not None and project.local_department_id in filler_unit_ids(user))
        or bool(
            filler_unit_ids(user)
            and (
                project.tables.filter(published_filter(), rows__unit_id__in=filler_unit_ids(user)).exists()
                or project.agreements.filter(undertaker_id__in=filler_unit_ids(user)).exists()
            )
        )
    )


def can_manage_project(user, project) -> bool:
    return is_admin_of(user, project)


def can_export_project(user, project) -> bool:
    """Exports show what the user could read on screen: project sheets to anyone who sees
    the project; unit tables are cut to the rows the user may see."""
    return can_view_project(user, project)


# --- 任务书 ---------------------------------------------------------------------------------


def can_view_agreement(user, agreement) -> bool:
    return (
        oversees(user, agreement.project)
        or reviews_project(user, agreement.project)
        or (agreement.undertaker_id is not None and agreement.undertaker_id in filler_unit_ids(user))
    )


def can_edit_agreement(user, agreement) -> bool:
    """The undertaking unit fills it in; the bureau's admin may too."""
    return is_admin_of(user, agreement.project) or (
        agreement.undertaker_id is not None and agreement.undertaker_id in filler_unit_ids(user)
    )


def can_fill_agreement_bureau_fields(user, agreement) -> bool:
    """项目编号 and any other field the form marks 省局填写."""
    return is_admin_of(user, agreement.project)


def can_submit_agreement(user, agreement) -> bool:
    return can_edit_agreement(user, agreement)


def can_review_agreement(user, agreement) -> bool:
    return reviews_project(user, agreement.project)


def can_view_agreement_format(user, project) -> bool:
    """A project's 任务书格式 (甲方, period, 附表 metrics): its bureau staff, as the whole project."""
    return oversees(user, project) or reviews_project(user, project)


def can_edit_agreement_format(user, project) -> bool:
    """Create and change the 任务书格式 the project's 任务书 are issued from: the bureau's admin."""
    return is_admin_of(user, project)


# --- 汇总 (roll-up) ---------------------------------------------------------------------------


def can_view_rollup(user, project, checker: ObjectPermissionChecker | None = None) -> bool:
    """The project's roll-up adds up every unit's values: who may see whole tables of the
    project (its bureau staff), never a filler, who sees their own row only."""
    return oversees(user, project) or reviews_project(user, project, checker=checker)


# --- 地方主管部门's filing (organisations) --------------------------------------------------------
# A department filler fills the projects whose 地方主管部门 is their unit; the governing bureau's
# admin may too; the province (its admin, the project's reviewer) returns or approves.


def fills_for_department(user, project) -> bool:
    return project.local_department_id is not None and project.local_department_id in filler_unit_ids(user)


def can_view_filing(user, project) -> bool:
    return project.local_department_id is not None and can_view_project(user, project)


def can_edit_filing(user, filing) -> bool:
    return fills_for_department(user, filing.project) or is_admin_of(user, filing.project)


def can_submit_filing(user, filing) -> bool:
    return can_edit_filing(user, filing)


def can_review_filing(user, filing) -> bool:
    return reviews_project(user, filing.project)


RULES = (
    visible_projects,
    can_view_project,
    can_manage_project,
    can_export_project,
    can_view_agreement,
    can_edit_agreement,
    can_fill_agreement_bureau_fields,
    can_submit_agreement,
    can_review_agreement,
    can_view_agreement_format,
    can_edit_agreement_format,
    can_view_rollup,
    fills_for_department,
    can_view_filing,
    can_edit_filing,
    can_submit_filing,
    can_review_filing,
)
EXPORTS = {
    "view_project": can_view_project,
    "view_agreement": can_view_agreement,
    "view_rollup": can_view_rollup,
}
