"""A small exchange (the demo's 35 practices, or fewer) is centred with the bundled reference means, so its
search has a relevance floor too: nonsense finds nothing in every mode, and a Persian question still finds
the foreign city's practice."""

import numpy as np
import pytest

from hamdeli.practices.evaluation import load_samples
from hamdeli.practices.search import reference
from hamdeli.practices.search.engine import search


def test_the_bundled_means_are_those_of_the_bundled_model_and_samples():
    fresh, bundled = reference.compute(), reference.means()
    assert set(fresh) == set(bundled) and {"*", "fa", "en", "zh", "es"} <= set(bundled)
    for lang, vector in fresh.items():
        assert np.allclose(vector, bundled[lang], atol=1e-4), lang


@pytest.mark.django_db
def test_a_small_exchange_has_a_floor_and_finds_across_languages(org, officer):
    made = load_samples(org=org, actor=officer, visibility="public")
    for query in ("zzqxv", "زززقققلل", "qwpoeiruty", "guitar chords for beginners"):
        for mode in ("keyword", "semantic", "hybrid"):
            results = search(org=org, query=query, mode=mode, with_facets=False)
            assert (results.found, results.hits) == (0, []), (query, mode)
    results = search(org=org, query="بیمارستان صحرایی در نمایشگاه", mode="hybrid", limit=5, with_facets=False)
    assert made["wuhan_fangcang"].pk in [hit.practice.pk for hit in results.hits]


@pytest.mark.django_db
def test_a_facet_narrows_the_results_it_counted_never_to_nothing(org, officer):
    """The relevance floor judges the query over every readable practice: narrowing by a facet keeps exactly
    the results the facet counted."""
    from hamdeli.practices.search.engine import Filters

    load_samples(org=org, actor=officer, visibility="public")
    for mode in ("semantic", "hybrid"):
        results = search(org=org, query="ماسک", mode=mode, limit=100)
        for country, count in results.facets["country"]:
            narrowed = search(org=org, query="ماسک", mode=mode, limit=100, filters=Filters(country=country),
                              with_facets=False)
            assert narrowed.found == count, (mode, country)
