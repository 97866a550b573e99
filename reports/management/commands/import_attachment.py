from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects.models import Project
from reports.import_services import import_preview
from reports.importers import plan_apply
from units import policy


class Command(BaseCommand):
    help = "导入正式版式的 Excel/Word 文件：先显示预览（新建/修改/不变/错误），无错误时写入（--dry-run 只预览）"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--project", help="项目编号（Word 文件中的表格没有表名时需要）")
        parser.add_argument("--dry-run", action="store_true", help="只预览，不写入")

    def handle(self, *args, file, project, dry_run, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件不存在：{file}")
        owner = None
        if project:
            owner = Project.objects.filter(code=project).first()
            if owner is None:
                raise CommandError(f"没有编号为“{project}”的项目")
        user = policy.system_user()
        plan = import_preview(name=path.name, data=path.read_bytes(), user=user, project=owner)
        for change in plan.changes:
            self.stdout.write(
                f"  {'新建' if change.created else '修改'} {change.label}：{change.before or '（空）'} → {change.after or '（空）'}"
            )
        for conflict in plan.conflicts:
            # Confirmed one by one on the import page only: the command line never overwrites them.
            self.stdout.write(
                f"  冲突（不写入，请在网页导入中逐项确认） {conflict.label}：系统中为 {conflict.current or '（空）'}，"
                f"文件中为 {conflict.incoming or '（空）'}（导出后已被他人修改）"
            )
        for warning in plan.warnings:
            self.stdout.write(f"  提示 {warning}")
        for error in plan.errors:
            self.stderr.write(f"  错误 {error}")
        self.stdout.write(plan.summary())
        if plan.errors:
            raise CommandError("文件有错误，未导入任何数据")
        if dry_run:
            self.stdout.write("（--dry-run：未写入）")
            return
        # Applied by the system, outside any user: the audit log records no actor.
        plan_apply(plan, actor=None)
        self.stdout.write(self.style.SUCCESS("已导入"))
