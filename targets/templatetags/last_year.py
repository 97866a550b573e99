"""`{% last_year_attr row column %}`: the grid cell's data-last-year attribute (targets.last_year), and
data-last-year-actual where last year's 完成值 is known."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def last_year_attr(row, column) -> str:
    values = getattr(row, "last_year", None)
    if values is None:
        return ""
    html = format_html(' data-last-year="{}"', values.get(column.pk, "—"))
    actual = getattr(row, "last_year_actual", {}).get(column.pk, "—")
    if actual != "—":
        html += format_html(' data-last-year-actual="{}"', actual)
    return html
