"""The roll-up page (汇总): each project indicator against what the units' values add up to."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from targets.rollup import Group
from targets.selectors import project_rollup as rollup_of
from units import policy

from . import access


@login_required
def project_rollup(request, pk):
    """Queries, whatever the number of units: session, user, the user's memberships (and a
    reviewer's grants) for the policy, the project, then the roll-up's three (linked columns,
    targets, cells) and the top bar's unread count."""
    project = access.project_for_rollup(request.user, pk)
    lines = rollup_of(project)
    context = {
        "project": project,
        "lines": lines,
        "groups": [(group, Group.LABELS[group]) for group in Group.ALL],
        "short": sum(1 for line in lines if line.flag in ("short", "exceeded")),
        "can_manage": policy.can_manage_project(request.user, project),
    }
    return render(request, "projects/rollup.html", context)
