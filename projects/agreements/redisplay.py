"""A refused 任务书 section is shown again as it was typed, each error beside its field.

The page's context holds the stored values; `overlay` replaces the refused section's part of it
with what was posted (read by forms.read_rows, the rows the forms were made of), nothing is saved.
"""

from __future__ import annotations

from types import SimpleNamespace

from . import services
from .forms import ALLOCATION_FIELDS, EXPENSE_FIELDS, PARTICIPANT_FIELDS, STAFF_FIELDS


def posted_rows(read_rows, post, prefix: str, fields: list[str], errors: dict) -> list[SimpleNamespace]:
    """The numbered rows as typed, each with `errors` {field: message}."""
    return [
        SimpleNamespace(**row, errors={f: errors[f"{prefix}-{n}-{f}"] for f in fields if f"{prefix}-{n}-{f}" in errors})
        for n, row in read_rows(post, prefix, fields)
    ]


def field_errors(context: dict, errors: dict) -> None:
    """Errors of single fields (附表 cells, budget sources), placed where the template reads them."""
    years = context["agreement"].years
    for item in context["annex"]:
        item["errors"] = [errors.get(f"m-{item['metric'].pk}-{year}") for year in years]
    context["sources"] = [
        (kind, amount, share, errors.get(f"source-{kind.value}")) for kind, amount, share in context["sources"]
    ]


def overlay(context: dict, section: str, post, errors: dict, read_rows) -> None:
    """Show `section` as posted. The agreement object is this request's copy: it is never saved."""
    agreement = context["agreement"]
    if section == "basic":
        for field in services.BASIC_FIELDS:
            # A locked field (项目编号 for a unit) is not posted: it keeps its stored value.
            setattr(agreement, field, post.get(field, getattr(agreement, field)))
        context["participants"] = posted_rows(read_rows, post, "p", PARTICIPANT_FIELDS, errors)
    elif section == "content":
        for field in services.CONTENT_FIELDS:
            setattr(agreement, field, post.get(field, ""))
        context["stage_goals"] = [SimpleNamespace(year=y, text=post.get(f"goal-{y}", "")) for y in agreement.years]
    elif section == "annex":
        for item in context["annex"]:
            item["values"] = [post.get(f"m-{item['metric'].pk}-{year}", "") for year in agreement.years]
    elif section == "budget":
        context["sources"] = [
            (kind, post.get(f"source-{kind.value}", ""), share, error) for kind, _, share, error in context["sources"]
        ]
        context["allocations"] = posted_rows(read_rows, post, "a", ALLOCATION_FIELDS, errors)
        context["expenses"] = posted_rows(read_rows, post, "e", EXPENSE_FIELDS, errors)
    elif section == "staff":
        context["staff"] = posted_rows(read_rows, post, "s", STAFF_FIELDS, errors)
    context["posted_section"] = section
