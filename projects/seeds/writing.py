"""Writing the checked seed documents, in one transaction (see `reading` for the checks)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from targets.models import (
    Cell,
    Indicator,
    IndicatorCategory,
    TableColumn,
    TableRow,
    Target,
    TargetPeriod,
    TargetTable,
)
from units.models import Unit

from ..models import (
    Agreement,
    AgreementMetric,
    FundingSource,
    Project,
)
from .reading import PROJECT_TEXT_FIELDS, PROJECT_UNIT_FIELDS, SeedSet


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)

    def add(self, label: str, count: int = 1):
        self.created[label] = self.created.get(label, 0) + count


@transaction.atomic
def seeds_load(seeds: SeedSet, *, reset: bool = False) -> LoadReport:
    """Phase two: write what phase one checked, in one transaction."""
    report = LoadReport()
    categories = write_catalogue(seeds.categories, report)
    units = {}
    for name, data in seeds.units.items():
        unit, created = Unit.objects.get_or_create(name=name, defaults={k: v for k, v in data.items() if k != "name"})
        units[name] = unit
        if created:
            report.add("单位")
    units_order(list(units.values()))

    existing = {p.code: p for p in Project.objects.filter(code__in=[p["code"] for p in seeds.projects])}
    if reset and existing:
        # Rebuild from the files: remove the seed projects and everything under them.
        Agreement.objects.filter(project__in=existing.values()).delete()
        Project.objects.filter(pk__in=[p.pk for p in existing.values()]).delete()
        existing = {}
    projects = dict(existing)
    for order, data in enumerate(seeds.projects):
        if data["code"] in existing:
            report.kept.append(data["code"])
            continue
        projects[data["code"]] = _write_project(data, order, units, categories, report)

    for data in seeds.agreements:
        project = projects[data["project"]]
        if Agreement.objects.filter(project=project, title=data["title"]).exists():
            continue
        fields = {k: v for k, v in data.items() if k not in ("project", "principal", "metrics")}
        agreement = Agreement.objects.create(project=project, principal=units[data["principal"]], **fields)
        AgreementMetric.objects.bulk_create(
            AgreementMetric(agreement=agreement, order=index + 1, **metric)
            for index, metric in enumerate(data["metrics"])
        )
        report.add("任务书")
        report.add("附表指标", len(data["metrics"]))
    return report


def units_order(units: list[Unit]) -> None:
    """The official order is the seed files' order (武汉市, 宜昌市, 襄阳市 …): given to a unit that has
    none yet (order 0), so loading again changes nothing and keeps an order set by hand since."""
    unset = []
    for position, unit in enumerate(units, start=1):
        if unit.order == 0:
            unit.order = position
            unset.append(unit)
    Unit.objects.bulk_update(unset, ["order"])


def write_catalogue(categories: list[dict], report: LoadReport) -> dict[str, IndicatorCategory]:
    result = {}
    for order, entry in enumerate(categories):
        parent, created = IndicatorCategory.objects.get_or_create(
            level=1, name=entry["name"], defaults={"order": order}
        )
        report.add("指标类别", int(created))
        result[parent.name] = parent
        for child_order, child_name in enumerate(entry["children"]):
            child, created = IndicatorCategory.objects.get_or_create(
                level=2, parent=parent, name=child_name, defaults={"order": child_order}
            )
            report.add("指标类别", int(created))
            result[f"{parent.name}/{child.name}"] = child
    return result


def _write_project(data: dict, order: int, units: dict, categories: dict, report: LoadReport) -> Project:
    fields = {key: data[key] for key in (*PROJECT_TEXT_FIELDS, "name", "level", "target_periods", "source")}
    for key in ("budget_year", "start_year", "end_year", "funding_requirement"):
        fields[key] = data[key]
    for key in PROJECT_UNIT_FIELDS:
        fields[key] = units[data[key]] if data[key] else None
    project = Project.objects.create(code=data["code"], order=order, **fields)
    report.add("项目")

    FundingSource.objects.bulk_create(
        FundingSource(project=project, order=index + 1, **source)
        for index, source in enumerate(data["funding_sources"])
    )
    indicators = _write_indicators(project, data, categories, report)

    for table_order, table_data in enumerate(data["tables"]):
        _write_table(project, table_data, table_order + 1, units, categories, indicators, report)
    return project


def _write_indicators(project: Project, data: dict, categories: dict, report: LoadReport) -> list[Indicator]:
    """The project's 三级指标 with their annual (and long-term) targets."""
    indicators = Indicator.objects.bulk_create(
        Indicator(
            project=project,
            category=categories[item["category"]],
            name=item["name"],
            basis=item["basis"],
            write_in=item["write_in"],
            order=index + 1,
        )
        for index, item in enumerate(data["indicators"])
    )
    targets = []
    for indicator, item in zip(indicators, data["indicators"]):
        annual = Target(indicator=indicator, period=TargetPeriod.ANNUAL, year=data["budget_year"])
        annual.set_value(item["annual"])
        targets.append(annual)
        if item["long_term"] is not None:
            long_term = Target(indicator=indicator, period=TargetPeriod.LONG_TERM)
            long_term.set_value(item["long_term"])
            targets.append(long_term)
    Target.objects.bulk_create(targets)
    report.add("三级指标", len(indicators))
    report.add("绩效目标", len(targets))
    return indicators


def _write_table(
    project: Project, table_data: dict, order: int, units: dict, categories: dict, indicators: list, report
) -> None:
    """One 分解目标表 with its columns (and the indicators they count toward), unit rows and cells."""
    links = table_data.get("links", {})
    table = TargetTable.objects.create(
        project=project,
        title=table_data["title"],
        unit_category=table_data["unit_category"],
        start_year=table_data["start_year"],
        end_year=table_data["end_year"],
        order=order,
    )
    columns = TableColumn.objects.bulk_create(
        TableColumn(
            table=table,
            order=index + 1,
            category=categories[c["category"]],
            name=c["name"],
            measure_unit=c["measure_unit"],
            value_kind=c["value_kind"],
            indicator=indicators[links[index][0]] if index in links else None,
            rollup_factor=links[index][1] if index in links else 1,
        )
        for index, c in enumerate(table_data["columns"])
    )
    rows = TableRow.objects.bulk_create(
        TableRow(table=table, unit=units[r["unit"]], seq=index + 1, narrative=r["narrative"], funding=r["funding"])
        for index, r in enumerate(table_data["rows"])
    )
    cells = []
    for row, row_data in zip(rows, table_data["rows"]):
        for column, value in zip(columns, row_data["cells"]):
            cell = Cell(row=row, column=column)
            cell.set_value(value)
            cells.append(cell)
    Cell.objects.bulk_create(cells)
    report.add("分解目标表")
    report.add("目标表列", len(columns))
    report.add("单位填报行", len(rows))
    report.add("单元格", len(cells))
