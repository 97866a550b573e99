"""The bureau's summary page of a round (every unit's total, grade, execution rate, shortfalls)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from targets.rollup import Flag

from . import access
from .actuals import figures_of, round_actuals
from .dashboard import round_dashboard
from .summary import round_summary

SHORT_FLAGS = (Flag.SHORT, Flag.EXCEEDED)


@login_required
@require_safe
def round_summary_page(request, pk):
    # Queries: session + user, the round (access), then round_summary's four, then the 完成值汇总's
    # linked columns and targets (the values are the summary's).
    round_ = access.round_for_user(request.user, pk)
    context = round_summary(round_)
    rows = context["rows"]
    values = [line.value for row in rows for line in row.lines]
    actuals = round_actuals(round_, figures_of(values, {row.report.pk: row.report for row in rows}))
    context |= {"actuals": actuals, "actuals_short": sum(1 for line in actuals if line.flag in SHORT_FLAGS)}
    return render(request, "monitoring/summary.html", context)


@login_required
@require_safe
def round_dashboard_page(request, pk):
    # Queries: session + user, memberships, the round (access), then the summary's four.
    round_ = access.round_for_user(request.user, pk)
    return render(request, "monitoring/dashboard.html", round_dashboard(round_))
