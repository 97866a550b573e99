"""A row's funding (资金（万元）, printed `武汉市（160万）` as seed 000 does): set by the bureau (the
project's admin or reviewer) in the table editor or on the row page, never by the unit. It is
the budget a unit's 自评 scores its execution against.

Decimal, in 万元; what is not a number is refused naming the unit, and nothing is saved. A
value changed by someone else since the page showed it is refused (the page sends what it showed).
Each change is audited on its row."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from review.engine import StaleVersion
from units import inputs, policy
from units.audit import audit_record

from .audit_actions import TargetAction
from .models import TableRow, TargetTable
from .values import ParseError, format_number, parse_number

UNIT_SUFFIXES = ("万元", "万")


def funding_parse(raw: str | None, unit_name: str) -> Decimal | None:
    """`160`, `160万`, `1,600.5` → Decimal in 万元; blank → None; anything else refused, naming the unit."""
    text = (raw or "").strip().replace(",", "").replace("，", "")
    for suffix in UNIT_SUFFIXES:
        text = text.removesuffix(suffix).strip()
    if not text:
        return None
    negative = text.startswith(("-", "－"))
    try:
        number = parse_number(text[1:] if negative else text)
    except ParseError:
        raise ValidationError(f"“{unit_name}”的资金应为数字（万元），收到“{raw.strip()}”") from None
    if negative and number:
        raise ValidationError(f"“{unit_name}”的资金不能为负数（收到“{raw.strip()}”）")
    inputs.check_number(number, TableRow._meta.get_field("funding"), f"“{unit_name}”的资金")
    return number


def funding_text(value: Decimal | None) -> str:
    return "" if value is None else format_number(value)


@transaction.atomic
def rows_funding_set(
    *, table: TargetTable, fundings: dict[int, str], shown: dict[int, str] | None = None, actor
) -> list[str]:
    """Set the funding of the table's rows ({row id: as typed}); `shown` ({row id: what the page
    showed}) refuses a value someone changed meanwhile. All or nothing. The units changed, in order."""
    if not policy.can_edit_row_funding(actor, table):
        raise PermissionDenied("只有省局管理员或本项目的审核员可以修改资金")
    rows = {r.pk: r for r in TableRow.objects.select_for_update().filter(table=table, pk__in=list(fundings))}
    if len(rows) != len(fundings):
        raise ValidationError("表单含有不属于本表的行，请刷新页面后重试")
    ordered = sorted(rows.values(), key=lambda r: r.seq)
    units = {r.pk: r.unit.name for r in TableRow.objects.filter(pk__in=list(rows)).select_related("unit")}
    errors, values = [], {}
    for row in ordered:
        try:
            values[row.pk] = funding_parse(fundings[row.pk], units[row.pk])
        except ValidationError as exc:
            errors += exc.messages
    if errors:
        raise ValidationError(errors)
    stale = [
        f"“{units[r.pk]}”（现为 {funding_text(r.funding) or '空'}）"
        for r in ordered
        if shown is not None and r.pk in shown and funding_parse(shown[r.pk], units[r.pk]) != r.funding
    ]
    if stale:
        raise StaleVersion(f"资金已被他人修改：{'、'.join(stale)}。请刷新页面后重新填写（未保存）")
    changed = []
    for row in ordered:
        if values[row.pk] == row.funding:
            continue
        before = funding_text(row.funding)
        TableRow.all_objects.filter(pk=row.pk).update(funding=values[row.pk])
        audit_record(
            actor=actor,
            action=TargetAction.ROW_FUNDING_CHANGED,
            obj=row,
            before={"funding": before},
            after={"funding": funding_text(values[row.pk])},
            label=units[row.pk],
        )
        changed.append(units[row.pk])
    return changed
