"""The concept glossary: the cross-lingual keyword signal of hybrid search (search/concepts.py)."""

import pytest

from hamdeli.practices.search.concepts import GLOSSARY, LANGUAGES, Glossary, concept_tokens, glossary, token
from hamdeli.practices.search.engine import CONCEPT_WEIGHT, KEYWORD_WEIGHT, Filters, candidates, fuse, search
from hamdeli.practices.search.keyword import KeywordHit, concept_cover, keyword_search


def _concepts(text):
    return glossary().concepts_of(text)


def test_every_concept_has_terms_in_every_language():
    rows = [line for line in GLOSSARY.read_text(encoding="utf-8").splitlines() if line.strip()
            and not line.startswith("#")]
    assert len(rows) >= 150
    ids = [row.split("|")[0].strip() for row in rows]
    assert len(ids) == len(set(ids))
    for row in rows:
        fields = [f.strip() for f in row.split("|")[1:]]
        assert len(fields) == len(LANGUAGES) and all(fields), row
    assert len({token(c) for c in ids}) == len(ids)  # no two concepts share a token


def test_a_malformed_line_is_refused():
    with pytest.raises(ValueError, match="languages"):
        Glossary(["mask | mask | ماسک"])


@pytest.mark.parametrize("text", [
    "توزیع رایگان ماسک",  # Persian
    "توزيع رايگان ماسك",  # the same typed with Arabic yeh and kaf
    "免费发放口罩",  # Chinese: a run of characters, no spaces
    "Free distribution of face masks",
    "Reparto gratuito de mascarillas",
    "توزيع الكمامات مجانا",  # Arabic: the article and the plural
    "Distribution gratuite de masques",
])
def test_one_request_in_six_languages_names_the_same_concepts(text):
    assert {"mask", "free_of_charge", "distribution"} <= _concepts(text)


def test_words_match_with_short_endings_only():
    assert "earthquake" in _concepts("زلزله‌زدگان")  # ZWNJ and a Persian ending
    assert "mask" in _concepts("masks")
    assert "public_transport" not in _concepts("business")  # "bus" is not the start of any longer word
    assert _concepts("zzqxv") == set()


pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_a_persian_query_finds_a_chinese_practice_through_a_shared_concept(org, make_practice):
    masks = make_practice(title={"zh": "社区免费发放口罩"}, summary={"zh": "居委会在社区门口向居民免费发放口罩。"})
    quake = make_practice(title={"zh": "地震后的帐篷营地"}, summary={"zh": "地震后为灾民搭建帐篷。"})
    cover = concept_cover("ماسک رایگان", [masks.pk, quake.pk])
    assert cover[masks.pk] == 1.0  # both of the query's concepts
    assert quake.pk not in cover  # an unrelated concept does not pull
    results = search(org=org, query="ماسک رایگان", mode="hybrid")
    assert [h.practice.pk for h in results.hits][:1] == [masks.pk]


def test_fusion_lifts_the_practice_with_the_querys_concepts_and_no_other():
    semantic = [(1, 0.50), (2, 0.48), (3, 0.47)]  # 1: same-language, general; 2: has the concepts; 3: another
    ranked = fuse([], semantic, concepts={2: 1.0, 3: 0.0})
    assert [i for i, _s in ranked] == [2, 1, 3]
    assert ranked[0][1] == pytest.approx(0.48 + CONCEPT_WEIGHT)
    # half the concepts: half the lift; a keyword-only hit is not lifted by concepts (it has no semantic score)
    ranked = dict(fuse([KeywordHit(4, 1.0, "")], semantic, concepts={2: 0.5, 4: 1.0}))
    assert ranked[2] == pytest.approx(0.48 + CONCEPT_WEIGHT / 2)
    assert ranked[4] == pytest.approx(0.47 - KEYWORD_WEIGHT + KEYWORD_WEIGHT)  # after the semantic ones, unlifted


@pytestmark_db
def test_concept_tokens_are_not_words_a_query_can_match(org, make_practice):
    practice = make_practice(title={"en": "Free masks at markets"})
    assert concept_tokens("free masks")
    assert all(t in practice.search_text for t in concept_tokens("free masks"))
    pool = candidates(org, Filters())
    for query in ("q", "qx", "qxc", concept_tokens("masks")[0]):
        assert keyword_search(pool, query, snippets=False) == [], query
