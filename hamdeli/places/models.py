"""Countries and cities: shared reference data (not owned by any organization)."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

MAX_WORD = 100


class Country(models.Model):
    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    name_en = models.CharField(_("name in English"), max_length=100)
    name_fa = models.CharField(_("name in Persian"), max_length=100)

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_fa if (get_language() or "fa").startswith("fa") and self.name_fa else self.name_en


class City(models.Model):
    """A city from GeoNames; its GeoNames id is its public id."""

    geonameid = models.PositiveIntegerField(_("GeoNames id"), primary_key=True)
    name_en = models.CharField(_("name in English"), max_length=200)
    name_fa = models.CharField(_("name in Persian"), max_length=200, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="cities",
                                verbose_name=_("country"))
    admin1_code = models.CharField(max_length=20, blank=True)
    population = models.PositiveBigIntegerField(_("population"), default=0)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    timezone = models.CharField(max_length=64, blank=True)
    search_key = models.TextField(editable=False, default="")
    # Every GeoNames alternate name, normalised, one per line: exact matching by any known name
    # (an import's "Freiburg im Breisgau" is GeoNames' Freiburg).
    alternate_names = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["-population", "name_en"]
        indexes = [models.Index(fields=["country", "-population"]),
                   # the city search walks the biggest cities first when a prefix matches many of them
                   models.Index(fields=["-population", "name_en"], name="places_city_biggest")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        write_words([self])

    @property
    def name(self) -> str:
        return self.name_fa if (get_language() or "fa").startswith("fa") and self.name_fa else self.name_en

    @property
    def public_id(self) -> int:
        return self.geonameid

    def known_names(self) -> set[str]:
        """Its names, normalised: English, Persian and every GeoNames alternate."""
        from hamdeli.places.names import name_key

        names = {name_key(self.name_en), name_key(self.name_fa), *self.alternate_names.split("\n")}
        return names - {""}


class CityWord(models.Model):
    """One word of a city's names as the search normalises them (English, Persian, the reviewed Persian
    spellings, GeoNames' alternate names: the words of its search_key), so that the city search finds a
    name by the beginning of any of its words through an index instead of reading every city's names.
    Derived data: written with the city (City.save, the imports' write_words), never edited."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="words", db_index=False)
    word = models.CharField(max_length=MAX_WORD)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["city", "word"], name="places_cityword_unique")]
        # varchar_pattern_ops: PostgreSQL answers `word LIKE 'isf%'` from the index whatever the database's
        # collation; SQLite (which has no operator classes) reads the same index by a range of words.
        indexes = [models.Index(fields=["word", "city"], name="places_cityword_prefix",
                                opclasses=["varchar_pattern_ops", "int4_ops"])]

    def __str__(self) -> str:
        return self.word


def city_words(search_key: str) -> set[str]:
    return {word for word in search_key.split() if len(word) <= MAX_WORD}


def write_words(cities, *, fresh: bool = False) -> None:
    """(Re)write the search words of these cities from their search_key; fresh: they have none yet."""
    cities = list(cities)
    if not fresh:
        CityWord.objects.filter(city_id__in=[c.pk for c in cities]).delete()
    rows = [CityWord(city_id=c.pk, word=word) for c in cities for word in city_words(c.search_key)]
    CityWord.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
