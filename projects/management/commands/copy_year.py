from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from projects.copying import project_copy_year
from projects.models import Project


class Command(BaseCommand):
    help = "把项目复制到新年度（表头、资金来源、指标与目标、各目标表的列和单位），打印新项目编号"

    def add_arguments(self, parser):
        parser.add_argument("code", help="原项目编号，如 hubei-2022-patent-transfer")
        parser.add_argument("--year", type=int, required=True, help="新年度，如 2023")
        parser.add_argument("--blank", action="store_true", help="指标值留空（默认沿用上年值作为初始值）")

    def handle(self, *args, code, year, blank, **options):
        project = Project.objects.filter(code=code).first()
        if project is None:
            raise CommandError(f"没有编号为“{code}”的项目")
        try:
            copy = project_copy_year(project=project, year=year, actor=None, copy_values=not blank)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(copy.code)
