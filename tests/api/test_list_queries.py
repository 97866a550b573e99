"""List endpoints do a constant number of queries, whatever the number of rows; pinned here.

With a token already used this minute (no `last_used_at` write), every request starts with:
the token and its user (1), the caller's memberships (1), and for a reviewer their project grants (1).
An admin (a superuser) sees everything without asking for memberships.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import ApiToken

from .conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def used(admin_user, reviewer, wuhan, open_table):
    clients = {"admin": token_client(admin_user), "reviewer": token_client(reviewer), "wuhan": token_client(wuhan)}
    ApiToken.objects.update(last_used_at=timezone.now())
    return clients


# (url, role): queries. Lists: token+user, memberships, [grants], count, page (+ cells of the page: none).
PINS = {
    ("/api/v1/projects/", "admin"): 3,  # token, count, page
    ("/api/v1/projects/", "reviewer"): 5,  # token, memberships, grants, count, page
    ("/api/v1/projects/", "wuhan"): 4,
    ("/api/v1/tables/", "admin"): 3,
    ("/api/v1/tables/", "wuhan"): 4,
    ("/api/v1/rows/", "admin"): 3,  # token, count, the rows with their units in one query
    ("/api/v1/rows/", "reviewer"): 5,
    ("/api/v1/rows/", "wuhan"): 4,
    ("/api/v1/cells/", "admin"): 2,  # token, the page (a cursor needs no count)
    ("/api/v1/cells/", "reviewer"): 4,
    ("/api/v1/cells/", "wuhan"): 3,
}


@pytest.mark.parametrize("url,role", sorted(PINS))
def test_a_list_endpoint_does_a_pinned_number_of_queries(url, role, used):
    with CaptureQueriesContext(connection) as queries:
        response = used[role].get(url)
    assert response.status_code == 200
    assert len(queries) == PINS[(url, role)], "\n".join(q["sql"][:200] for q in queries.captured_queries)


def test_the_row_list_does_not_grow_with_its_rows(used, django_assert_num_queries):
    """100 rows or 2 on a page: the same queries (the admin sees every row of every table)."""
    with django_assert_num_queries(3):
        big = used["admin"].get("/api/v1/rows/", {"page_size": 100})
    with django_assert_num_queries(3):
        used["admin"].get("/api/v1/rows/", {"page_size": 2})
    assert len(big.json()["results"]) > 30


def test_a_row_and_a_project_are_read_in_a_constant_number_of_queries(
    used, wuhan_row, hubei, django_assert_num_queries
):
    # token, memberships, the row with its table, project and unit, the columns, the cells
    with django_assert_num_queries(5):
        assert used["wuhan"].get(f"/api/v1/rows/{wuhan_row.pk}/").status_code == 200
    # token, the project, memberships, may-see (the unit's row in it), indicators, their targets,
    # the competent department, funding
    with django_assert_num_queries(8):
        assert used["wuhan"].get(f"/api/v1/projects/{hubei.pk}/").status_code == 200
