"""The semantic search's shared vector index (practices.search.index): built by the background worker's job,
read memory-mapped by other processes, kept up to date incrementally, never needed for a correct result."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.db import connection
from django.utils import timezone

from hamdeli.practices import services
from hamdeli.practices.models import Practice
from hamdeli.practices.search import engine, index, semantic
from hamdeli.practices.tasks import refresh_vector_index

pytestmark = pytest.mark.django_db(transaction=True)  # a second process reads what this one committed

LANGUAGES = ("en", "fa", "es", "zh")


def _unit(v):
    return (v / np.linalg.norm(v)).astype(np.float32)


@pytest.fixture
def corpus(org, officer):
    """80 practices with clustered vectors (8 subjects, 4 languages: enough to be centred), stored directly."""
    rng = np.random.default_rng(3)
    subjects = [_unit(rng.standard_normal(semantic.DIM)) for _ in range(8)]
    accents = {lang: _unit(rng.standard_normal(semantic.DIM)) for lang in LANGUAGES}
    made = []
    for n in range(80):
        lang = LANGUAGES[n % 4]
        practice = services.create_practice(org=org, actor=officer, embed=False, title={lang: f"practice {n}"},
                                            topics=["disinfection"], visibility="public")
        vector = _unit(subjects[n % 8] + 0.8 * accents[lang] + 0.5 * _unit(rng.standard_normal(semantic.DIM)))
        Practice.objects.filter(pk=practice.pk).update(embedding=vector.tobytes())
        made.append(practice.pk)
    return {"ids": made, "subjects": subjects}


def _query(corpus, subject=2):
    return _unit(corpus["subjects"][subject] + 0.3 * _unit(np.random.default_rng(9).standard_normal(semantic.DIM)))


def _in_process(org, vector, matrix=None, **filters):
    """The ranking from this process's own matrix (loaded whole, or refreshed from `matrix`, loaded earlier),
    with no shared index at all."""
    current, semantic._matrix = semantic._matrix, matrix or semantic._Matrix()
    try:
        pool = engine.candidates(org, engine.Filters(**filters))
        with _no_index():
            return semantic.semantic_search(pool, "q", limit=20, vector=vector)
    finally:
        semantic._matrix = current


class _no_index:
    def __enter__(self):
        self.view = index.view
        index.view = lambda version: None
        return self

    def __exit__(self, *exc):
        index.view = self.view


def _search(org, vector, **filters):
    return semantic.semantic_search(engine.candidates(org, engine.Filters(**filters)), "q", limit=20, vector=vector)


def _database_url():
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgresql://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


SECOND_PROCESS = """
import json, sys
import numpy as np
import django
django.setup()
from hamdeli.core.models import Organization
from hamdeli.core.tenancy import scopes_disabled
from hamdeli.practices.search import engine, semantic
with scopes_disabled():
    org = Organization.objects.get(slug=sys.argv[1])
    vector = np.asarray(json.loads(sys.argv[2]), dtype=np.float32)
    hits = semantic.semantic_search(engine.candidates(org, engine.Filters()), "q", limit=20, vector=vector)
    print(json.dumps({"hits": hits, "source": type(semantic._source()).__name__,
                      "own_matrix": semantic._matrix.size}))
"""


def test_the_job_builds_the_index_and_another_process_ranks_from_it_like_the_exact_search(
        org, corpus, settings):
    query = _query(corpus)
    expected = _in_process(org, query)
    assert len(expected) >= 5
    assert not (Path(settings.VECTOR_INDEX_DIR)).exists()  # nothing built yet: the search did not need it
    assert refresh_vector_index.call(office=None) == "built"
    assert (index.folder() / "CURRENT").exists()
    env = {**os.environ, "HAMDELI_DATABASE_URL": _database_url(),
           "HAMDELI_VECTOR_INDEX_DIR": str(settings.VECTOR_INDEX_DIR), "DJANGO_SETTINGS_MODULE": "hamdeli.settings",
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    out = subprocess.run([sys.executable, "-c", SECOND_PROCESS, org.slug, json.dumps(query.tolist())], env=env,
                         capture_output=True, text=True, timeout=300, check=True)
    second = json.loads(out.stdout.strip().splitlines()[-1])
    # the other process read the shared index (memory-mapped) and loaded no matrix of its own
    assert second["source"] == "Snapshot" and second["own_matrix"] == 0
    assert [pk for pk, _s in second["hits"]] == [pk for pk, _s in expected]
    assert np.allclose([s for _pk, s in second["hits"]], [s for _pk, s in expected], atol=1e-6)
    assert refresh_vector_index.call(office=None) == "current"  # idempotent


@pytest.mark.parametrize("inverted_file", [False, True])
def test_an_edit_and_a_new_practice_are_found_before_and_after_the_job(
        org, officer, corpus, monkeypatch, inverted_file):
    if inverted_file:  # the inverted-file path, on a corpus small enough for a test
        monkeypatch.setattr(index, "ANN_MIN", 50)
        monkeypatch.setattr(index, "LIST_SIZE", 8)
        monkeypatch.setattr(index, "NPROBE", 3)
        monkeypatch.setattr(index, "DELTA_SHARE", 0.1)
    index.refresh()
    snapshot = index.current()
    assert snapshot is not None and snapshot.ann is inverted_file
    query = _query(corpus, subject=5)
    edited, before = corpus["ids"][0], _search(org, query)
    assert edited not in [pk for pk, _s in before]
    loaded = semantic._load(semantic._version())  # a process's matrix loaded when the index was built
    # an edit turns practice 0 into the query's subject, and a new practice is written on it as well
    Practice.objects.filter(pk=edited).update(embedding=_unit(query + 0.05).tobytes(), updated_at=timezone.now())
    new = services.create_practice(org=org, actor=officer, embed=False, title={"en": "new"}, topics=["education"],
                                   visibility="public")
    Practice.objects.filter(pk=new.pk).update(embedding=_unit(query - 0.05).tobytes(), updated_at=timezone.now())
    # the ranking of that process's matrix refreshed with the two saves (language means kept, as the index's)
    expected = _in_process(org, query, loaded)
    assert {edited, new.pk} <= {pk for pk, _s in expected[:3]}
    # before the job: the index is behind; this process reads the two changes from the table beside it
    assert isinstance(semantic._source(), index.Overlay)
    assert _search(org, query) == expected
    assert index.refresh() == "changed"
    assert isinstance(semantic._source(), index.Snapshot) and semantic._source().size == 81
    after = _search(org, query)
    assert [pk for pk, _s in after] == [pk for pk, _s in expected]
    assert np.allclose([s for _pk, s in after], [s for _pk, s in expected], atol=1e-6)
    if inverted_file:  # the changed rows are scanned exactly beside the lists until these are remade
        assert len(index.current().delta) == 2


@pytest.mark.parametrize("inverted_file", [False, True])
def test_another_offices_private_and_archived_practices_are_never_returned(
        org, other_org, officer, corpus, monkeypatch, inverted_file):
    if inverted_file:
        monkeypatch.setattr(index, "ANN_MIN", 50)
        monkeypatch.setattr(index, "LIST_SIZE", 8)
        monkeypatch.setattr(index, "NPROBE", 2)
    query = _query(corpus, subject=1)
    secret = services.create_practice(org=other_org, actor=None, embed=False, title={"en": "secret"},
                                      topics=["education"], visibility="private")
    archived = corpus["ids"][1]
    Practice.objects.filter(pk=secret.pk).update(embedding=query.tobytes())
    Practice.objects.filter(pk=archived).update(embedding=query.tobytes(), archived_at=timezone.now())
    index.refresh()
    hits = [pk for pk, _s in _search(org, query)]
    assert hits and secret.pk not in hits and archived not in hits
    # the other office: only the public ones, never this office's archived practice
    seen = [pk for pk, _s in _search(other_org, query)]
    assert secret.pk in seen and archived not in seen
    # a narrower candidate set (one language): past the widest window the candidates are ranked exactly
    monkeypatch.setattr(semantic, "ANN_WINDOW_MAX", 10 if inverted_file else semantic.ANN_WINDOW_MAX)
    narrow = [pk for pk, _s in _search(org, query, language="fa")]
    assert narrow == [pk for pk, _s in _in_process(org, query, language="fa")]
    assert narrow and set(narrow) <= set(Practice.objects.filter(languages__contains=" fa ").values_list(
        "pk", flat=True))


def test_a_missing_foreign_or_far_behind_index_falls_back_to_the_process_matrix(org, corpus, monkeypatch):
    query = _query(corpus)
    expected = _in_process(org, query)
    assert isinstance(semantic._source(), semantic._Matrix)  # no index: this process's matrix
    assert _search(org, query) == expected
    index.refresh()
    assert isinstance(semantic._source(), index.Snapshot)
    # another database's index (recreated, restored from a backup): never read
    meta = index.current().path / "meta.json"
    data = json.loads(meta.read_text())
    meta.write_text(json.dumps({**data, "fingerprint": [data["fingerprint"][0], "2001-01-01T00:00:00+00:00"]}))
    index._opened.clear()
    assert isinstance(semantic._source(), semantic._Matrix)
    assert _search(org, query) == expected
    meta.write_text(json.dumps(data))
    index._opened.clear()
    assert isinstance(semantic._source(), index.Snapshot)
    # an index too far behind the table: the process reads the table itself rather than a long overlay
    monkeypatch.setattr(index, "OVERLAY_MAX", 0)
    Practice.objects.filter(pk=corpus["ids"][4]).update(updated_at=timezone.now())
    assert isinstance(semantic._source(), semantic._Matrix)
    assert _search(org, query) == expected
    # the worker catches up: the index is read again
    assert index.refresh() == "changed"
    assert isinstance(semantic._source(), index.Snapshot)
    assert _search(org, query) == expected


def test_saving_a_practice_enqueues_one_refresh(org, officer, corpus):
    from django_tasks_db.models import DBTaskResult

    from hamdeli.core import jobs

    practice = Practice.objects.get(pk=corpus["ids"][0])
    for n in range(2):  # two saves before the worker runs: one job waiting
        services.update_practice(org=org, actor=officer, practice=practice, title={"en": f"Edited {n}"})
    [queued] = DBTaskResult.objects.filter(task_path=refresh_vector_index.module_path)
    assert queued.status == "READY"
    jobs.run_worker(once=True)
    assert DBTaskResult.objects.get(pk=queued.pk).status == "SUCCESSFUL"
    assert index.current().version == semantic._version()
