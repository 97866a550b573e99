"""Reads for pages: each need written once, with a query count that does not grow with rows."""

from django.db.models import Count, Prefetch, Q

from projects.models import Agreement, Project
from targets.models import ReviewStatus, TargetTable
from units import policy

from .exporters import exporters_for


def project_search(projects, *, year: int | None = None, query: str = ""):
    """The projects of a budget year, and those whose name, title, code or 主管部门 holds `query`."""
    if year is not None:
        projects = projects.filter(budget_year=year)
    for word in query.split():
        projects = projects.filter(
            Q(name__icontains=word)
            | Q(title__icontains=word)
            | Q(code__icontains=word)
            | Q(competent_department__name__icontains=word)
            | Q(local_department__name__icontains=word)
        )
    return projects


def project_years(user) -> list[int]:
    """The budget years of the projects the user may see, newest first (one query)."""
    years = policy.visible_projects(user, Project.objects.exclude(budget_year=None)).values_list(
        "budget_year", flat=True
    )
    return sorted(set(years), reverse=True)


def project_overview(user, *, year: int | None = None, query: str = "") -> list[Project]:
    """Projects the user may see (of `year`, matching `query`), each with its tables and the
    count of rows per status.

    Three queries, whatever the number of projects, tables and rows: memberships and
    (for a reviewer) grants, for the policy; projects; tables with their status counts.
    """
    row_filter = policy.visible_rows_filter(user, prefix="rows__") & Q(rows__removed_at__isnull=True)
    counts = {
        f"n_{status.value}": Count("rows", filter=row_filter & Q(rows__status=status.value)) for status in ReviewStatus
    }
    tables = TargetTable.objects.annotate(n_rows=Count("rows", filter=row_filter), **counts).order_by("order")
    projects = policy.visible_projects(user, Project.objects.all()).select_related(
        "competent_department", "local_department", "budget_unit"
    )
    projects = project_search(projects, year=year, query=query)
    projects = projects.annotate(n_indicators=Count("indicators", distinct=True))
    agreements = Agreement.objects.issued().select_related("undertaker").order_by("pk")  # the format is no one's
    projects = projects.prefetch_related(
        Prefetch("tables", queryset=tables), Prefetch("agreements", queryset=agreements)
    )
    result = list(projects.order_by("order", "code"))
    staff = policy.is_bureau_staff(user)
    # A reviewer's grants for all these projects, fetched in one query.
    checker = policy.review_checker(user, result)
    for project in result:
        project.may_review = policy.reviews_project(user, project, checker=checker)
        project.may_rollup = policy.can_view_rollup(user, project, checker=checker)
        project.may_manage = policy.can_manage_project(user, project)
        project.may_see_rounds = policy.can_view_rounds(user, project, checker=checker)
        project.layouts = [e for e in exporters_for(project) if e.bundled]  # the roll-up has its page
        # Only the 任务书 this user may open: the annex link is a file of that 任务书.
        project.agreement_list = [a for a in project.agreements.all() if policy.can_view_agreement(user, a)]
        # A filler is shown only the tables that hold a row of their unit.
        project.table_list = [t for t in project.tables.all() if staff or t.n_rows]
        for table in project.table_list:
            table.status_counts = [(status, getattr(table, f"n_{status.value}")) for status in ReviewStatus]
    return result
