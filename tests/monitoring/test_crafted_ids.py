"""Ids a hostile user typed into the monitoring forms and the API: a refusal, never a 500, nothing changed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.models import Evidence
from targets.models import ReviewStatus
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize("odd", ["²", "99999999999999999999999"])
def test_evidence_for_a_value_with_an_odd_id_is_refused_in_chinese(client, wuhan, wuhan_report, odd):
    client.force_login(wuhan)
    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("monitoring:evidence_upload", args=[wuhan_report.pk]), {"file": upload, "value": odd}
    )
    assert response.status_code == 400 and "该指标不在此报告中" in response.content.decode()
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("odd", ["²", "99999999999999999999999"])
def test_an_api_grade_keyed_by_an_odd_value_id_is_refused_with_its_path(reviewer, wuhan_evaluation, odd):
    type(wuhan_evaluation).objects.filter(pk=wuhan_evaluation.pk).update(status=ReviewStatus.SUBMITTED)
    response = token_client(reviewer).post(
        f"/api/v1/reports/{wuhan_evaluation.pk}/grade/", {"grades": {odd: {"grade": "achieved"}}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": f"grades.{odd}", "message": "该指标不在此报告中"}]


@pytest.mark.parametrize("odd", ["²", "99999999999999999999999"])
def test_an_api_value_keyed_by_an_odd_id_is_refused_with_its_path(wuhan, wuhan_report, odd):
    response = token_client(wuhan).patch(
        f"/api/v1/reports/{wuhan_report.pk}/",
        {"version": wuhan_report.version, "values": {odd: {"actual": "1"}}},
        format="json",
    )
    assert response.status_code == 400
    wuhan_report.refresh_from_db()
    assert wuhan_report.version == 1


def test_a_value_of_another_report_posted_to_the_report_form_changes_nothing(
    client, wuhan, wuhan_report, evaluation_round
):
    """The form is read by the ids of the report's own values: another report's id is not one of them."""
    foreign = evaluation_round.reports.get(unit__name="武汉市").values.first()
    project_report = wuhan_report.round.reports.get(unit__isnull=True)
    bureau_value = project_report.values.first()
    client.force_login(wuhan)
    client.post(
        reverse("monitoring:report_save", args=[wuhan_report.pk]),
        {"version": 1, f"actual-{foreign.pk}": "999", f"actual-{bureau_value.pk}": "999"},
    )
    for value in (foreign, bureau_value):
        value.refresh_from_db()
        assert value.raw == ""
    # and the project's own report (the bureau's) is not the unit's to open
    assert client.post(reverse("monitoring:report_save", args=[project_report.pk]), {"version": 1}).status_code == 404
