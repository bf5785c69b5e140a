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
