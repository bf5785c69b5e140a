"""The partners' background jobs, run by `hamdeli worker` (core.jobs)."""

from django.contrib.auth import get_user_model

from hamdeli.core import jobs
from hamdeli.core.errors import Conflict
from hamdeli.core.tenancy import in_scope_of, scopes_disabled
from hamdeli.partners import selectors, services


@jobs.job(retries=3)
def record_partner_import(*, batch: str, actor: int | None) -> int:
    """Record a long partner list (services.queue_import) in one transaction, all or nothing. Idempotent: a
    list recorded already (by an earlier attempt, or a second worker) is left alone, and the rows recorded
    before the list was uploaded are skipped as they are on the page. Returns how many were recorded."""
    with scopes_disabled():  # the job names its import; its office is then the scope
        found = selectors.partner_import_anywhere(batch)
    if found is None:  # deleted with its office meanwhile
        return 0
    person = get_user_model()._default_manager.filter(pk=actor).first() if actor else None
    with in_scope_of(found.org):
        try:
            return services.apply_import(org=found.org, actor=person, batch=found)
        except Conflict as exc:
            if exc.code == "already_applied":
                return found.recorded
            raise
        except Exception as exc:
            services.note_import_failure(org=found.org, batch=found, error=f"{type(exc).__name__}: {exc}")
            raise
