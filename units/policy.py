"""The one place that answers "may this user do X to this object".

Views, exports, imports and the admin ask here; nothing else decides.

- 系统管理员 (a superuser): everything, every province.
- 省局管理员 (admin of a bureau unit): everything in the projects that bureau governs (see
  "organisations" below), nothing of another province's.
- 观察员 (observer of a bureau unit): reads the projects that bureau governs, changes nothing.
- 省局审核员 (reviewer): reads, edits on a unit's behalf and reviews the rows of the
  projects assigned to them (a django-guardian grant `projects.review_project`).
- 单位填报员 (filler): reads and edits only their own unit's rows, while the table is
  open and the row is editable; submits them before the deadline.
- 地方主管部门填报员 (filler of a department unit): also fills and submits the header and the
  indicator values of the projects whose 地方主管部门 is their unit (a ProjectFiling).

Bureau roles come from a membership of a bureau unit. What the policy answers is
who may act; whether the row's state allows it is the workflow service's question.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import assign_perm, get_users_with_perms

from .models import Membership, Role, UnitCategory

BUREAU_ROLES = frozenset({Role.ADMIN, Role.REVIEWER, Role.OBSERVER})
REVIEW_PERMISSION = "review_project"


def memberships(user) -> list[Membership]:
    """The user's memberships, fetched once per user object (one query)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_policy_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit"))
        user._policy_memberships = cached
    return cached


def bureau_roles(user) -> set[str]:
    roles = {m.role for m in memberships(user) if m.unit.category == UnitCategory.BUREAU and m.role in BUREAU_ROLES}
    if user.is_authenticated and user.is_superuser:
        roles.add(Role.ADMIN)
    return roles


def is_admin(user) -> bool:
    """Administers every project of every province: a superuser only. A bureau's admin
    administers its own projects: ask `is_admin_of(user, project)`."""
    return is_superuser(user)


def sees_everything(user) -> bool:
    """Reads every project of every province: a superuser only (see `oversees`)."""
    return is_superuser(user)


def is_bureau_staff(user) -> bool:
    return bool(bureau_roles(user))


# --- organisations: which bureau governs which project ------------------------------
# A bureau's admins and observers govern the projects whose 主管部门 (competent_department)
# is their bureau unit. 省级主管部门 does not count: seed 004's forms leave it blank, and a
# project has one governing bureau, the one that owns it. A superuser governs every project.
# Everything is read from the memberships already fetched (no query of its own).


def is_superuser(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def _bureau_unit_ids(user, roles) -> set[int]:
    return {m.unit_id for m in memberships(user) if m.unit.category == UnitCategory.BUREAU and m.role in roles}


def administered_bureau_ids(user) -> set[int]:
    """The bureau units the user is an admin of."""
    return _bureau_unit_ids(user, {Role.ADMIN})


def overseen_bureau_ids(user) -> set[int]:
    """The bureau units whose projects the user reads whole (admin or observer)."""
    return _bureau_unit_ids(user, {Role.ADMIN, Role.OBSERVER})


def governing_unit_id(project) -> int | None:
    return project.competent_department_id


def governed_filter(unit_ids, prefix: str = "") -> Q:
    """A filter on Project (or on a relation to it, via `prefix`) for the projects these bureaus govern."""
    return Q(**{f"{prefix}competent_department_id__in": unit_ids})


def is_admin_of(user, project) -> bool:
    """May administer this project: a superuser, or an admin of the bureau that governs it."""
    if is_superuser(user):
        return True
    unit_id = governing_unit_id(project)
    return unit_id is not None and unit_id in administered_bureau_ids(user)


def oversees(user, project) -> bool:
    """Reads the whole project: a superuser, or an admin or observer of its governing bureau."""
    if is_superuser(user):
        return True
    unit_id = governing_unit_id(project)
    return unit_id is not None and unit_id in overseen_bureau_ids(user)


def review_scope(user, prefix: str = "") -> Q:
    """A filter on Project (via `prefix`, e.g. "table__project__") for the projects whose submitted
    work waits for this user: every project for a superuser, else the governed and the granted."""
    if is_superuser(user):
        return Q()
    return governed_filter(administered_bureau_ids(user), prefix) | Q(**{f"{prefix}pk__in": reviewed_project_ids(user)})


def filler_unit_ids(user) -> set[int]:
    return {m.unit_id for m in memberships(user) if m.role == Role.FILLER}


# --- published tables ------------------------------------------------------------------
# A filler sees a table, and their row of it, only once it is published (opened for filling: 填报中
# or 已截止). A 未发布 table is the bureau's draft: a copied year's holds last year's values until
# the bureau has checked them (docs/year.md). targets.models.TableStatus.DRAFT (a layer above).
UNPUBLISHED = "draft"


def published_filter(prefix: str = "") -> Q:
    """A filter on TargetTable (or on a relation to it, via `prefix`) for published tables."""
    return ~Q(**{f"{prefix}status": UNPUBLISHED})


def is_published(table) -> bool:
    return table.status != UNPUBLISHED


def filler_rows_filter(user, prefix: str = "") -> Q:
    """A filter on TableRow (or via `prefix`) for the user's own units' rows of published tables."""
    return Q(**{f"{prefix}unit_id__in": filler_unit_ids(user)}) & published_filter(f"{prefix}table__")


def reviewed_project_ids(user) -> set[int]:
    """Projects the user reviews (one query, cached on the user object)."""
    if Role.REVIEWER not in bureau_roles(user):
        return set()
    cached = getattr(user, "_policy_reviewed", None)
    if cached is None:
        # The grant table belongs to projects, a layer above: looked up by name.
        grants = apps.get_model("projects", "ProjectUserObjectPermission")
        cached = set(
            grants.objects.filter(user=user, permission__codename=REVIEW_PERMISSION).values_list(
                "content_object_id", flat=True
            )
        )
        user._policy_reviewed = cached
    return cached


def review_checker(user, projects) -> ObjectPermissionChecker | None:
    """A guardian checker with the grants of many projects fetched in one query; None for
    anyone who is not a reviewer (or no projects), who needs no grants."""
    if Role.REVIEWER not in bureau_roles(user) or not projects:
        return None
    checker = ObjectPermissionChecker(user)
    checker.prefetch_perms(projects)
    return checker


def reviews_project(user, project, checker: ObjectPermissionChecker | None = None) -> bool:
    if is_admin_of(user, project):
        return True
    if Role.REVIEWER not in bureau_roles(user):
        return False
    if checker is not None:
        return checker.has_perm(REVIEW_PERMISSION, project)
    return project.pk in reviewed_project_ids(user)


def grant_review(user, project) -> None:
    """Assign a reviewer to a project (the guardian grant the policy reads)."""
    assign_perm(f"projects.{REVIEW_PERMISSION}", user, project)


def project_reviewers(project) -> list:
    """The reviewers assigned to the project (their own grants, not a group's)."""
    return list(get_users_with_perms(project, only_with_perms_in=[REVIEW_PERMISSION], with_group_users=False))


def can_use_review_queue(user) -> bool:
    """The review queue (and its link in the top bar): the bureau's admins and reviewers."""
    return bool(bureau_roles(user) & {Role.ADMIN, Role.REVIEWER})


# --- what a user may see ---------------------------------------------------------


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


def visible_tables(user, tables: QuerySet) -> QuerySet:
    """The tables whose grid the user may open (can_open_grid, as a filter): bureau staff of the
    project, and a filler the published tables holding one of their rows."""
    if not user.is_authenticated:
        return tables.none()
    if sees_everything(user):
        return tables
    return tables.filter(
        Q(project_id__in=reviewed_project_ids(user))
        | (Q(rows__unit_id__in=filler_unit_ids(user)) & published_filter())
        | governed_filter(overseen_bureau_ids(user), "project__")
    ).distinct()


def visible_rows_filter(user, prefix: str = "") -> Q:
    """A filter on TableRow (or on a relation to it, via `prefix`) for the rows this user may see."""
    if sees_everything(user):
        return Q()
    return (
        filler_rows_filter(user, prefix)
        | Q(**{f"{prefix}table__project_id__in": reviewed_project_ids(user)})
        | governed_filter(overseen_bureau_ids(user), f"{prefix}table__project__")
    )


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


def can_view_row(user, row) -> bool:
    return (
        (row.unit_id in filler_unit_ids(user) and is_published(row.table))
        or oversees(user, row.table.project)
        or reviews_project(user, row.table.project)
    )


def can_view_table(user, table) -> bool:
    """The whole table (all units' rows): bureau staff of the project only."""
    return oversees(user, table.project) or reviews_project(user, table.project)


# --- what a user may do ------------------------------------------------------------


def can_edit_row(user, row) -> bool:
    if reviews_project(user, row.table.project):
        return True  # the bureau (its admin, the project's reviewer) may edit on a unit's behalf
    return row.unit_id in filler_unit_ids(user) and row.table.status == "open"


def can_submit_row(user, row) -> bool:
    if is_admin_of(user, row.table.project):
        return True
    return row.unit_id in filler_unit_ids(user)


def deadline_passed(table, now=None) -> bool:
    return table.deadline is not None and (now or timezone.now()) > table.deadline


def can_review_row(user, row) -> bool:
    return reviews_project(user, row.table.project)


def can_reopen_row(user, row) -> bool:
    return is_admin_of(user, row.table.project)


def can_manage_table(user, table) -> bool:
    """Open, close, extend the deadline; remove and restore rows."""
    return is_admin_of(user, table.project)


def can_remind_table(user, table) -> bool:
    """催报: the bureau reminds the units that have not submitted (its admin, the project's reviewer)."""
    return reviews_project(user, table.project)


def can_edit_row_funding(user, table) -> bool:
    """A row's funding (资金（万元）) is the bureau's: the project's admin or reviewer, never the unit."""
    return reviews_project(user, table.project)


def can_manage_project(user, project) -> bool:
    return is_admin_of(user, project)


def can_create_project(user) -> bool:
    """The 新建项目 page: a superuser, or the admin of some bureau."""
    return is_superuser(user) or bool(administered_bureau_ids(user))


def can_create_project_for(user, unit_id: int | None) -> bool:
    """A new project governed by `unit_id` (its 主管部门): a bureau's admin only in their own reach."""
    return is_superuser(user) or (unit_id is not None and unit_id in administered_bureau_ids(user))


# --- handed-down tables (下达) ------------------------------------------------------------


def can_hand_down(user, table) -> bool:
    """Write a handed-down table's 下达值: the bureau's admin, or a reviewer of its project."""
    return is_admin_of(user, table.project) or reviews_project(user, table.project)


def can_answer_hand_down(user, row) -> bool:
    """Confirm a 下达值 or propose another: whoever may edit the row (its unit, or the bureau for it)."""
    return can_edit_row(user, row)


def can_change_table_mode(user, table) -> bool:
    """Turn a unit-filled table into a handed-down one: the bureau's admin."""
    return can_manage_table(user, table)


def can_open_grid(user, table) -> bool:
    """The grid shows a table to bureau staff of its project, and to a filler their own rows once
    the table is published."""
    return can_view_table(user, table) or table.rows.filter(filler_rows_filter(user)).exists()


def can_import(user) -> bool:
    """Imports write: offered to whoever may edit some row or project, never to the observer."""
    return bool(bureau_roles(user) & {Role.ADMIN, Role.REVIEWER}) or bool(filler_unit_ids(user))  # scoped per object


def can_import_into(user, table) -> bool:
    """The table's fill-in template and its import: users who may edit a row of it."""
    return reviews_project(user, table.project) or table.rows.filter(filler_rows_filter(user)).exists()


def system_user():
    """The command line's actor: an unsaved superuser, so the policy sees a bureau admin. Used by
    management commands that run with the server's authority (exports to disk)."""
    user = get_user_model()(username="system", is_superuser=True, is_active=True)
    user._policy_memberships = []
    user._policy_reviewed = set()
    return user


def can_export_project(user, project) -> bool:
    """Exports show what the user could read on screen: project sheets to anyone who sees
    the project; unit tables are cut to the rows the user may see."""
    return can_view_project(user, project)


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


def department_unit_ids(user) -> set[int]:
    """The department units (地方主管部门) the user fills for."""
    return {
        m.unit_id for m in memberships(user) if m.role == Role.FILLER and m.unit.category == UnitCategory.DEPARTMENT
    }


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


# --- exports ---------------------------------------------------------------------------------
# Each exporter declares the permission it needs on its object (as pretix exporters declare
# theirs); this table answers it. A file shows no more than the object's own page: a project's
# sheets to who sees the project, a table (cut to the visible rows) to who may open its grid,
# a 任务书's annex and budget to who may open the 任务书.

EXPORT_PERMISSIONS = {
    "view_project": can_view_project,
    "view_table": can_view_table,  # the whole table's units: the project's bureau staff
    "open_grid": can_open_grid,
    "view_agreement": can_view_agreement,
    "view_rollup": can_view_rollup,
}


def may_export(user, permission: str, obj) -> bool:
    """May this user have the file of an exporter that needs `permission` on `obj`?
    An undeclared or unknown permission is refused: an exporter must say what it needs."""
    check = EXPORT_PERMISSIONS.get(permission)
    return check is not None and user is not None and check(user, obj)


# --- 调整 (adjustment by request) of an approved row ------------------------------------------


def can_request_adjustment(user, row) -> bool:
    """Ask to change an approved row's values: the row's own unit's filler, or the bureau's admin."""
    return (row.unit_id in filler_unit_ids(user) and is_published(row.table)) or is_admin_of(user, row.table.project)


def can_review_adjustment(user, row) -> bool:
    """Approve or refuse an adjustment request: the reviewers of the row's project (and the admin)."""
    return reviews_project(user, row.table.project)


# --- 绩效监控 and 自评 (monitoring) ---------------------------------------------------------------
# A round belongs to a project; a report to a unit of it (or, with no unit, to the project itself,
# filled by the bureau). Object-scoped: the project's reviewers and admins manage its rounds.


def can_manage_rounds(user, project) -> bool:
    """Open and close rounds, set weights: the project's reviewers and admins."""
    return reviews_project(user, project)


def can_view_rounds(user, project, checker: ObjectPermissionChecker | None = None) -> bool:
    """A project's rounds with every unit's status: bureau staff of the project."""
    return oversees(user, project) or reviews_project(user, project, checker=checker)


def can_check_scoring(user) -> bool:
    """评分规则核对 (score a table of cases by the rules): bureau staff — admins, reviewers,
    observers — not fillers. It reads no project's data."""
    return is_bureau_staff(user)


def can_view_report(user, report) -> bool:
    return (
        oversees(user, report.round.project)
        or reviews_project(user, report.round.project)
        or (report.unit_id is not None and report.unit_id in filler_unit_ids(user))
    )


EXPORT_PERMISSIONS["view_report"] = can_view_report  # the 自评表 / 监控表 of a report
EXPORT_PERMISSIONS["view_rounds"] = lambda user, round_: can_view_rounds(user, round_.project)  # a round's 汇总表


def can_edit_report(user, report) -> bool:
    """The unit fills its report while the round is open; the bureau may on its behalf (and fills
    the project's own)."""
    if reviews_project(user, report.round.project):
        return True
    return report.unit_id is not None and report.unit_id in filler_unit_ids(user) and report.round.status == "open"


def can_submit_report(user, report) -> bool:
    return can_edit_report(user, report)


def can_set_report_budget(user, report) -> bool:
    """年初预算数 and 全年预算数 of a report's 项目资金 block: the project's reviewers and admins."""
    return reviews_project(user, report.round.project)


def can_review_report(user, report) -> bool:
    """Return, approve and grade: the project's reviewers and admins."""
    return reviews_project(user, report.round.project)


def can_reopen_report(user, report) -> bool:
    return can_manage_project(user, report.round.project)


def can_view_evidence(user, evidence) -> bool:
    """A file is shown to whoever may see its report, never by a public URL."""
    return can_view_report(user, evidence.report)


def can_attach_evidence(user, report) -> bool:
    return can_edit_report(user, report)
