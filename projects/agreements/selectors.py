"""Reads of the 任务书: the 附表 with its totals (also read by the 附表 exporter), the stored
budget with its figures, the page's context."""

from __future__ import annotations

from decimal import Decimal

from review.engine import EDITABLE, ReviewStatus
from units import policy
from units.audit import audit_entries_for

from ..models import Agreement, BudgetSourceKind, StaffRole
from ..numerals import rmb_upper
from .rules import (
    STAFF_LIMITS,
    budget_agreement,
    budget_figures,
    budget_problems,
    report_due_dates,
    staff_problems,
)


def metric_totals(agreement: Agreement) -> list[dict]:
    """Each metric with its value per year and its 合计 (None for rates). One query.

    合计 sums quantities and money; growth rates (%) are not summed and their 合计 stays blank.
    """
    metrics = list(agreement.metrics.prefetch_related("values").order_by("order"))
    rows = []
    for metric in metrics:
        by_year = {v.year: v.value for v in metric.values.all()}
        values = [by_year.get(year) for year in agreement.years]
        present = [v for v in values if v is not None]
        total = sum(present, Decimal(0)) if metric.is_summed and present else None
        rows.append({"metric": metric, "values": values, "total": total})
    return rows


def stored_budget(agreement: Agreement) -> tuple[dict, list, list, dict]:
    """The stored sources {kind: amount}, allocations, expenses, and their figures (rules.budget_figures)."""
    sources = {s.kind: s.amount for s in agreement.budget_sources.all()}
    allocations = list(agreement.allocations.all())
    expenses = list(agreement.expenses.all())
    figures = budget_figures(
        sources,
        [{"amount": a.amount} for a in allocations],
        [{"amount": e.amount, "is_equipment": e.is_equipment} for e in expenses],
    )
    return sources, allocations, expenses, figures


def page_context(agreement: Agreement, user) -> dict:
    """What the 任务书 page shows of the stored agreement, and what `user` may do on it."""
    sources, allocations, expenses, figures = stored_budget(agreement)
    staff = list(agreement.staff.all())
    editable = agreement.status in EDITABLE and policy.can_edit_agreement(user, agreement)
    return {
        "agreement": agreement,
        "editable": editable,
        "bureau_fields": editable and policy.can_fill_agreement_bureau_fields(user, agreement),
        "errors": {},
        "participants": list(agreement.participants.all()),
        "stage_goals": list(agreement.stage_goals.all()),
        "annex": metric_totals(agreement),
        "sources": [(kind, sources.get(kind), figures["shares"].get(kind)) for kind in BudgetSourceKind],
        "allocations": allocations,
        "expenses": expenses,
        "figures": figures,
        "budget_warnings": budget_problems(figures, complete=True),
        "staff": staff,
        "staff_limit": STAFF_LIMITS[agreement.platform_kind],
        "budget_agreement": budget_agreement(figures),
        "staff_warnings": staff_problems([{"role": p.role} for p in staff], agreement.platform_kind, complete=True),
        "roles": StaffRole.choices,
        "amount_yuan": figures["special"] * 10000,
        "amount_upper": rmb_upper(figures["special"] * 10000),
        "due": report_due_dates(agreement.start_year, agreement.end_year, agreement.end_month),
        "can_submit": agreement.status in EDITABLE and policy.can_submit_agreement(user, agreement),
        "can_review": agreement.status == ReviewStatus.SUBMITTED and policy.can_review_agreement(user, agreement),
        "can_manage_project": policy.can_manage_project(user, agreement.project),
        "history": list(audit_entries_for(agreement)[:100]),
        "blank_rows": range(3),
    }


def agreements_to_review(user) -> list[Agreement]:
    """Submitted 任务书 of the projects this user reviews, oldest first (for the review queue)."""
    agreements = Agreement.objects.filter(status=ReviewStatus.SUBMITTED).select_related(
        "project", "undertaker", "submitted_by"
    )
    agreements = agreements.filter(policy.review_scope(user, prefix="project__"))
    return list(agreements.order_by("submitted_at", "pk"))
