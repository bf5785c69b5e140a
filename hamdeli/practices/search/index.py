"""The practices' vectors in one index on disk, shared by every process of the machine (issue 17).

The background worker (`practices.tasks.refresh_vector_index`) writes, under `settings.VECTOR_INDEX_DIR`, one
folder per database holding generations of the index; `CURRENT` names the newest. A generation holds what the
in-process matrix of `semantic` holds, as `.npy` files every app process maps read-only (the pages are the
page cache's, counted once on the machine, not a copy per worker):

- `ids.npy` (int64), `vectors.npy` (float32, centred, in the order the in-process matrix would have them:
  the exact scan gives today's ranking bit for bit), `hubness.npy` (float32), `means.npy` / `hub.npy`;
  `sorted_ids.npy` + `sorted_rows.npy` find a practice's row without a per-process dictionary;
- from ANN_MIN vectors on, an inverted file (IVF): `centroids.npy` (spherical k-means, ~LIST_SIZE vectors
  per list), the rows grouped by list (`order.npy`, `offsets.npy`) and a copy of the vectors in that order
  reduced to their SCAN_DIM principal directions (`projection.npy`, `scan.npy`: a third of the size; numpy
  has no fast float16 product) that a query scans list by list; rows saved since the lists were made
  (`delta.npy`) are scanned exactly besides. The best candidates are re-ranked exactly from `vectors.npy`.
- `meta.json`: the table's version it holds (max pk, max updated_at), the language centring's base and a
  fingerprint of the database (first practice's id and creation time) so a recreated database's stale
  index is never read.

A generation is never changed once `CURRENT` names it: the job writes a new folder and replaces `CURRENT`
atomically (rename); readers notice with one `stat` per search. A reader never depends on the worker: with no
index, another database's, or one too far behind the table, `semantic` falls back to its in-process matrix;
one slightly behind is read with the practices saved since (read from the table, kept in the process).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import mmap
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Q

from hamdeli.practices.search import semantic
from hamdeli.practices.search.semantic import DIM, HUB_SHARE, RELOAD_MARGIN, center

# Below ANN_MIN vectors a query scans every (memory-mapped) vector exactly, as the in-process matrix did; the
# inverted file is built from there on (an exact scan of 200k float32 vectors reads 300 MB per query).
ANN_MIN = 200_000
LIST_SIZE = 1000  # vectors per inverted list on average (sqrt(n) lists at 1M)
NPROBE = 48  # lists scanned per query (recall@10 ≥ 0.98 on the bench's 1M clustered vectors; bench/vectors.py)
# The reduced scan keeps RERANK x the window for the exact re-ranking: at 4 recall@10 was 0.925 on the bench's
# 680k vectors (whatever the lists probed: the reduced copy loses the small differences inside a cluster), at
# 20 0.99, at 50 1.0 (bench/vectors.py).
RERANK = 20
SCAN_DIM = 128  # principal directions the inverted lists are scanned in
DELTA_SHARE = 0.02  # rows saved since the lists were made, scanned exactly; beyond this share they are remade
OVERLAY_MAX = 20_000  # practices saved since the index that a process reads itself; beyond, the index is unused
KMEANS_SAMPLE = 64  # training vectors per list
KMEANS_ROUNDS = 8
KEEP = 2  # generations kept: the current one and the one before (a reader may still be opening it)


def folder() -> Path:
    """This database's index folder (the test database has its own, as does each database on a machine)."""
    conf = connection.settings_dict
    key = f"{connection.vendor}|{conf.get('HOST') or ''}|{conf.get('NAME')}"
    return Path(settings.VECTOR_INDEX_DIR) / f"{connection.vendor}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def _stamp(version) -> list:
    last_pk, at = version
    return [last_pk, at.isoformat() if at is not None else None]


def _unstamp(stamp) -> tuple:
    import datetime as dt

    return (stamp[0], dt.datetime.fromisoformat(stamp[1]) if stamp[1] else None)


def fingerprint() -> list:
    """The first practice's id and creation time: another database (recreated, restored) gives another."""
    from hamdeli.practices.models import Practice

    first = Practice.objects.order_by("pk").values_list("pk", "created_at").first()
    return [first[0], first[1].isoformat()] if first else [None, None]


class Snapshot:
    """One generation of the index, memory-mapped read-only; never changed once written."""

    def __init__(self, path: Path):
        meta = json.loads((path / "meta.json").read_text())
        self.path, self.generation = path, path.name
        self.version = _unstamp(meta["version"])
        self.fingerprint = meta["fingerprint"]
        self.measured_on = int(meta["measured_on"])
        load = lambda name: np.load(path / f"{name}.npy", mmap_mode="r")  # noqa: E731
        means = load("means") if meta["languages"] else np.zeros((0, DIM), dtype=np.float32)
        self.means = {lang: np.array(means[i]) for i, lang in enumerate(meta["languages"])}
        self.hub = np.array(load("hub")) if meta["hub"] else None
        self.ids, self.vectors = load("ids"), load("vectors")
        self.hubness = load("hubness") if self.hub is not None else None
        self.sorted_ids, self.sorted_rows = load("sorted_ids"), load("sorted_rows")
        self.ann = bool(meta["ann"])
        if self.ann:
            self.centroids, self.offsets = np.array(load("centroids")), np.array(load("offsets"))
            self.order, self.scan, self.delta = load("order"), load("scan"), np.array(load("delta"))
            self.projection = np.array(load("projection"))
            # Re-ranking reads a few thousand scattered rows: without this the kernel maps the pages around
            # each one as well (fault-around, read-ahead), and every worker soon mapped the whole file.
            for array in (self.vectors, self.hubness, self.ids):
                _random_access(array)
        self.checked: tuple | None = None  # the table version its fingerprint was last checked at
        # the largest hubness: a row scoring s has a cosine of at most s + HUB_SHARE x this (the floor's bound)
        self.max_hubness = float(np.max(self.hubness)) if self.hubness is not None and len(self.hubness) else 0.0

    @property
    def size(self) -> int:
        return len(self.ids)

    def rows_of(self, ids) -> tuple[np.ndarray, np.ndarray]:
        """The given practice ids that are in the index, and their rows."""
        ids = np.asarray(ids, dtype=np.int64)
        if not len(self.sorted_ids) or not len(ids):
            return ids[:0], ids[:0]
        at = np.minimum(np.searchsorted(self.sorted_ids, ids), len(self.sorted_ids) - 1)
        found = self.sorted_ids[at] == ids
        return ids[found], np.asarray(self.sorted_rows[at[found]])

    def cosines_of(self, ids, query: np.ndarray) -> dict[int, float]:
        found, rows = self.rows_of(ids)
        return dict(zip(found.tolist(), (np.asarray(self.vectors[rows]) @ query).tolist(), strict=True))

    def nearest(self, query: np.ndarray, window: int, *, by_cosine: bool = False
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
        """About the `window` best rows by ranking score (cosine less HUB_SHARE x hubness): the inverted lists
        nearest to the shifted query (score = v · (q - HUB_SHARE x hub)) are scanned in their reduced copy, the
        best RERANK x window and the rows saved since re-ranked exactly. Returns (ids, scores, cosines) best
        first and whether every vector was scanned. `by_cosine`: the nearest by cosine instead (the
        floor's own order), still returned ranked by score."""
        shifted = query - HUB_SHARE * self.hub if self.hub is not None and not by_cosine else query
        lists = len(self.centroids)
        probe = min(lists, max(NPROBE, -(-RERANK * window // LIST_SIZE)))
        nearest_lists = np.argpartition(-(self.centroids @ shifted), probe - 1)[:probe] if probe < lists \
            else np.arange(lists)
        starts, ends = self.offsets[nearest_lists], self.offsets[nearest_lists + 1]
        reduced = shifted @ self.projection
        approx = [self.scan[s:e] @ reduced for s, e in zip(starts, ends, strict=True)]
        positions = np.concatenate([np.arange(s, e) for s, e in zip(starts, ends, strict=True)] or [np.zeros(0, int)])
        approx_all = np.concatenate(approx) if approx else np.zeros(0, dtype=np.float32)
        keep = min(len(approx_all), RERANK * window)
        best = np.argpartition(-approx_all, keep - 1)[:keep] if keep < len(approx_all) else np.arange(len(approx_all))
        rows = np.union1d(np.asarray(self.order[positions[best]]), self.delta)
        rows.sort()  # ascending rows: the file is read forward
        cosines = np.asarray(self.vectors[rows]) @ query
        scores = cosines - HUB_SHARE * np.asarray(self.hubness[rows]) if self.hubness is not None else cosines
        ranked = np.argsort(-scores, kind="stable")
        return np.asarray(self.ids[rows])[ranked], scores[ranked], cosines[ranked], probe == lists

    def exact(self, query: np.ndarray, rows: np.ndarray | None = None):
        """(ids, scores, cosines) of every row (or the given rows), in row order."""
        vectors = self.vectors if rows is None else self.vectors[rows]
        cosines = vectors @ query
        hubness = (self.hubness if rows is None else self.hubness[rows]) if self.hubness is not None else None
        scores = cosines - HUB_SHARE * hubness if hubness is not None else cosines
        ids = self.ids if rows is None else self.ids[rows]
        return np.asarray(ids), np.asarray(scores), np.asarray(cosines)


def _random_access(array) -> None:
    mapped = getattr(array, "_mmap", None)
    if mapped is not None and hasattr(mmap, "MADV_RANDOM"):
        mapped.madvise(mmap.MADV_RANDOM)


class Overlay:
    """A snapshot and the practices saved since its version, read from the table by this process (centred
    with the snapshot's means, as the in-process matrix's refresh does): a search sees the table's version
    while the worker catches up."""

    def __init__(self, base: Snapshot, version, ids: np.ndarray, vectors: np.ndarray):
        self.base, self.version, self.means, self.hub = base, version, base.means, base.hub
        self.ann = base.ann
        self.ids, self.vectors = ids, vectors
        self.hubness = vectors @ base.hub if base.hub is not None else None
        self.max_hubness = max([base.max_hubness] + ([float(self.hubness.max())] if self.hubness is not None
                                                     and len(ids) else []))
        found, rows = base.rows_of(ids)
        self.replaced = dict(zip(found.tolist(), rows.tolist(), strict=True))  # id -> base row it replaces
        self.size = base.size + len(ids) - len(found)

    def cosines_of(self, ids, query: np.ndarray) -> dict[int, float]:
        mine = {int(pk): i for i, pk in enumerate(self.ids)}
        out = self.base.cosines_of([i for i in ids if i not in mine], query)
        out.update({i: float(self.vectors[mine[i]] @ query) for i in ids if i in mine})
        return out

    def _own(self, query: np.ndarray):
        cosines = self.vectors @ query if len(self.ids) else np.zeros(0, dtype=np.float32)
        scores = cosines - HUB_SHARE * self.hubness if self.hubness is not None and len(self.ids) else cosines
        return self.ids, scores, cosines

    def exact(self, query: np.ndarray, rows: np.ndarray | None = None):
        """Every vector's (ids, scores, cosines): the snapshot's rows with the saved ones in their place and
        the new ones after them (the in-process matrix's order after the same refresh)."""
        ids, scores, cosines = self.base.exact(query, rows)
        ids, scores, cosines = ids.copy(), scores.copy(), cosines.copy()
        own_ids, own_scores, own_cosines = self._own(query)
        added = np.ones(len(own_ids), dtype=bool)
        if rows is None:
            for i, pk in enumerate(own_ids.tolist()):
                row = self.replaced.get(pk)
                if row is not None:
                    scores[row], cosines[row], added[i] = own_scores[i], own_cosines[i], False
        else:
            stale = np.isin(ids, own_ids)
            ids, scores, cosines = ids[~stale], scores[~stale], cosines[~stale]
        return (np.concatenate([ids, own_ids[added]]), np.concatenate([scores, own_scores[added]]),
                np.concatenate([cosines, own_cosines[added]]))

    def nearest(self, query: np.ndarray, window: int, *, by_cosine: bool = False):
        ids, scores, cosines, complete = self.base.nearest(query, window, by_cosine=by_cosine)
        own_ids, own_scores, own_cosines = self._own(query)
        keep = ~np.isin(ids, own_ids)
        ids, scores = np.concatenate([ids[keep], own_ids]), np.concatenate([scores[keep], own_scores])
        cosines = np.concatenate([cosines[keep], own_cosines])
        ranked = np.argsort(-scores, kind="stable")
        return ids[ranked], scores[ranked], cosines[ranked], complete

    def rows_of(self, ids):
        return self.base.rows_of(ids)


_opened: dict[Path, tuple[tuple, Snapshot | None]] = {}
_overlays: dict[Path, tuple[tuple, Overlay | None]] = {}
_open_lock = threading.Lock()


def current() -> Snapshot | None:
    """The newest generation of this database's index, opened once per process (one `stat` per call)."""
    base = folder()
    try:
        stat = os.stat(base / "CURRENT")
    except OSError:
        return None
    key = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    seen = _opened.get(base)
    if seen is not None and seen[0] == key:
        return seen[1]
    with _open_lock:
        try:
            snapshot: Snapshot | None = Snapshot(base / (base / "CURRENT").read_text().strip())
        except (OSError, ValueError, KeyError):  # being replaced, or removed: read from the table meanwhile
            snapshot = None
        _opened[base] = (key, snapshot)
    return snapshot


def view(version) -> Snapshot | Overlay | None:
    """What a search at this table version reads from the shared index: the snapshot itself when it holds
    this version; it and the practices saved since when it is a little behind; None when there is no usable
    index (missing, another database's, too far behind, or the language means due again)."""
    snapshot = current()
    if snapshot is None:
        return None
    if snapshot.checked != version:
        if snapshot.fingerprint != fingerprint():
            return None
        snapshot.checked = version
    if snapshot.version == version:
        return snapshot
    base = folder()
    seen = _overlays.get(base)
    if seen is not None and seen[0] == (snapshot.generation, version):
        return seen[1]
    overlay = _overlay(snapshot, version)
    _overlays[base] = ((snapshot.generation, version), overlay)
    return overlay


def _changed_since(version):
    """Practices saved since a version (a margin before it: a long transaction may commit a row stamped
    earlier), with their vectors and languages."""
    from hamdeli.practices.models import Practice

    last_pk, since = version
    if since is None:
        return Practice.objects.exclude(embedding=None)
    return Practice.objects.filter(Q(updated_at__gte=since - RELOAD_MARGIN) | Q(pk__gt=last_pk or 0)).exclude(
        embedding=None)


def _overlay(snapshot: Snapshot, version) -> Overlay | None:
    changed = _changed_since(snapshot.version)
    rows = list(changed.values_list("id", "embedding", "languages")[:OVERLAY_MAX + 1])
    if len(rows) > OVERLAY_MAX:
        return None
    ids = np.asarray([pk for pk, _raw, _langs in rows], dtype=np.int64)
    vectors = np.asarray([center(np.frombuffer(raw, dtype=np.float32), langs.split(), snapshot.means)
                          for _pk, raw, langs in rows], dtype=np.float32).reshape(len(rows), DIM)
    overlay = Overlay(snapshot, version, ids, vectors)
    if snapshot.means and overlay.size > 1.25 * snapshot.measured_on + 10:
        return None  # the means are due again (as in the in-process matrix): read the table whole
    return overlay


# --- building (the background worker) ---------------------------------------------------------------------

@contextlib.contextmanager
def _building(base: Path):
    """One builder per folder on the machine (several workers may run the job at once)."""
    base.mkdir(parents=True, exist_ok=True)
    with open(base / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def refresh(*, full: bool = False) -> str:
    """Bring this database's index to the table's version: nothing when it holds it, the practices saved
    since when it is behind (the language means kept, as the in-process matrix does), all of it when there is
    none, it is another database's, or the corpus grew by a quarter since the means were taken. Returns
    what was done: "current", "changed", "built" or "empty"."""
    base = folder()
    with _building(base):
        version = semantic._version()
        snapshot = current()
        usable = snapshot is not None and snapshot.fingerprint == fingerprint()
        if usable and not full and snapshot is not None and snapshot.version == version:
            return "current"
        if version[0] is None:
            return "empty"
        if not usable or full or snapshot is None:
            matrix = semantic._load(version)
            done, lists = "built", None
        else:
            matrix = semantic._Matrix(snapshot.version, np.array(snapshot.ids), np.array(snapshot.vectors),
                                      dict(snapshot.means), snapshot.hub)
            matrix.measured_on = snapshot.measured_on
            changed = list(_changed_since(snapshot.version).values_list("id", "embedding", "languages"))
            before = matrix
            matrix = matrix.with_changes(version, changed)
            done, lists = "changed", snapshot
            if matrix.means_stale():
                matrix, done, lists = semantic._load(version), "built", None
            else:
                # the rows whose vector changed or that are new (the margin re-reads rows that did not change)
                position = matrix.position()
                rows = np.asarray(sorted({position[pk] for pk, _r, _l in changed}), dtype=np.int64)
                old = rows[rows < before.size]
                moved = old[np.any(matrix.vectors[old] != before.vectors[old], axis=1)] if len(old) else old
                changed_rows = np.concatenate([moved, rows[rows >= before.size]])
        path = base / f"g{time.time_ns()}"
        tmp = base / f".{path.name}.tmp"
        tmp.mkdir()
        _write(tmp, matrix, version)
        if len(matrix.ids) >= ANN_MIN:
            if lists is not None and lists.ann:
                delta = np.union1d(lists.delta, changed_rows)
                if len(delta) <= DELTA_SHARE * len(matrix.ids):
                    for name in ("centroids", "offsets", "order", "scan", "projection"):
                        os.link(lists.path / f"{name}.npy", tmp / f"{name}.npy")
                    np.save(tmp / "delta.npy", delta)
                else:
                    _write_lists(tmp, matrix.vectors, np.array(lists.centroids), np.array(lists.projection))
            else:
                _write_lists(tmp, matrix.vectors, None)
            _set_meta(tmp, ann=True)
        os.rename(tmp, path)
        pointer = base / ".CURRENT.tmp"
        pointer.write_text(path.name)
        os.replace(pointer, base / "CURRENT")
        _prune(base, path.name)
        return done


def _write(path: Path, matrix, version) -> None:
    np.save(path / "ids.npy", matrix.ids)
    np.save(path / "vectors.npy", np.ascontiguousarray(matrix.vectors, dtype=np.float32))
    order = np.argsort(matrix.ids, kind="stable")
    np.save(path / "sorted_ids.npy", matrix.ids[order])
    np.save(path / "sorted_rows.npy", order.astype(np.int64))
    languages = sorted(matrix.means)
    if languages:
        np.save(path / "means.npy", np.asarray([matrix.means[lang] for lang in languages], dtype=np.float32))
    if matrix.hub is not None:
        np.save(path / "hub.npy", matrix.hub)
        np.save(path / "hubness.npy", np.asarray(matrix.hubness, dtype=np.float32))
    meta: dict[str, Any] = {"version": _stamp(version), "fingerprint": fingerprint(), "measured_on": matrix.measured_on,
                            "languages": languages, "hub": matrix.hub is not None, "ann": False,
                            "count": int(len(matrix.ids))}
    (path / "meta.json").write_text(json.dumps(meta))


def _set_meta(path: Path, **changes: Any) -> None:
    meta = json.loads((path / "meta.json").read_text())
    meta.update(changes)
    (path / "meta.json").write_text(json.dumps(meta))


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-6)


def train_lists(vectors: np.ndarray, lists: int, *, seed: int = 0) -> np.ndarray:
    """Spherical k-means centroids over a sample of the vectors."""
    rng = np.random.default_rng(seed)
    sample = np.asarray(vectors[np.sort(rng.choice(len(vectors), min(len(vectors), lists * KMEANS_SAMPLE),
                                                   replace=False))], dtype=np.float32)
    centroids = sample[rng.choice(len(sample), lists, replace=False)].copy()
    for _ in range(KMEANS_ROUNDS):
        assigned = _assign(sample, centroids)
        order = np.argsort(assigned, kind="stable")
        members = np.bincount(assigned, minlength=lists)
        sums = np.zeros_like(centroids)
        filled = np.flatnonzero(members)
        starts = np.concatenate([[0], np.cumsum(members)[:-1]])[filled]
        sums[filled] = np.add.reduceat(sample[order], starts, axis=0)
        empty = ~sums.any(axis=1)
        sums[empty] = sample[rng.choice(len(sample), int(empty.sum()), replace=False)]
        centroids = _unit(sums).astype(np.float32)
    return centroids


def _assign(vectors: np.ndarray, centroids: np.ndarray, chunk: int = 20_000) -> np.ndarray:
    out = np.empty(len(vectors), dtype=np.int64)
    for at in range(0, len(vectors), chunk):
        out[at:at + chunk] = np.argmax(np.asarray(vectors[at:at + chunk], dtype=np.float32) @ centroids.T, axis=1)
    return out


def principal_directions(vectors: np.ndarray, dim: int, *, seed: int = 0) -> np.ndarray:
    """(DIM, dim): the vectors' `dim` principal directions (of their second moment, over a sample)."""
    rng = np.random.default_rng(seed)
    sample = np.asarray(vectors[np.sort(rng.choice(len(vectors), min(len(vectors), 100_000), replace=False))],
                        dtype=np.float64)
    _values, directions = np.linalg.eigh(sample.T @ sample)
    return np.ascontiguousarray(directions[:, ::-1][:, :dim], dtype=np.float32)


def _write_lists(path: Path, vectors: np.ndarray, centroids: np.ndarray | None,
                 projection: np.ndarray | None = None) -> None:
    """The inverted file: centroids (trained unless given), rows grouped by nearest centroid, their reduced
    copy in that order, and no delta."""
    if centroids is None:
        centroids = train_lists(vectors, max(16, len(vectors) // LIST_SIZE))
    if projection is None:
        projection = principal_directions(vectors, SCAN_DIM)
    assigned = _assign(vectors, centroids)
    order = np.argsort(assigned, kind="stable")
    offsets = np.zeros(len(centroids) + 1, dtype=np.int64)
    np.cumsum(np.bincount(assigned, minlength=len(centroids)), out=offsets[1:])
    np.save(path / "centroids.npy", centroids.astype(np.float32))
    np.save(path / "offsets.npy", offsets)
    np.save(path / "order.npy", order.astype(np.int64))
    np.save(path / "projection.npy", projection)
    scan = np.lib.format.open_memmap(path / "scan.npy", mode="w+", dtype=np.float32,
                                     shape=(len(order), projection.shape[1]))
    for at in range(0, len(order), 50_000):
        scan[at:at + 50_000] = np.asarray(vectors[order[at:at + 50_000]], dtype=np.float32) @ projection
    scan.flush()
    del scan
    np.save(path / "delta.npy", np.zeros(0, dtype=np.int64))


def _prune(base: Path, keep: str) -> None:
    """Remove all but the KEEP newest generations (a process that maps an older one keeps its pages)."""
    generations = sorted((p for p in base.iterdir() if p.is_dir() and p.name.startswith("g")),
                         key=lambda p: int(p.name[1:]))
    for old in generations[:-KEEP]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)
    for leftover in base.glob(".g*.tmp"):  # a builder killed mid-write
        shutil.rmtree(leftover, ignore_errors=True)
