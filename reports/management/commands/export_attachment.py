from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from monitoring.models import Round
from projects.models import Project
from reports.bundles import project_items
from reports.exporters import export_workbook, exporter_for
from units import policy


class Command(BaseCommand):
    help = "导出正式附件（Excel）：某项目的全部或指定版式，或 --all 导出每个项目的每个版式"

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", help="项目编号，如 hubei-2022-patent-transfer")
        parser.add_argument(
            "--layout",
            help="只导出该版式（attachment2、unit_table、agreement_annex、expenditure_list、transfer_secondary、rollup）",
        )
        parser.add_argument(
            "--all", action="store_true", help="导出每个项目的每个版式，每个一个 .xlsx，写入 --out 目录"
        )
        parser.add_argument("--out", required=True, help="输出文件（或 --all 时的目录）")
        parser.add_argument(
            "--as-of",
            dest="as_of",
            help="分解目标表打印各单位在该日（YYYY-MM-DD）生效的批复版本，而不是当前的值",
        )
        parser.add_argument(
            "--round",
            dest="round_id",
            type=int,
            help="指标汇总表（rollup）列出该轮次（编号）各单位的完成值；不给出时取项目最近的一轮",
        )

    def handle(self, *args, code, layout, all, out, as_of=None, round_id=None, **options):
        user = policy.system_user()  # an admin tool: the bureau's full view
        day = _day(as_of)
        if all:
            directory = Path(out)
            directory.mkdir(parents=True, exist_ok=True)
            count, seen = 0, set()
            for project in Project.objects.order_by("order", "code"):
                for exporter, obj in _dated(project_items(project, user), day):
                    if exporter.dedupe_key(obj) in seen:
                        continue  # the Guangzhou list is one sheet for all its projects
                    seen.add(exporter.dedupe_key(obj))
                    path = directory / f"{project.code}-{exporter.identifier}-{obj.pk}.xlsx"
                    _save(export_workbook([(exporter, obj)], user), path)
                    count += 1
            self.stdout.write(self.style.SUCCESS(f"已导出 {count} 个文件到 {directory}"))
            return
        if not code:
            raise CommandError("请给出项目编号，或使用 --all")
        project = Project.objects.filter(code=code).first()
        if project is None:
            raise CommandError(f"没有编号为“{code}”的项目")
        items = _dated(project_items(project, user, bundled_only=not layout), day)
        if round_id is not None:
            items = _with_round(items, _round(project, round_id))
        if layout:
            try:
                exporter_for(layout)
            except LookupError as exc:
                raise CommandError(str(exc)) from None
            items = [(e, o) for e, o in items if e.identifier == layout]
            if not items:
                raise CommandError(f"项目“{project.name}”没有“{layout}”版式的内容")
        _save(export_workbook(items, user), Path(out))
        self.stdout.write(self.style.SUCCESS(f"已导出 {len(items)} 张表到 {out}"))


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of 的日期格式不正确：“{text}”，应为 YYYY-MM-DD") from None


def _round(project: Project, round_id: int) -> Round:
    round_ = Round.objects.filter(project=project, pk=round_id).first()
    if round_ is None:
        raise CommandError(f"项目“{project.name}”没有编号为 {round_id} 的监控/自评轮次")
    return round_


def _with_round(items: list[tuple], round_: Round) -> list[tuple]:
    """The layouts that show a round's 完成值 (the roll-up) show those of `round_`."""
    return [
        (exporter.for_round(round_) if hasattr(exporter, "for_round") else exporter, obj) for exporter, obj in items
    ]


def _dated(items: list[tuple], day: date | None) -> list[tuple]:
    """With a date, the layouts that can print approved versions (the unit tables) print those of that day."""
    if day is None:
        return items
    return [(exporter.at(day) if hasattr(exporter, "at") else exporter, obj) for exporter, obj in items]


def _save(workbook, path: Path):
    # Written beside the target and renamed, so a crash never leaves half a file.
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    workbook.save(partial)
    partial.replace(path)
