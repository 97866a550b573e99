from django.core.management.base import BaseCommand, CommandError

from units.backup import RestoreRefused, files_missing, files_restore


class Command(BaseCommand):
    help = "把 files_backup 的 tar 备份恢复到（空的）存储，再核对数据库引用的文件是否都在；先用 pg_restore 恢复数据库。"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="files_backup 写出的备份文件路径（.tar）")

    def handle(self, *args, archive, **options):
        try:
            count = files_restore(archive)
        except RestoreRefused as exc:
            raise CommandError(f"未恢复任何文件：{exc}") from None
        self.stdout.write(f"已恢复 {count} 个文件")
        missing = files_missing()
        if missing:
            raise CommandError(f"数据库引用的文件有 {len(missing)} 个不在存储中，如：{'、'.join(missing[:5])}")
        self.stdout.write("数据库引用的文件都在存储中")
