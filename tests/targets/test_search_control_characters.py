"""A search box given a control character (a NUL, which PostgreSQL refuses in any string it is
sent: a 500 before) searches for the text around it: the grid and the progress page (the home
page: tests/reports/test_home_search_control_characters.py)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["武汉\x00", "武\x00汉", "\x00武汉\x1f"])
def test_the_grid_and_progress_search_ignore_control_characters(client, observer, open_table, typed):
    client.force_login(observer)
    grid = client.get(reverse("targets:table_grid", args=[open_table.pk]), {"q": typed})
    assert grid.status_code == 200
    assert [r.unit.name for r in grid.context["rows"]] == ["武汉市"]
    progress = client.get(reverse("targets:table_progress", args=[open_table.pk]), {"q": typed})
    assert progress.status_code == 200
    assert "武汉市" in progress.content.decode()
    assert progress.context["query"] == "武汉"
