"""The 任务书格式 of a project: what the bureau fixes once for every 任务书 it issues (甲方 and its
people, the period, who prints it and when, the 附表's metrics). 下达任务书 copies it into each
unit's 任务书 (services.agreement_create); 复制到新年度 carries it into the new year with the
period moved by the same years as the tables (projects.copying).

A format is an Agreement without an undertaker (Agreement.objects.formats()), one per project;
it is never filled, submitted or listed as a unit's 任务书.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from review.engine import StaleVersion
from units import inputs
from units.audit import audit_record

from ..audit_actions import ProjectAction
from ..models import Agreement, AgreementMetric, MetricKind, Project
from ..years import shift_years

# The fields a format fixes for every 任务书 made from it (the rest is the unit's to fill).
PRINCIPAL_FIELDS = (
    "principal_representative",
    "principal_representative_title",
    "principal_liaison",
    "principal_liaison_title",
    "principal_phone",
    "principal_email",
    "principal_address",
)
PERIOD_FIELDS = ("start_year", "start_month", "end_year", "end_month")
FORMAT_FIELDS = ("title", "principal_id", *PRINCIPAL_FIELDS, *PERIOD_FIELDS, "issued_by", "issued_on")
METRIC_FIELDS = ("group", "name", "measure_unit", "kind")


def format_of(project: Project) -> Agreement | None:
    return Agreement.objects.formats().filter(project=project).select_related("principal").first()


def format_fields(agreement: Agreement) -> dict:
    """What a 任务书 made from `agreement` (a format, or an issued one standing in for it) takes over."""
    return {name: getattr(agreement, name) for name in FORMAT_FIELDS}


def _metric_rows(agreement: Agreement) -> list[dict]:
    return [{f: getattr(m, f) for f in METRIC_FIELDS} for m in agreement.metrics.order_by("order")]


def _check_metrics(metrics: list[dict]) -> None:
    """Each metric named, of a known kind, once per group; texts storable. Nothing is written on refusal."""
    errors, seen = [], set()
    for n, metric in enumerate(metrics, start=1):
        where = f"附表第 {n} 项指标"
        if not metric.get("name", "").strip():
            errors.append(f"{where}缺少指标名称")
        if metric.get("kind") not in MetricKind.values:
            errors.append(f"{where}“{metric.get('name', '')}”的类型无效（可选：{'、'.join(MetricKind.labels)}）")
        key = (metric.get("group", "").strip(), metric.get("name", "").strip())
        if key in seen:
            errors.append(f"{where}“{key[1]}”在同一分组中重复")
        seen.add(key)
        errors += inputs.check_texts(
            {f"{where}的分组": metric.get("group", ""), f"{where}的名称": metric.get("name", "")}
        ).values()
        for field, limit in (("group", 100), ("name", 100), ("measure_unit", 20)):
            if len(metric.get(field, "")) > limit:
                errors.append(f"{where}的{AgreementMetric._meta.get_field(field).verbose_name}过长（最多 {limit} 字）")
    if errors:
        raise ValidationError(errors)


def _check_format(agreement: Agreement) -> None:
    """The period and the texts, refused in Chinese before anything is written."""
    errors = []
    if not (agreement.title or "").strip():
        errors.append("请填写任务书标题")
    if agreement.principal_id is None:
        errors.append("请选择委托单位（甲方）")
    months = (agreement.start_month, agreement.end_month)
    if None in (agreement.start_year, agreement.end_year) or None in months:
        errors.append("请填写项目期限的起止年月")
    elif not all(1 <= m <= 12 for m in months):
        errors.append("项目期限的月份应在 1 到 12 之间")
    elif (agreement.start_year, agreement.start_month) > (agreement.end_year, agreement.end_month):
        errors.append("项目期限的开始晚于结束")
    errors += inputs.check_texts(
        {str(Agreement._meta.get_field(f).verbose_name): getattr(agreement, f) for f in ("title", *PRINCIPAL_FIELDS)}
    ).values()
    if errors:
        raise ValidationError(errors)


def _snapshot(agreement: Agreement) -> dict:
    fields = {name: _plain(getattr(agreement, name)) for name in FORMAT_FIELDS if name != "principal_id"}
    fields["principal"] = agreement.principal.name if agreement.principal_id else ""
    fields["metrics"] = [
        f"{m['group'] + '·' if m['group'] else ''}{m['name']}（{m['measure_unit']}）" for m in _metric_rows(agreement)
    ]
    return fields


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def agreement_format_save(
    *, project: Project, data: dict, metrics: list[dict], actor, expected_version: int | None = None
) -> Agreement:
    """Create or change the project's 任务书格式: the fields of `data` (FORMAT_FIELDS, the 甲方 as
    `principal_id`) and its 附表 metrics in order (group, name, measure_unit, kind). All or nothing,
    audited; a format changed since the page was loaded (`expected_version`) is refused (409)."""
    _check_metrics(metrics)
    Project.objects.select_for_update().filter(pk=project.pk).first()  # one format per project, made once
    agreement = Agreement.objects.formats().select_for_update().filter(project=project).first()
    created = agreement is None
    if created:
        agreement = Agreement(project=project, undertaker=None)
    elif expected_version is not None and agreement.version != expected_version:
        raise StaleVersion(
            f"任务书格式已被他人修改（现为版本 {agreement.version}，您编辑的是版本 {expected_version}），请刷新后重新填写"
        )
    before = {} if created else _snapshot(agreement)
    for name in FORMAT_FIELDS:
        setattr(agreement, name, data.get(name, "" if name in PRINCIPAL_FIELDS or name == "issued_by" else None))
    _check_format(agreement)
    if not created:
        agreement.version += 1
    agreement.save()
    agreement.metrics.all().delete()
    AgreementMetric.objects.bulk_create(
        AgreementMetric(agreement=agreement, order=n, **{f: m.get(f, "").strip() for f in METRIC_FIELDS})
        for n, m in enumerate(metrics, start=1)
    )
    after = _snapshot(agreement)
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    if changed:
        action = ProjectAction.AGREEMENT_FORMAT_CREATED if created else ProjectAction.AGREEMENT_FORMAT_CHANGED
        audit_record(
            actor=actor,
            action=action,
            obj=agreement,
            before={k: before.get(k) for k in changed} if before else None,
            after={k: after.get(k) for k in changed},
        )
    return agreement


@transaction.atomic
def agreement_format_copy(*, source: Project, copy: Project, shift: int, actor) -> Agreement | None:
    """The 任务书格式 of `copy` (复制到新年度 of `source`): the source's format, or, for a project
    whose 任务书 were issued before formats were kept apart, its first issued one's 甲方, period
    and metrics. The period moves by `shift` years (as the tables do); the title's years too;
    the 印发日期 is the new year's to set. None when the source has neither."""
    model = format_of(source) or Agreement.objects.issued().filter(project=source).order_by("pk").first()
    if model is None:
        return None
    fields = format_fields(model)
    years = set(range(model.start_year, model.end_year + 1))
    fields["title"] = shift_years(model.title, years, shift)
    fields["issued_by"] = shift_years(model.issued_by, years, shift)
    fields["start_year"] = model.start_year + shift
    fields["end_year"] = model.end_year + shift
    fields["issued_on"] = None
    agreement = Agreement.objects.create(project=copy, undertaker=None, **fields)
    AgreementMetric.objects.bulk_create(
        AgreementMetric(agreement=agreement, order=n, **m) for n, m in enumerate(_metric_rows(model), start=1)
    )
    audit_record(
        actor=actor,
        action=ProjectAction.AGREEMENT_FORMAT_CREATED,
        obj=agreement,
        after=_snapshot(agreement),
        comment=f"复制到新年度：由“{source.name}”的任务书格式复制，期限顺延 {shift} 年",
    )
    return agreement
