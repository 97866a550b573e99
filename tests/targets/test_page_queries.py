"""The workflow pages do a constant number of queries, whatever the rows and history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from targets.models import ReviewStatus, TableRow, TargetTable
from targets.services import row_cells_update
from units.models import Unit

pytestmark = pytest.mark.django_db


def _grow_table(table: TargetTable, count: int, start: int = 0):
    units = Unit.objects.bulk_create(Unit(name=f"增测市{i}", category="region") for i in range(start, start + count))
    TableRow.objects.bulk_create(
        TableRow(table=table, unit=u, seq=200 + start + i, status=ReviewStatus.SUBMITTED) for i, u in enumerate(units)
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_progress_page_query_count_does_not_grow_with_rows(client, observer, open_table, django_assert_num_queries):
    client.force_login(observer)
    url = reverse("targets:table_progress", args=[open_table.pk])
    # session, user, memberships, unread count, table, counts per status,
    # one page of rows with units and reviewers, removed rows, the last 催报 of each unit
    with django_assert_num_queries(9):
        client.get(url)
    _grow_table(open_table, 300)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["rows"]) == 200 and response.context["total"] == 316


def test_review_queue_query_count_does_not_grow_with_rows(client, reviewer, open_table, django_assert_num_queries):
    client.force_login(reviewer)
    # session, user, memberships, unread count, reviewed projects (policy), submitted rows, their
    # tables' columns and their cells (the review aids, targets.review_aids), submitted 任务书,
    # pending 调整申请, submitted 主管部门填报 and monitoring/自评 reports (the other reviewables' queues)
    with django_assert_num_queries(10):  # an empty queue: no columns, no cells to read
        client.get(reverse("targets:review_queue"))
    _grow_table(open_table, 10)
    with django_assert_num_queries(12):
        client.get(reverse("targets:review_queue"))
    _grow_table(open_table, 290, start=10)
    with django_assert_num_queries(12):
        response = client.get(reverse("targets:review_queue"))
    assert len(response.context["rows"]) == 300


def test_row_page_query_count_does_not_grow_with_history(
    client, wuhan, wuhan_row, open_table, django_assert_num_queries
):
    client.force_login(wuhan)
    url = reverse("targets:row", args=[wuhan_row.pk])
    first = _queries(client, url)
    version = 1
    for value in range(30):
        version = row_cells_update(
            row_id=wuhan_row.pk,
            values={wuhan_row.table.columns.get(order=1).pk: str(value)},
            expected_version=version,
            actor=wuhan,
        ).version
    # session, user, memberships, unread count, row, columns, cells, last review, history,
    # pending 调整申请, 批复 versions
    with django_assert_num_queries(11):
        client.get(url)
    assert first == 11


def test_the_progress_page_offers_the_deadline_in_force_and_asks_before_closing(client, admin_user, open_table):
    from django.utils import timezone

    client.force_login(admin_user)
    page = client.get(reverse("targets:table_progress", args=[open_table.pk])).content.decode()
    assert f'value="{timezone.localtime(open_table.deadline):%Y-%m-%dT%H:%M}"' in page
    assert 'data-confirm="确定截止填报吗？' in page and "js/guard.js" in page
