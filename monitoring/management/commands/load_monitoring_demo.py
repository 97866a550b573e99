from django.core.management.base import BaseCommand, CommandError

from monitoring.demo import monitoring_demo_load


class Command(BaseCommand):
    help = "演示用的绩效监控与自评轮次（湖北 2022）；需先运行 load_seeds 和 load_demo。生产环境不要运行。"

    def handle(self, *args, **options):
        try:
            lines = monitoring_demo_load()
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        for line in lines:
            self.stdout.write(line)
