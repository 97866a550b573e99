"""Two fillers save a report from pages loaded at the same version: the first is saved, the second
is a 409 (a conflict, as the grid and the row page answer it), and nothing of it is saved."""

import pytest
from django.urls import reverse

from monitoring.models import Report

pytestmark = pytest.mark.django_db


def test_the_second_save_of_a_version_is_a_409_and_saves_nothing(client, wuhan_report, wuhan):
    client.force_login(wuhan)
    value = wuhan_report.values.order_by("pk").first()
    url = reverse("monitoring:report_save", args=[wuhan_report.pk])
    version = wuhan_report.version
    first = client.post(url, {"version": version, f"actual-{value.pk}": "11", "conclusion": "第一位"})
    assert first.status_code == 302
    second = client.post(url, {"version": version, f"actual-{value.pk}": "22", "conclusion": "第二位"})
    assert second.status_code == 409
    assert "已被他人修改" in second.content.decode()
    report = Report.objects.get(pk=wuhan_report.pk)
    assert report.version == version + 1 and report.values.get(pk=value.pk).raw == "11"
