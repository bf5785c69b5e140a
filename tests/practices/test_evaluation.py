"""Recall@5 of keyword-only, semantic-only and hybrid search on the written fa/en query set."""

import json

import pytest

from hamdeli.practices.evaluation import load_samples, read_queries, recall_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample_practices(org, officer):
    return load_samples(org=org, actor=officer, visibility="public")


def test_query_set_is_large_enough_and_bilingual():
    queries = read_queries()
    assert len(queries) >= 30
    assert {q["lang"] for q in queries} == {"fa", "en"}


def test_hybrid_recall_is_at_least_the_better_single_engine(org, sample_practices):
    report = recall_at(org=org, practices=sample_practices, queries=read_queries())
    print(json.dumps(report, ensure_ascii=False, indent=1))
    keyword, semantic, hybrid = (report[m]["recall_at_5"] for m in ("keyword", "semantic", "hybrid"))
    assert hybrid >= max(keyword, semantic)
    assert hybrid >= 0.7
    assert semantic > keyword  # most targets are in another language than the query: words alone cannot reach


def test_crosslingual_evaluation_holds_its_floor(org, officer):
    """The held-apart evaluation (queries in six languages for practices in the others, with vague
    same-language distractors beside them): the language-centred semantic ranking must keep finding the
    foreign practice; nonsense finds nothing in every mode and says so (`found` 0); a query's variant
    spellings rank the same on this centred, floored corpus too."""
    from hamdeli.practices.evaluation import evaluate, load_crosslingual, read_crosslingual
    from hamdeli.practices.search.engine import search

    data = read_crosslingual()
    practices = load_crosslingual(org=org, actor=officer, data=data)
    report = evaluate(org=org, practices=practices, data=data)
    print(json.dumps({m: {k: v for k, v in r.items() if k != "misses"} for m, r in report.items()}, indent=1))
    # the concept glossary's share (hybrid only): 0.917 / 0.702 without it, 0.954 / 0.757 with it
    assert report["hybrid"]["cross"]["all_in_top_5"] >= 0.95
    assert report["hybrid"]["cross"]["top_1"] >= 0.75
    assert report["hybrid"]["cross:ar->*"]["all_in_top_5"] >= 0.9  # 0.81 without the glossary
    for mode in ("semantic", "hybrid"):
        # 0.39 before language centering, 0.78 before the two-step floor, 0.88 before the title half of the vector
        assert report[mode]["cross"]["all_in_top_5"] >= 0.90, mode
        assert report[mode]["cross"]["top_1"] >= 0.68, mode  # 0.61 before the title half and the hubness share
        assert report[mode]["cross:ar->*"]["all_in_top_5"] >= 0.78, mode  # 0.41 with Arabic in Persian letters
        assert report[mode]["same"]["all_in_top_5"] >= (1.0 if mode == "hybrid" else 0.95), mode
    # nonsense finds nothing in every mode: semantic by its floor, keyword's partial matches by the same floor
    # ("football transfer rumours" found the practices that say "transfer" before)
    for mode in ("keyword", "semantic", "hybrid"):
        assert report[mode]["nonsense_found_nothing"] == 1.0, mode
    # hybrid is at least as good as the better half on every slice (query language -> practice languages),
    # and at least as good as semantic, better than keyword, on the whole set
    for name, figures in report["hybrid"].items():
        if name.endswith("->*"):
            for measure in ("all_in_top_5", "top_1"):
                best = max(report[m][name][measure] for m in ("keyword", "semantic"))
                assert figures[measure] >= best, (name, measure)
    for measure in ("all_in_top_5", "top_1"):
        assert report["hybrid"]["all"][measure] >= report["semantic"]["all"][measure], measure
        assert report["hybrid"]["all"][measure] > report["keyword"]["all"][measure], measure

    for query in ("zzqxv", "qwpoeiruty", "ژژژ ققق", "xq7 zzv"):
        for mode in ("keyword", "semantic", "hybrid"):
            results = search(org=org, query=query, mode=mode, with_facets=False)
            assert (results.found, results.hits) == (0, []), (query, mode)

    variants = [item for item in data["queries"] if item.get("variant")]
    assert len(variants) >= 10
    for item in variants:
        plain = item["q"].replace("ي", "ی").replace("ك", "ک").replace("\u200c", " ")
        plain = plain.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
        for mode in ("semantic", "hybrid"):
            ranked = [[h.practice.pk for h in search(org=org, query=q, mode=mode, limit=10, with_facets=False).hits]
                      for q in (item["q"], plain)]
            assert ranked[0] == ranked[1], (item["q"], mode)
