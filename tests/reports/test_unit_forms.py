"""每个单位的自评表: one .zip with one 自评表 per unit report of a round, built as an export job
(progress per form, the permission asked again in the worker, the file through the job's view),
with a number of queries per form that does not grow with the number of units."""

import zipfile
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from monitoring import selectors as monitoring_selectors
from monitoring.models import Report, RoundKind
from monitoring.services import round_open
from reports.bundles import report_filename
from reports.models import ExportJob
from reports.services import export_job_run
from targets.models import ReviewStatus, TableRow

pytestmark = pytest.mark.django_db


def _open_round(hubei, admin_user, units: int, day: int):
    """A 自评 round of Hubei with the first `units` rows of the 市州 table approved."""
    rows = TableRow.objects.filter(table__project=hubei, table__title__contains="市州类").order_by("seq")
    TableRow.objects.filter(pk__in=list(rows.values_list("pk", flat=True)[:units])).update(
        status=ReviewStatus.APPROVED, funding=Decimal("100")
    )
    return round_open(
        project=hubei,
        kind=RoundKind.SELF_EVALUATION,
        reference_date=date(2022, 12, day),
        deadline=None,
        lag_threshold=Decimal("10"),
        actor=admin_user,
    )


@pytest.fixture
def three_units(hubei, admin_user):
    return _open_round(hubei, admin_user, 3, 31)


def test_the_zip_holds_one_self_evaluation_per_unit_report_with_progress(
    client, admin_user, three_units, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(admin_user)
    assert (
        reverse("reports:export_round_forms", args=[three_units.pk])
        in client.get(reverse("monitoring:round", args=[three_units.pk])).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:export_round_forms", args=[three_units.pk]))
    status = client.get(response.url, {"format": "json"}).json()
    progress = {k: status[k] for k in ("status", "status_label", "percent", "done", "total", "error")}
    assert progress == {"status": "done", "status_label": "已完成", "percent": 100, "done": 3, "total": 3, "error": ""}
    assert status["download_name"] == f"{three_units.project.name}-{three_units}-各单位自评表.zip"
    download = client.get(response.url + "download/")
    assert download["Content-Type"] == "application/zip"
    assert "2022%E5%B9%B4" in download["Content-Disposition"]  # 湖北…-2022年各单位自评表.zip
    archive = zipfile.ZipFile(BytesIO(b"".join(download.streaming_content)))
    reports = Report.objects.filter(round=three_units, unit__isnull=False).select_related("round__project", "unit")
    assert sorted(archive.namelist()) == sorted(report_filename(r) for r in reports)
    assert len(archive.namelist()) == 3  # the project's own report is not a unit's
    wuhan_name = next(n for n in archive.namelist() if "武汉市" in n)
    ws = load_workbook(BytesIO(archive.read(wuhan_name))).active
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value not in (None, "")]
    assert texts[0] == "项目支出绩效自评表" and "武汉市" in texts
    assert "收集中小微企业专利技术需求（条）" in texts and "一级指标" in texts
    assert not list((tmp_path / "exports").glob("*.partial"))


def test_a_second_click_shows_the_waiting_job(client, reviewer, three_units):
    client.force_login(reviewer)
    url = reverse("reports:export_round_forms", args=[three_units.pk])
    first, second = client.post(url), client.post(url)  # no worker ran: the first job still waits
    assert first.status_code == 302 and first.url == second.url
    assert ExportJob.objects.filter(round=three_units).count() == 1
    page = client.get(first.url).content.decode()
    assert "每个单位的自评表" in page and reverse("monitoring:round", args=[three_units.pk]) in page


def test_a_unit_filler_cannot_start_it_nor_see_the_button(client, wuhan, three_units):
    client.force_login(wuhan)
    assert client.post(reverse("reports:export_round_forms", args=[three_units.pk])).status_code == 404
    assert client.get(reverse("monitoring:round", args=[three_units.pk])).status_code == 404
    assert not ExportJob.objects.exists()


def test_the_worker_asks_the_policy_again_and_refuses_who_may_no_longer_see_the_round(
    wuhan, three_units, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    # As if the requester had lost their place in the bureau between the click and the worker.
    job = ExportJob.objects.create(project=three_units.project, owner=wuhan, round=three_units)
    job = export_job_run(job_id=job.pk)
    assert job.status == "failed" and job.error == "您已无权导出该轮次的报告" and not job.file
    assert not (tmp_path / "exports").exists() or not list((tmp_path / "exports").iterdir())


# Pinned: one form is the report refetched, its values, its budget lines, its evidence, its last
# review, its history and the job's progress; the job itself a fixed few around them.
QUERIES_PER_FORM = 7


def _job_queries(round_, owner) -> int:
    job = ExportJob.objects.create(project=round_.project, owner=owner, round=round_)
    with CaptureQueriesContext(connection) as queries:
        assert export_job_run(job_id=job.pk).status == "done"
    return len(queries)


def test_the_queries_per_unit_form_are_constant_and_the_weights_read_once(
    hubei, admin_user, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = str(tmp_path)
    small = _open_round(hubei, admin_user, 2, 30)
    large = _open_round(hubei, admin_user, 6, 31)
    assert Report.objects.filter(round=large, unit__isnull=False).count() == 6
    reads = []
    original = monitoring_selectors.weight_groups
    monkeypatch.setattr(monitoring_selectors, "weight_groups", lambda r: reads.append(r.pk) or original(r))
    n, three_n = _job_queries(small, admin_user), _job_queries(large, admin_user)
    assert three_n - n == 4 * QUERIES_PER_FORM, (n, three_n)
    assert n - 2 * QUERIES_PER_FORM == three_n - 6 * QUERIES_PER_FORM  # the same fixed part around them
    assert reads == [small.pk, large.pk]  # once per job, not once per form
