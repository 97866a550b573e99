"""The suite's own plumbing (tests/conftest.py): what sets xdist processes apart."""

import pytest

from tests.conftest import redis_url_for_worker


def test_each_xdist_process_gets_the_next_redis_database():
    assert redis_url_for_worker("redis://127.0.0.1:6379/4", 1) == "redis://127.0.0.1:6379/5"
    assert redis_url_for_worker("redis://127.0.0.1:6379", 1) == "redis://127.0.0.1:6379/1"
    assert redis_url_for_worker("redis://:pw@host:6380/14", 1) == "redis://:pw@host:6380/15"
    with pytest.raises(pytest.UsageError, match="超过 15"):
        redis_url_for_worker("redis://127.0.0.1:6379/15", 1)
