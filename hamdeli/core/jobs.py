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
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hamdeli.core.models import Organization

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


def run_worker(*, once: bool = False, interval: float = 1.0, max_tasks: int = 100,
               now: datetime | None = None) -> None:
    """The worker loop: put back stale jobs, run what is ready (at most `max_tasks` in a round), then wait
    `interval` seconds; `once` runs every ready job and returns (`now`: the time stale jobs are judged at,
    for tests)."""
    from django.utils.crypto import get_random_string
    from django_tasks_db.management.commands.db_worker import Worker

    worker_id = get_random_string(32)
    while True:
        recover_stale(now=now)
        worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                        max_tasks=None if once else max_tasks, worker_id=worker_id, excluded_queue_names=[])
        if not once:
            worker.configure_signals()
        worker.run()
        if once:
            return
        worker.reset_signals()
        time.sleep(interval)
