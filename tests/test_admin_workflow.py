"""The Django admin never bypasses the workflow or the audit: states move only through the
workflow, cells are written by the grid's service, and nothing reviewed changes silently."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from projects.agreements.services import agreement_create
from projects.models import AgreementBudgetSource, AgreementMetricValue
from review.engine import ReviewStatus
from targets import workflow
from targets.models import Cell, RowSnapshot, TableRow, Target
from units.models import AuditEntry, Unit, UnitCategory

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """The values a browser would post back from the admin's change form, as it shows them."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "checkbox", "file"):
            self.data[name] = attrs.get("value") or ""
        elif tag == "input" and name and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.data[name] = "on"
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data.lstrip("\n") if not self.data[self._textarea] else data


def _form(client, url) -> dict:
    parser = _FormFields()
    parser.feed(client.get(url).content.decode())
    parser.data.pop("csrfmiddlewaretoken", None)
    return parser.data


def _approved(row, wuhan, reviewer):
    workflow.row_submit(row_id=row.pk, actor=wuhan)
    return workflow.row_approve(row_id=row.pk, actor=reviewer)


def test_a_rows_status_cannot_be_set_on_the_table_page_of_the_admin(client, admin_user, wuhan_row, open_table):
    yichang = TableRow.objects.get(table=open_table, unit__name="宜昌市")
    client.force_login(admin_user)
    url = reverse("admin:targets_targettable_change", args=[open_table.pk])
    data = _form(client, url)
    index = next(
        k.split("-")[1] for k, v in data.items() if k.startswith("rows-") and k.endswith("-id") and v == str(yichang.pk)
    )
    data[f"rows-{index}-status"] = ReviewStatus.APPROVED
    data["status"] = "closed"
    response = client.post(url, data)
    assert response.status_code == 302
    yichang.refresh_from_db()
    open_table.refresh_from_db()
    assert (yichang.status, open_table.status) == (ReviewStatus.NOT_STARTED, "open")
    assert not RowSnapshot.objects.filter(row=yichang).exists()


def test_a_cell_of_an_approved_row_cannot_be_changed_in_the_admin(
    client, admin_user, wuhan, reviewer, wuhan_row, open_table
):
    row = _approved(wuhan_row, wuhan, reviewer)
    cell = Cell.objects.get(row=row, column__order=1)
    client.force_login(admin_user)
    response = client.post(reverse("admin:targets_cell_change", args=[cell.pk]), {"raw": "999"})
    assert response.status_code == 200 and "已通过" in response.content.decode()

    url = reverse("admin:targets_tablerow_change", args=[row.pk])
    data = _form(client, url)
    raw_field = next(k for k, v in data.items() if k.startswith("cells-") and k.endswith("-raw"))
    data[raw_field] = "888"
    response = client.post(url, data)
    assert response.status_code == 200 and "已通过" in response.content.decode()
    assert Cell.objects.get(row=row, column__order=1).raw == cell.raw
    assert TableRow.objects.get(pk=row.pk).version == row.version


def test_a_cell_changed_in_the_admin_is_written_by_the_grids_service_and_audited(
    client, admin_user, wuhan_row, open_table
):
    client.force_login(admin_user)
    url = reverse("admin:targets_tablerow_change", args=[wuhan_row.pk])
    data = _form(client, url)
    raw_field = next(
        k
        for k, v in data.items()
        if k.startswith("cells-")
        and k.endswith("-raw")
        and data[k.replace("-raw", "-id")] == str(Cell.objects.get(row=wuhan_row, column__order=1).pk)
    )
    data[raw_field] = "530"
    assert client.post(url, data).status_code == 302
    row = TableRow.objects.get(pk=wuhan_row.pk)
    assert (row.version, row.status) == (wuhan_row.version + 1, ReviewStatus.DRAFT)
    entry = AuditEntry.objects.get(action="targets.cell.changed", object_id=str(row.pk))
    assert (entry.actor, entry.before, entry.after) == (admin_user, {"raw": "500"}, {"raw": "530"})


def test_the_narrative_of_a_row_is_read_only_in_the_admin(client, admin_user, wuhan, reviewer, wuhan_row, open_table):
    TableRow.objects.filter(pk=wuhan_row.pk).update(narrative="原有的文字目标")
    row = _approved(wuhan_row, wuhan, reviewer)
    client.force_login(admin_user)
    url = reverse("admin:targets_tablerow_change", args=[row.pk])
    data = _form(client, url)
    data["narrative"] = "后台改写"
    client.post(url, data)
    assert TableRow.objects.get(pk=row.pk).narrative == "原有的文字目标"


def test_a_target_changed_in_the_admin_is_audited(client, admin_user, hubei):
    target = Target.objects.filter(indicator__project=hubei, period="annual").first()
    client.force_login(admin_user)
    client.post(
        reverse("admin:targets_target_change", args=[target.pk]),
        {"indicator": target.indicator_id, "period": "annual", "year": 2022, "raw": "不少于3500条"},
    )
    entry = AuditEntry.objects.get(action="targets.target.changed")
    assert (entry.actor, entry.before, entry.after) == (admin_user, {"raw": target.raw}, {"raw": "不少于3500条"})


def test_an_approved_agreement_and_its_values_cannot_be_changed_in_the_admin(client, admin_user, hubei):
    agreement = agreement_create(
        project=hubei, undertaker=Unit.objects.get(name="湖北省知识产权发展中心"), platform_kind="sub", actor=admin_user
    )
    type(agreement).objects.filter(pk=agreement.pk).update(status=ReviewStatus.APPROVED)
    metric = agreement.metrics.first()
    value = AgreementMetricValue.objects.create(metric=metric, year=agreement.start_year, value=10)
    client.force_login(admin_user)
    url = reverse("admin:projects_agreement_change", args=[agreement.pk])
    data = _form(client, url)
    data.update(status="not_started", title="后台改写")
    assert client.post(url, data).status_code == 403
    response = client.post(
        reverse("admin:projects_agreementmetricvalue_change", args=[value.pk]),
        {"metric": metric.pk, "year": value.year, "value": "99"},
    )
    assert response.status_code == 403
    agreement.refresh_from_db()
    value.refresh_from_db()
    assert (agreement.status, agreement.title, value.value) == (ReviewStatus.APPROVED, agreement.title, 10)


def test_a_draft_agreements_status_is_read_only_in_the_admin(client, admin_user, hubei):
    agreement = agreement_create(
        project=hubei, undertaker=Unit.objects.get(name="湖北省知识产权发展中心"), platform_kind="sub", actor=admin_user
    )
    client.force_login(admin_user)
    url = reverse("admin:projects_agreement_change", args=[agreement.pk])
    data = _form(client, url)
    data["status"] = ReviewStatus.APPROVED
    client.post(url, data)
    agreement.refresh_from_db()
    assert agreement.status == ReviewStatus.NOT_STARTED


def test_no_part_of_any_agreement_is_changed_or_moved_in_the_admin(client, admin_user, hubei):
    """A draft's part cannot be moved into an approved 任务书 through its foreign key, nor edited unaudited."""
    draft, approved = (
        agreement_create(project=hubei, undertaker=unit, platform_kind="sub", actor=admin_user)
        for unit in (
            Unit.objects.get(name="湖北省知识产权发展中心"),
            Unit.objects.create(name="示例子平台", category=UnitCategory.PLATFORM),
        )
    )
    type(approved).objects.filter(pk=approved.pk).update(status=ReviewStatus.APPROVED)
    source = AgreementBudgetSource.objects.update_or_create(agreement=draft, kind="other", defaults={"amount": 1})[0]
    client.force_login(admin_user)
    url = reverse("admin:projects_agreementbudgetsource_change", args=[source.pk])
    assert client.post(url, {"agreement": approved.pk, "kind": "other", "amount": "9999"}).status_code == 403
    source.refresh_from_db()
    assert (source.agreement_id, source.amount) == (draft.pk, 1)
    assert not approved.budget_sources.filter(amount=9999).exists()


def test_a_table_with_reviewed_rows_cannot_be_deleted_in_the_admin(
    client, admin_user, wuhan, reviewer, wuhan_row, open_table
):
    _approved(wuhan_row, wuhan, reviewer)
    client.force_login(admin_user)
    url = reverse("admin:targets_targettable_delete", args=[open_table.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert TableRow.objects.filter(pk=wuhan_row.pk).exists()
