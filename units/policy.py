"""The one place that answers "may this user do X to this object".

Views, exports, imports and the admin ask here; nothing else decides.

- 省局管理员 (admin): everything.
- 观察员 (observer): reads every project, changes nothing.
- 省局审核员 (reviewer): reads, edits on a unit's behalf and reviews the rows of the
  projects assigned to them (a django-guardian grant `projects.review_project`).
- 单位填报员 (filler): reads and edits only their own unit's rows, while the table is
  open and the row is editable; submits them before the deadline.

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
    return Role.ADMIN in bureau_roles(user)


def sees_everything(user) -> bool:
    return bool(bureau_roles(user) & {Role.ADMIN, Role.OBSERVER})


def is_bureau_staff(user) -> bool:
    return bool(bureau_roles(user))


def filler_unit_ids(user) -> set[int]:
    return {m.unit_id for m in memberships(user) if m.role == Role.FILLER}


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
    if is_admin(user):
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
        Q(pk__in=reviewed_project_ids(user)) | Q(tables__rows__unit_id__in=filler_unit_ids(user))
    ).distinct()


def visible_rows_filter(user, prefix: str = "") -> Q:
    """A filter on TableRow (or on a relation to it, via `prefix`) for the rows this user may see."""
    if sees_everything(user):
        return Q()
    return Q(**{f"{prefix}unit_id__in": filler_unit_ids(user)}) | Q(
        **{f"{prefix}table__project_id__in": reviewed_project_ids(user)}
    )


def can_view_project(user, project) -> bool:
    return (
        sees_everything(user)
        or project.pk in reviewed_project_ids(user)
        or bool(filler_unit_ids(user) and project.tables.filter(rows__unit_id__in=filler_unit_ids(user)).exists())
    )


def can_view_row(user, row) -> bool:
    return sees_everything(user) or row.unit_id in filler_unit_ids(user) or reviews_project(user, row.table.project)


def can_view_table(user, table) -> bool:
    """The whole table (all units' rows): bureau staff of the project only."""
    return sees_everything(user) or reviews_project(user, table.project)


# --- what a user may do ------------------------------------------------------------


def can_edit_row(user, row) -> bool:
    if is_admin(user) or reviews_project(user, row.table.project):
        return True  # the bureau may edit on a unit's behalf
    return row.unit_id in filler_unit_ids(user) and row.table.status == "open"


def can_submit_row(user, row) -> bool:
    if is_admin(user):
        return True
    return row.unit_id in filler_unit_ids(user)


def deadline_passed(table, now=None) -> bool:
    return table.deadline is not None and (now or timezone.now()) > table.deadline


def can_review_row(user, row) -> bool:
    return reviews_project(user, row.table.project)


def can_reopen_row(user, row) -> bool:
    return is_admin(user)


def can_manage_table(user, table) -> bool:
    """Open, close, extend the deadline; remove and restore rows."""
    return is_admin(user)


def can_manage_project(user, project) -> bool:
    return is_admin(user)


def can_open_grid(user, table) -> bool:
    """The grid shows a table to bureau staff of its project, and to a filler their own rows."""
    return can_view_table(user, table) or table.rows.filter(unit_id__in=filler_unit_ids(user)).exists()


def can_import(user) -> bool:
    """Imports write: offered to whoever may edit some row or project, never to the observer."""
    return bool(bureau_roles(user) & {Role.ADMIN, Role.REVIEWER}) or bool(filler_unit_ids(user))


def can_import_into(user, table) -> bool:
    """The table's fill-in template and its import: users who may edit a row of it."""
    return (
        is_admin(user)
        or reviews_project(user, table.project)
        or table.rows.filter(unit_id__in=filler_unit_ids(user)).exists()
    )


def system_user():
    """The command line's actor: an unsaved superuser, so the policy sees a bureau admin.

    Used by management commands that run with the server's authority (exports to disk).
    """
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
    return can_export_project(user, job.project)


# --- 任务书 ---------------------------------------------------------------------------------


def can_view_agreement(user, agreement) -> bool:
    return (
        sees_everything(user)
        or reviews_project(user, agreement.project)
        or (agreement.undertaker_id is not None and agreement.undertaker_id in filler_unit_ids(user))
    )


def can_edit_agreement(user, agreement) -> bool:
    """The undertaking unit fills it in; the bureau's admin may too."""
    return is_admin(user) or (agreement.undertaker_id is not None and agreement.undertaker_id in filler_unit_ids(user))


def can_fill_agreement_bureau_fields(user, agreement) -> bool:
    """项目编号 and any other field the form marks 省局填写."""
    return is_admin(user)


def can_submit_agreement(user, agreement) -> bool:
    return can_edit_agreement(user, agreement)


def can_review_agreement(user, agreement) -> bool:
    return reviews_project(user, agreement.project)


# --- exports ---------------------------------------------------------------------------------
# Each exporter declares the permission it needs on its object (as pretix exporters declare
# theirs); this table answers it. A file shows no more than the object's own page: a project's
# sheets to who sees the project, a table (cut to the visible rows) to who may open its grid,
# a 任务书's annex and budget to who may open the 任务书.

EXPORT_PERMISSIONS = {
    "view_project": can_view_project,
    "open_grid": can_open_grid,
    "view_agreement": can_view_agreement,
}


def may_export(user, permission: str, obj) -> bool:
    """May this user have the file of an exporter that needs `permission` on `obj`?
    An undeclared or unknown permission is refused: an exporter must say what it needs."""
    check = EXPORT_PERMISSIONS.get(permission)
    return check is not None and user is not None and check(user, obj)
