"""python manage.py score_targets CASES.csv [--out FILE]: a finance officer's cases scored by the
rules that score reports (`monitoring.casebook`, `monitoring.scoring.assess`)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from monitoring import casebook
from monitoring.models import DEFAULT_GRADE_LEVELS, GradeLevel


class Command(BaseCommand):
    help = (
        "按自评评分规则为一张表打分：CSV（逗号或制表符分隔，UTF-8/GBK）须有 指标值、完成值、分值 三列，"
        "可选 方向、基数、评定、分项比例；输出同一张表并追加 得分、说明 两列"
    )

    def add_arguments(self, parser):
        parser.add_argument("cases", help="CSV 文件路径（- 为标准输入）")
        parser.add_argument("--out", help="写入此文件（.csv 或 .xlsx），默认输出 CSV 到标准输出")
        parser.add_argument("--bom", action="store_true", help="CSV 前加 UTF-8 BOM（便于 Excel 打开）")

    def handle(self, *args, cases, out=None, bom=False, **options):
        try:
            data = sys.stdin.buffer.read() if cases == "-" else Path(cases).read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取 {cases}：{exc.strerror}") from None
        try:
            levels = [(level.name, level.percent) for level in GradeLevel.in_force()]
        except DatabaseError:
            # No database yet (a finance officer checking the rules on a fresh copy): the rules' own
            # grade table, the one migration 0002 writes.
            levels = [(name, percent) for _code, name, percent, _order in DEFAULT_GRADE_LEVELS]
        try:
            table = casebook.score_table(casebook.decode(data), levels)
        except casebook.CaseError as exc:
            raise CommandError(str(exc)) from None
        if out and out.lower().endswith(".xlsx"):
            Path(out).write_bytes(casebook.to_xlsx(table))
        elif out:
            Path(out).write_text(casebook.to_csv(table, bom=bom), encoding="utf-8")
        else:
            self.stdout.write(casebook.to_csv(table, bom=bom), ending="")
