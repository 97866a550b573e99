"""The roll-up page (汇总): each project indicator against what the units' values add up to."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from targets.rollup import Group
from targets.selectors import project_rollup as rollup_of
from units import policy

from . import access


@login_required
@require_safe
def project_rollup(request, pk):
    """Queries, whatever the number of units: session, user, the user's memberships (and a
    reviewer's grants) for the policy, the project, then the roll-up's three (linked columns,
    targets, cells), the project's rounds (for the links to their 完成值汇总) and the top bar's
    unread count."""
    project = access.project_for_rollup(request.user, pk)
    lines = rollup_of(project)
    # The rounds through the reverse relation: monitoring sits above projects and is not imported;
    # its summary page (by URL name) shows each round's 完成值 against these indicators.
    rounds = list(project.monitoring_rounds.order_by("-reference_date", "-pk")) if lines else []
    context = {
        "project": project,
        "lines": lines,
        "groups": [(group, Group.LABELS[group]) for group in Group.ALL],
        "short": sum(1 for line in lines if line.flag in ("short", "exceeded")),
        "can_manage": policy.can_manage_project(request.user, project),
        "rounds": rounds if policy.can_view_rounds(request.user, project) else [],
    }
    return render(request, "projects/rollup.html", context)
