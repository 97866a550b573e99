"""`manage.py office_server`: the warm PDF converter in the foreground — unoserver on this machine's
LibreOffice, at UNOSERVER_HOST:UNOSERVER_PORT (or --host/--port), until stopped."""

import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from projects.office import server_start, server_stop


class Command(BaseCommand):
    help = "Run unoserver (a warm LibreOffice) for the PDF exports"

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.UNOSERVER_HOST or "127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.UNOSERVER_PORT)

    def handle(self, *args, host, port, **options):
        process = server_start(host, port, port - 1, log=self.stdout._out)
        if process is None:
            raise CommandError("没有可用的 LibreOffice（需要 soffice 与 python3-uno）")
        signal.signal(signal.SIGTERM, lambda *_: server_stop(process))
        self.stdout.write(f"unoserver on {host}:{port} (LibreOffice on port {port - 1})")
        try:
            process.wait()
        except KeyboardInterrupt:
            server_stop(process)
