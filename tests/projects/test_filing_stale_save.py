"""Two people save a 主管部门填报 from pages loaded at the same version: the first is saved, the
second is a 409 (a conflict, as the grid and the row page answer it), shows what they typed, and
saves nothing."""

import pytest
from django.urls import reverse

from projects.models import Project, ProjectFiling

pytestmark = pytest.mark.django_db


def test_the_second_save_of_a_version_is_a_409_and_saves_nothing(client, guangzhou, guangzhou_filler):
    client.force_login(guangzhou_filler)
    url = reverse("projects:filing_save", args=[guangzhou.pk])
    assert client.post(url, {"version": 1, "leader": "张三"}).status_code == 302
    second = client.post(url, {"version": 1, "leader": "李四"})
    assert second.status_code == 409
    body = second.content.decode()
    assert "已被他人修改" in body and "李四" in body
    assert Project.objects.get(pk=guangzhou.pk).leader == "张三"
    assert ProjectFiling.objects.get(project=guangzhou).version == 2
