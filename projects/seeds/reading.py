"""Reading the seed documents (`fixtures/`): every file read and every entry checked first.

Two phases, as for any import: first every file is read and every entry checked,
and any problem is reported with the file and the entry that holds it; only then,
in one transaction, are the objects written. A project that already exists (same
code) is left as it is, so running the loader again duplicates nothing and never
overwrites what users have edited since; `reset=True` rebuilds the seed projects.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError

from targets import values as tv
from targets.models import (
    TableColumn,
    ValueKind,
)
from targets.rollup import parse_factor, unit_factor
from targets.write_in import is_write_in_line
from units.models import UnitCategory

from ..agreements.format_services import PRINCIPAL_FIELDS
from ..models import (
    MetricKind,
    PlatformKind,
    ProjectLevel,
    TargetPeriods,
)

FIXTURES_DIR = Path(__file__).resolve().parents[2] / "fixtures"
CATALOGUE_FILE = FIXTURES_DIR / "catalogue.yaml"
SEED_DIR = FIXTURES_DIR / "seeds"

PROJECT_TEXT_FIELDS = (
    "title",
    "leader",
    "phone",
    "address",
    "postcode",
    "fund_type",
    "money_unit",
    "expenditure_content",
    "policy_basis",
    "overall_goal",
    "long_term_goal",
    "note",
)
PROJECT_UNIT_FIELDS = ("competent_department", "provincial_department", "local_department", "budget_unit")
UNIT_TEXT_FIELDS = ("short_name", "designation", "phone", "address", "postcode", "contact_person", "email")


class SeedError(Exception):
    """A malformed seed file: says which file and which entry."""


@dataclass
class SeedSet:
    categories: list[dict] = field(default_factory=list)
    units: dict[str, dict] = field(default_factory=dict)
    projects: list[dict] = field(default_factory=list)
    agreements: list[dict] = field(default_factory=list)


class _Reader:
    """Checks one file's entries, naming each by its path in the file."""

    def __init__(self, filename: str, catalogue: dict[str, tuple[int, str | None]]):
        self.filename = filename
        self.catalogue = catalogue

    def fail(self, where: str, message: str):
        raise SeedError(f"{self.filename}: {where}: {message}")

    def text(self, entry: dict, key: str, where: str, *, required: bool = False) -> str:
        value = entry.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            self.fail(where, f"“{key}”应为文字")
        value = str(value)
        if required and not value.strip():
            self.fail(where, f"缺少“{key}”")
        return value

    def decimal(self, entry: dict, key: str, where: str) -> Decimal | None:
        value = entry.get(key, "")
        if value in ("", None):
            return None
        try:
            return tv.parse_number(str(value))
        except tv.ParseError:
            self.fail(where, f"“{key}”的值“{value}”不是数字")

    def year(self, value, where: str, key: str) -> int | None:
        if value in ("", None):
            return None
        if isinstance(value, int) and 1900 <= value <= 2200:
            return value
        self.fail(where, f"“{key}”的值“{value}”不是年份")

    def category(self, path, where: str) -> str:
        if not isinstance(path, str) or path not in self.catalogue:
            self.fail(where, f"指标类别“{path}”不在指标目录中")
        return path

    def choice(self, value, choices, where: str, key: str) -> str:
        if value not in choices.values:
            allowed = "、".join(choices.values)
            self.fail(where, f"“{key}”的值“{value}”无效（可选：{allowed}）")
        return value


def _load_yaml(path: Path):
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except yaml.YAMLError as exc:
        raise SeedError(f"{path.name}: 不是有效的 YAML：{exc}") from None
    if not isinstance(data, dict):
        raise SeedError(f"{path.name}: 文件内容应为一个映射（键: 值）")
    return data


def read_catalogue(path: Path = CATALOGUE_FILE) -> list[dict]:
    data = _load_yaml(path)
    categories = []
    for index, entry in enumerate(data.get("categories") or []):
        where = f"categories[{index}]"
        if not isinstance(entry, dict) or not entry.get("name"):
            raise SeedError(f"{path.name}: {where}: 缺少“name”")
        children = entry.get("children") or []
        if not all(isinstance(child, str) and child for child in children):
            raise SeedError(f"{path.name}: {where}: “children”应为名称列表")
        categories.append({"name": entry["name"], "children": list(children)})
    return categories


def catalogue_paths(categories: list[dict]) -> dict[str, tuple[int, str | None]]:
    paths: dict[str, tuple[int, str | None]] = {}
    for entry in categories:
        paths[entry["name"]] = (1, None)
        for child in entry["children"]:
            paths[f"{entry['name']}/{child}"] = (2, entry["name"])
    return paths


def read_seed_files(paths: list[Path] | None = None, catalogue_file: Path = CATALOGUE_FILE) -> SeedSet:
    """Phase one: read and check every file. Raises SeedError naming the file and entry."""
    paths = sorted(SEED_DIR.glob("*.yaml")) if paths is None else list(paths)
    seeds = SeedSet(categories=read_catalogue(catalogue_file))
    catalogue = catalogue_paths(seeds.categories)
    documents = [(path.name, _load_yaml(path)) for path in paths]

    # Units first, from every file, so any file may refer to a unit another defines.
    for filename, data in documents:
        reader = _Reader(filename, catalogue)
        for index, entry in enumerate(data.get("units") or []):
            where = f"units[{index}]"
            if not isinstance(entry, dict):
                reader.fail(where, "应为一个映射")
            name = reader.text(entry, "name", where, required=True)
            reader.choice(entry.get("category"), UnitCategory, where, "category")
            if name in seeds.units and seeds.units[name]["category"] != entry["category"]:
                reader.fail(where, f"单位“{name}”已以另一类别定义")
            seeds.units[name] = {
                "name": name,
                "category": entry["category"],
                **{key: reader.text(entry, key, where) for key in UNIT_TEXT_FIELDS},
            }

    project_codes: set[str] = set()
    for filename, data in documents:
        reader = _Reader(filename, catalogue)
        defaults = data.get("defaults") or {}
        for index, entry in enumerate(data.get("projects") or []):
            where = f"projects[{index}]"
            if not isinstance(entry, dict):
                reader.fail(where, "应为一个映射")
            project = _read_project(reader, {"source": data.get("source"), **defaults, **entry}, where, seeds)
            if project["code"] in project_codes:
                reader.fail(where, f"项目编号“{project['code']}”重复")
            project_codes.add(project["code"])
            seeds.projects.append(project)

    for filename, data in documents:
        reader = _Reader(filename, catalogue)
        for index, entry in enumerate(data.get("agreements") or []):
            seeds.agreements.append(_read_agreement(reader, entry, f"agreements[{index}]", seeds, project_codes))
    return seeds


def _unit_ref(reader: _Reader, seeds: SeedSet, name: str, where: str, key: str) -> str:
    if name and name not in seeds.units:
        reader.fail(where, f"“{key}”引用的单位“{name}”未在任何文件的 units 中定义")
    return name


def _read_project(reader: _Reader, entry: dict, where: str, seeds: SeedSet) -> dict:
    code = reader.text(entry, "code", where, required=True)
    project = {
        "code": code,
        "name": reader.text(entry, "name", where, required=True),
        "level": reader.choice(entry.get("level", ProjectLevel.PRIMARY), ProjectLevel, where, "level"),
        "target_periods": reader.choice(
            entry.get("target_periods", TargetPeriods.LONG_TERM_AND_ANNUAL), TargetPeriods, where, "target_periods"
        ),
        "budget_year": reader.year(entry.get("budget_year"), where, "budget_year"),
        "start_year": reader.year(entry.get("start_year"), where, "start_year"),
        "end_year": reader.year(entry.get("end_year"), where, "end_year"),
        "funding_requirement": reader.decimal(entry, "funding_requirement", where),
        "source": entry.get("source") or reader.filename,
        **{key: reader.text(entry, key, where) for key in PROJECT_TEXT_FIELDS},
    }
    project["money_unit"] = project["money_unit"] or "万元"
    for key in PROJECT_UNIT_FIELDS:
        project[key] = _unit_ref(reader, seeds, reader.text(entry, key, where), where, key)

    project["funding_sources"] = []
    for index, source in enumerate(entry.get("funding_sources") or []):
        sub = f"{where}.funding_sources[{index}]"
        project["funding_sources"].append(
            {
                "source_project": reader.text(source, "source_project", sub),
                "label": reader.text(source, "label", sub),
                "amount": reader.decimal(source, "amount", sub),
            }
        )

    long_and_annual = project["target_periods"] == TargetPeriods.LONG_TERM_AND_ANNUAL
    project["indicators"] = [
        _read_indicator(reader, item, f"{where}.indicators[{index}]", long_and_annual)
        for index, item in enumerate(entry.get("indicators") or [])
    ]

    project["tables"] = [
        _read_table(reader, table, f"{where}.tables[{index}]", seeds)
        for index, table in enumerate(entry.get("tables") or [])
    ]
    titles = [table["title"] for table in project["tables"]]
    if len(titles) != len(set(titles)):
        reader.fail(where, "目标表名称重复")
    for index, table in enumerate(entry.get("tables") or []):
        _read_rollup(reader, project, project["tables"][index], table, f"{where}.tables[{index}]")
    return project


def _read_rollup(reader: _Reader, project: dict, table: dict, entry: dict, where: str) -> None:
    """Which columns count toward which project indicator (汇总), as `links`: {column index:
    (indicator index, factor)}. A column named as an indicator counts toward it where the
    units convert by themselves (条 → 条, 万元 → 亿元); `rollup:` in the file adds the others
    ({column, indicator, factor}), the factor a multiplier or `1/10000`."""
    indicators = {item["name"]: index for index, item in enumerate(project["indicators"]) if item["name"]}
    columns = {column["name"]: index for index, column in enumerate(table["columns"]) if column["name"]}
    period = "annual" if table["start_year"] == table["end_year"] else "long_term"
    links = {}
    for name, column_index in columns.items():
        if name in indicators:
            target = (
                project["indicators"][indicators[name]][period] or project["indicators"][indicators[name]]["annual"]
            )
            factor = unit_factor(table["columns"][column_index]["measure_unit"], target.measure_unit)
            if factor is not None:
                links[column_index] = (indicators[name], factor)
    for index, item in enumerate(entry.get("rollup") or []):
        sub = f"{where}.rollup[{index}]"
        if not isinstance(item, dict):
            reader.fail(sub, "应为 {column, indicator, factor} 映射")
        column, indicator = reader.text(item, "column", sub), reader.text(item, "indicator", sub)
        if column not in columns:
            reader.fail(sub, f"目标表没有名为“{column}”的列")
        if indicator not in indicators:
            reader.fail(sub, f"项目没有名为“{indicator}”的三级指标")
        try:
            factor = parse_factor(reader.text(item, "factor", sub) or "1", f"“{column}”")
        except ValidationError as exc:
            reader.fail(sub, "；".join(exc.messages))
        links[columns[column]] = (indicators[indicator], factor)
    table["links"] = links


def _read_indicator(reader: _Reader, item, sub: str, long_and_annual: bool) -> dict:
    """One 三级指标: a mapping, or the short form [指标类别, 三级指标, 指标值]."""
    if isinstance(item, list):
        if len(item) != 3:
            reader.fail(sub, "应为 [指标类别, 三级指标, 指标值] 三项")
        item = {"category": item[0], "name": item[1], "annual": item[2]}
    if not isinstance(item, dict):
        reader.fail(sub, "应为一个映射或列表")
    indicator = {
        "category": reader.category(item.get("category"), sub),
        "name": reader.text(item, "name", sub),
        "basis": reader.text(item, "basis", sub),
        "annual": tv.parse(reader.text(item, "annual", sub)),
        "long_term": None,
    }
    if long_and_annual:
        if "long_term" not in item or "annual" not in item:
            # The seed's 注: long-term and annual targets correspond one to one.
            reader.fail(sub, f"“{indicator['name']}”须同时有长期目标（long_term）和年度目标（annual）")
        indicator["long_term"] = tv.parse(reader.text(item, "long_term", sub))
    elif "long_term" in item:
        reader.fail(sub, "该项目只填年度目标（target_periods: annual_only），不应有 long_term")
    long_term = indicator["long_term"].raw if indicator["long_term"] else ""
    # The form's blank lines (“... ..”, “指标7: ....”) are rows for the department's own indicators.
    indicator["write_in"] = is_write_in_line(indicator["name"], indicator["annual"].raw, long_term)
    if indicator["write_in"]:
        indicator["name"] = ""
    return indicator


def _read_table(reader: _Reader, entry: dict, where: str, seeds: SeedSet) -> dict:
    years = entry.get("years")
    if not (isinstance(years, list) and len(years) == 2):
        reader.fail(where, "“years”应为 [起始年, 结束年]")
    start, end = (reader.year(year, where, "years") for year in years)
    if start is None or end is None or start > end:
        reader.fail(where, f"“years”的值 {years} 无效")
    table = {
        "title": reader.text(entry, "title", where, required=True),
        "unit_category": reader.choice(entry.get("unit_category"), UnitCategory, where, "unit_category"),
        "start_year": start,
        "end_year": end,
        "columns": [],
        "rows": [],
    }
    for index, column in enumerate(entry.get("columns") or []):
        sub = f"{where}.columns[{index}]"
        if not (isinstance(column, list) and len(column) == 4):
            reader.fail(sub, "应为 [指标类别, 三级指标, 计量单位, 值类型] 四项")
        path, name, unit, kind = column
        table["columns"].append(
            {
                "category": reader.category(path, sub),
                "name": str(name or ""),
                "measure_unit": str(unit or ""),
                "value_kind": reader.choice(kind, ValueKind, sub, "值类型"),
            }
        )
    checkers = [
        TableColumn(name=c["name"], measure_unit=c["measure_unit"], value_kind=c["value_kind"])
        for c in table["columns"]
    ]
    seen_units: set[str] = set()
    for index, row in enumerate(entry.get("rows") or []):
        sub = f"{where}.rows[{index}]"
        if isinstance(row, list):
            row = {"unit": row[0] if row else "", "cells": row[1:]}
        if not isinstance(row, dict):
            reader.fail(sub, "应为一个列表或映射")
        unit = _unit_ref(reader, seeds, reader.text(row, "unit", sub, required=True), sub, "unit")
        if seeds.units[unit]["category"] != table["unit_category"]:
            reader.fail(sub, f"单位“{unit}”的类别与目标表的单位类别“{table['unit_category']}”不符")
        if unit in seen_units:
            reader.fail(sub, f"单位“{unit}”在同一目标表中出现两次")
        seen_units.add(unit)
        raw_cells = row.get("cells") or []
        narrative = reader.text(row, "narrative", sub)
        if raw_cells and len(raw_cells) != len(checkers):
            reader.fail(sub, f"有 {len(raw_cells)} 个值，目标表有 {len(checkers)} 列")
        cells = []
        for column_index, (checker, raw) in enumerate(zip(checkers, raw_cells)):
            try:
                cells.append(checker.parse("" if raw is None else str(raw)))
            except ValidationError as exc:
                reader.fail(f"{sub} 第{column_index + 1}列", "；".join(exc.messages))
        table["rows"].append(
            {"unit": unit, "cells": cells, "narrative": narrative, "funding": reader.decimal(row, "funding", sub)}
        )
    return table


def _read_agreement(reader: _Reader, entry: dict, where: str, seeds: SeedSet, project_codes: set[str]) -> dict:
    project = reader.text(entry, "project", where, required=True)
    if project not in project_codes:
        reader.fail(where, f"项目“{project}”未定义")
    period = entry.get("period") or {}
    try:
        start = datetime.datetime.strptime(str(period.get("start")), "%Y-%m")
        end = datetime.datetime.strptime(str(period.get("end")), "%Y-%m")
    except ValueError:
        reader.fail(where, "“period”应为 {start: YYYY-MM, end: YYYY-MM}")
    if start > end:
        reader.fail(where, "项目期限的开始晚于结束")
    issued_on = entry.get("issued_on")
    if issued_on not in (None, "") and not isinstance(issued_on, datetime.date):
        reader.fail(where, f"“issued_on”的值“{issued_on}”不是日期")
    agreement = {
        "project": project,
        "title": reader.text(entry, "title", where, required=True),
        "code": reader.text(entry, "code", where),
        "platform_kind": reader.choice(
            entry.get("platform_kind", PlatformKind.SUB), PlatformKind, where, "platform_kind"
        ),
        "principal": _unit_ref(
            reader, seeds, reader.text(entry, "principal", where, required=True), where, "principal"
        ),
        "start_year": start.year,
        "start_month": start.month,
        "end_year": end.year,
        "end_month": end.month,
        "issued_by": reader.text(entry, "issued_by", where),
        "issued_on": issued_on or None,
        "metrics": [],
    }
    for key in PRINCIPAL_FIELDS:
        agreement[key] = reader.text(entry, key, where)
    for index, metric in enumerate(entry.get("annex_metrics") or []):
        sub = f"{where}.annex_metrics[{index}]"
        agreement["metrics"].append(
            {
                "group": reader.text(metric, "group", sub),
                "name": reader.text(metric, "name", sub, required=True),
                "measure_unit": reader.text(metric, "unit", sub),
                "kind": reader.choice(metric.get("kind"), MetricKind, sub, "kind"),
            }
        )
    return agreement
