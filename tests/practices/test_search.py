"""Keyword search through the core normalisation, on whichever engine the database has (SQLite FTS5 by
default, PostgreSQL full-text with HAMDELI_DATABASE_URL): the same data gives the same top results."""

import pytest
from django.db import connection

from hamdeli.practices.evaluation import load_samples
from hamdeli.practices.search.engine import Filters, rrf, search
from hamdeli.practices.search.text import query_groups, tokens_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def samples(org, officer):
    return load_samples(org=org, actor=officer, visibility="public")


def _top(org, query, mode="keyword", n=3, **filters):
    return [h.practice.title for h in search(org=org, query=query, mode=mode, limit=n,
                                             filters=Filters(**filters)).hits]


def test_engine_matches_the_database(org, samples):
    engine = search(org=org, query="bus", mode="keyword").engine
    assert engine == ("postgresql-fts" if connection.vendor == "postgresql" else "sqlite-fts5")


@pytest.mark.parametrize(("query", "expected_title_fa"), [
    ("ضدعفوني معابر", "ضدعفونی معابر و اماکن عمومی شهر"),  # Arabic yeh in the query
    ("ضدعفونی معابر", "ضدعفونی معابر و اماکن عمومی شهر"),
    ("اطلاع رسانی عمومی", "اطلاع‌رسانی عمومی دربارهٔ کرونا"),  # space where the text has ZWNJ
    ("اطلاع‌رسانی", "اطلاع‌رسانی عمومی دربارهٔ کرونا"),
    ("كلاس‌ها و ويدئوهای كوتاه", "آموزش شهروندان برای پیشگیری از بیماری"),  # Arabic kaf and yeh
])
def test_persian_spellings_find_the_same_practice(org, samples, query, expected_title_fa):
    assert _top(org, query, n=1)[0]["fa"] == expected_title_fa


@pytest.mark.parametrize("digits", ["35", "۳۵", "٣٥"])
def test_persian_arabic_and_latin_digits_are_one(org, samples, digits):
    assert _top(org, f"{digits} km", n=1)[0]["en"].startswith("Open streets")


def test_normalisation_of_index_and_query_agree():
    assert tokens_text("ضدعفوني‌ معابر ۲۰۲۰") == tokens_text("ضدعفونی معابر 2020") == "ضدعفونی معابر 2020"
    assert tokens_text("الْعَرَبِيَّة") == tokens_text("العربیه")
    assert query_groups("街道消毒 bus") == [["街", "道"], ["消", "毒"], ["bus"]]  # words, each a phrase


@pytest.mark.parametrize(("query", "first_key_title"), [
    ("hypochlorite", None),  # several; checked below
    ("drive-through", "Drive-through testing stations"),
    ("wet markets", "Distancing rules for wet markets"),
    ("喷洒消毒", "街道和公共场所消毒"),
    ("Hospital de campaña", "Hospital de campaña en IFEMA"),
    ("mask map", "Mask availability map"),
])
def test_both_engines_rank_the_same_first_result(org, samples, query, first_key_title):
    titles = _top(org, query)
    assert titles
    if first_key_title:
        assert first_key_title in titles[0].values()


def test_same_top_results_for_a_shared_word(org, samples):
    # "hypochlorite" is in Isfahan's English summary only; Barcelona's Spanish one says "hipoclorito".
    assert _top(org, "hypochlorite", n=5) == [samples["isfahan_disinfection"].title]
    assert _top(org, "hipoclorito", n=5) == [samples["barcelona_disinfection"].title]


def test_snippets_highlight_the_matched_words(org, samples):
    hit = search(org=org, query="wet markets", mode="keyword").hits[0]
    assert "<mark>Wet</mark>" in hit.snippet_html  # the author's own text, as written
    assert "<mark>markets</mark>" in hit.snippet_html


def test_snippet_html_is_escaped(org, make_practice):
    make_practice(title={"en": "<script>alert(1)</script> bus plan"}, visibility="private")
    html = search(org=org, query="bus plan", mode="keyword").hits[0].snippet_html
    assert "<script>" not in html


def test_facets_count_the_results(org, samples):
    results = search(org=org, query="disinfection", mode="hybrid", limit=10)
    facets = dict(results.facets["topic"])
    assert facets["disinfection"] >= 3
    assert set(results.facets) == {"topic", "country", "language", "phase", "instrument", "year"}


def test_facets_count_every_result_found_not_only_the_page(org, samples):
    results = search(org=org, query="masks", mode="keyword", limit=1)
    everything = search(org=org, query="masks", mode="keyword", limit=100)
    assert len(results.hits) == 1 and results.facets_over == len(everything.hits) > 1
    assert results.facets == everything.facets
    assert sum(count for _v, count in results.facets["phase"]) == len(everything.hits)


def test_year_facet_follows_the_pages_calendar(org, samples):
    gregorian = dict(search(org=org, query="disinfection", mode="keyword").facets["year"])
    jalali = dict(search(org=org, query="disinfection", mode="keyword", calendar="jalali").facets["year"])
    assert set(gregorian) <= {"2019", "2020", "2021"} and set(jalali) <= {"1398", "1399", "1400"}
    assert sum(gregorian.values()) == sum(jalali.values()) > 0


def test_filters_narrow_the_candidates(org, samples):
    titles = _top(org, "disinfection", mode="semantic", n=10, country="CN")
    assert titles and all(t.get("zh") for t in titles)
    titles = _top(org, "school", mode="semantic", n=10, language="es")
    assert titles == [samples["buenos_aires_school_tv"].title] or all("es" in t for t in titles)
    assert _top(org, "bike", mode="keyword", topic="economy") == []
    assert _top(org, "bike", mode="keyword", topic="transport")


def test_cross_lingual_semantic_search(org, samples):
    # Persian query → the Spanish practice; English query → the Persian one; Persian → Chinese.
    assert samples["barcelona_elderly_calls"].title in _top(org, "تماس تلفنی با سالمندان تنها", mode="hybrid", n=5)
    assert samples["mashhad_mask_production"].title in _top(org, "sewing masks in local workshops", mode="hybrid",
                                                            n=5)
    assert samples["guangzhou_health_code"].title in _top(org, "کد سلامت با گوشی همراه", mode="hybrid", n=5)


def test_search_never_shows_another_orgs_private_practice(org, other_org, outsider, make_practice):
    make_practice(title={"en": "secret bus plan"}, visibility="private")
    for mode in ("keyword", "semantic", "hybrid"):
        assert search(org=other_org, query="secret bus plan", mode=mode).hits == []


def test_rrf_rewards_agreement():
    fused = [item for item, _score in rrf([1, 2, 3], [3, 1, 4])]
    assert fused[:2] == [1, 3]


def test_saving_updates_the_keyword_index(org, officer, make_practice):
    from hamdeli.practices import services

    p = make_practice(title={"en": "tram depot"})
    assert _top(org, "tram") == [p.title]
    services.update_practice(org=org, actor=officer, practice=p, title={"en": "ferry pier"})
    assert _top(org, "tram") == []
    assert _top(org, "ferry") == [{"en": "ferry pier"}]
    services.archive_practice(org=org, actor=officer, practice=p)
    assert _top(org, "ferry") == []


def test_saving_updates_the_meaning_index_without_a_full_reload(org, officer, make_practice, monkeypatch):
    from hamdeli.practices import services
    from hamdeli.practices.search import semantic

    bikes = make_practice(title={"en": "Temporary bike lanes on main roads"})
    food = make_practice(title={"en": "Food parcels for poor families"})
    assert _top(org, "bicycle paths", mode="semantic", n=1) == [bikes.title]  # the matrix is loaded now

    def no_full_reload(version):
        raise AssertionError("the whole matrix was read again")

    monkeypatch.setattr(semantic, "_load", no_full_reload)
    services.update_practice(org=org, actor=officer, practice=bikes, title={"en": "Meals for elderly people"})
    services.update_practice(org=org, actor=officer, practice=food, title={"en": "Pop-up cycle lanes"})
    assert _top(org, "bicycle paths", mode="semantic", n=1) == [{"en": "Pop-up cycle lanes"}]
    newest = make_practice(title={"en": "Bicycle paths painted overnight"})
    assert _top(org, "bicycle paths", mode="semantic", n=1) == [newest.title]


def test_snippet_is_the_passage_where_the_words_gather_in_the_authors_own_text():
    from hamdeli.practices.search.text import MARK_END, MARK_START, snippet

    text = ("Masks were sewn in workshops. " + "Filler words about other things. " * 20
            + "The city disinfected streets with Sodium Hypochlorite at night, street by street.")
    passage = snippet(text, "hypochlorite sodium")
    assert f"{MARK_START}Sodium{MARK_END} {MARK_START}Hypochlorite{MARK_END}" in passage  # as written
    assert passage.startswith("…") and "Masks" not in passage
    assert f"{MARK_START}disinfected{MARK_END}" in snippet(text, "disinfect")  # a word matches as a prefix
    assert snippet(text, "vaccines") == ""
    persian = "شهرداری معابر را با هیپوکلریت سدیم ضدعفونی‌کرد"
    assert f"{MARK_START}ضدعفونی{MARK_END}‌کرد" in snippet(persian, "ضدعفوني")  # Arabic yeh in the query
    chinese = "武汉每天对街道消毒两次"
    assert snippet(chinese, "消毒") == f"武汉每天对街道{MARK_START}消毒{MARK_END}两次"  # no index spaces


def test_chinese_query_without_spaces_is_cut_into_words(org, make_practice):
    metro = make_practice(title={"zh": "公交车和地铁每日消毒"}, summary={"zh": "每天晚上对车厢进行消毒。"})
    make_practice(title={"zh": "社区志愿者送菜上门"})
    for query in ("地铁消毒", "地铁 消毒", "消毒地铁"):
        hits = search(org=org, query=query, mode="keyword", with_facets=False).hits
        assert [h.practice.pk for h in hits] == [metro.pk], query
    hit = search(org=org, query="地铁消毒", mode="keyword", with_facets=False).hits[0]
    assert "地铁" in hit.snippet and " 铁" not in hit.snippet  # the stored text, not the index's tokens


def test_keyword_search_finds_the_few_visible_practices_below_many_hidden_ones(org, other_org, make_practice):
    # Ten private practices outrank the two public ones (the word appears more often in them): the
    # visitor's page must still hold the public ones, though none is among the best five matches.
    from hamdeli.practices.search.keyword import keyword_search
    from hamdeli.practices.selectors import visible_practices

    for n in range(10):
        make_practice(title={"en": f"ventilators ventilators ventilators {n}"}, visibility="private")
    shared = {make_practice(title={"en": f"ventilators and many other words in a long title {n}"},
                            visibility="public").pk for n in range(2)}
    hits = keyword_search(visible_practices(other_org), "ventilators", limit=1)
    assert {h.id for h in hits} <= shared and len(hits) == 1
    hits = keyword_search(visible_practices(other_org), "ventilators", limit=5)
    assert {h.id for h in hits} == shared
    assert all("<" not in h.snippet and "ventilators" in h.snippet for h in hits)
    assert len(keyword_search(visible_practices(org), "ventilators", limit=5)) == 5


def test_results_page_on_beyond_the_first(org, make_practice):
    for n in range(25):  # 25 practices about masks: more than two pages of 10 pass the relevance floor
        make_practice(title={"en": f"Free face masks handed out at station {n}"}, topics=["health_supplies"])
    first = search(org=org, query="masks", mode="semantic", limit=10)
    second = search(org=org, query="masks", mode="semantic", limit=10, offset=10)
    assert first.found == second.found >= 20 and first.has_more
    ids = [h.practice.pk for h in first.hits] + [h.practice.pk for h in second.hits]
    assert len(ids) == len(set(ids)) == 20  # no practice twice, none skipped
    everything = search(org=org, query="masks", mode="semantic", limit=20)
    assert [h.practice.pk for h in everything.hits] == ids
    last = search(org=org, query="masks", mode="semantic", limit=10, offset=first.found - 3)
    assert len(last.hits) == 3 and not last.has_more


# One query in its variant spellings: Arabic yeh/kaf, diacritics, ZWNJ or a space, digits of three scripts.
VARIANTS = [
    ("ماسک رایگان برای کارگران ۲۰۲۰", "ماسك رايگان براي كارگران 2020", "ماسک‌ رایگانْ برای کارگران ٢٠٢٠"),
    ("تماس تلفنی با سالمندان تنها", "تماس تلفني با سالمندان تنها", "تَماس تلفنی با سالمندانِ تنها"),
    ("ضدعفونی‌کردن معابر", "ضدعفوني كردن معابر", "ضدعفونی کردن معابر"),
]


@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_variant_spellings_rank_identically_in_every_mode(org, samples, mode):
    for spellings in VARIANTS:
        rankings = [[(h.practice.pk, round(h.score, 6)) for h in search(org=org, query=q, mode=mode, limit=20,
                                                                         with_facets=False).hits]
                    for q in spellings]
        assert all(r == rankings[0] for r in rankings), spellings
        if mode != "keyword":
            assert rankings[0], spellings


def test_the_semantic_half_reads_one_normalised_query():
    from hamdeli.practices.search.semantic import query_text

    # Persian, however typed, is read in Persian letters ...
    assert query_text("ماسك رايگان ۲۰۲۰") == query_text("ماسک رایگان 2020") == "ماسک رایگان 2020"
    assert query_text("اطلاع‌رسانی") == query_text("اطلاع رسانی")
    # ... Arabic in Arabic letters (the model reads Arabic spelled with ی/ک badly), whichever letters it came in.
    assert query_text("كمامات مجانية لكل مواطن") == query_text("کمامات مجانیة لکل مواطن") == "كمامات مجانيه لكل مواطن"
    assert query_text("توزيع الخبز في حظر التجول") == "توزيع الخبز في حظر التجول"
    assert query_text("توزيع نان در حكومت نظامي") == "توزیع نان در حکومت نظامی"  # Persian with Arabic letters
