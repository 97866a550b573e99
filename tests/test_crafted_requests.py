"""Requests a hostile user crafted by hand (ids that are not ids, years out of range): each answers
with a message or a 404, never a 500, and changes nothing."""

import pytest
from django.urls import reverse

from targets.models import TargetTable

pytestmark = pytest.mark.django_db


def test_a_project_id_that_is_not_a_number_is_not_found_on_the_import_page(client, wuhan):
    client.force_login(wuhan)
    assert client.get(reverse("reports:import_upload") + "?project=abc").status_code == 404


@pytest.mark.parametrize("years", [("-5", "2022"), ("2022", "99999"), ("0", "0")])
def test_a_table_with_years_out_of_range_is_refused_with_a_message(client, admin_user, hubei, years):
    client.force_login(admin_user)
    before = TargetTable.objects.count()
    response = client.post(
        reverse("projects:table_create", args=[hubei.pk]),
        {"title": "新表", "unit_category": "region", "start_year": years[0], "end_year": years[1]},
        follow=True,
    )
    assert response.status_code == 200 and "年度应在 2000 到 2100 之间" in response.content.decode()
    assert TargetTable.objects.count() == before


@pytest.mark.parametrize("undertaker", ["abc", "-1", "99999999999999999999"])
def test_issuing_an_agreement_to_a_unit_that_is_not_an_id_is_refused_with_a_message(
    client, admin_user, hubei, undertaker
):
    client.force_login(admin_user)
    response = client.post(
        reverse("projects:agreement_new", args=[hubei.pk]), {"undertaker": undertaker, "platform_kind": "sub"}
    )
    assert response.status_code in (302, 400)
