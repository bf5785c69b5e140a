"""The practices' background jobs, run by `hamdeli worker` (core.jobs)."""

from hamdeli.core import jobs
from hamdeli.core.tenancy import scopes_disabled
from hamdeli.practices import services


@jobs.job(retries=3)
def embed_missing_practices() -> int:
    """Store the vectors still missing (after a bulk import). Idempotent: a re-run after a failure or a killed
    worker embeds only what is still missing."""
    # The worker has no tenant scope; the pass fills every office's missing vectors (one search index).
    with scopes_disabled():
        return services.embed_missing()
