"""Shared cast and data for the suite.

The seed documents are loaded once into the test database; each test runs in a
transaction that is rolled back. The cast: `admin` (省局管理员), `reviewer`
(省局审核员 of the Hubei project), `wuhan` (填报员 of 武汉市) and `outsider`
(填报员 of 宜昌市, another unit of the same table). A second province (organisations):
`other_province_admin` (省局管理员 of 广东省市场监督管理局（知识产权局）, which governs seed 004's
projects, not a superuser), `guangzhou_filler` (地方主管部门填报员 of 广州市市场监管局) and
`hubei_admin` (省局管理员 of the Hubei bureau who is not a superuser, unlike `admin_user`).
"""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.contrib.auth import get_user_model
from guardian.shortcuts import assign_perm

from projects.models import Project
from projects.seeds import read_seed_files, seeds_load
from targets.models import TableRow
from units.models import Membership, Role, Unit

HUBEI = "hubei-2022-patent-transfer"
GUANGDONG_BUREAU = "广东省市场监督管理局（知识产权局）"
GUANGZHOU = "gd-transfer-guangzhou"


def _row_locks_need_a_transaction_on_sqlite_too():
    """PostgreSQL refuses `select_for_update` outside a transaction; SQLite ignores row locks, so a
    service that locks outside `atomic` passed every SQLite test and failed every time in production
    (report 退回/重新打开). The suite makes SQLite refuse it the same way."""
    from django.db.models.sql.compiler import SQLCompiler
    from django.db.transaction import TransactionManagementError

    as_sql = SQLCompiler.as_sql

    def as_sql_refusing_autocommit_locks(self, *args, **kwargs):
        if self.query.select_for_update and self.connection.vendor == "sqlite" and self.connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        return as_sql(self, *args, **kwargs)

    SQLCompiler.as_sql = as_sql_refusing_autocommit_locks


_row_locks_need_a_transaction_on_sqlite_too()

# --- running on several processes (pytest-xdist) --------------------------------------------------
# Each worker (gw0, gw1 …) has its own test database (pytest-django suffixes it: test_<name>_gw0),
# its own live server port and temp dirs. What would still be shared is set apart here.


def _worker_number() -> int | None:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker[2:]) if worker.startswith("gw") else None


def redis_url_for_worker(url: str, number: int) -> str:
    """The Redis URL of xdist process `number`: the database after the URL's by that many."""
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) + number
    if database > 15:
        raise pytest.UsageError(f"REDIS_URL 的库号加上 xdist 进程号 {number} 超过 15：请换一个较小的库号")
    return urlunsplit(parts._replace(path=f"/{database}"))


def _redis_database_per_worker():
    """Worker n uses Redis database <REDIS_URL's> + n: a real Celery worker of one process would
    otherwise take the other's tasks (and read them in its own test database), and cache.clear() — a
    FLUSHDB — would empty the other's queue. CI picks a base that leaves room (.ci/run)."""
    from django.conf import settings

    number = _worker_number()
    if not settings.REDIS_URL or not number:
        return
    url = redis_url_for_worker(settings.REDIS_URL, number)
    settings.REDIS_URL = settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = url
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": url}}
    from config.celery import app

    app.conf.broker_url = app.conf.result_backend = url


_redis_database_per_worker()

# Heavy tests run in their own stage (`make test-heavy`, `pytest -m heavy`; `make test` leaves them
# out): servers started as subprocesses, LibreOffice renders, CPU/memory budgets measured in a child
# process, and Chromium. Marked here by what they use, so that a new one is heavy without a word.
HEAVY_DIRECTORIES = ("deploy", "e2e")
HEAVY_FIXTURES = {"soffice"}


def pytest_collection_modifyitems(config, items):
    tests = Path(__file__).resolve().parent
    for item in items:
        path = Path(item.path).resolve()
        inside = path.relative_to(tests).parts[0] if path.is_relative_to(tests) else ""
        if inside in HEAVY_DIRECTORIES or HEAVY_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.heavy)


@pytest.fixture(scope="session", autouse=True)
def _media_root_per_process(tmp_path_factory):
    """Uploaded evidence and export files go to this process's own temp dir, never to the checkout's
    media/ (shared by every process of a run, and by `make run`)."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_in_process_unless_a_worker_is_asked_for(request):
    """Tasks run in the test's own process, except in tests that use `celery_worker`."""
    from config.celery import app

    if "celery_worker" in request.fixturenames:
        yield
        return
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seeds_load(read_seed_files())


def _reseed() -> None:
    """What a flush removed: the seeds, and the data the migrations wrote (the grade table), which
    the product would otherwise write back lazily in the middle of a later test's request."""
    from monitoring.models import GradeLevel

    seeds_load(read_seed_files())
    GradeLevel.in_force()


@pytest.fixture
def reseeded_after(django_db_blocker):
    """A test on committed data flushes the database at its end: load the seeds again for the
    tests after it. Requested before `transactional_db`, so it finishes after the flush."""
    yield
    with django_db_blocker.unblock():
        _reseed()


def _flushes_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    return bool(transactional) or bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Any test on committed data (transaction=True, a live server) leaves the database flushed, even
    one that asked for no `reseeded_after` or was skipped: the seeds are loaded again, unless already
    back. pytest-django runs such tests last in one process, but xdist hands tests out in any order."""
    yield
    if nextitem is None or not _flushes_the_database(item):
        return  # the last test of this process: the test database is gone with the session
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        if not Project.objects.filter(code=HUBEI).exists():
            _reseed()


@pytest.fixture
def seeded_transactional_db(reseeded_after, transactional_db):
    """Committed data with the seeds in it, whatever the test before left (a flushed database)."""
    _reseed()


def _member(username: str, unit_name: str, role: str):
    user = get_user_model().objects.create_user(username=username, password="test-pass-2022!")
    Membership.objects.create(user=user, unit=Unit.objects.get(name=unit_name), role=role)
    return user


@pytest.fixture
def hubei(db):
    return Project.objects.get(code=HUBEI)


@pytest.fixture
def admin_user(db):
    user = _member("t-admin", "湖北省知识产权局", Role.ADMIN)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def reviewer(hubei):
    user = _member("t-reviewer", "湖北省知识产权局", Role.REVIEWER)
    assign_perm("projects.review_project", user, hubei)
    return user


@pytest.fixture
def observer(db):
    return _member("t-observer", "湖北省知识产权局", Role.OBSERVER)


@pytest.fixture
def wuhan(db):
    return _member("t-wuhan", "武汉市", Role.FILLER)


@pytest.fixture
def outsider(db):
    return _member("t-yichang", "宜昌市", Role.FILLER)


@pytest.fixture
def wuhan_row(hubei):
    return TableRow.objects.get(table__project=hubei, unit__name="武汉市")


@pytest.fixture
def celery_worker(settings):
    """A real Celery worker consuming from Redis, in a thread of this process.

    Skipped when no REDIS_URL is set (the SQLite run); the PostgreSQL/Redis CI run
    sets REQUIRE_CELERY_WORKER=1 so that a skip there is an error instead.
    """
    import os

    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connections

    from config.celery import app

    if not settings.REDIS_URL:
        if os.environ.get("REQUIRE_CELERY_WORKER") == "1":
            pytest.fail("REQUIRE_CELERY_WORKER=1 but REDIS_URL is not set")
        pytest.skip("needs REDIS_URL for a real worker")

    def close_worker_connections(**kwargs):
        # The worker thread opens its own database connection; close it so the
        # test database can be dropped at the end of the run.
        connections.close_all()

    task_postrun.connect(close_worker_connections, weak=False)
    app.conf.task_always_eager = False
    app.loader.import_module("celery.contrib.testing.tasks")
    try:
        with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=30) as worker:
            yield worker
    finally:
        task_postrun.disconnect(close_worker_connections)
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture
def open_table(wuhan_row, admin_user):
    """The 市州 table, open for filling with a deadline a week away."""
    from datetime import timedelta

    from django.utils import timezone

    from targets.workflow import table_open

    return table_open(table_id=wuhan_row.table_id, actor=admin_user, deadline=timezone.now() + timedelta(days=7))


@pytest.fixture
def other_reviewer(db):
    """A reviewer assigned to another project, not to Hubei."""
    user = _member("t-reviewer-gd", "湖北省知识产权局", Role.REVIEWER)
    assign_perm("projects.review_project", user, Project.objects.get(code="gd-transfer-guangzhou"))
    return user


@pytest.fixture
def platform_agreement(hubei, admin_user):
    """The 任务书 of 湖北省知识产权发展中心 (a unit none of the cast fills), filled in: 附表 values
    for every year and a budget with sources, an allocation and an expense line. Written
    directly, so it is still at version 1 for the tests that post to it."""
    from decimal import Decimal

    from projects.agreements.services import agreement_create
    from projects.models import AgreementAllocation, AgreementExpense, AgreementMetricValue

    undertaker = Unit.objects.get(name="湖北省知识产权发展中心")
    agreement = agreement_create(project=hubei, undertaker=undertaker, platform_kind="sub", actor=admin_user)
    AgreementMetricValue.objects.bulk_create(
        AgreementMetricValue(metric=m, year=y, value=Decimal(100 + y % 10))
        for m in agreement.metrics.all()
        for y in agreement.years
    )
    for kind, amount in (("special", Decimal("160")), ("self", Decimal("40"))):
        agreement.budget_sources.filter(kind=kind).update(amount=amount)
    AgreementAllocation.objects.create(agreement=agreement, order=1, party=undertaker.name, amount=Decimal("160"))
    AgreementExpense.objects.create(
        agreement=agreement,
        order=1,
        content="专利运营服务",
        amount=Decimal("160"),
        explanation="全年",
        is_equipment=False,
    )
    return agreement


# --- organisations: a second province and a city department ------------------------------------


@pytest.fixture
def hubei_admin(db):
    """The Hubei bureau's admin, who is not a superuser: administers Hubei's projects only."""
    return _member("t-hubei-admin", "湖北省知识产权局", Role.ADMIN)


@pytest.fixture
def other_province_admin(db):
    """The Guangdong bureau's admin: administers seed 004's projects, nothing of Hubei's."""
    return _member("t-gd-admin", GUANGDONG_BUREAU, Role.ADMIN)


@pytest.fixture
def guangzhou_filler(db):
    """地方主管部门填报员 of 广州市市场监管局: fills the 广州 二级项目 table of seed 004."""
    return _member("t-guangzhou", "广州市市场监管局", Role.FILLER)


@pytest.fixture
def guangzhou(db):
    return Project.objects.get(code=GUANGZHOU)
