"""Queueing work never lets a broker outage reach the user: a bounded wait, then False."""

import time

from celery import Celery

from config import broker
from tests.deploy.server import free_port


def _app_with_a_dead_broker():
    app = Celery("dead-broker-test")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    port = free_port()  # nothing listens there
    app.conf.update(
        broker_url=f"redis://127.0.0.1:{port}/0", result_backend=f"redis://127.0.0.1:{port}/0", task_always_eager=False
    )

    @app.task(name="dead_broker_test.noop")
    def noop():
        return None

    return noop


def test_a_dead_broker_is_reported_within_two_seconds_and_not_retried_at_once(monkeypatch):
    monkeypatch.setattr(broker, "_down_until", 0.0)
    task = _app_with_a_dead_broker()

    started = time.monotonic()
    assert broker.task_send(task) is False
    assert time.monotonic() - started < 2.5

    started = time.monotonic()
    assert broker.task_send(task) is False  # the second task of the same request does not wait again
    assert time.monotonic() - started < 0.1


def test_without_a_broker_the_task_runs_in_place_and_its_errors_are_not_hidden(monkeypatch):
    from config.celery import app

    monkeypatch.setattr(broker, "_down_until", time.monotonic() + 60)  # eager ignores the breaker
    calls = []

    @app.task(name="eager_test.record")
    def record(value):
        calls.append(value)
        raise TimeoutError("an SMTP server that does not answer")

    try:
        broker.task_send(record, 1)
    except TimeoutError:
        pass
    else:
        raise AssertionError("the task's own error was swallowed as a broker outage")
    assert calls == [1]


def test_a_task_is_sent_by_its_registered_name_even_before_its_module_was_imported(monkeypatch):
    """Services name their tasks instead of importing them (no service <-> task import cycle);
    a web process that never imported the tasks module still finds the task."""
    from config.celery import app
    from reports.tasks import import_job_apply_task

    name = "reports.tasks.import_job_apply_task"
    monkeypatch.delitem(app.tasks, name)  # as in a process that has not imported reports.tasks
    loaded = []

    def autodiscover():  # what Celery's autodiscovery does: import every app's tasks.py
        loaded.append(1)
        app.tasks[name] = import_job_apply_task

    monkeypatch.setattr(app.loader, "import_default_modules", autodiscover)

    assert broker._registered(name).name == name
    assert loaded == [1]
    assert broker._registered(name).name == name and loaded == [1]  # looked up once, then known
