from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects.seeds import SeedError, read_seed_files, seeds_load


class Command(BaseCommand):
    help = "载入 fixtures/ 中的四份种子文件（可重复运行，不会重复创建）"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="只载入这些文件（默认 fixtures/seeds/*.yaml）")
        parser.add_argument("--reset", action="store_true", help="删除并按文件重建种子项目（会丢失对这些项目的修改）")

    def handle(self, *args, files, reset, **options):
        try:
            seeds = read_seed_files([Path(f) for f in files] if files else None)
        except SeedError as exc:
            raise CommandError(f"种子文件有误，未载入任何数据：{exc}") from None
        report = seeds_load(seeds, reset=reset)
        if report.created:
            created = "，".join(f"{label} {count}" for label, count in report.created.items() if count)
            self.stdout.write(self.style.SUCCESS(f"已创建：{created or '无'}"))
        if report.kept:
            self.stdout.write(f"已存在，未改动的项目：{len(report.kept)} 个（用 --reset 重建）")
