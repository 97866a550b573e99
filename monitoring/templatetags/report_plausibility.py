"""`{% report_flags lines round as flags %}`: the plausibility warnings of a report's 完成值
(targets.plausibility), for the report page's one include (`monitoring/_plausibility.html`).

Each 完成值 is compared with its own target, as kept in the report (no query): a negative, a
share over 100%, more than 10 times the target; in a 自评 also less than a tenth of it. Mid-year
(监控) a small figure is what the calendar says, so only "more than 10 times" counts there."""

from __future__ import annotations

from django import template

from targets import plausibility as pl
from targets import values as tv

register = template.Library()


def value_warnings(value, *, mid_year: bool) -> list[pl.ValueWarning]:
    """The warnings of one report value (a `ReportValue`: raw, target_raw, target_unit, label)."""
    target = tv.parse(value.target_raw, default_unit=value.target_unit)
    actual = tv.parse(value.raw, default_unit=value.target_unit)
    reference = pl.Reference(pl.Basis.TARGET, target, whole=mid_year)
    return pl.warnings_for(actual, [reference], header=value.label, header_unit=value.target_unit)


@register.simple_tag
def report_flags(lines, round_) -> list[tuple]:
    """(line, warnings text) of each flagged line of the page."""
    mid_year = round_.kind == "monitoring"
    found = []
    for line in lines:
        warnings = value_warnings(line.value, mid_year=mid_year)
        if warnings:
            found.append((line, "；".join(w.message for w in warnings)))
    return found
