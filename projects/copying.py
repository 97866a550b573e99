"""复制到新年度: a project copied into the next year, with everything its tables are made of.

The copy is a new project (`copied_from` the old one) with the header, the funding lines, the
indicator tree with its targets, and every table with its columns (and their links to the
indicators, remapped to the copied ones), its units in their order, their 文字目标 and 资金.
The cells and the annual targets are copied as the new year's starting values, or left blank.
Every row starts at 未填报 (version 1) and every table at 未发布. One transaction: a copy is
whole or not at all. A second copy of the same project for the same year is refused.

Names and years: where the old budget year appears in the code, the name, the title or a
table's title it is replaced by the new one (hubei-2022-patent-transfer → hubei-2023-…); a code
without it gets `-<year>` appended. The budget year becomes the new year; tables' years move by
the same number of years; the project's period (start_year – end_year) is kept, its end moved to
the new year when the new year falls after it. Long-term targets span the period: copied as is.

The 任务书格式 (甲方, period, 附表 metrics) comes along, its period moved by the same years.

The project's reviewers (their guardian grants) review the copy too: without them next year's
submissions would wait in no reviewer's queue, and only a superuser can assign reviewers.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from review.engine import ReviewStatus
from targets.models import Cell, Indicator, TableColumn, TableRow, Target, TargetPeriod, TargetTable
from targets.values import Kind
from units import policy
from units.audit import audit_record

from .agreements.format_services import agreement_format_copy
from .audit_actions import ProjectAction
from .models import FundingSource, Project
from .years import shift_years

YEARS = (2000, 2100)


def _fields(obj: models.Model, skip: set[str]) -> dict:
    """The stored fields of `obj` (foreign keys by id), but the id and `skip`: fields other
    modules add to these models later are copied too."""
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if not f.primary_key and f.name not in skip and f.attname not in skip
    }


def copy_code(project: Project, year: int) -> str:
    """The new project's code: the year replaced in the old code, else `-<year>` appended; a
    code already taken gets `-2`, `-3` … so a copy never fails on it."""
    old = project.budget_year
    base = shift_years(project.code, {old}, year - old) if old and str(old) in project.code else ""
    base = base or f"{project.code}-{year}"
    base = base[: Project._meta.get_field("code").max_length - 4]
    code, n = base, 1
    while Project.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def check_copy_year(project: Project, year: int) -> None:
    """Refusals, in Chinese, before anything is written."""
    if not YEARS[0] <= year <= YEARS[1]:
        raise ValidationError(f"年度应在 {YEARS[0]} 到 {YEARS[1]} 之间")
    if project.budget_year and year <= project.budget_year:
        raise ValidationError(f"新年度应晚于本项目的预算年度（{project.budget_year}年）")
    existing = Project.objects.filter(copied_from=project, budget_year=year).first()
    if existing is not None:
        raise ValidationError(
            f"“{project.name}”已复制到{year}年度（项目编号 {existing.code}），不能重复复制；如需重做，请先删除该项目"
        )


@transaction.atomic
def project_copy_year(*, project: Project, year: int, actor, copy_values: bool = True) -> Project:
    """Copy `project` into `year` (see the module's notes). Raises ValidationError, changing nothing."""
    try:
        with transaction.atomic():
            return _copy(project.pk, year, actor, copy_values)
    except IntegrityError:
        # Someone copied it at the same moment, or a copied title collides: nothing was written.
        check_copy_year(project, year)
        raise ValidationError(
            f"“{project.name}”复制到{year}年度未完成（数据冲突，如表名重复），未创建任何内容"
        ) from None


def _copy(project_id: int, year: int, actor, copy_values: bool) -> Project:
    source = Project.objects.select_for_update().get(pk=project_id)
    check_copy_year(source, year)  # under the lock: a copy made meanwhile is seen
    old = source.budget_year
    fields = _fields(source, {"code", "copied_from", "budget_year"})
    fields["name"] = shift_years(source.name, {old}, year - old) if old else source.name
    fields["title"] = shift_years(source.title, {old}, year - old) if old else source.title
    if source.end_year is not None and source.end_year < year:
        fields["end_year"] = year
    copy = Project.objects.create(code=copy_code(source, year), copied_from=source, budget_year=year, **fields)
    FundingSource.objects.bulk_create(
        FundingSource(**_fields(f, {"project"}), project=copy) for f in source.funding_sources.order_by("order")
    )
    indicators = _copy_indicators(source, copy, year, copy_values)
    tables = list(source.tables.order_by("order"))
    # Without a budget year the tables' last year stands for the old year.
    shift = year - (old or max((t.end_year for t in tables), default=year - 1))
    # A table spanning years moves whole: its last year must stay in range too (2100 + 2 years was kept).
    beyond = [t.title for t in tables if t.end_year + shift > YEARS[1]]
    if beyond:
        raise ValidationError(f"复制到{year}年度后，“{beyond[0]}”的年度将超过 {YEARS[1]} 年，未复制")
    for table in tables:
        _copy_table(table, copy, indicators, shift, copy_values)
    # Without it 下达任务书 on the copy was refused (“该项目没有任务书格式”): the format comes along.
    agreement_format_copy(source=source, copy=copy, shift=shift, actor=actor)
    reviewers = policy.project_reviewers(source)
    for reviewer in reviewers:
        policy.grant_review(reviewer, copy)
    audit_record(
        actor=actor,
        action=ProjectAction.PROJECT_COPIED,
        obj=copy,
        before={"project_code": source.code, "budget_year": old},
        after={
            "project_code": copy.code,
            "budget_year": year,
            "copy_values": "沿用上年值" if copy_values else "留空",
            "reviewers": "、".join(sorted(r.get_full_name() or r.username for r in reviewers)) or "（无）",
        },
        comment=f"由“{source.name}”复制，{len(indicators)} 个三级指标、{len(tables)} 张目标表",
    )
    return copy


def _copy_indicators(source: Project, copy: Project, year: int, copy_values: bool) -> dict[int, Indicator]:
    """The active indicators in order with their targets; old indicator id → new indicator."""
    olds = list(Indicator.objects.filter(project=source).order_by("order").prefetch_related("targets"))
    news = Indicator.objects.bulk_create(Indicator(**_fields(i, {"project"}), project=copy) for i in olds)
    targets = []
    for old, new in zip(olds, news):
        for target in old.targets.all():
            fields = _fields(target, {"indicator"})
            if target.period == TargetPeriod.ANNUAL:
                fields["year"] = year
                if not copy_values:
                    fields.update(raw="", kind=Kind.BLANK, comparator="", number=None, measure_unit="", text="")
            targets.append(Target(indicator=new, **fields))
    Target.objects.bulk_create(targets)
    return {old.pk: new for old, new in zip(olds, news)}


def _copy_table(table: TargetTable, copy: Project, indicators: dict, shift: int, copy_values: bool) -> None:
    fields = _fields(table, {"project", "copied_from", "status", "deadline"})
    fields["title"] = shift_years(table.title, set(range(table.start_year, table.end_year + 1)), shift)
    fields["start_year"] = table.start_year + shift
    fields["end_year"] = table.end_year + shift
    new_table = TargetTable.objects.create(project=copy, copied_from=table, **fields)
    old_columns = list(table.columns.order_by("order"))
    columns = TableColumn.objects.bulk_create(
        TableColumn(
            **_fields(c, {"table", "copied_from", "indicator"}),
            table=new_table,
            copied_from=c,
            indicator=indicators.get(c.indicator_id),
        )
        for c in old_columns
    )
    column_map = {old.pk: new for old, new in zip(old_columns, columns)}
    old_rows = list(TableRow.objects.filter(table=table).order_by("seq").prefetch_related("cells"))
    rows = TableRow.objects.bulk_create(
        TableRow(
            table=new_table,
            unit_id=r.unit_id,
            seq=seq,
            narrative=r.narrative,
            funding=r.funding,
            status=ReviewStatus.NOT_STARTED,
            version=1,
        )
        for seq, r in enumerate(old_rows, start=1)
    )
    if not copy_values:
        return
    cells = []
    for old, new in zip(old_rows, rows):
        for cell in old.cells.all():
            if cell.column_id in column_map and cell.raw:
                cells.append(Cell(row=new, column=column_map[cell.column_id], **cell.value_fields()))
    Cell.objects.bulk_create(cells)
