"""Countries and cities: shared reference data (not owned by any organization)."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


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
        indexes = [models.Index(fields=["country", "-population"])]

    def __str__(self) -> str:
        return self.name

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
