"""`python manage.py create_api_token <username> [--name NAME]`: prints a new token once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.services import api_token_create


class Command(BaseCommand):
    help = "为用户创建接口令牌；令牌只打印这一次（库中只存其摘要）"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="命令行创建", help="令牌名称")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有找到用户“{username}”（或已停用）")
        _token, text = api_token_create(user=user, name=name)
        self.stdout.write(text)
