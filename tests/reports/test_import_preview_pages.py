"""The import preview of a large file: the counts first, the change list a page at a time."""

import pytest
from django.urls import reverse

from reports.importers import ImportPlan
from reports.importers.plan import CellChange
from reports.models import ImportJob

pytestmark = pytest.mark.django_db


def _job(owner, changes: int) -> ImportJob:
    plan = ImportPlan(
        sheets=["市州类"],
        changes=[CellChange(f"单位{n:04d} · 指标", "1", "2", created=n % 3 == 0) for n in range(changes)],
        unchanged=7,
    )
    return ImportJob.objects.create(owner=owner, filename="大表.xlsx", status="previewed", plan=plan.to_dict())


def test_a_large_preview_shows_every_count_but_only_one_page_of_changes(client, admin_user):
    job = _job(admin_user, 450)
    client.force_login(admin_user)
    page = client.get(reverse("reports:import_job", args=[job.pk])).content.decode()
    assert "新建 150，修改 300，不变 7" in page and "确认导入 450 处修改" in page
    assert "单位0199 · 指标" in page and "单位0200 · 指标" not in page
    assert "第 1 / 3 页" in page and 'href="?page=2"' in page


def test_the_last_page_of_a_preview_holds_the_remaining_changes(client, admin_user):
    job = _job(admin_user, 450)
    client.force_login(admin_user)
    page = client.get(reverse("reports:import_job", args=[job.pk]), {"page": 3}).content.decode()
    assert "单位0400 · 指标" in page and "单位0449 · 指标" in page and "单位0399 · 指标" not in page
    assert 'href="?page=2"' in page and "下一页" not in page


def test_a_small_preview_has_no_pager(client, admin_user):
    job = _job(admin_user, 3)
    client.force_login(admin_user)
    page = client.get(reverse("reports:import_job", args=[job.pk])).content.decode()
    assert "单位0002 · 指标" in page and "修改内容分页" not in page
