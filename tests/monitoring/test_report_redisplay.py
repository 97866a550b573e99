"""A refused save of the report form (issue 24 §3): a 400 showing the values, texts and budget
figures as typed, the error beside the field it is about (whether the form or the service refused
it), and nothing saved: no value, figure or text changed, no audit entry, the version unchanged."""

import html
import re

import pytest
from django.urls import reverse

from monitoring.audit_actions import MonitoringAction
from monitoring.models import Report
from units.models import AuditEntry

pytestmark = pytest.mark.django_db

LABEL = "收集中小微企业专利技术需求"


def _post(client, report, user, data):
    client.force_login(user)
    return client.post(reverse("monitoring:report_save", args=[report.pk]), {"version": report.version, **data})


def _beside(page: str, opening: str, closing: str) -> str:
    """The field error right after the field that starts with `opening` (up to `closing`)."""
    match = re.search(
        re.escape(opening) + r"[^\n]*?" + re.escape(closing) + r'<span class="field-error">([^<]*)</span>', page
    )
    assert match, f"no error beside {opening}"
    return html.unescape(match.group(1))


def _nothing_saved(report, stored):
    fresh = Report.objects.get(pk=report.pk)
    assert (
        fresh.version == report.version
        and fresh.goal_achievement == report.goal_achievement
        and fresh.budget_reason == ""
    )
    assert [(v.pk, v.raw, v.expected, v.likelihood, v.deviation_reason) for v in fresh.values.order_by("pk")] == stored
    assert fresh.budget.total.executed is None
    assert not AuditEntry.objects.filter(action=MonitoringAction.MONITORING_REPORT_CHANGED).exists()


def _stored(report):
    return [(v.pk, v.raw, v.expected, v.likelihood, v.deviation_reason) for v in report.values.order_by("pk")]


def test_a_bad_budget_figure_keeps_everything_typed_with_its_error_beside_it(client, wuhan_report, wuhan):
    value = wuhan_report.values.get(label=LABEL)
    stored = _stored(wuhan_report)
    response = _post(
        client,
        wuhan_report,
        wuhan,
        {
            f"actual-{value.pk}": "≥250条",
            f"deviation_reason-{value.pk}": "键入的原因",
            "goal_achievement": "键入的完成情况",
            "executed-current": "八十",
            "expected-current": "150",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f'name="actual-{value.pk}"' in page and "≥250条</textarea>" in page
    assert "键入的原因</textarea>" in page and "键入的完成情况</textarea>" in page
    assert 'value="150"' in page
    assert (
        _beside(page, 'name="executed-current" value="八十"', ">") == "“当年财政拨款的执行数”应填写数字，“八十”不是数字"
    )
    _nothing_saved(wuhan_report, stored)


def test_a_value_the_service_refuses_is_shown_as_typed_with_the_refusal_beside_it(client, wuhan_report, wuhan):
    value = wuhan_report.values.get(label=LABEL)
    stored = _stored(wuhan_report)
    response = _post(
        client,
        wuhan_report,
        wuhan,
        {f"actual-{value.pk}": "260万元", "executed-current": "80", "budget_reason": "键入的原因说明"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    error = _beside(page, f'<textarea name="actual-{value.pk}"', "260万元</textarea>")
    assert error.startswith(f"“{LABEL}”的完成值")
    assert "未保存：" + error in html.unescape(page)  # and at the top, as before
    assert 'name="executed-current" value="80"' in page and "键入的原因说明</textarea>" in page
    _nothing_saved(wuhan_report, stored)


def test_a_refused_answer_sits_beside_its_own_field(client, wuhan_report, wuhan):
    value = wuhan_report.values.get(label=LABEL)
    stored = _stored(wuhan_report)
    response = _post(
        client, wuhan_report, wuhan, {f"likelihood-{value.pk}": "也许", f"corrective_measure-{value.pk}": "键入的措施"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert _beside(page, f'<select name="likelihood-{value.pk}"', "</select>").endswith(
        "的完成目标可能性应为确定能、有可能或完全不可能"
    )
    assert "键入的措施</textarea>" in page
    _nothing_saved(wuhan_report, stored)


def test_a_refused_text_sits_beside_its_box(client, wuhan_report, wuhan):
    stored = _stored(wuhan_report)
    response = _post(
        client, wuhan_report, wuhan, {"budget_reason": "含\x07控制字符", "goal_achievement": "键入的完成情况"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "“预算执行偏低原因”" in _beside(page, '<textarea name="budget_reason"', "</textarea>")
    assert "键入的完成情况</textarea>" in page
    _nothing_saved(wuhan_report, stored)


def test_a_stale_version_is_still_a_409_showing_what_is_stored(client, wuhan_report, wuhan):
    value = wuhan_report.values.get(label=LABEL)
    stored = _stored(wuhan_report)
    client.force_login(wuhan)
    url = reverse("monitoring:report_save", args=[wuhan_report.pk])
    response = client.post(url, {"version": wuhan_report.version + 5, f"actual-{value.pk}": "260万元"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "已被他人修改" in page and "260万元" not in page and 'class="field-error"' not in page
    _nothing_saved(wuhan_report, stored)
