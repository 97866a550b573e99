"""Writes of a 地方主管部门's filing: the header values and indicator targets it fills, and the
workflow steps (review.engine.transition). One transaction each, audited; a refused save
changes nothing and names every field or indicator it refuses."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from review.engine import Notice, ReviewEvent, lock, transition
from targets.audit_actions import TargetAction
from targets.editing import target_values_set
from targets.models import Indicator, Target
from units import inputs, policy
from units.audit import audit_record
from units.models import NotificationKind
from units.notifications import unit_fillers

from ..audit_actions import ProjectAction
from ..models import Project, ProjectFiling
from .selectors import FILING_FIELDS, filing_periods

MONEY_FIELD = "funding_requirement"


def _filing_locked(project_id: int) -> ProjectFiling:
    """The project's filing, made on first use, locked for this transaction."""
    project = Project.objects.select_for_update().get(pk=project_id)
    if project.local_department_id is None:
        raise ValidationError("本项目没有地方主管部门，不由主管部门填报")
    filing, _ = ProjectFiling.objects.get_or_create(project=project, defaults={"unit_id": project.local_department_id})
    return lock(ProjectFiling, filing.pk, related=("project", "unit"))


def _read_money(raw: str, errors: list[str]):
    field = Project._meta.get_field(MONEY_FIELD)
    try:
        return inputs.read_number(raw, f"“{field.verbose_name}”", field, negative=False)
    except ValidationError as exc:
        errors.extend(exc.messages)
    return None


def _read_header(header: dict[str, str], errors: list[str]) -> dict:
    values = {}
    for name, raw in header.items():
        if name == MONEY_FIELD:
            values[name] = _read_money(raw, errors)
            continue
        field = Project._meta.get_field(name)
        text = (raw or "").replace("\r\n", "\n").strip()  # a textarea posts CRLF
        try:
            inputs.check_text(text, f"“{field.verbose_name}”", limit=field.max_length or inputs.MAX_LONG_TEXT_CHARS)
        except ValidationError as exc:
            errors.extend(exc.messages)
        values[name] = text
    return values


def _read_write_ins(project: Project, write_ins: dict[int, dict], errors: list[str]) -> dict[int, Indicator]:
    """The department's own indicators written in the form's blank rows: name and unit, checked.
    {indicator id: the indicator with them set (unsaved)}."""
    rows = {
        i.pk: i
        for i in Indicator.objects.filter(project=project, write_in=True, pk__in=list(write_ins)).select_related(
            "category__parent"
        )
    }
    if len(rows) != len(write_ins):
        errors.append("表单含有不属于本项目的留白行，请刷新页面后重新填写")
    for position, indicator in enumerate(sorted(rows.values(), key=lambda i: i.order), start=1):
        typed = write_ins[indicator.pk]
        name, unit = typed.get("name", "").strip(), typed.get("measure_unit", "").strip()
        where = f"{indicator.category.path}的留白行{position}"
        for text, label, limit in ((name, "指标名称", 500), (unit, "计量单位", 20)):
            try:
                inputs.check_text(text, f"{where}的{label}", limit=limit)
            except ValidationError as exc:
                errors.extend(exc.messages)
        indicator.name, indicator.measure_unit, indicator.where = name, unit, where
    return rows


def _save_write_ins(rows: dict[int, Indicator], actor) -> int:
    stored = {i.pk: i for i in Indicator.objects.filter(pk__in=list(rows))}
    changed = 0
    for pk, indicator in rows.items():
        before = {"name": stored[pk].name, "measure_unit": stored[pk].measure_unit}
        after = {"name": indicator.name, "measure_unit": indicator.measure_unit}
        if before == after:
            continue
        Indicator.objects.filter(pk=pk).update(**after)
        changed += 1
        audit_record(
            actor=actor,
            action=TargetAction.INDICATOR_CHANGED,
            obj=indicator,
            before={k: v for k, v in before.items() if v != after[k]},
            after={k: v for k, v in after.items() if v != before[k]},
            label=indicator.name or indicator.where,
        )
    return changed


def _read_targets(
    project: Project, targets: dict[tuple[int, str], str], errors: list[str], written: dict[int, Indicator]
) -> list:
    indicators = {i.pk: i for i in Indicator.objects.filter(project=project, pk__in={k[0] for k in targets})}
    indicators |= {pk: i for pk, i in written.items() if pk in indicators}  # read with the unit just written
    periods = set(filing_periods(project))
    updates = []
    for (indicator_id, period), raw in targets.items():
        indicator = indicators.get(indicator_id)
        if indicator is None or period not in periods:
            errors.append("表单含有不属于本项目的指标，请刷新页面后重新填写")
            continue
        if indicator.write_in and raw.strip() and not indicator.name:
            errors.append(f"{getattr(indicator, 'where', '留白行')}填写了指标值，请同时填写指标名称")
            continue
        try:
            indicator.parse_target(raw, period)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        updates.append((indicator_id, period, raw.strip()))
    return updates


@transaction.atomic
def filing_save(
    *,
    project_id: int,
    expected_version: int,
    header: dict[str, str],
    targets: dict,
    actor,
    write_ins: dict[int, dict] | None = None,
):
    """Save the header values and the targets typed: all or nothing. `header` holds only the
    fields posted (FILING_FIELDS), `targets` {(indicator id, period): raw}, `write_ins` the
    department's own indicators in the form's blank rows {indicator id: {name, measure_unit}}."""
    filing = _filing_locked(project_id)
    if not policy.can_edit_filing(actor, filing):
        raise PermissionDenied("您没有修改该项目填报的权限")
    filing.check_editable(expected_version)
    project = filing.project
    errors: list[str] = []
    values = _read_header({k: v for k, v in header.items() if k in FILING_FIELDS}, errors)
    written = _read_write_ins(project, write_ins or {}, errors)
    updates = _read_targets(project, targets, errors, written)
    if errors:
        raise ValidationError(errors)
    changed = {k: v for k, v in values.items() if _unchanged(getattr(project, k)) != v}
    if changed:
        before = {k: _plain(getattr(project, k)) for k in changed}
        Project.objects.filter(pk=project.pk).update(**changed)
        audit_record(
            actor=actor,
            action=ProjectAction.FILING_CHANGED,
            obj=filing,
            before=before,
            after={k: _plain(v) for k, v in changed.items()},
            label=filing.review_label,
        )
    renamed = _save_write_ins(written, actor)
    existing = _current_targets(project, updates)
    updates = [u for u in updates if existing.get((u[0], u[1]), "") != u[2]]
    target_values_set(updates=updates, actor=actor)
    if changed or updates or renamed:
        _mark_edited(filing, actor)
    return filing


def _current_targets(project, updates) -> dict:
    rows = Target.objects.filter(indicator__project=project, indicator_id__in={u[0] for u in updates})
    return {(t.indicator_id, t.period): t.raw for t in rows}


def _mark_edited(filing: ProjectFiling, actor) -> None:
    left = filing.mark_edited()
    ProjectFiling.objects.filter(pk=filing.pk).update(version=filing.version, status=filing.status)
    if left is not None:
        audit_record(
            actor=actor,
            action=ProjectAction.FILING_STARTED,
            obj=filing,
            before={"status": left},
            after={"status": filing.status, "version": filing.version},
            label=filing.review_label,
        )


def _unchanged(value):
    """The stored value as the page would post it back (text stripped)."""
    return value.strip() if isinstance(value, str) else value


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


def _filing_notice(filing: ProjectFiling, event: str, comment: str) -> Notice | None:
    """Who hears of a step of a filing and what they read (`review.engine.transition` sends it)."""
    link, title = filing.get_absolute_url(), filing.review_label
    if event == ReviewEvent.SUBMITTED:
        body = f"请审核《{title}》（版本 {filing.version}）。"
        reviewers = policy.project_reviewers(filing.project)
        return Notice(reviewers, NotificationKind.ROW_SUBMITTED, f"{filing.unit} 已提交填报", body, link)
    fillers = unit_fillers([filing.unit_id])
    if event == ReviewEvent.RETURNED:
        return Notice(fillers, NotificationKind.ROW_RETURNED, f"《{title}》被退回", f"退回意见：{comment}", link)
    if event == ReviewEvent.APPROVED:
        body = f"版本 {filing.version} 已审核通过。"
        return Notice(fillers, NotificationKind.ROW_APPROVED, f"《{title}》已通过", body, link)
    return None


@transaction.atomic
def filing_submit(*, project_id: int, actor) -> ProjectFiling:
    filing = _filing_locked(project_id)
    return transition(filing, event=ReviewEvent.SUBMITTED, actor=actor, notice=_filing_notice)


@transaction.atomic
def filing_return(*, project_id: int, actor, comment: str) -> ProjectFiling:
    return _review(project_id, ReviewEvent.RETURNED, actor, comment)


@transaction.atomic
def filing_approve(*, project_id: int, actor, comment: str = "") -> ProjectFiling:
    return _review(project_id, ReviewEvent.APPROVED, actor, comment)


def _review(project_id: int, event: str, actor, comment: str) -> ProjectFiling:
    filing = ProjectFiling.objects.select_related("project", "unit").filter(project_id=project_id).first()
    if filing is None:
        raise ValidationError("本项目尚未提交填报")
    return transition(filing, event=event, actor=actor, comment=comment, notice=_filing_notice)
