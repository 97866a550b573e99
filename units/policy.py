"""The one place that answers "may this user do X to this object".

Views, exports, imports and the admin ask here; nothing else decides. Bureau roles
(admin, reviewer, observer) come from a membership of a bureau unit; a unit filler
sees only the rows of the units they belong to.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Membership, Role, UnitCategory

BUREAU_ROLES = frozenset({Role.ADMIN, Role.REVIEWER, Role.OBSERVER})


def memberships(user) -> list[Membership]:
    """The user's memberships, fetched once per request object."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_memberships_cache", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit"))
        user._memberships_cache = cached
    return cached


def bureau_roles(user) -> set[str]:
    roles = {m.role for m in memberships(user) if m.unit.category == UnitCategory.BUREAU and m.role in BUREAU_ROLES}
    if user.is_authenticated and user.is_superuser:
        roles.add(Role.ADMIN)
    return roles


def is_bureau_staff(user) -> bool:
    return bool(bureau_roles(user))


def filler_unit_ids(user) -> set[int]:
    return {m.unit_id for m in memberships(user) if m.role == Role.FILLER}


def visible_projects(user, projects: QuerySet) -> QuerySet:
    """Bureau staff see every project; a filler sees the projects that hold a row of their unit."""
    if not user.is_authenticated:
        return projects.none()
    if is_bureau_staff(user):
        return projects
    return projects.filter(tables__rows__unit_id__in=filler_unit_ids(user)).distinct()


def visible_rows_filter(user, prefix: str = "") -> Q:
    """A filter on TableRow (or on a relation to it, via `prefix`) for the rows this user may see."""
    if is_bureau_staff(user):
        return Q()
    return Q(**{f"{prefix}unit_id__in": filler_unit_ids(user)})
