"""Letters between cities (the registry), their dated workflow, attachments, templates, calendar feeds."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from hamdeli.core.localized import LocalizedTextField
from hamdeli.core.models import Archivable, TenantModel


class Direction(models.TextChoices):
    OUTGOING = "out", _("Outgoing")
    INCOMING = "in", _("Incoming")


class Occasion(models.TextChoices):
    GREETING = "greeting", _("Greeting")
    EMPATHY = "empathy", _("Empathy or condolence")
    AID_REQUEST = "aid_request", _("Aid request")
    AID_OFFER = "aid_offer", _("Aid offer")
    THANKS = "thanks", _("Thanks")
    INVITATION = "invitation", _("Invitation")
    AGREEMENT = "agreement", _("Agreement")
    OTHER = "other", _("Other")


class LetterState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    SIGNED = "signed", _("Signed")
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned")
    ANSWERED = "answered", _("Answered")


class LetterAction(models.TextChoices):
    SUBMIT = "submit", _("Send for review")
    RETURN_TO_DRAFT = "return_to_draft", _("Return to draft")
    SIGN = "sign", _("Record the signature")
    SEND = "send", _("Record the sending")
    ACKNOWLEDGE = "acknowledge", _("Record the acknowledgement")
    ASSIGN = "assign", _("Assign for an answer")
    ANSWER = "answer", _("Mark answered")


class RelatedKind(models.TextChoices):
    NONE = "", _("Nothing")
    PLEDGE = "pledge", _("Pledge")
    CAMPAIGN = "campaign", _("Campaign")


L = LetterState
# Letters whose follow-up is finished: never overdue.
CLOSED_STATES = (L.ACKNOWLEDGED, L.ANSWERED)
OUTGOING_STATES = (L.DRAFT, L.IN_REVIEW, L.SIGNED, L.SENT, L.ACKNOWLEDGED)
INCOMING_STATES = (L.RECEIVED, L.ASSIGNED, L.ANSWERED)


class RegistryCounter(TenantModel):
    """The last registry number given in one Jalali year; locked while the next one is taken."""

    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="one_registry_counter_per_year")]


class Letter(Archivable, TenantModel):
    """One letter in the org's registry, outgoing or incoming, numbered per Jalali year."""

    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    registry_year = models.PositiveSmallIntegerField(_("registry year"), editable=False)
    registry_seq = models.PositiveIntegerField(_("registry number"), editable=False)
    registered_on = models.DateField(_("registered on"))
    state = FSMField(_("state"), max_length=20, choices=L.choices, protected=True)
    sender_name = models.CharField(_("sender's name"), max_length=200, blank=True)
    sender_title = models.CharField(_("sender's title"), max_length=200, blank=True)
    sender_city = models.ForeignKey("places.City", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("sender's city"))
    sender_org = models.CharField(_("sender's organisation"), max_length=300, blank=True)
    recipient_name = models.CharField(_("recipient's name"), max_length=200, blank=True)
    recipient_title = models.CharField(_("recipient's title"), max_length=200, blank=True)
    recipient_city = models.ForeignKey("places.City", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("recipient's city"))
    recipient_org = models.CharField(_("recipient's organisation"), max_length=300, blank=True)
    subject = models.CharField(_("subject"), max_length=500)
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices, default=Occasion.OTHER)
    language = models.CharField(_("language"), max_length=8, default="fa")
    body = models.TextField(_("body"), blank=True)
    letter_date = models.DateField(_("date of the letter"), null=True, blank=True)
    answer_due_on = models.DateField(_("answer due on"), null=True, blank=True)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    assignee = models.CharField(_("assigned to"), max_length=200, blank=True)
    reply_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies",
                                 verbose_name=_("in reply to"))
    partnership = models.ForeignKey("partners.Partnership", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="letters", verbose_name=_("partnership"))
    related_kind = models.CharField(_("linked to"), max_length=20, choices=RelatedKind.choices, blank=True)
    related_public_id = models.UUIDField(_("linked record's id"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    search_key = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-registry_year", "-registry_seq"]
        constraints = [
            models.UniqueConstraint(fields=["org", "registry_year", "registry_seq"], name="one_letter_per_number"),
        ]
        indexes = [models.Index(fields=["org", "answer_due_on"])]

    def __str__(self) -> str:
        return f"{self.registry_number} {self.subject}"

    @property
    def registry_number(self) -> str:
        return f"{self.registry_year}/{self.registry_seq}"

    @property
    def is_outgoing(self) -> bool:
        return self.direction == Direction.OUTGOING

    # --- outgoing: draft → in review → signed → sent → acknowledged ---
    @transition(field=state, source=L.DRAFT, target=L.IN_REVIEW)
    def submit(self, on):
        pass

    @transition(field=state, source=L.IN_REVIEW, target=L.DRAFT)
    def return_to_draft(self, on):
        pass

    @transition(field=state, source=L.IN_REVIEW, target=L.SIGNED)
    def sign(self, on):
        self.letter_date = self.letter_date or on

    @transition(field=state, source=L.SIGNED, target=L.SENT)
    def send(self, on):
        self.sent_on = on

    @transition(field=state, source=L.SENT, target=L.ACKNOWLEDGED)
    def acknowledge(self, on):
        self.closed_on = on

    # --- incoming: received → assigned → answered ---
    @transition(field=state, source=L.RECEIVED, target=L.ASSIGNED)
    def assign(self, on):
        pass

    @transition(field=state, source=[L.RECEIVED, L.ASSIGNED], target=L.ANSWERED)
    def answer(self, on):
        self.closed_on = on


class LetterEvent(TenantModel):
    """One dated, attributed step of a letter's workflow."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="events")
    on = models.DateField(_("date"))
    action = models.CharField(_("action"), max_length=20)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, choices=L.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["on", "pk"]


def _attachment_path(instance, filename: str) -> str:
    return f"correspondence/{instance.org.public_id}/{instance.public_id}{instance.extension}"


class Attachment(TenantModel):
    """A scan or image attached to a letter; the file lives on disk under MEDIA_ROOT, never in the DB."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=50)
    extension = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]


class LetterTemplate(TenantModel):
    """A model letter for an occasion, in several languages, with {placeholders}."""

    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    name = models.CharField(_("name"), max_length=200)
    subject = LocalizedTextField(_("subject"))
    body = LocalizedTextField(_("body"))

    class Meta:
        verbose_name = _("letter template")
        ordering = ["occasion", "name"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="one_template_per_name")]

    def __str__(self) -> str:
        return self.name


def hash_feed_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class CalendarFeed(TenantModel):
    """A secret URL token for the org's protocol calendar (.ics); only its hash is kept."""

    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @staticmethod
    def new_secret() -> str:
        return secrets.token_urlsafe(32)


class ReminderSent(models.Model):
    """One member's reminder email of one day (correspondence.reminders): inserted in the transaction that
    sends it, so a retried or concurrent run finds it and sends nothing twice."""

    membership = models.ForeignKey("core.Membership", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now, editable=False)
    occasions = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["membership", "day"], name="one_reminder_a_member_a_day")]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.day.isoformat()}"
