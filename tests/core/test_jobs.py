"""Background jobs (core.jobs): enqueued when the change commits, run by the worker, retried with a delay when
they fail, put back in the queue when their worker died mid-run, and listed for the office's owners when they
failed."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hamdeli import cli
from hamdeli.core import jobs
from hamdeli.practices import services as practices
from hamdeli.practices.models import Practice
from hamdeli.practices.tasks import embed_missing_practices
from tests.conftest import _member, client_for

pytestmark = pytest.mark.django_db(transaction=True)


@jobs.job(retries=1)
def always_fails() -> None:
    raise RuntimeError("the partner server is down")


@jobs.job(retries=0)
def slow_embedding() -> int:
    """The embedding job, but first a long pause in the worker the test kills."""
    if os.environ.get("HAMDELI_TEST_SLOW_JOB"):
        time.sleep(120)
    return embed_missing_practices.func()


@jobs.job(retries=0)
def asks_the_worker_to_stop() -> None:
    os.kill(os.getpid(), signal.SIGTERM)  # as systemd's `stop` would, while this job runs


def _unembedded(org, officer, n=2):
    return [practices.create_practice(org=org, actor=officer, embed=False, title={"en": f"Practice {i}"},
                                      topics=["education"]) for i in range(n)]


def test_a_job_is_enqueued_when_the_change_commits_and_not_when_it_rolls_back(org):
    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.enqueue_on_commit(embed_missing_practices, office=org)
        raise RuntimeError("rolled back")
    assert not DBTaskResult.objects.exists()
    with transaction.atomic():
        jobs.enqueue_on_commit(embed_missing_practices, office=org)
        assert not DBTaskResult.objects.exists()  # not before the commit
    [queued] = DBTaskResult.objects.all()
    assert queued.status == "READY" and queued.task_path == "hamdeli.practices.tasks.embed_missing_practices"
    assert queued.args_kwargs["kwargs"] == {"office": str(org.public_id), "attempt": 1}


def test_the_worker_embeds_the_practices(org, officer):
    _unembedded(org, officer)
    practices.embed_in_background(org=org)  # outside a transaction: enqueued at once
    assert Practice.objects.filter(embedding=None).count() == 2
    assert cli.main(["worker", "--once"]) == 0
    assert not Practice.objects.filter(embedding=None).exists()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_job_whose_worker_was_killed_mid_run_is_run_again(org, officer):
    _unembedded(org, officer)
    practices.embed_in_background(org=org)
    # A worker claimed the job, then was killed (no status written after the claim).
    queued = DBTaskResult.objects.get()
    queued.claim("killed-worker")
    assert DBTaskResult.objects.get().status == "RUNNING"
    jobs.run_worker(once=True)  # not stale yet: another worker may still be on it
    assert DBTaskResult.objects.get().status == "RUNNING" and Practice.objects.filter(embedding=None).exists()

    DBTaskResult.objects.update(started_at=timezone.now() - jobs.stale_after() - dt.timedelta(seconds=1))
    jobs.run_worker(once=True)
    done = DBTaskResult.objects.get()
    assert done.status == "SUCCESSFUL" and done.worker_ids[0] == "killed-worker" and len(done.worker_ids) == 2
    assert not Practice.objects.filter(embedding=None).exists()


def test_a_worker_process_killed_mid_job_loses_nothing(org, officer):
    """A real `hamdeli worker` process, killed (SIGKILL) while it runs the job: the job is run again."""
    _unembedded(org, officer)
    jobs.enqueue_on_commit(slow_embedding, office=org)
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        url = f"postgresql://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    else:  # the test database is a file (settings: TEST NAME), which the worker opens as well
        url = f"sqlite:///{db['NAME']}"
    env = {**os.environ, "HAMDELI_DATABASE_URL": url, "HAMDELI_TEST_SLOW_JOB": "1",
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    worker = subprocess.Popen([sys.executable, "-m", "hamdeli.cli", "worker", "--interval", "0.2", "--no-daily"],
                              env=env)
    try:
        deadline = time.monotonic() + 120
        while DBTaskResult.objects.get().status != "RUNNING":
            assert time.monotonic() < deadline and worker.poll() is None
            time.sleep(0.2)
    finally:
        worker.kill()
        worker.wait()
    assert DBTaskResult.objects.get().status == "RUNNING" and Practice.objects.filter(embedding=None).exists()
    jobs.run_worker(once=True, now=timezone.now() + jobs.stale_after() + dt.timedelta(seconds=1))
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert not Practice.objects.filter(embedding=None).exists()


def test_a_worker_told_to_stop_mid_job_finishes_it_and_starts_no_other(org, officer, monkeypatch):
    _unembedded(org, officer)
    jobs.enqueue_on_commit(asks_the_worker_to_stop, office=org)
    practices.embed_in_background(org=org)
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    # The worker loop's wait between rounds is where a worker that ignored the signal would go on.
    monkeypatch.setattr(jobs.time, "sleep", lambda seconds: pytest.fail("the worker went on after SIGTERM"))
    try:
        jobs.run_worker()  # returns: the SIGTERM stopped it
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    statuses = dict(DBTaskResult.objects.values_list("task_path", "status"))
    assert statuses == {"tests.core.test_jobs.asks_the_worker_to_stop": "SUCCESSFUL",
                        "hamdeli.practices.tasks.embed_missing_practices": "READY"}  # left for the next worker


def test_a_failed_job_is_retried_later_then_listed_for_the_offices_owners(org, other_org, owner):
    jobs.enqueue_on_commit(always_fails, office=org)
    jobs.run_worker(once=True)
    first, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert first.status == "FAILED" and "the partner server is down" in first.traceback
    assert retry.status == "READY" and retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after >= timezone.now() + jobs.BACKOFF - dt.timedelta(seconds=5)  # with a delay
    jobs.run_worker(once=True)
    assert DBTaskResult.objects.get(pk=retry.pk).status == "READY"  # not before its time

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    jobs.run_worker(once=True)
    assert DBTaskResult.objects.get(pk=retry.pk).status == "FAILED"
    assert DBTaskResult.objects.count() == 2  # its tries used up: not enqueued again

    page = client_for(owner).get("/office/jobs/failed/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("RuntimeError: the partner server is down") == 2
    assert "always fails" in html and "۱ از ۲ · تلاش دیگری در پی دارد" in html and "۲ از ۲</td>" in html
    assert "کارهای پس‌زمینهٔ ناموفق" in html
    other_owner = _member(other_org, "other_owner", "owner").user
    other = client_for(other_owner).get("/office/jobs/failed/").content.decode()
    assert "the partner server is down" not in other and "هیچ کار پس‌زمینه‌ای ناموفق نبوده است." in other


def test_the_failed_jobs_page_in_english(org, owner):
    jobs.enqueue_on_commit(always_fails, office=org)
    jobs.run_worker(once=True)
    client = client_for(owner)
    client.post("/language/", {"language": "en", "next": "/"})
    html = client.get("/office/jobs/failed/").content.decode()
    assert "Failed background jobs" in html and "1 of 2 · another try follows" in html
