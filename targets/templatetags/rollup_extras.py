"""Template filters of the roll-up (汇总) pages."""

from django import template

from ..rollup import factor_label

register = template.Library()


@register.filter
def factor_text(factor) -> str:
    """A column's conversion factor as read: `÷10,000`, `×1`."""
    label = factor_label(factor)
    return "×1" if label == "1" else label
