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
