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


class CityPrefix(models.Model):
    """How many cities have a word beginning with this prefix, kept for the prefixes that begin more than
    `WIDE` words (a letter or two: "b", "ka", "san"): counting those cities for the API's total took
    60-90 ms on 200k cities, reading this row takes one. Derived data: recomputed by the city import
    (refresh_prefix_counts), kept exact in between by write_words."""

    WIDE = 3000  # the city search's own threshold (places.selectors.CANDIDATES)

    prefix = models.CharField(max_length=MAX_WORD, primary_key=True)
    cities = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.prefix}: {self.cities}"


def city_words(search_key: str) -> set[str]:
    return {word for word in search_key.split() if len(word) <= MAX_WORD}


def _prefixes(words) -> set[str]:
    return {word[:end] for word in words for end in range(1, len(word) + 1)}


def write_words(cities, *, fresh: bool = False) -> None:
    """(Re)write the search words of these cities from their search_key; fresh: they have none yet.
    The stored counts of wide prefixes move by the cities that gained or lost such a prefix."""
    cities = list(cities)
    before: dict[int, set[str]] = {c.pk: set() for c in cities}
    if not fresh:
        for city_id, word in CityWord.objects.filter(city_id__in=list(before)).values_list("city_id", "word"):
            before[city_id].add(word)
        CityWord.objects.filter(city_id__in=list(before)).delete()
    after = {c.pk: city_words(c.search_key) for c in cities}
    CityWord.objects.bulk_create([CityWord(city_id=pk, word=word) for pk, words in after.items() for word in words],
                                 batch_size=5000, ignore_conflicts=True)
    stored = set(CityPrefix.objects.values_list("prefix", flat=True))
    if not stored:
        return
    moves: dict[str, int] = {}
    for pk, words in after.items():
        old, new = _prefixes(before[pk]) & stored, _prefixes(words) & stored
        for prefix in new - old:
            moves[prefix] = moves.get(prefix, 0) + 1
        for prefix in old - new:
            moves[prefix] = moves.get(prefix, 0) - 1
    for prefix, change in moves.items():
        if change:
            CityPrefix.objects.filter(prefix=prefix).update(cities=models.F("cities") + change)


def refresh_prefix_counts() -> int:
    """Recount the cities of every prefix that begins more than CityPrefix.WIDE words; returns how many
    prefixes are stored. A few GROUP BYs over the word index, one per prefix length."""
    from django.db import connection, transaction

    rows: list[CityPrefix] = []
    with connection.cursor() as cursor:
        for length in range(1, MAX_WORD + 1):
            cursor.execute(
                "SELECT substr(word, 1, %s), COUNT(DISTINCT city_id) FROM places_cityword "
                "WHERE length(word) >= %s GROUP BY substr(word, 1, %s) HAVING COUNT(*) > %s",
                [length, length, length, CityPrefix.WIDE])
            found = cursor.fetchall()
            if not found:
                break
            rows += [CityPrefix(prefix=prefix, cities=count) for prefix, count in found]
    with transaction.atomic():
        CityPrefix.objects.all().delete()
        CityPrefix.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
