"""Tenants (organizations), people's memberships and roles, API tokens, and the audit log."""

import datetime as dt
import hashlib
import secrets
import uuid
from typing import ClassVar, Self, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamdeli.core.localized import LocalizedTextField, localized_str
from hamdeli.core.tenancy import TenantManager


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    OFFICER = "officer", _("Officer")
    LOGISTICS = "logistics", _("Logistics clerk")
    VIEWER = "viewer", _("Viewer")
    INSTITUTION = "institution", _("Institution store")


class Organization(models.Model):
    """One city's international office: the tenant every other row belongs to."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("short name"), unique=True)
    name = LocalizedTextField(_("name"))
    city = models.ForeignKey("places.City", on_delete=models.PROTECT, related_name="organizations",
                             verbose_name=_("city"))
    dimmed_after_months = models.PositiveSmallIntegerField(
        _("months without contact before a relation counts as dimmed"), null=True, blank=True
    )
    # When on, an owner without two-factor sign-in is sent to set it up and can open nothing else until
    # done (core.twofactor); API tokens are not affected.
    owners_require_two_factor = models.BooleanField(_("owners must use two-factor sign-in"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["slug"]

    def __str__(self) -> str:
        return localized_str(self.name) or self.slug

    @property
    def dimmed_threshold_months(self) -> int:
        return self.dimmed_after_months or settings.DIMMED_AFTER_MONTHS


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Deactivated, never deleted: the audit keeps naming the person; their sign-in and tokens stop working here.
    deactivated_at = models.DateTimeField(_("deactivated"), null=True, blank=True)
    # The member's own choice (their account page): a daily email of the occasions to write for and the
    # overdue letters (correspondence.reminders), in the language they chose for it.
    reminder_emails = models.BooleanField(_("daily reminder email"), default=False)
    email_language = models.CharField(_("language of the emails"), max_length=8, choices=settings.LANGUAGES,
                                      default="fa")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "org"], name="one_membership_per_user_and_org")]
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.org} ({self.role})"


class ScheduledRun(models.Model):
    """A daily job's run enqueued for one day (core.jobs.enqueue_due_runs): the unique row is how several
    workers agree that exactly one of them enqueues it."""

    name = models.CharField(max_length=200)
    day = models.DateField()
    enqueued_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="one_scheduled_run_a_day")]

    def __str__(self) -> str:
        return f"{self.name} {self.day.isoformat()}"


class TenantModel(models.Model):
    """Base of every tenant-owned row: its org, a public id for URLs and the API, and timestamps."""

    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", editable=False)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    # Refuses a query with no organization in scope; in a scope, sees that organization's rows only
    # (core.tenancy). The base manager (foreign keys, deletion) is not scoped.
    objects: ClassVar["models.Manager[Self]"] = TenantManager()

    class Meta:
        abstract = True


_M = TypeVar("_M", bound=models.Model)


class ArchivedQuerySet(models.QuerySet[_M]):
    def active(self) -> "ArchivedQuerySet[_M]":
        return self.filter(archived_at__isnull=True)

    def archived(self) -> "ArchivedQuerySet[_M]":
        return self.filter(archived_at__isnull=False)


# The archivable records' manager (made a tenant manager below), `.active()` and `.archived()`; named here, where
# the type checker finds it (django-stubs resolves a model's manager by its class's module and name).
ArchivedManager = models.Manager.from_queryset(ArchivedQuerySet, class_name="ArchivedManager")
ArchivedManager.__module__ = __name__


class Archivable(models.Model):
    """A record users would want back: archived (hidden from lists, searches, pickers, the calendar and
    exports; still readable by its link, restorable by owners) instead of deleted. core.archiving writes it."""

    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    editable=False, related_name="+", verbose_name=_("archived by"))

    # Every archivable record is tenant-owned: the tenant manager, with `.active()`/`.archived()`.
    objects: ClassVar["ArchivedManager[Self]"] = TenantManager(ArchivedManager)

    class Meta:
        abstract = True

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API; only its hash is kept, the secret is shown once at creation."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Updated at most once a minute (core.services.authenticate_token), not on every request.
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Every token expires; after this moment it is refused with 401 `token_expired`.
    expires_at = models.DateTimeField(editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())

    @staticmethod
    def new_secret() -> str:
        return "hmd_" + secrets.token_urlsafe(32)

    @classmethod
    def hash(cls, raw: str) -> str:
        return _hash_token(raw)


class AuditEntry(models.Model):
    """Who did what, when, to which object, with the values before and after. Written in the same
    transaction as the change it records."""

    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="audit_entries")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    # Where the change came from: a page, the API (with the token's public id) or a command.
    channel = models.CharField(max_length=20, blank=True, default="")
    token_id = models.CharField(max_length=36, blank=True, default="")
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True, default="")
    # The org's hash chain (hamdeli.core.chain): position, the previous entry's hash, this entry's hash.
    seq = models.PositiveBigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # The actor's id as the hash covers it, when that is not `actor_id`: an office brought over from
    # another instance (core.office_archive) keeps its chain, written with that instance's user ids.
    hashed_actor_id = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["org", "seq"], name="one_audit_entry_per_chain_position")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The last link of an organization's audit chain. Locked while an entry is added, so concurrent
    writers queue and the chain can never fork; `hamdeli audit verify` checks it against the entries
    (a removed last entry shows as a head that points past the chain)."""

    org = models.OneToOneField(Organization, on_delete=models.PROTECT, primary_key=True, related_name="+")
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.org_id}: {self.seq}"


class RateCounter(models.Model):
    """Requests counted per key (a kind of request and the client's address) in one fixed window.

    Kept in the database so that every server process counts into the same row: one atomic
    `INSERT … ON CONFLICT DO UPDATE … RETURNING` per request (core.ratelimit), no shared cache needed."""

    bucket = models.CharField(max_length=120, help_text="kind:address")
    until = models.BigIntegerField(help_text="when the window ends, in seconds since the epoch")
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bucket", "until"], name="core_ratecounter_bucket_until")]

    def __str__(self) -> str:
        return f"{self.bucket} until {self.until}: {self.hits}"


class IdempotencyRecord(models.Model):
    """The first response to a write sent with an Idempotency-Key (or a page's one-time form token);
    a replay gets it back. Used by every app's writes, so it lives in core (core.idempotency)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    endpoint = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "key", "endpoint"], name="core_idempotency_unique")]

    def __str__(self) -> str:
        return f"{self.key} {self.endpoint}"


def _download_path(instance: "PreparedDownload", filename: str) -> str:
    # One folder per download, named by its public id: a re-run of its job (after a killed worker) writes
    # over the same name instead of leaving a second file behind.
    return f"downloads/{instance.public_id}/{filename}"


class PreparedDownload(TenantModel):
    """A file a member asked for (an export, a report's PDF), built by a background job (core.downloads)
    and kept for HAMDELI_DOWNLOADS_KEEP_DAYS days; only the member who asked and the office's owners fetch it."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=60)
    params = models.JSONField(default=dict)  # the export's filters, as the page's query string had them
    lang = models.CharField(max_length=10, default="fa")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREPARING)
    attempts = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=_download_path, max_length=300, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)  # the last failure, for the office's owners and the logs
    refusal = models.TextField(blank=True)  # why it cannot be made (a translated ServiceError), for the member
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["org", "requested_by", "created_at"], name="core_download_member"),
                   models.Index(fields=["expires_at"], name="core_download_expiry")]

    def __str__(self) -> str:
        return f"{self.kind} {self.public_id} ({self.status})"
