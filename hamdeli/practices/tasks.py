"""The practices' background jobs, run by `hamdeli worker` (core.jobs)."""

from django.db import transaction

from hamdeli.core import jobs
from hamdeli.core.models import Organization
from hamdeli.core.tenancy import scopes_disabled
from hamdeli.practices import services
from hamdeli.practices.search import index


@jobs.job(retries=3)
def embed_missing_practices() -> int:
    """Store the vectors still missing (after a bulk import), then bring the shared vector index up to date.
    Idempotent: a re-run after a failure or a killed worker embeds only what is still missing."""
    # The worker has no tenant scope; the pass fills every office's missing vectors (one search index).
    with scopes_disabled():
        embedded = services.embed_missing()
        index.refresh()
        return embedded


@jobs.job(retries=3)
def refresh_vector_index() -> str:
    """Bring the machine's shared vector index (practices.search.index) to the practice table's version: the
    practices saved since it, or all of them. Idempotent: a re-run finds it current; a run killed mid-write
    leaves a temporary folder the next one removes, and `CURRENT` still names a whole generation."""
    with scopes_disabled():
        return index.refresh()


def refresh_index_soon(*, org: Organization | None) -> None:
    """Enqueue `refresh_vector_index` once the transaction commits, unless one is waiting already (it will
    read this change too: a burst of saves costs one refresh, not one each)."""
    public_id = str(org.public_id) if org is not None else None

    def enqueue() -> None:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=refresh_vector_index.module_path)
        if isinstance(refresh_vector_index.get_backend(), DatabaseBackend) and waiting.exists():  # jobs in a table
            return
        refresh_vector_index.enqueue(office=public_id, attempt=1)

    transaction.on_commit(enqueue)
