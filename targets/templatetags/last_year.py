"""`{% last_year_attr row column %}`: the grid cell's data-last-year attribute (targets.last_year)."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def last_year_attr(row, column) -> str:
    values = getattr(row, "last_year", None)
    if values is None:
        return ""
    return format_html(' data-last-year="{}"', values.get(column.pk, "—"))
