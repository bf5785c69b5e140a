"""Partnerships with other cities and their lifecycle, the contact log, city networks."""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from hamdeli.core.dates import today
from hamdeli.core.localized import LocalizedTextField, localized_str
from hamdeli.core.models import Archivable, TenantModel


class PartnershipKind(models.TextChoices):
    SISTER_CITY = "sister_city", _("Sister city")
    FRIENDSHIP_CITY = "friendship_city", _("Friendship city")
    COOPERATION_MOU = "cooperation_mou", _("Cooperation MoU")


class PartnershipState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    BILL_SUBMITTED = "bill_submitted", _("Council bill submitted")
    COUNCIL_APPROVED = "council_approved", _("Council approved")
    SIGNED = "signed", _("Signed")
    ACTIVE = "active", _("Active")
    DORMANT = "dormant", _("Dormant")
    ENDED = "ended", _("Ended")


S = PartnershipState
# States in which the partner is a standing relation whose health is watched.
STANDING_STATES = (S.SIGNED, S.ACTIVE, S.DORMANT)


class Partnership(Archivable, TenantModel):
    """The org's city paired with another city. Its state only moves through the transitions below."""

    city = models.ForeignKey("places.City", on_delete=models.PROTECT, related_name="+", verbose_name=_("city"))
    kind = models.CharField(_("kind"), max_length=20, choices=PartnershipKind.choices,
                            default=PartnershipKind.SISTER_CITY)
    state = FSMField(_("state"), default=S.PROPOSED, choices=S.choices, protected=True, max_length=20)
    proposed_on = models.DateField(_("proposed on"), null=True, blank=True)
    bill_submitted_on = models.DateField(_("council bill submitted on"), null=True, blank=True)
    council_approved_on = models.DateField(_("council approved on"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    renewal_due_on = models.DateField(_("renewal due on"), null=True, blank=True)
    council_bill_number = models.CharField(_("council bill number"), max_length=50, blank=True)
    council_resolution_number = models.CharField(_("council resolution number"), max_length=50, blank=True)
    agreement_scan = models.FileField(_("agreement scan"), upload_to="partners/agreements/%Y/", blank=True)
    our_focal_person = models.CharField(_("our focal person"), max_length=200, blank=True)
    partner_focal_person = models.CharField(_("partner's focal person"), max_length=200, blank=True)
    partner_focal_email = models.EmailField(_("partner's focal email"), blank=True)
    # The partner city's head as a letter names them, in each language ("西安市市长 …", "Mayor of Xi'an …"):
    # the new-letter form's {official} when no recipient is typed.
    partner_head = LocalizedTextField(_("partner's head (title and name)"), required=False)
    notes = models.TextField(_("notes"), blank=True)
    search_key = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["city__name_en"]
        constraints = [
            models.UniqueConstraint(fields=["org", "city"], condition=~Q(state="ended"),
                                    name="one_open_partnership_per_city"),
        ]

    def __str__(self) -> str:
        return str(self.city)

    @property
    def signing_date_unknown(self) -> bool:
        """Recorded as signed (standing or ended) without its signing date."""
        return self.signed_on is None and self.state in (*STANDING_STATES, S.ENDED) and self.events.filter(
            action=RECORD_ACTION).exists()

    # --- lifecycle (django-fsm refuses any move not listed here) ---
    @transition(field=state, source=S.PROPOSED, target=S.BILL_SUBMITTED)
    def submit_bill(self, on):
        self.bill_submitted_on = on

    @transition(field=state, source=S.BILL_SUBMITTED, target=S.COUNCIL_APPROVED)
    def approve(self, on):
        self.council_approved_on = on

    @transition(field=state, source=S.COUNCIL_APPROVED, target=S.SIGNED)
    def sign(self, on):
        self.signed_on = on

    @transition(field=state, source=S.SIGNED, target=S.ACTIVE)
    def activate(self, on):
        pass

    @transition(field=state, source=S.ACTIVE, target=S.DORMANT)
    def make_dormant(self, on):
        pass

    @transition(field=state, source=S.DORMANT, target=S.ACTIVE)
    def reactivate(self, on):
        pass

    # A proposal can be dropped at any stage; a signed relation can end too.
    @transition(field=state, source=[S.PROPOSED, S.BILL_SUBMITTED, S.COUNCIL_APPROVED, S.SIGNED, S.ACTIVE,
                                     S.DORMANT], target=S.ENDED)
    def end(self, on):
        self.ended_on = on


def agreement_problem(*, state: str, signed_on: dt.date | None, ended_on: dt.date | None = None) -> str | None:
    """Why an existing agreement cannot be recorded with these values, or None."""
    if state not in PartnershipState.values:
        return gettext("Unknown state.")
    if signed_on and state not in (*STANDING_STATES, PartnershipState.ENDED):
        return gettext("Only a signed agreement has a signing date.")
    if signed_on and signed_on > today():
        return gettext("The signing date is in the future.")
    if ended_on and state != PartnershipState.ENDED:
        return gettext("Only an ended partnership has an end date.")
    if ended_on and signed_on and ended_on < signed_on:
        return gettext("The end date is before the signing date.")
    return None


class PartnershipAction(models.TextChoices):
    """The transitions a person can ask for, by name (the API and the forms use these)."""

    SUBMIT_BILL = "submit_bill", _("Submit the bill to the council")
    APPROVE = "approve", _("Record the council's approval")
    SIGN = "sign", _("Record the signing")
    ACTIVATE = "activate", _("Mark active")
    MAKE_DORMANT = "make_dormant", _("Mark dormant")
    REACTIVATE = "reactivate", _("Reactivate")
    END = "end", _("End the partnership")


# An agreement made before it was entered here is recorded in its state at once (services.record_agreement).
RECORD_ACTION = "record"
EVENT_ACTIONS = [*PartnershipAction.choices, (RECORD_ACTION, _("Recorded as an existing agreement"))]


class PartnershipEvent(TenantModel):
    """One dated, attributed move of a partnership's state: its timeline."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="events")
    on = models.DateField(_("date"))
    action = models.CharField(_("action"), max_length=20, choices=EVENT_ACTIONS)
    from_state = models.CharField(max_length=20, choices=S.choices)
    to_state = models.CharField(max_length=20, choices=S.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-on", "-pk"]


class InteractionKind(models.TextChoices):
    LETTER = "letter", _("Letter")
    MEETING = "meeting", _("Meeting")
    VISIT = "visit", _("Visit")
    CALL = "call", _("Call or video call")
    AID = "aid", pgettext_lazy("contact kind", "Aid")
    EVENT = "event", _("Joint event")
    OTHER = "other", _("Other")


class Interaction(TenantModel):
    """A dated contact with a partner; the record relationship health is computed from.

    Other apps (letters, aid) add rows here through partners.services.record_contact, with their
    own object as the source, so each contact is counted once.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="interactions")
    occurred_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=InteractionKind.choices)
    summary = models.CharField(_("summary"), max_length=500)
    source = models.CharField(max_length=40, default="manual")
    source_ref = models.CharField(max_length=64, blank=True)
    actor = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["partnership", "-occurred_on"])]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "source", "source_ref"], condition=~Q(source_ref=""),
                                    name="one_interaction_per_source_object"),
        ]


class Network(models.Model):
    """A city network (Metropolis, INTA, UCLG …): shared reference data, the same for every org."""

    slug = models.SlugField(unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    name = LocalizedTextField(_("name"))
    focus = LocalizedTextField(_("focus"), required=False)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.acronym or localized_str(self.name)

    @property
    def public_id(self) -> str:
        return self.slug


class NetworkMembershipState(models.TextChoices):
    CONSIDERING = "considering", _("Considering")
    APPLIED = "applied", _("Applied")
    MEMBER = "member", _("Member")
    LAPSED = "lapsed", _("Lapsed")


N = NetworkMembershipState


class NetworkMembership(TenantModel):
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="memberships",
                                verbose_name=_("network"))
    state = FSMField(_("state"), default=N.CONSIDERING, choices=N.choices, protected=True, max_length=20)
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    lapsed_on = models.DateField(_("lapsed on"), null=True, blank=True)
    renewal_due_on = models.DateField(_("renewal due on"), null=True, blank=True)
    focal_point = models.CharField(_("focal point"), max_length=200, blank=True)
    joining_steps = models.TextField(_("joining steps"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["network__slug"]
        constraints = [models.UniqueConstraint(fields=["org", "network"], name="one_membership_per_network")]

    def __str__(self) -> str:
        return str(self.network)

    @transition(field=state, source=N.CONSIDERING, target=N.APPLIED)
    def apply(self, on):
        self.applied_on = on

    @transition(field=state, source=N.APPLIED, target=N.MEMBER)
    def admit(self, on):
        self.joined_on = on

    @transition(field=state, source=N.MEMBER, target=N.LAPSED)
    def lapse(self, on):
        self.lapsed_on = on

    @transition(field=state, source=[N.LAPSED, N.APPLIED], target=N.CONSIDERING)
    def reconsider(self, on):
        pass


class NetworkAction(models.TextChoices):
    APPLY = "apply", _("Record the application")
    ADMIT = "admit", _("Record admission as member")
    LAPSE = "lapse", _("Mark lapsed")
    RECONSIDER = "reconsider", _("Back to considering")


class NetworkMembershipEvent(TenantModel):
    membership = models.ForeignKey(NetworkMembership, on_delete=models.CASCADE, related_name="events")
    on = models.DateField(_("date"))
    action = models.CharField(max_length=20, choices=NetworkAction.choices)
    from_state = models.CharField(max_length=20, choices=N.choices)
    to_state = models.CharField(max_length=20, choices=N.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-on", "-pk"]


class PartnerImport(TenantModel):
    """An uploaded list of partners or agreements, kept between its preview and its recording."""

    filename = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10)
    content = models.BinaryField()
    default_kind = models.CharField(max_length=20, choices=PartnershipKind.choices, default=PartnershipKind.SISTER_CITY)
    default_state = models.CharField(max_length=20, choices=S.choices, default=S.ACTIVE)
    created_by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    recorded = models.PositiveIntegerField(default=0)
    # A long list is recorded by the background worker (partners.tasks): when it was handed over, and the
    # last attempt's error while it has not been recorded.
    queued_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
