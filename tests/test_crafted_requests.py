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


# "²" and "٣" pass str.isdigit; int("²") raises and a 23-digit number overflows the database:
# both were 500s wherever an id was read with isdigit().
ODD_IDS = ["²", "99999999999999999999999"]


@pytest.mark.parametrize("odd", ODD_IDS)
@pytest.mark.parametrize(
    "query",
    [
        "projects/?year=",
        "tables/?year=",
        "tables/?project=",
        "rows/?unit=",
        "rows/?table=",
        "cells/?row=",
        "cells/?column=",
        "reports/?round=",
    ],
)
def test_an_api_filter_that_is_not_a_plain_id_is_a_400_naming_it_never_a_500(admin_user, query, odd):
    from tests.api.conftest import token_client

    response = token_client(admin_user).get(f"/api/v1/{query}{odd}")
    name = query.split("?")[1].rstrip("=")
    assert response.status_code == 400 and [e["field"] for e in response.json()["errors"]] == [name]


@pytest.mark.parametrize("odd", ODD_IDS)
def test_an_import_project_that_is_not_a_plain_id_is_not_found(client, admin_user, odd):
    client.force_login(admin_user)
    assert client.get(reverse("reports:import_upload") + "?project=" + odd).status_code == 404


@pytest.mark.parametrize("odd", ODD_IDS)
def test_an_indicator_category_that_is_not_a_plain_id_is_refused_with_a_message(client, admin_user, hubei, odd):
    client.force_login(admin_user)
    response = client.post(reverse("projects:indicator_add", args=[hubei.pk]), {"category": odd}, follow=True)
    assert response.status_code == 200 and "请选择指标类别" in response.content.decode()


def test_a_filing_target_field_named_with_an_odd_id_is_ignored(client, guangzhou, guangzhou_filler):
    client.force_login(guangzhou_filler)
    response = client.post(
        reverse("projects:filing_save", args=[guangzhou.pk]),
        {"version": 1, "target-²-annual": "1", "target-99999999999999999999999-annual": "1"},
    )
    assert response.status_code in (302, 400)


def test_an_api_row_cell_keyed_by_an_odd_column_id_is_a_400(admin_user, open_table, wuhan_row):
    from tests.api.conftest import token_client

    response = token_client(admin_user).patch(
        f"/api/v1/rows/{wuhan_row.pk}/", {"version": wuhan_row.version, "cells": {"²": "1"}}, format="json"
    )
    assert response.status_code == 400
