"""Two people save a 任务书's section from pages loaded at the same version: the first is saved,
the second is a 409 (a conflict, as the grid and the row page answer it) and saves nothing."""

import pytest
from django.urls import reverse

from projects.models import Agreement

from .test_agreements import BASIC, agreement, platform_filler  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_the_second_save_of_a_version_is_a_409_and_saves_nothing(client, agreement, platform_filler):  # noqa: F811
    client.force_login(platform_filler)
    url = reverse("projects:agreement_save", args=[agreement.pk, "basic"])
    version = agreement.version
    assert client.post(url, {"version": version, **BASIC}).status_code == 302
    second = client.post(url, {"version": version, **BASIC, "undertaker_leader": "赵六"})
    assert second.status_code == 409
    assert "已被他人修改" in second.content.decode()
    saved = Agreement.objects.get(pk=agreement.pk)
    assert saved.version == version + 1 and saved.undertaker_leader == "张明"
