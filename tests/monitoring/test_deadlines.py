"""A round's deadline holds as a table's does: after it a unit's report is neither saved nor
submitted (page, API, evidence, offline import); the bureau may still save on the unit's behalf but
not submit; the project's reviewers and admins extend it on the round page (audited, units told)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from monitoring.models import Evidence, Report, Round
from monitoring.services import report_save, report_submit
from reports.import_services import import_preview
from review.engine import ReviewStatus, TransitionRefused
from tests.api.conftest import token_client
from units.models import AuditEntry, Notification

from .conftest import fill
from .test_reports import ON_TRACK, _save

pytestmark = pytest.mark.django_db


def _deadline(round_, **delta):
    Round.objects.filter(pk=round_.pk).update(deadline=timezone.now() + timedelta(**delta))


@pytest.fixture
def filled(wuhan_report, wuhan):
    _save(wuhan_report, wuhan, ON_TRACK, budget={"executed": Decimal("80")})
    return Report.objects.get(pk=wuhan_report.pk)


def test_before_the_deadline_the_unit_saves_and_submits(filled, wuhan, monitoring_round):
    _deadline(monitoring_round, hours=1)
    assert report_submit(report_id=filled.pk, actor=wuhan).status == ReviewStatus.SUBMITTED


def test_after_the_deadline_the_unit_can_neither_save_nor_submit(filled, wuhan, monitoring_round):
    _deadline(monitoring_round, minutes=-1)
    with pytest.raises(TransitionRefused, match="已过本轮截止时间.*不能保存"):
        report_save(
            report_id=filled.pk,
            expected_version=filled.version,
            actor=wuhan,
            values=fill(filled, {"专利质押项目数": "95"}),
        )
    with pytest.raises(TransitionRefused, match="已过本轮截止时间.*不能提交"):
        report_submit(report_id=filled.pk, actor=wuhan)
    report = Report.objects.get(pk=filled.pk)
    assert report.status == filled.status and report.version == filled.version


def test_after_the_deadline_the_pages_say_so_and_refuse_with_400(client, filled, wuhan, monitoring_round):
    _deadline(monitoring_round, minutes=-1)
    client.force_login(wuhan)
    page = client.get(reverse("monitoring:report", args=[filled.pk]))
    body = page.content.decode()
    assert "已过截止时间" in body and 'id="save"' not in body and 'id="submit"' not in body
    response = client.post(
        reverse("monitoring:report_save", args=[filled.pk]), {"version": filled.version, "executed-current": "90"}
    )
    assert response.status_code == 400 and "已过本轮截止时间" in response.content.decode()
    response = client.post(reverse("monitoring:report_submit", args=[filled.pk]), follow=True)
    assert "已过本轮截止时间" in response.content.decode()
    report = Report.objects.get(pk=filled.pk)
    assert report.budget.total.executed == Decimal("80") and report.status != ReviewStatus.SUBMITTED


def test_after_the_deadline_the_api_answers_409(filled, wuhan, monitoring_round):
    _deadline(monitoring_round, minutes=-1)
    api = token_client(wuhan)
    response = api.patch(
        f"/api/v1/reports/{filled.pk}/", {"version": filled.version, "conclusion": "迟"}, format="json"
    )
    assert response.status_code == 409 and "已过本轮截止时间" in response.json()["detail"]
    response = api.post(f"/api/v1/reports/{filled.pk}/submit/")
    assert response.status_code == 409
    assert Report.objects.get(pk=filled.pk).status != ReviewStatus.SUBMITTED


def test_after_the_deadline_no_evidence_is_added(client, filled, wuhan, monitoring_round, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    _deadline(monitoring_round, minutes=-1)
    client.force_login(wuhan)
    upload = SimpleUploadedFile("报告.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = client.post(reverse("monitoring:evidence_upload", args=[filled.pk]), {"file": upload})
    assert response.status_code == 400 and "已过本轮截止时间" in response.content.decode()
    assert not Evidence.objects.exists()


def test_after_the_deadline_an_offline_form_is_refused_at_preview(client, wuhan_evaluation, wuhan, evaluation_round):
    from .test_offline import _export, _filled

    data = _filled(_export(client, wuhan, wuhan_evaluation))
    _deadline(evaluation_round, minutes=-1)
    plan = import_preview(name="自评表.xlsx", data=data, user=wuhan)
    assert not plan.ok and any("已过本轮截止时间" in str(e) for e in plan.errors), plan.errors


def test_the_bureau_saves_on_the_units_behalf_after_the_deadline_but_does_not_submit(
    filled, reviewer, monitoring_round
):
    _deadline(monitoring_round, minutes=-1)
    _save(filled, reviewer, {"专利质押项目数": "95"})
    assert Report.objects.get(pk=filled.pk).values.get(label="专利质押项目数").raw == "95"
    with pytest.raises(TransitionRefused):
        report_submit(report_id=filled.pk, actor=reviewer)


def test_the_reviewer_extends_the_deadline_on_the_round_page_audited_and_the_unit_told(
    client, filled, wuhan, reviewer, monitoring_round
):
    _deadline(monitoring_round, minutes=-1)
    client.force_login(reviewer)
    page = client.get(reverse("monitoring:round", args=[monitoring_round.pk])).content.decode()
    assert 'id="round-deadline"' in page
    later = timezone.localtime() + timedelta(days=3)
    response = client.post(
        reverse("monitoring:round_deadline", args=[monitoring_round.pk]), {"deadline": later.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 302
    round_ = Round.objects.get(pk=monitoring_round.pk)
    assert timezone.localtime(round_.deadline).strftime("%Y-%m-%d %H:%M") == later.strftime("%Y-%m-%d %H:%M")
    entry = AuditEntry.objects.get(action="monitoring.round.deadline_changed")
    assert entry.actor == reviewer and entry.after == {"deadline": later.strftime("%Y-%m-%d %H:%M")}
    assert Notification.objects.filter(recipient=wuhan, title__contains="截止时间已改为").exists()
    assert report_submit(report_id=filled.pk, actor=wuhan).status == ReviewStatus.SUBMITTED


@pytest.mark.parametrize("value", ["2020-01-01T00:00", "1999-12-31T00:00", "明天"])
def test_a_deadline_in_the_past_or_unreadable_is_refused_and_nothing_changes(client, monitoring_round, reviewer, value):
    client.force_login(reviewer)
    response = client.post(reverse("monitoring:round_deadline", args=[monitoring_round.pk]), {"deadline": value})
    assert response.status_code == 400 and "截止时间未修改" in response.content.decode()
    assert Round.objects.get(pk=monitoring_round.pk).deadline is None
    assert not AuditEntry.objects.filter(action="monitoring.round.deadline_changed").exists()


def test_only_the_projects_reviewers_and_admins_change_the_deadline(client, monitoring_round, wuhan, other_reviewer):
    later = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    for user in (wuhan, other_reviewer):
        client.force_login(user)
        response = client.post(reverse("monitoring:round_deadline", args=[monitoring_round.pk]), {"deadline": later})
        assert response.status_code in (403, 404)
    assert Round.objects.get(pk=monitoring_round.pk).deadline is None
