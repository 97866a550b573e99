"""`{% flag_attr row column %}`: a grid cell's plausibility flag (targets.review_aids) as attributes.

`data-warning` holds the warnings (the cell is marked in colour and in words by the style sheet),
`data-warning-confirmed` the unit's reason when it gave one for this value."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def flag_attr(row, column, title=True) -> str:
    """`title=False` where the cell has a title of its own (a handed-down cell's 调整理由)."""
    aid = getattr(row, "aids", {}).get(column.pk)
    if aid is None or not aid.flagged:
        return ""
    text = aid.warning_text
    if not title:
        reason = aid.confirmation.reason if aid.confirmed else None
        if reason is None:
            return format_html(' data-warning="{}"', text)
        return format_html(' data-warning="{}" data-warning-confirmed="{}"', text, reason)
    if aid.confirmed:
        return format_html(
            ' data-warning="{}" data-warning-confirmed="{}" title="请核实：{}；已说明：{}"',
            text,
            aid.confirmation.reason,
            text,
            aid.confirmation.reason,
        )
    return format_html(' data-warning="{}" title="请核实：{}"', text, text)
