from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from monitoring.models import Report, RoundKind
from projects.models import Project
from reports.bundles import report_filename
from reports.exporters import export_workbook, exporter_for
from reports.unit_forms import form_exporter
from units import policy


class Command(BaseCommand):
    help = "导出项目支出绩效自评表（Excel）：项目本级的自评表，--unit 某单位的，或 --all-units 每个单位一个文件"

    def add_arguments(self, parser):
        parser.add_argument("code", help="项目编号，如 hubei-2022-patent-transfer")
        parser.add_argument("--year", type=int, required=True, help="自评年度，如 2022")
        parser.add_argument("--unit", help="单位名称（不给：项目本级的自评表）")
        parser.add_argument("--all-units", action="store_true", help="每个单位一个文件，写入 --out 目录")
        parser.add_argument("--out", required=True, help="输出文件（或 --all-units 时的目录）")

    def handle(self, *args, code, year, unit, all_units, out, **options):
        user = policy.system_user()  # an admin tool: the bureau's full view
        project = Project.objects.filter(code=code).first()
        if project is None:
            raise CommandError(f"没有编号为“{code}”的项目")
        reports = Report.objects.filter(
            round__project=project, round__kind=RoundKind.SELF_EVALUATION, round__year=year
        ).select_related("round__project", "unit")
        reports = list(reports.order_by("-round__reference_date", "unit__category", "unit__name"))
        if not reports:
            raise CommandError(f"项目“{project.name}”{year}年没有自评")
        latest = reports[0].round_id
        reports = [r for r in reports if r.round_id == latest]
        exporter = exporter_for("self_evaluation")
        if all_units:
            directory = Path(out)
            directory.mkdir(parents=True, exist_ok=True)
            units = [r for r in reports if r.unit_id]
            exporter = form_exporter(reports[0].round)  # the round's weights read once, not per unit
            for report in units:
                _save(export_workbook([(exporter, report)], user, small=True), directory / report_filename(report))
            self.stdout.write(self.style.SUCCESS(f"已导出 {len(units)} 个单位的自评表到 {directory}"))
            return
        if unit:
            chosen = next((r for r in reports if r.unit_id and unit in (r.unit.name, r.unit.short_name)), None)
            if chosen is None:
                raise CommandError(f"单位“{unit}”在该项目{year}年的自评中没有报告")
        else:
            chosen = next((r for r in reports if r.unit_id is None), None)
            if chosen is None:
                raise CommandError("该自评没有项目本级的报告")
        _save(export_workbook([(exporter, chosen)], user), Path(out))
        self.stdout.write(self.style.SUCCESS(f"已导出{chosen.owner_label}的自评表到 {out}"))


def _save(workbook, path: Path):
    # Written beside the target and renamed, so a crash never leaves half a file.
    partial = path.with_name(path.name + ".part")
    workbook.save(partial)
    partial.replace(path)
