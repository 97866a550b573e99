from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from projects.demo import DEMO_PASSWORD, demo_accounts_load


class Command(BaseCommand):
    help = "创建演示账号（密码均为 demo-pass-2022）；需先运行 load_seeds。生产环境不要运行。"

    def handle(self, *args, **options):
        try:
            accounts = demo_accounts_load()
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("演示账号（密码均为 %s）：" % DEMO_PASSWORD)
        for username, description in accounts:
            self.stdout.write(f"  {username:<10} {description}")
        # The monitoring and 自评 rounds (monitoring is above projects in the layers: by name).
        call_command("load_monitoring_demo", stdout=self.stdout)
