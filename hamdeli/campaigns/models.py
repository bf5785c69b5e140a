"""Campaigns: public awareness (design sets, placements), advocacy (statements, endorsements), and
recognition (items, numbered copies, recipients)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from hamdeli.core.digits import localize_digits
from hamdeli.core.localized import LocalizedTextField, localized_str
from hamdeli.core.models import TenantModel


# --- Awareness -----------------------------------------------------------------------------------
class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")


class CampaignAction(models.TextChoices):
    START = "start", _("Start the campaign")
    FINISH = "finish", _("Finish the campaign")


class DesignFormat(models.TextChoices):
    BILLBOARD = "billboard", _("Billboard")
    URBAN_SCREEN = "urban_screen", _("Urban screen")
    BUS_SHELTER = "bus_shelter", _("Bus shelter")
    SOCIAL_MEDIA = "social_media", _("Social media")
    PRINT = "print", pgettext_lazy("medium", "Print")
    TV = "tv", _("TV")


class Campaign(TenantModel):
    """An awareness campaign: a message the city puts before its people for a period."""

    name = LocalizedTextField(_("name"))
    message = LocalizedTextField(_("message"), required=False)
    goal = models.TextField(_("goal"), blank=True)
    audience = models.CharField(_("audience"), max_length=300, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = FSMField(_("status"), default=CampaignStatus.PLANNED, choices=CampaignStatus.choices,
                      protected=True, max_length=20)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("owner"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("awareness campaign")
        verbose_name_plural = _("awareness campaigns")
        ordering = ["starts_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="campaign_ends_after_start")]

    def __str__(self) -> str:
        return localized_str(self.name)

    def material_is_open(self) -> bool:
        """Design sets, files and placements may change until the campaign is finished; then they are its record."""
        return self.status != CampaignStatus.FINISHED

    @transition(field=status, source=CampaignStatus.PLANNED, target=CampaignStatus.RUNNING)
    def start(self):
        pass

    @transition(field=status, source=CampaignStatus.RUNNING, target=CampaignStatus.FINISHED)
    def finish(self):
        pass


class DesignSet(TenantModel):
    """One set of designs of a campaign, produced in one or more formats."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="design_sets")
    title = LocalizedTextField(_("title"))
    formats = models.JSONField(_("formats"), default=list)  # a list of DesignFormat values
    ready_on = models.DateField(_("ready on"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("design set")
        verbose_name_plural = _("design sets")
        ordering = ["ready_on", "pk"]

    def __str__(self) -> str:
        return localized_str(self.title)

    def format_labels(self) -> list[str]:
        return [str(DesignFormat(value).label) for value in self.formats if value in DesignFormat.values]


class DesignFile(TenantModel):
    """A file of a design set (image, PDF, video); its kind was checked from its content. Images and PDFs
    get a small WebP picture (core.thumbnails) when uploaded; a video, or a file that cannot be drawn, none."""

    design_set = models.ForeignKey(DesignSet, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to="campaigns/designs/%Y/")
    kind = models.CharField(_("kind"), max_length=10)
    content_type = models.CharField(max_length=50)
    size = models.PositiveBigIntegerField(_("size"))
    original_name = models.CharField(_("file name"), max_length=255)
    thumbnail = models.FileField(_("thumbnail"), upload_to="campaigns/thumbnails/%Y/", blank=True)

    ICONS = {"pdf": "file-earmark-pdf", "png": "file-earmark-image", "jpeg": "file-earmark-image",
             "gif": "file-earmark-image", "webp": "file-earmark-image", "mp4": "file-earmark-play",
             "webm": "file-earmark-play"}

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def icon(self) -> str:
        """The Bootstrap icon shown in place of a thumbnail."""
        return self.ICONS.get(self.kind, "file-earmark")


class Placement(TenantModel):
    """Where and when a design set was installed or published, how many, and optionally its reach."""

    design_set = models.ForeignKey(DesignSet, on_delete=models.CASCADE, related_name="placements")
    format = models.CharField(_("format"), max_length=20, choices=DesignFormat.choices)
    location = models.CharField(_("where"), max_length=300)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    count = models.PositiveIntegerField(_("count"))
    reach = models.PositiveBigIntegerField(_("reach"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["starts_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(count__gte=1), name="placement_count_positive")]


# --- Advocacy ------------------------------------------------------------------------------------
class AdvocacyCampaign(TenantModel):
    """A statement the city signs and asks others to endorse; it may be published on a public page."""

    title = LocalizedTextField(_("title"))
    target_date = models.DateField(_("target date"), null=True, blank=True)
    published = models.BooleanField(_("public page published"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("advocacy campaign")
        verbose_name_plural = _("advocacy campaigns")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return localized_str(self.title)

    @property
    def current_version(self):
        return self.versions.order_by("-number").first()


class StatementVersion(TenantModel):
    """One wording of the statement. Endorsers sign a version; a newer one does not move them."""

    campaign = models.ForeignKey(AdvocacyCampaign, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    text = LocalizedTextField(_("statement"))
    issued_on = models.DateField(_("issued on"))
    note = models.CharField(_("what changed"), max_length=500, blank=True)

    class Meta:
        ordering = ["campaign", "number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="one_statement_version_number")]

    def __str__(self) -> str:
        return f"v{self.number}"


class OnBehalfOf(models.TextChoices):
    CITY = "city", _("A city")
    NETWORK = "network", _("A city network")
    ORGANISATION = "organisation", _("An organisation")


class Channel(models.TextChoices):
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("Email")
    PUBLIC_POST = "public_post", _("Public post")


class Verification(models.TextChoices):
    UNVERIFIED = "unverified", _("Unverified")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class Endorsement(TenantModel):
    """Someone's endorsement of one version of the statement, for a city, a network or an organisation."""

    campaign = models.ForeignKey(AdvocacyCampaign, on_delete=models.CASCADE, related_name="endorsements")
    version = models.ForeignKey(StatementVersion, on_delete=models.PROTECT, related_name="endorsements",
                                verbose_name=_("version"))
    endorser_name = models.CharField(_("endorser's name"), max_length=200)
    endorser_title = models.CharField(_("title"), max_length=200, blank=True)
    capacity = models.CharField(_("acting capacity"), max_length=200, blank=True)
    on_behalf_of = models.CharField(_("on behalf of"), max_length=20, choices=OnBehalfOf.choices)
    city = models.ForeignKey("places.City", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("city"))
    network = models.ForeignKey("partners.Network", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("network"))
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    endorsed_on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    letter_file = models.FileField(_("letter"), upload_to="campaigns/letters/%Y/", blank=True)
    letter_public_id = models.UUIDField(_("letter in the register"), null=True, blank=True)
    verification = models.CharField(_("verification"), max_length=20, choices=Verification.choices,
                                    default=Verification.UNVERIFIED)
    published = models.BooleanField(_("shown on the public page"), default=False)
    quote = models.TextField(_("quote"), blank=True)

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        ordering = ["endorsed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(on_behalf_of="city", city__isnull=False, network__isnull=True)
                           | Q(on_behalf_of="network", network__isnull=False, city__isnull=True)
                           | Q(on_behalf_of="organisation", city__isnull=True, network__isnull=True)
                           & ~Q(organisation="")),
                name="endorsement_for_exactly_one_party"),
        ]

    def __str__(self) -> str:
        return self.endorser_name

    @property
    def party(self) -> str:
        if self.on_behalf_of == OnBehalfOf.CITY and self.city_id and self.city:
            return self.city.name
        if self.on_behalf_of == OnBehalfOf.NETWORK and self.network_id:
            return str(self.network)
        return self.organisation


# --- Recognition ---------------------------------------------------------------------------------
class Recipient(TenantModel):
    """An institution that receives recognition: a hospital, a ministry, a city."""

    name = LocalizedTextField(_("name"))
    city = models.ForeignKey("places.City", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("city"))
    notes = models.TextField(_("notes"), blank=True)
    # Listed from another app's records ("aid-party:<id>": a hospital the aid reached), so it is listed once.
    source = models.CharField(_("listed from"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["org", "source"], condition=~Q(source=""),
                                               name="campaigns_recipient_listed_once")]

    def __str__(self) -> str:
        return localized_str(self.name)


class RecognitionKind(models.TextChoices):
    ARTWORK = "artwork", _("Artwork")
    PLAQUE = "plaque", _("Plaque")
    CERTIFICATE = "certificate", _("Certificate")


class RecognitionItem(TenantModel):
    """Something made to thank people, with its original and numbered copies."""

    title = LocalizedTextField(_("title"))
    kind = models.CharField(_("kind"), max_length=20, choices=RecognitionKind.choices)
    maker = models.CharField(_("made by"), max_length=200, blank=True)
    occasion = models.CharField(_("occasion"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("recognition item")
        verbose_name_plural = _("recognition items")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return localized_str(self.title)


class RecognitionCopy(TenantModel):
    """The original or one numbered copy of an item, made for exactly one recipient."""

    item = models.ForeignKey(RecognitionItem, on_delete=models.CASCADE, related_name="copies")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="copies",
                                  verbose_name=_("recipient"))
    is_original = models.BooleanField(_("original"), default=False)
    number = models.PositiveSmallIntegerField(_("copy number"), null=True, blank=True)
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)
    received_by = models.CharField(_("received by"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("copy")
        verbose_name_plural = _("copies")
        ordering = ["item", "-is_original", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "recipient"], name="one_copy_per_recipient_and_item"),
            models.UniqueConstraint(fields=["item", "number"], condition=Q(number__isnull=False),
                                    name="unique_copy_number_per_item"),
            models.UniqueConstraint(fields=["item"], condition=Q(is_original=True), name="one_original_per_item"),
            models.CheckConstraint(condition=Q(is_original=True, number__isnull=True)
                                   | Q(is_original=False, number__isnull=False),
                                   name="original_or_numbered_copy"),
            models.CheckConstraint(condition=Q(handed_over_on__isnull=True) | ~Q(received_by=""),
                                   name="handover_names_receiver"),
        ]

    @property
    def label(self) -> str:
        if self.is_original:
            return str(_("Original"))
        return str(_("Copy no. %(n)s") % {"n": localize_digits(self.number)})
