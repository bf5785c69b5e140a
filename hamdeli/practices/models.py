"""Practices cities share (what worked in a crisis), who may see them, and when each city was hit."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamdeli.core.localized import LocalizedTextField, localized_str
from hamdeli.core.models import Archivable, Organization, TenantModel
from hamdeli.core.tenancy import TenantManager


class Crisis(models.TextChoices):
    COVID19 = "covid19", _("COVID-19")
    EARTHQUAKE = "earthquake", _("Earthquake")
    FLOOD = "flood", _("Flood")
    HEATWAVE = "heatwave", _("Heatwave")
    DROUGHT = "drought", _("Drought")
    OTHER = "other", _("Other crisis")


class Phase(models.TextChoices):
    PREPAREDNESS = "preparedness", _("Preparedness")
    RESPONSE = "response", _("Response")
    RECOVERY = "recovery", _("Recovery")


class Topic(models.TextChoices):
    """The taxonomy; labels come from the catalogue of each UI language."""

    DISINFECTION = "disinfection", _("Disinfection of public spaces")
    PUBLIC_INFORMATION = "public_information", _("Public information")
    EDUCATION = "education", _("Education")
    HEALTH_SUPPLIES = "health_supplies", _("Health supplies")
    SOCIAL_SUPPORT = "social_support", _("Social support")
    TRANSPORT = "transport", _("Transport")
    ECONOMY = "economy", _("Local economy")
    DIGITAL = "digital", _("Digital services")
    GOVERNANCE = "governance", _("Governance and coordination")


class Instrument(models.TextChoices):
    PROTOCOL = "protocol", _("Protocol")
    CAMPAIGN = "campaign", _("Campaign")
    SERVICE = "service", _("Service")
    REGULATION = "regulation", _("Regulation")
    PROGRAMME = "programme", _("Programme")
    TOOL = "tool", _("Tool or platform")


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Private to our office")
    PARTNERS = "partners", _("Shared with our partner cities")
    NETWORK = "network", _("Shared with a network")
    PUBLIC = "public", _("Public")


class Practice(Archivable, TenantModel):
    """What a city did, written in one or more languages. `org` recorded it; `city` ran it (the org's
    own city, or another city whose practice the org records on its behalf, e.g. from a network site)."""

    title = LocalizedTextField(_("title"))
    summary = LocalizedTextField(_("summary"), required=False)
    body = LocalizedTextField(_("description"), required=False)
    results = LocalizedTextField(_("results and evidence"), required=False)
    note = LocalizedTextField(_("note on sources"), required=False)
    city = models.ForeignKey("places.City", on_delete=models.PROTECT, related_name="+", verbose_name=_("city"))
    crisis = models.CharField(_("crisis"), max_length=20, choices=Crisis.choices, default=Crisis.COVID19)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.RESPONSE)
    topics = models.JSONField(_("topics"), default=list)
    instrument = models.CharField(_("instrument"), max_length=20, choices=Instrument.choices,
                                  default=Instrument.SERVICE)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=14, decimal_places=2, null=True, blank=True)
    cost_currency = models.CharField(_("currency"), max_length=3, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    visibility = models.CharField(_("visibility"), max_length=20, choices=Visibility.choices,
                                  default=Visibility.PRIVATE)
    network = models.ForeignKey("partners.Network", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("network"))
    # Derived on every save (services): filters, facets and the search indexes read these.
    topics_key = models.CharField(max_length=400, default="", editable=False)
    languages = models.CharField(max_length=100, default="", editable=False)
    search_text = models.TextField(default="", editable=False)
    embedding = models.BinaryField(null=True, editable=False)

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        ordering = ["-started_on", "-pk"]
        indexes = [models.Index(fields=["visibility"]), models.Index(fields=["org", "visibility"]),
                   models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        return localized_str(self.title)

    @property
    def on_behalf(self) -> bool:
        """Recorded by an org for another city (the city ran it, the org only wrote it down)."""
        return self.city_id != self.org.city_id

    def topic_labels(self) -> list[str]:
        return [str(Topic(code).label) for code in self.topics if code in Topic.values]


class PracticeAttachment(TenantModel):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="practices/%Y/")
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)

    class Meta:
        ordering = ["pk"]


class CrisisImpact(TenantModel):
    """When a city was first hit by a crisis: the clock "cities ahead of us" is measured against.

    An org records its own city's date, and may record dates it knows for other cities (whose practices
    it keeps on their behalf); a city's own org's record wins over anyone else's."""

    crisis = models.CharField(_("crisis"), max_length=20, choices=Crisis.choices)
    city = models.ForeignKey("places.City", on_delete=models.PROTECT, related_name="+", verbose_name=_("city"))
    hit_on = models.DateField(_("first hit on"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["crisis"]
        constraints = [models.UniqueConstraint(fields=["org", "crisis", "city"], name="one_impact_per_org_crisis_city")]


class CityQuestion(models.Model):
    """A question sent from a public practice page ("ask this city"): a message for the owning org."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="questions")
    name = models.CharField(_("your name"), max_length=200)
    email = models.EmailField(_("your email"))
    message = models.TextField(_("message"), max_length=4000)
    sender_ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()  # tenant-owned without TenantModel's fields (core.tenancy)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"
