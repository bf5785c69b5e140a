"""Background jobs on Redis (HAMDELI_TASKS_BACKEND=redis: django-tasks-rq, RQ): a job enqueued by the app waits
in Redis, not in the database, and a `hamdeli worker` process runs it; a failed job is retried later through
RQ's scheduler. Needs Redis on 127.0.0.1:6379 (HAMDELI_TEST_REDIS for another), as .ci/run has it; the tests
use a database of their own there (15) and empty it."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import django_rq
import pytest
import redis
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hamdeli.core import jobs
from hamdeli.practices import services as practices
from hamdeli.practices.models import Practice
from tests.core.test_jobs import slow_embedding
from tests.core.test_settings import _start

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = os.environ.get("HAMDELI_TEST_REDIS", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parents[2]


@jobs.job(retries=1)
def fails_on_redis() -> None:
    raise RuntimeError("the partner server is down")


@pytest.fixture
def on_redis():
    server = redis.Redis.from_url(REDIS_URL)
    server.flushdb()
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend"}}, TASKS_ON_REDIS=True,
                           RQ_QUEUES={"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}):
        yield server
    server.flushdb()


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":  # the test database is a file, which the worker opens as well
        return f"sqlite:///{s['NAME']}"
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgresql://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_a_job_waits_in_redis_and_a_worker_process_runs_it(org, officer, on_redis):
    for i in range(2):
        practices.create_practice(org=org, actor=officer, embed=False, title={"en": f"Practice {i}"},
                                  topics=["education"])
    practices.embed_in_background(org=org)
    assert not DBTaskResult.objects.exists()  # not in the database
    assert on_redis.llen("rq:queue:default") == 1
    env = {**os.environ, "HAMDELI_DATABASE_URL": _database_url(), "HAMDELI_TASKS_BACKEND": "redis",
           "HAMDELI_REDIS_URL": REDIS_URL, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "hamdeli.cli", "worker", "--once"], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert not Practice.objects.filter(embedding=None).exists()
    assert on_redis.llen("rq:queue:default") == 0


def test_a_job_whose_worker_process_was_killed_mid_run_is_run_again(org, officer, on_redis):
    """A real `hamdeli worker` on Redis, killed (SIGKILL) while it runs the job: RQ would only mark it failed
    ("abandoned"); the next worker puts it back in the queue and runs it."""
    from django_tasks_rq.backend import Job
    from rq.job import JobStatus
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    for i in range(2):
        practices.create_practice(org=org, actor=officer, embed=False, title={"en": f"Practice {i}"},
                                  topics=["education"])
    jobs.enqueue_on_commit(slow_embedding, office=org)
    queue = django_rq.get_queue("default", job_class=Job)
    env = {**os.environ, "HAMDELI_DATABASE_URL": _database_url(), "HAMDELI_TASKS_BACKEND": "redis",
           "HAMDELI_REDIS_URL": REDIS_URL, "HAMDELI_TEST_SLOW_JOB": "1", "PYTHONPATH": str(ROOT)}
    # its own process group: RQ's scheduler runs in a child process, which the kill must take too
    worker = subprocess.Popen([sys.executable, "-m", "hamdeli.cli", "worker"], env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not ((ids := StartedJobRegistry(queue=queue).get_job_ids())
                   and queue.fetch_job(ids[0]).get_status(refresh=True) == JobStatus.STARTED):
            assert time.monotonic() < deadline and worker.poll() is None
            time.sleep(0.2)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    assert Practice.objects.filter(embedding=None).exists()
    jobs.run_worker(once=True)  # its time limit has not passed: another worker may still be on it
    assert StartedJobRegistry(queue=queue).get_job_ids() and Practice.objects.filter(embedding=None).exists()
    jobs.run_worker(once=True, now=timezone.now() + dt.timedelta(hours=2))
    assert not Practice.objects.filter(embedding=None).exists()
    assert not FailedJobRegistry(queue=queue).get_job_ids() and not StartedJobRegistry(queue=queue).get_job_ids()


def test_a_failed_job_is_retried_later_through_the_scheduler(org, on_redis):
    from django_tasks_rq.backend import Job
    from rq.registry import FailedJobRegistry, ScheduledJobRegistry

    jobs.enqueue_on_commit(fails_on_redis, office=org)
    [first_id] = [key.decode().split(":")[-1] for key in on_redis.lrange("rq:queue:default", 0, -1)]
    jobs.run_worker(once=True)
    queue = django_rq.get_queue("default", job_class=Job)
    assert FailedJobRegistry(queue=queue).get_job_ids() == [first_id]
    first = fails_on_redis.get_backend().get_result(first_id)
    assert first.status == "FAILED" and "the partner server is down" in first.errors[0].traceback
    [retry_id] = ScheduledJobRegistry(queue=queue).get_job_ids()  # waits for its time, 30 s on
    retry = Job.fetch(retry_id, connection=queue.connection)
    assert retry.kwargs == {"office": str(org.public_id), "attempt": 2}
    jobs.run_worker(once=True)
    assert ScheduledJobRegistry(queue=queue).get_job_ids() == [retry_id]  # not before its time
    assert FailedJobRegistry(queue=queue).get_job_ids() == [first_id]


def test_the_redis_backend_passes_the_checks_and_names_a_bad_url():
    env = {"HAMDELI_TASKS_BACKEND": "redis", "HAMDELI_REDIS_URL": REDIS_URL}
    checked = _start(env, "check")
    assert checked.returncode == 0, checked.stderr
    refused = _start({**env, "HAMDELI_REDIS_URL": "cache.example.org:6379"}, "check")
    assert refused.returncode != 0 and "HAMDELI_REDIS_URL" in refused.stderr
