"""The bureau's summary page of a round (every unit's total, grade, execution rate, shortfalls)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import access
from .dashboard import round_dashboard
from .summary import round_summary


@login_required
def round_summary_page(request, pk):
    # Queries: session + user, the round (access), then round_summary's four.
    round_ = access.round_for_user(request.user, pk)
    return render(request, "monitoring/summary.html", round_summary(round_))


@login_required
def round_dashboard_page(request, pk):
    # Queries: session + user, memberships, the round (access), then the summary's four.
    round_ = access.round_for_user(request.user, pk)
    return render(request, "monitoring/dashboard.html", round_dashboard(round_))
