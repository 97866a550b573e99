"""The 任务书 PDF from click to file: `python bench/pdf.py [--repeat 3]`.

A filled 任务书 (the acceptance seed's 湖北 project) is asked for as PDF the way the page does:
GET the PDF link (the job is queued and, Celery eager here, built by projects.office in the same
process), then the job's state (the page polls it every 0.8 s), then the file. Timed with the
warm converter (a unoserver started here, as the worker runs it) and with LibreOffice started
for the file (no converter configured), interleaved, the median of each. Uses a fresh SQLite
database unless DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POLL_SECONDS = 0.8  # templates/reports/export_job.html: the page asks again after this


def _agreement():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from projects.agreements.services import agreement_create
    from projects.models import Project
    from tests.projects.test_agreements import _filled
    from units.models import Membership, Role, Unit

    call_command("load_seeds", verbosity=0)
    User = get_user_model()
    admin = User.objects.create_user("pdf-admin", is_staff=True, is_superuser=True)
    Membership.objects.create(user=admin, unit=Unit.objects.get(name="湖北省知识产权局"), role=Role.ADMIN)
    filler = User.objects.create_user("pdf-filler", first_name="发展中心填报员")
    center = Unit.objects.get(name="湖北省知识产权发展中心")
    Membership.objects.create(user=filler, unit=center, role=Role.FILLER)
    project = Project.objects.get(code="hubei-2022-patent-transfer")  # the seed's (tests/conftest.py HUBEI)
    agreement = agreement_create(project=project, undertaker=center, platform_kind="sub", actor=admin)
    return _filled(agreement, filler), filler


def click_to_file(client, agreement) -> tuple[float, int]:
    from django.urls import reverse

    from reports.models import ExportJob

    started = time.perf_counter()
    assert client.get(reverse("reports:agreement_pdf", args=[agreement.pk])).status_code == 200
    job = ExportJob.objects.filter(agreement=agreement).latest("pk")
    state = client.get(reverse("reports:export_job", args=[job.pk]), {"format": "json"}).json()
    assert state["status"] == "done", state
    response = client.get(reverse("reports:export_job_download", args=[job.pk]))
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF")
    return time.perf_counter() - started, len(data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from bench.run import setup_django

    setup_django(None)
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    from projects import office
    from tests.officeserver import free_port

    setup_test_environment()
    settings.MEDIA_ROOT = tempfile.mkdtemp()
    agreement, filler = _agreement()
    client = Client()
    client.force_login(filler)
    host, port = "127.0.0.1", free_port()
    server = office.server_start(host, port, free_port())
    try:
        started = time.monotonic()
        while not office.server_ready(host, port):
            assert server.poll() is None and time.monotonic() - started < 120, "unoserver did not start"
            time.sleep(0.5)
        warm, cold, size = [], [], 0
        for _ in range(args.repeat):
            settings.UNOSERVER_HOST, settings.UNOSERVER_PORT = host, port
            seconds, size = click_to_file(client, agreement)
            warm.append(seconds)
            settings.UNOSERVER_HOST = ""
            cold.append(click_to_file(client, agreement)[0])
    finally:
        office.server_stop(server)
    result = {
        "pdf_bytes": size,
        "warm_s": [round(s, 2) for s in warm],
        "cold_s": [round(s, 2) for s in cold],
        "warm_median_s": round(statistics.median(warm), 2),
        "cold_median_s": round(statistics.median(cold), 2),
        "warm_with_one_poll_s": round(statistics.median(warm) + POLL_SECONDS, 2),
        "cold_vs_warm": round(statistics.median(cold) / statistics.median(warm), 1),
        "load_average": Path("/proc/loadavg").read_text().split()[:3],
    }
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
