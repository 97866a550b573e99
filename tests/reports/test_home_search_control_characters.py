"""The home page's search given a control character (a NUL was a 500 on PostgreSQL) searches for
the text around it."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["湖北\x00", "湖\x00北", "\x07湖北"])
def test_the_home_search_ignores_control_characters(client, hubei_admin, typed):
    client.force_login(hubei_admin)
    response = client.get(reverse("home"), {"q": typed})
    assert response.status_code == 200
    assert response.context["projects"] and all(
        "湖北" in str(p.competent_department) for p in response.context["projects"]
    )
