"""A national-size data set for benchmarks: provinces, their units, projects with indicator
trees, and per-unit tables of up to many thousand rows, deterministic from a seed, written
with bulk inserts."""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction

from projects.models import Project, TargetPeriods
from projects.seeds import LoadReport, read_catalogue, write_catalogue
from review.engine import ReviewStatus
from targets import values as tv
from targets.models import (
    Cell,
    Indicator,
    IndicatorCategory,
    TableColumn,
    TableRow,
    TableStatus,
    Target,
    TargetPeriod,
    TargetTable,
    ValueKind,
)
from units.models import Unit, UnitCategory

PROVINCES = [
    "北京",
    "天津",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "吉林",
    "黑龙江",
    "上海",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "重庆",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
]
COLUMNS = [
    ("产出指标/数量指标", "收集中小微企业专利技术需求", "条", ValueKind.NUMBER),
    ("产出指标/数量指标", "中小微企业接受专利转让次数", "次", ValueKind.NUMBER),
    ("产出指标/数量指标", "中小微企业接受专利转让的成交金额", "万元", ValueKind.NUMBER),
    ("效益指标/经济效益指标", "专利质押融资金额", "万元", ValueKind.NUMBER),
    ("效益指标/经济效益指标", "专利质押项目数", "项", ValueKind.NUMBER),
    ("效益指标/社会效益指标", "政策惠及的中小微企业营业收入增幅", "", ValueKind.TEXT),
    ("效益指标/社会效益指标", "政策惠及的中小微企业就业人数增幅", "", ValueKind.TEXT),
    ("产出指标/数量指标", "专利转化数量", "件", ValueKind.QUANTITY),
    ("产出指标/质量指标", "转化到中小微企业的专利数量", "件", ValueKind.QUANTITY),
    ("效益指标/可持续影响指标", "是否开展专利分级分类管理", "", ValueKind.TEXT),
]


def _categories() -> dict[str, IndicatorCategory]:
    return write_catalogue(read_catalogue(), LoadReport())


def _value(rng: random.Random, kind: str) -> str:
    if kind == ValueKind.NUMBER:
        return "" if rng.random() < 0.1 else str(rng.choice([5, 20, 100, 300, 1200, 6000, 200000]) * rng.randint(1, 3))
    if kind == ValueKind.QUANTITY:
        return f"≥{rng.randint(5, 500)}"
    return rng.choice(["显著增长", "是", "进一步提升"])


@transaction.atomic
def generate_scale(
    *,
    seed: int = 2022,
    provinces: int = 31,
    projects_per_province: int = 3,
    table_rows: tuple[int, ...] = (16, 1000, 10000),
    columns: int = 10,
) -> dict[str, int]:
    """Build the data set; returns what was created. Idempotent by code prefix `scale-`."""
    rng = random.Random(seed)
    if Project.objects.filter(code__startswith="scale-").exists():
        raise ValueError("规模数据已存在（编号以 scale- 开头）；如需重建请先清空数据库")
    categories = _categories()
    counts = dict.fromkeys(["units", "projects", "indicators", "targets", "tables", "rows", "cells"], 0)
    bureaus = Unit.objects.bulk_create(
        Unit(name=f"{p}省知识产权局（规模测试）", category=UnitCategory.BUREAU) for p in PROVINCES[:provinces]
    )
    counts["units"] += len(bureaus)
    needed = max(table_rows)
    for p_index, (province, bureau) in enumerate(zip(PROVINCES[:provinces], bureaus)):
        regions = Unit.objects.bulk_create(
            Unit(name=f"{province}规模测试单位{n:05d}", category=UnitCategory.REGION)
            for n in range(needed if p_index == 0 else max(table_rows[0], 50))
        )
        counts["units"] += len(regions)
        for j in range(projects_per_province):
            project = Project.objects.create(
                code=f"scale-{p_index:02d}-{j}",
                name=f"{province}专利转化专项计划（规模测试{j + 1}）",
                title=f"{province}专利转化专项计划绩效目标表",
                competent_department=bureau,
                budget_year=2022,
                target_periods=TargetPeriods.LONG_TERM_AND_ANNUAL,
                order=1000 + p_index * 10 + j,
                funding_requirement=Decimal(rng.randint(100, 9000)),
            )
            counts["projects"] += 1
            indicators, targets = _indicators(rng, project, categories)
            counts["indicators"] += indicators
            counts["targets"] += targets
            # The first province's first project holds one table of each size; others a small one.
            sizes = table_rows if (p_index == 0 and j == 0) else (table_rows[0],)
            for size in sizes:
                counts["cells"] += _table(
                    rng,
                    project,
                    categories,
                    regions[:size],
                    columns,
                    f"{province}区域绩效目标表（{size}行，规模测试{j + 1}）",
                )
                counts["tables"] += 1
                counts["rows"] += size
    return counts


def _indicators(rng, project, categories) -> tuple[int, int]:
    """Six indicators, each with a long-term and an annual target; returns how many of each."""
    indicators = Indicator.objects.bulk_create(
        Indicator(project=project, category=categories[path], name=f"{name}（{k + 1}）", order=k + 1)
        for k, (path, name, unit, kind) in enumerate(COLUMNS[:6])
    )
    targets = []
    for indicator in indicators:
        for period in (TargetPeriod.LONG_TERM, TargetPeriod.ANNUAL):
            target = Target(indicator=indicator, period=period, year=2022 if period == TargetPeriod.ANNUAL else None)
            target.set_value(tv.parse(f"{rng.randint(10, 6000)}条"))
            targets.append(target)
    Target.objects.bulk_create(targets)
    return len(indicators), len(targets)


def _table(rng, project, categories, units, columns: int, title: str) -> int:
    table = TargetTable.objects.create(
        project=project,
        title=title,
        unit_category=UnitCategory.REGION,
        start_year=2022,
        end_year=2022,
        status=TableStatus.OPEN,
    )
    defs = (COLUMNS * (columns // len(COLUMNS) + 1))[:columns]
    cols = TableColumn.objects.bulk_create(
        TableColumn(
            table=table,
            order=k + 1,
            category=categories[path],
            name=name if k < len(COLUMNS) else f"{name}{k}",
            measure_unit=unit,
            value_kind=kind,
        )
        for k, (path, name, unit, kind) in enumerate(defs)
    )
    rows = TableRow.objects.bulk_create(
        (
            TableRow(
                table=table,
                unit=u,
                seq=n + 1,
                status=rng.choice(
                    [ReviewStatus.NOT_STARTED, ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, ReviewStatus.APPROVED]
                ),
            )
            for n, u in enumerate(units)
        ),
        batch_size=2000,
    )
    batch = []
    created = 0
    for row in rows:
        for column in cols:
            cell = Cell(row=row, column=column)
            cell.set_value(column.parse(_value(rng, column.value_kind)))
            batch.append(cell)
        if len(batch) >= 20000:
            Cell.objects.bulk_create(batch, batch_size=5000)
            created += len(batch)
            batch = []
    Cell.objects.bulk_create(batch, batch_size=5000)
    return created + len(batch)
