import time

from django.core.management.base import BaseCommand, CommandError

from reports.scale import generate_scale


class Command(BaseCommand):
    help = "生成全国规模的测试数据（31 个省、每省若干项目、最大 10,000 行的分解目标表），由种子决定，可复现"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument("--provinces", type=int, default=31)
        parser.add_argument("--projects", type=int, default=3, help="每省项目数")
        parser.add_argument("--rows", default="16,1000,10000", help="大表的行数，逗号分隔")
        parser.add_argument("--columns", type=int, default=10)

    def handle(self, *args, seed, provinces, projects, rows, columns, **options):
        started = time.perf_counter()
        try:
            counts = generate_scale(
                seed=seed,
                provinces=provinces,
                projects_per_province=projects,
                table_rows=tuple(int(r) for r in rows.split(",")),
                columns=columns,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        summary = "，".join(f"{k} {v}" for k, v in counts.items())
        self.stdout.write(self.style.SUCCESS(f"已生成：{summary}（{time.perf_counter() - started:.0f} 秒）"))
