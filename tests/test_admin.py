"""The Django admin covers every model of the product's apps, and its pages load."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from targets.models import Cell, Target

pytestmark = pytest.mark.django_db

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
    assert client.get(reverse("admin:%s_%s_add" % info)).status_code == 200
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
    cell.refresh_from_db()
    assert (cell.raw, cell.number, cell.measure_unit) == ("520", 520, "条")


def test_editing_a_target_in_the_admin_reparses_it(client, admin_user, hubei):
    client.force_login(admin_user)
    target = Target.objects.filter(indicator__project=hubei, period="annual").first()
    url = reverse("admin:targets_target_change", args=[target.pk])
    response = client.post(url, {"indicator": target.indicator_id, "period": "annual", "year": 2022, "raw": "不少于3500条"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.comparator, target.number, target.measure_unit) == ("≥", 3500, "条")
