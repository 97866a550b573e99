"""The Django admin covers every model of the product's apps, and its pages load."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from targets.audit_actions import TargetAction
from targets.models import Cell, Target

pytestmark = pytest.mark.django_db


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


PRODUCT_APPS = ("units", "projects", "targets", "reports")


def test_every_model_of_the_product_is_in_the_admin():
    models = [m for m in apps.get_models() if m._meta.app_label in PRODUCT_APPS]
    missing = [m.__name__ for m in models if m not in admin.site._registry]
    assert not missing


@pytest.mark.parametrize(
    "model", [m for m in admin.site._registry if m._meta.app_label in PRODUCT_APPS], ids=lambda m: m.__name__
)
def test_admin_pages_load(client, admin_user, model):
    client.force_login(admin_user)
    info = (model._meta.app_label, model._meta.model_name)
    assert client.get(reverse("admin:%s_%s_changelist" % info), {"q": "武汉"}).status_code == 200
    model_admin = admin.site._registry[model]
    expected_add = 200 if model_admin.has_add_permission(_request(admin_user)) else 403
    assert client.get(reverse("admin:%s_%s_add" % info)).status_code == expected_add
    obj = model.objects.first()
    if obj is not None:
        assert client.get(reverse("admin:%s_%s_change" % info, args=[obj.pk])).status_code == 200


def test_editing_a_cell_in_the_admin_reparses_it(client, admin_user, wuhan_row):
    client.force_login(admin_user)
    cell = Cell.objects.get(row=wuhan_row, column__order=1)
    url = reverse("admin:targets_cell_change", args=[cell.pk])
    response = client.post(url, {"column": cell.column_id, "raw": "≥520"})
    assert response.status_code == 200 and "应填写数字" in response.content.decode()
    response = client.post(url, {"column": cell.column_id, "raw": "520"})
    assert response.status_code == 302
    cell = Cell.objects.get(row=wuhan_row, column=cell.column)  # written by the grid's service, which replaces it
    assert (cell.raw, cell.number, cell.measure_unit) == ("520", 520, "条")


def test_editing_a_target_in_the_admin_reparses_it(client, admin_user, hubei):
    client.force_login(admin_user)
    target = Target.objects.filter(indicator__project=hubei, period="annual").first()
    url = reverse("admin:targets_target_change", args=[target.pk])
    response = client.post(
        url, {"indicator": target.indicator_id, "period": "annual", "year": 2022, "raw": "不少于3500条"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.comparator, target.number, target.measure_unit) == ("≥", 3500, "条")


def test_the_audit_log_cannot_be_edited_or_deleted_in_the_admin(admin_user):
    from units.models import AuditEntry

    model_admin = admin.site._registry[AuditEntry]
    request = _request(admin_user)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_only_bureau_admins_may_open_the_admin(client, django_user_model, wuhan):
    staff_without_role = django_user_model.objects.create_user("staff-only", password="x-pass-2022!", is_staff=True)
    for user in (staff_without_role, wuhan):
        client.force_login(user)
        assert client.get("/admin/").status_code == 302


def test_the_audit_list_names_actions_in_chinese_in_its_rows_and_its_filter(client, admin_user, wuhan_row):
    from units.audit import audit_record

    audit_record(actor=admin_user, action=TargetAction.ROW_CREATED, obj=wuhan_row)
    client.force_login(admin_user)
    page = client.get(reverse("admin:units_auditentry_changelist")).content.decode()
    assert "添加单位" in page and ">targets.row.created<" not in page
