"""The 任务书格式 page's version field as a hostile form sends it: "²" passes str.isdigit and int()
refuses it (a 500 before); a number no stored version has is a conflict, and nothing changes."""

import pytest
from django.urls import reverse

from projects.agreements.format_services import format_of

from .test_agreement_format import _form_post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("version", ["²", "١", "9" * 30, "-1", "1.0"])
def test_a_version_that_is_no_stored_version_is_a_conflict_and_saves_nothing(client, hubei, hubei_admin, version):
    client.force_login(hubei_admin)
    before = format_of(hubei)
    response = client.post(
        reverse("projects:agreement_format", args=[hubei.pk]), _form_post(hubei, version=version, principal_phone="111")
    )
    assert response.status_code == 409
    after = format_of(hubei)
    assert after.version == before.version and after.principal_phone != "111"
