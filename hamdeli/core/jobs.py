"""Background jobs: Django's tasks (the `django-tasks` backport) with the database backend by default.

A job is a module-level function decorated with `@job(retries=N)`. It is enqueued once the caller's
transaction commits (`enqueue_on_commit`), so a rolled-back change starts nothing, and it runs in the
`hamdeli worker` process (`run_worker`). A job must be idempotent: it is re-run after a failure (up to
`retries` more times, with a growing delay) and after its worker died mid-run (`recover_stale`: a job left
running longer than `HAMDELI_TASKS_STALE_AFTER` seconds goes back to the queue). Every job carries the
public id of the office whose change enqueued it (`office`, or None for the whole installation), so an
office's owners see their own failed jobs (`failed_jobs`) and no other office's.
"""

import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hamdeli.core.models import Organization

logger = logging.getLogger(__name__)

_P = ParamSpec("_P")
_R = TypeVar("_R")

BACKOFF = timedelta(seconds=30)  # the first retry's delay; doubled at each further attempt


def job(*, retries: int = 3) -> Callable[[Callable[..., _R]], "Task[..., _R | None]"]:
    """Make `function(**kwargs)` a task. The task is called with `office` and `attempt` besides its own
    keyword arguments; a failed attempt is recorded as failed and, while attempts remain, enqueued again
    after BACKOFF × 2^(attempt-1)."""
    def decorate(function: Callable[..., _R]) -> "Task[..., _R | None]":
        @functools.wraps(function)
        def run(*, office: str | None = None, attempt: int = 1, **kwargs: Any) -> _R | None:
            try:
                return function(**kwargs)
            except Exception:
                if attempt <= retries and wrapped.get_backend().supports_defer:
                    delay = BACKOFF * 2 ** (attempt - 1)
                    wrapped.using(run_after=timezone.now() + delay).enqueue(
                        office=office, attempt=attempt + 1, **kwargs)
                raise

        setattr(run, "hamdeli_retries", retries)  # noqa: B010 (a mark on the function, read by the failed-jobs page)
        wrapped: Task[..., _R | None] = task(run)
        return wrapped
    return decorate


def enqueue_on_commit(job_task: "Task[..., Any]", *, office: Organization | None, **kwargs: Any) -> None:
    """Enqueue `job_task` once the current transaction commits (at once outside a transaction)."""
    public_id = str(office.public_id) if office is not None else None
    transaction.on_commit(lambda: job_task.enqueue(office=public_id, attempt=1, **kwargs))


@dataclass(frozen=True)
class Daily:
    """A job the worker enqueues once a day, from `hour` o'clock local time (TIME_ZONE), with `day`."""
    task: "Task[..., Any]"
    hour: int


_DAILY: list[Daily] = []


def daily(job_task: "Task[..., Any]", *, hour: int) -> None:
    """Have the worker enqueue `job_task(day=<ISO date>)` once a day from `hour` o'clock (an app's
    AppConfig.ready registers its own, as correspondence does for its reminders)."""
    if all(entry.task is not job_task for entry in _DAILY):
        _DAILY.append(Daily(job_task, hour))


def enqueue_due_runs(*, now: datetime | None = None) -> list[str]:
    """Enqueue each daily job whose hour has come today and whose run for today is not enqueued yet;
    returns their names. The run's `ScheduledRun` row is inserted in the enqueue's transaction: of several
    workers checking at once, the unique row lets one enqueue it and the others find it done, and a worker
    dying midway leaves neither (the database backend writes the job in that same transaction)."""
    from hamdeli.core.models import ScheduledRun

    local = timezone.localtime(now or timezone.now())
    enqueued = []
    for entry in _DAILY:
        if local.hour < entry.hour:
            continue
        name = entry.task.module_path
        if ScheduledRun.objects.filter(name=name, day=local.date()).exists():
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(name=name, day=local.date())
                entry.task.enqueue(office=None, attempt=1, day=local.date().isoformat())
        except IntegrityError:  # another worker enqueued it first
            continue
        enqueued.append(name)
    return enqueued
def supports_defer(job_task: "Task[..., Any]") -> bool:
    """Whether the backend can hold a job until a later time (the database backend can; `immediate` cannot)."""
    return bool(job_task.get_backend().supports_defer)


def enqueue_later(job_task: "Task[..., Any]", *, office: Organization | None, at: datetime, **kwargs: Any) -> None:
    """Enqueue `job_task` now, to run no earlier than `at` (a file's expiry)."""
    public_id = str(office.public_id) if office is not None else None
    job_task.using(run_after=at).enqueue(office=public_id, attempt=1, **kwargs)


def stale_after() -> timedelta:
    return timedelta(seconds=settings.HAMDELI_TASKS_STALE_AFTER)


def recover_stale(*, now: datetime | None = None) -> int:
    """Put back in the queue the jobs left running by a worker that died (killed, machine lost) longer ago
    than the stale limit; they are idempotent, so running one again loses nothing. Returns how many."""
    limit = (now or timezone.now()) - stale_after()
    return DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=limit).update(
        status=TaskResultStatus.READY, started_at=None)


def failed_jobs(*, org: Organization) -> "QuerySet[DBTaskResult[Any, Any]]":
    """The office's failed jobs, newest first."""
    return DBTaskResult.objects.failed().filter(args_kwargs__kwargs__office=str(org.public_id)).order_by(
        "-finished_at")


def retries_of(result: "DBTaskResult[Any, Any]") -> int:
    """How many retries the job's task allows (0 if its code is gone)."""
    try:
        return int(getattr(result.task.func, "hamdeli_retries", 0))
    except Exception:  # noqa: BLE001 (a task renamed or removed since: shown without its retries)
        return 0


def job_name(result: "DBTaskResult[Any, Any]") -> str:
    """The job's function name, readable: `embed_missing_practices` → "embed missing practices"."""
    return str(result.task_path).rsplit(".", 1)[-1].replace("_", " ")


SCHEDULE_EVERY = 60.0  # seconds between a worker's looks at the daily jobs


def run_worker(*, once: bool = False, interval: float = 1.0, max_tasks: int = 100,
               now: datetime | None = None, schedule: bool | None = None) -> None:
    """The worker loop: enqueue the daily jobs due (`schedule`, by default unless `once`; at most once a
    minute), put back stale jobs, run what is ready (at most `max_tasks` in a round), then wait `interval`
    seconds; `once` runs every ready job and returns (`now`: the time stale jobs are judged at, for tests)."""
    schedule = not once if schedule is None else schedule
    if settings.TASKS_ON_REDIS:
        if schedule:
            _schedule_in_thread()
        run_redis_worker(once=once, now=now)
        return
    from django.utils.crypto import get_random_string
    from django_tasks_db.management.commands.db_worker import Worker

    worker_id = get_random_string(32)
    looked = -SCHEDULE_EVERY
    while True:
        if schedule and time.monotonic() - looked >= SCHEDULE_EVERY:
            looked = time.monotonic()
            enqueue_due_runs(now=now)
        recover_stale(now=now)
        worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                        max_tasks=None if once else max_tasks, worker_id=worker_id, excluded_queue_names=[])
        if not once:
            # SIGTERM (systemd's or Docker's stop) or SIGINT: while a job runs, the job is finished and the worker
            # stops; at any other time it exits at once (exit status 0). The handlers stay in place while it waits.
            worker.configure_signals()
        worker.run()
        if once:
            return
        if not worker.running:  # asked to stop while a job ran: that job is done, no other is started
            worker.reset_signals()
            return
        time.sleep(interval)


def _schedule_in_thread() -> None:
    """Beside the RQ worker (which runs its own loop): a thread that enqueues the daily jobs due, once a minute."""
    import threading

    from django.db import connection

    def look() -> None:
        while True:
            try:
                enqueue_due_runs()
            except Exception:  # noqa: BLE001 (a failed look is tried again a minute later)
                logger.exception("enqueueing the daily jobs failed")
            finally:
                connection.close()
            time.sleep(SCHEDULE_EVERY)

    threading.Thread(target=look, name="hamdeli-daily-jobs", daemon=True).start()


def run_redis_worker(*, once: bool = False, now: datetime | None = None) -> None:
    """The worker for HAMDELI_TASKS_BACKEND=redis: an RQ worker on the queue in Redis (django-tasks-rq's job
    class), running each job in the worker process itself as the database worker does (no fork per job: the
    embedding model stays loaded), with RQ's scheduler for the delayed retries. SIGTERM lets the running job
    finish, then stops it; `once` runs what is ready (and due) and returns. A job whose worker died mid-run is run
    again, as on the database queue (`recover_abandoned`; `now`: the time that is judged at, for tests)."""
    import django_rq
    from django_tasks_rq.backend import Job
    from rq.worker import SimpleWorker

    class Worker(SimpleWorker):
        def clean_registries(self) -> None:  # RQ's periodic upkeep (every 10 minutes), and at start
            super().clean_registries()  # type: ignore[no-untyped-call]  # (RQ leaves it unannotated)
            for queue in self.queues:
                recover_abandoned(queue)

    recover_abandoned(django_rq.get_queue("default", job_class=Job), now=now)
    # django-rq types worker_class as a subclass of rq.Worker; RQ 3's SimpleWorker shares only their base class
    worker = django_rq.get_worker("default", job_class=Job, worker_class=Worker)  # type: ignore[arg-type]
    worker.work(burst=once, with_scheduler=True, logging_level="WARNING")


def recover_abandoned(queue: Any, *, now: datetime | None = None) -> int:
    """On Redis: RQ marks a job whose worker died mid-run (killed, machine lost) as failed ("abandoned") once its
    time limit (HAMDELI_TASKS_STALE_AFTER) has passed; jobs are idempotent, so such a job goes back to the queue
    instead. Returns how many."""
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    StartedJobRegistry(queue=queue).cleanup(timestamp=now.timestamp() if now else None)
    failed, count = FailedJobRegistry(queue=queue), 0
    for job_id in failed.get_job_ids():
        job = queue.fetch_job(job_id)
        latest = job.latest_result() if job is not None else None
        if latest is not None and "AbandonedJobError" in (latest.exc_string or ""):
            failed.requeue(job_id)
            count += 1
    return count
