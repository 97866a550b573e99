"""The one place that answers "may this user do X to this object".

Views, exports, imports and the admin ask here; nothing else decides.

- 系统管理员 (a superuser): everything, every province.
- 省局管理员 (admin of a bureau unit): everything in the projects that bureau governs (see
  "organisations" below), nothing of another province's.
- 观察员 (observer of a bureau unit): reads the projects that bureau governs, changes nothing.
- 省局审核员 (reviewer): reads, edits on a unit's behalf and reviews the rows of the
  projects assigned to them (a django-guardian grant `review_project`).
- 单位填报员 (filler): reads and edits only their own unit's rows, while the table is
  open and the row is editable; submits them before the deadline.
- 地方主管部门填报员 (filler of a department unit): also fills and submits the header and the
  indicator values of the projects whose 地方主管部门 is their unit (a ProjectFiling).

This module holds who a user is: the memberships and the governance predicates (who fills
which unit, who administers or observes which bureau, who reviews which project). The rules
about each app's objects live beside their models (`targets/permissions.py`, `projects/permissions.py`,
`monitoring/permissions.py`, `reports/permissions.py`), which register them here from their app's
`ready()` (`rules_register`), as the review queue's sources and the history's labels are
registered: `policy.can_review_report(user, report)` answers with monitoring's rule, and this
module names no model of the apps above it. What the policy answers is who may act; whether
the row's state allows it is the workflow service's question.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
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
# A bureau's admins and observers govern the projects whose 主管部门 is their bureau unit (the
# field projects names at ready(): `governance_register`). 省级主管部门 does not count: seed 004's forms leave it blank, and a
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
    return getattr(project, f"{_governance().governed_by}_id")


def governed_filter(unit_ids, prefix: str = "") -> Q:
    """A filter on Project (or on a relation to it, via `prefix`) for the projects these bureaus govern."""
    return Q(**{f"{prefix}{_governance().governed_by}_id__in": unit_ids})


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


def reviewed_project_ids(user) -> set[int]:
    """Projects the user reviews (one query, cached on the user object)."""
    if Role.REVIEWER not in bureau_roles(user):
        return set()
    cached = getattr(user, "_policy_reviewed", None)
    if cached is None:
        cached = set(
            _governance()
            .grants.objects.filter(user=user, permission__codename=REVIEW_PERMISSION)
            .values_list("content_object_id", flat=True)
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
    assign_perm(REVIEW_PERMISSION, user, project)  # the permission of the project's own model


def project_reviewers(project) -> list:
    """The reviewers assigned to the project (their own grants, not a group's)."""
    return list(get_users_with_perms(project, only_with_perms_in=[REVIEW_PERMISSION], with_group_users=False))


def can_use_review_queue(user) -> bool:
    """The review queue (and its link in the top bar): the bureau's admins and reviewers."""
    return bool(bureau_roles(user) & {Role.ADMIN, Role.REVIEWER})


def can_create_project(user) -> bool:
    """The 新建项目 page: a superuser, or the admin of some bureau."""
    return is_superuser(user) or bool(administered_bureau_ids(user))


def can_create_project_for(user, unit_id: int | None) -> bool:
    """A new project governed by `unit_id` (its 主管部门): a bureau's admin only in their own reach."""
    return is_superuser(user) or (unit_id is not None and unit_id in administered_bureau_ids(user))


def can_import(user) -> bool:
    """Imports write: offered to whoever may edit some row or project, never to the observer."""
    return bool(bureau_roles(user) & {Role.ADMIN, Role.REVIEWER}) or bool(filler_unit_ids(user))  # scoped per object


def can_check_scoring(user) -> bool:
    """评分规则核对 (score a table of cases by the rules): bureau staff — admins, reviewers,
    observers — not fillers. It reads no project's data."""
    return is_bureau_staff(user)


def department_unit_ids(user) -> set[int]:
    """The department units (地方主管部门) the user fills for."""
    return {
        m.unit_id for m in memberships(user) if m.role == Role.FILLER and m.unit.category == UnitCategory.DEPARTMENT
    }


def system_user():
    """The command line's actor: an unsaved superuser, so the policy sees a bureau admin. Used by
    management commands that run with the server's authority (exports to disk)."""
    user = get_user_model()(username="system", is_superuser=True, is_active=True)
    user._policy_memberships = []
    user._policy_reviewed = set()
    return user


# --- the apps' object rules, registered from their ready() --------------------------------------
# Each app declares the rules of its objects next to its models (`<app>/permissions.py`) and registers
# them when it starts: `rules_register(*checks, exports={...})`. A rule is asked as before,
# `policy.can_view_row(user, row)`; an unknown name is an AttributeError, as for any module.

_RULES: dict[str, Callable] = {}


@dataclass(frozen=True)
class Governance:
    """What the projects app tells the policy about a project: the foreign key to the bureau unit
    that governs it, and the guardian table of its `review_project` grants (a direct foreign key)."""

    governed_by: str
    grants: type


_GOVERNANCE: list[Governance] = []

# Each exporter declares the permission it needs on its object (as pretix exporters declare
# theirs); the app that owns the object registers the rule that answers it. A file shows no more
# than the object's own page: a project's sheets to who sees the project, a table (cut to the
# visible rows) to who may open its grid, a 任务书's annex and budget to who may open the 任务书.
EXPORT_PERMISSIONS: dict[str, Callable] = {}


def rules_register(*checks: Callable, exports: dict[str, Callable] | None = None) -> None:
    """An app's object rules, by their names, and the export permissions they answer."""
    for check in checks:
        name = check.__name__
        if name in globals() or _RULES.get(name, check) is not check:
            raise ImproperlyConfigured(f"the policy rule {name} is registered twice")
        _RULES[name] = check
    for permission, check in (exports or {}).items():
        if EXPORT_PERMISSIONS.get(permission, check) is not check:
            raise ImproperlyConfigured(f"the export permission {permission} is registered twice")
        EXPORT_PERMISSIONS[permission] = check


def governance_register(*, governed_by: str, grants) -> None:
    """From projects' `ready()`: which field of a project names its governing bureau, and where
    its reviewers' grants are kept."""
    _GOVERNANCE[:] = [Governance(governed_by=governed_by, grants=grants)]


def _governance() -> Governance:
    if not _GOVERNANCE:
        raise ImproperlyConfigured("no project governance registered (is the projects app installed?)")
    return _GOVERNANCE[0]


def __getattr__(name: str) -> Callable:
    try:
        return _RULES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def may_export(user, permission: str, obj) -> bool:
    """May this user have the file of an exporter that needs `permission` on `obj`?
    An undeclared or unknown permission is refused: an exporter must say what it needs."""
    check = EXPORT_PERMISSIONS.get(permission)
    return check is not None and user is not None and check(user, obj)
