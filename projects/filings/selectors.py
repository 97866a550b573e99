"""Reads of a 地方主管部门's filing page: the header fields it fills and each indicator's targets."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from review.engine import EDITABLE, ReviewStatus
from targets.audit_actions import TargetAction
from targets.models import Indicator, Target, TargetPeriod, TargetPeriods
from units import policy
from units.audit import object_key
from units.models import AuditEntry

from ..models import Project, ProjectFiling

# The header values a department fills (项目负责人, 联系电话, 资金需求, 支出内容, 总体绩效目标).
FILING_FIELDS = ("leader", "phone", "funding_requirement", "expenditure_content", "overall_goal")
LONG_FIELDS = frozenset({"expenditure_content", "overall_goal"})


def filing_periods(project: Project) -> list[str]:
    if project.target_periods == TargetPeriods.ANNUAL_ONLY:
        return [TargetPeriod.ANNUAL]
    return [TargetPeriod.LONG_TERM, TargetPeriod.ANNUAL]


@dataclass
class HeaderField:
    name: str
    label: str
    value: str
    long: bool


@dataclass
class IndicatorLine:
    indicator: Indicator
    path: str
    values: list[tuple[str, str, str]]  # (period, period label, raw)


def filing_of(project: Project) -> ProjectFiling:
    """The project's filing, or an unsaved one (未填报) until it is first saved."""
    filing = ProjectFiling.objects.select_related("submitted_by", "reviewed_by", "unit").filter(project=project).first()
    if filing is None:
        filing = ProjectFiling(project=project, unit_id=project.local_department_id)
    filing.project = project
    return filing


def filing_history(filing: ProjectFiling, lines: list[IndicatorLine]) -> list[AuditEntry]:
    """The filing's steps and header changes, and the changes of its indicators' targets, newest first."""
    scope = Q(object_type=f"{Indicator._meta.app_label}.{Indicator._meta.object_name}")
    scope &= Q(action=TargetAction.TARGET_CHANGED, object_id__in=[str(line.indicator.pk) for line in lines])
    if filing.pk:
        object_type, object_id = object_key(filing)
        scope |= Q(object_type=object_type, object_id=object_id)
    return list(AuditEntry.objects.filter(scope).select_related("actor").order_by("-at", "-id")[:200])


def _indicator_lines(project: Project, typed: dict | None) -> list[IndicatorLine]:
    periods = filing_periods(project)
    targets = {
        (t.indicator_id, t.period): t.raw for t in Target.objects.filter(indicator__project=project, period__in=periods)
    }
    lines = []
    indicators = Indicator.objects.filter(project=project).select_related("category__parent").order_by("order")
    for indicator in indicators:
        values = []
        for period in periods:
            raw = targets.get((indicator.pk, period), "")
            if typed is not None:
                raw = typed.get((indicator.pk, period), raw)
            values.append((period, TargetPeriod(period).label, raw))
        lines.append(IndicatorLine(indicator=indicator, path=indicator.category.path, values=values))
    return lines


def filing_context(
    project: Project,
    user,
    typed_header: dict | None = None,
    typed_targets: dict | None = None,
    typed_write_ins: dict | None = None,
):
    """Queries: the filing; its audit entries; the targets; the indicators with their categories
    (the user's memberships and grants are the policy's, fetched once)."""
    filing = filing_of(project)
    header = [
        HeaderField(
            name=name,
            label=str(Project._meta.get_field(name).verbose_name),
            value=(typed_header or {}).get(name, _shown(getattr(project, name))),
            long=name in LONG_FIELDS,
        )
        for name in FILING_FIELDS
    ]
    editable = filing.status in EDITABLE and policy.can_edit_filing(user, filing)
    lines = _indicator_lines(project, typed_targets)
    for line in lines:  # a refused save shows the names and units as typed
        typed = (typed_write_ins or {}).get(line.indicator.pk)
        if typed is not None and line.indicator.write_in:
            line.indicator.name = typed.get("name", line.indicator.name)
            line.indicator.measure_unit = typed.get("measure_unit", line.indicator.measure_unit)
    return {
        "project": project,
        "filing": filing,
        "header": header,
        "lines": lines,
        "periods": [TargetPeriod(p).label for p in filing_periods(project)],
        "editable": editable,
        "can_submit": editable and policy.can_submit_filing(user, filing),
        "can_review": filing.status == ReviewStatus.SUBMITTED and policy.can_review_filing(user, filing),
        "history": filing_history(filing, lines),
    }


def _shown(value) -> str:
    if value is None:
        return ""
    return str(value)


def filings_to_review(user) -> list[ProjectFiling]:
    """Submitted filings of the projects this user reviews, oldest first (for the review queue)."""
    filings = ProjectFiling.objects.filter(status=ReviewStatus.SUBMITTED).select_related(
        "project", "unit", "submitted_by"
    )
    filings = filings.filter(policy.review_scope(user, prefix="project__"))
    return list(filings.order_by("submitted_at", "pk"))


def department_filings(user) -> list[Project]:
    """The projects the user fills as their 地方主管部门 (the home page's list), with their filings:
    one query, for a department's filler only."""
    units = policy.department_unit_ids(user)
    if not units:
        return []
    return list(
        Project.objects.filter(local_department_id__in=units).select_related("filing").order_by("order", "code")
    )
