"""Reads on the target model."""

from projects.models import Project, TargetPeriods

from .models import Indicator, TargetPeriod


def target_pairing_problems(project: Project) -> list[str]:
    """Indicators that break the 注: every annual target has its long-term one and vice versa.

    One query. Empty for projects that set annual targets only.
    """
    if project.target_periods != TargetPeriods.LONG_TERM_AND_ANNUAL:
        return []
    problems = []
    indicators = Indicator.objects.filter(project=project).prefetch_related("targets").order_by("order")
    for indicator in indicators:
        periods = {t.period for t in indicator.targets.all()}
        if TargetPeriod.ANNUAL not in periods:
            problems.append(f"“{indicator.name}”有长期目标，缺少对应的年度目标")
        if TargetPeriod.LONG_TERM not in periods:
            problems.append(f"“{indicator.name}”有年度目标，缺少对应的长期目标")
    return problems
