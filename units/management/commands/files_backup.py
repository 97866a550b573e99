from django.core.management.base import BaseCommand

from units.backup import files_backup


class Command(BaseCommand):
    help = "把上传和导出的文件（经 Django 存储：本地目录或 S3）写入一个 tar 备份；数据库另用 pg_dump 备份。"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="备份文件路径（.tar）")

    def handle(self, *args, archive, **options):
        count = files_backup(archive)
        self.stdout.write(f"已备份 {count} 个文件到 {archive}")
