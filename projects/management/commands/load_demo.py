from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from projects.demo import DEMO_PASSWORD, demo_accounts_load

FORCE = "--i-know-this-is-not-production"
REFUSED = (
    f"load_demo 会创建超级用户 admin 等演示账号，密码（{DEMO_PASSWORD}）是公开的：DEBUG 关闭（生产配置）时拒绝运行。"
    f"确是演示或测试环境，请加 {FORCE} 再运行。\n"
    f"load_demo creates a superuser 'admin' and other demo accounts with a published password "
    f"({DEMO_PASSWORD}); it refuses to run with DEBUG off (production settings). "
    f"If this is a demo or test site, run it again with {FORCE}."
)


class Command(BaseCommand):
    help = f"创建演示账号（密码均为 {DEMO_PASSWORD}）；需先运行 load_seeds。DEBUG 关闭时须加 {FORCE}。"

    def add_arguments(self, parser):
        parser.add_argument(FORCE, dest="force", action="store_true", help="DEBUG 关闭时仍然运行（仅限演示、测试环境）")

    def handle(self, *args, **options):
        # Demo accounts with a published password on a production site are an open door.
        if not settings.DEBUG and not options["force"]:
            raise CommandError(REFUSED)
        try:
            accounts = demo_accounts_load()
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("演示账号（密码均为 %s）：" % DEMO_PASSWORD)
        for username, description in accounts:
            self.stdout.write(f"  {username:<10} {description}")
        # The monitoring and 自评 rounds (monitoring is above projects in the layers: by name).
        call_command("load_monitoring_demo", stdout=self.stdout)
