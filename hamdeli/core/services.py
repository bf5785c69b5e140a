"""Writes of the core app: organizations, memberships, API tokens."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hamdeli.core import audit, dates, validation
from hamdeli.core.digits import format_number
from hamdeli.core.errors import Conflict, ServiceError, ValidationFailed, require_fields
from hamdeli.core.models import ApiToken, Membership, Organization, Role
from hamdeli.core.records import locked
from hamdeli.core.types import Actor


@transaction.atomic
def ensure_organization(*, slug: str, name: dict[str, Any], city: Any, actor: Actor = None,
                        ) -> Organization:  # city: a places.City (core names places only by string)
    """Create the organization, or bring an existing one with this slug up to date (idempotent)."""
    org, created = Organization.objects.get_or_create(
        slug=slug, defaults={"name": validation.localized("name", name), "city": city}
    )
    if not created and (org.name != name or org.city_id != city.pk):
        before = audit.snapshot(org)
        org.name, org.city = validation.localized("name", name), city
        org.save()
        audit.record(org=org, actor=actor, action="organization.updated", obj=org, before=before,
                     after=audit.snapshot(org))
    elif created:
        audit.record(org=org, actor=actor, action="organization.created", obj=org, after=audit.snapshot(org))
    return org


@transaction.atomic
def ensure_member(*, org: Organization, username: str, role: str, password: str | None = None,
                  email: str = "", actor: Actor = None) -> Membership:
    """A user with this role in the org; creates the user when new (idempotent)."""
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role."), fields={"role": _("Choose one of the listed roles.")})
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username, defaults={"email": email})
    if created or password:
        if password:
            check_password_rules(password, user)
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    membership, made = Membership.objects.get_or_create(user=user, org=org, defaults={"role": role})
    if not made and membership.role != role:
        before = {"role": membership.role}
        membership.role = role
        membership.save(update_fields=["role"])
        audit.record(org=org, actor=actor, action="membership.role_changed", obj=membership,
                     object_id=username, before=before, after={"role": role})
    elif made:
        audit.record(org=org, actor=actor, action="membership.created", obj=membership, object_id=username,
                     after={"user": username, "role": role})
    return membership


def lock_office(org: Organization) -> None:
    """Hold the office's row until the transaction ends: one such write at a time per office."""
    Organization.objects.select_for_update().get(pk=org.pk)


def check_password_rules(password: str, user: User) -> None:
    """Refuse a password the settings' validators refuse (too short, common, all digits, like the name)."""
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(_("Choose another password."), fields={"password": " ".join(exc.messages)}) from None


@transaction.atomic
def record_account_event(*, user: User, action: str, actor: Actor = None, after: dict[str, Any] | None = None) -> None:
    """An event of a person's account (sign-in, password change …) in the audit of each office they belong
    to; a person of no office leaves no entry."""
    for membership in Membership.objects.filter(user=user).select_related("org"):
        audit.record(org=membership.org, actor=actor, action=action, object_type="auth.user",
                     object_id=user.username, after={"user": user.username, **(after or {})})


@transaction.atomic
def set_password(*, user: User, password: str, action: str = "auth.password_changed", actor: Actor = None,
                 ) -> None:
    """Give the person a new password (checked against the rules) and record it: `auth.password_changed`
    by the person, or `auth.password_reset_completed` through an emailed link. Other sessions of the
    person end, since Django ties a session to the password it was opened with."""
    check_password_rules(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record_account_event(user=user, action=action, actor=actor)


# How long a new API token lives: the tokens page offers these; the service takes any whole number of days
# from 1 to the longest.
TOKEN_LIFETIMES_DAYS = (7, 30, 90, 180, 365)
DEFAULT_TOKEN_DAYS = 90
# last_used_at is written at most this often per token, not on every request.
LAST_USED_EVERY = dt.timedelta(minutes=1)


@transaction.atomic
def create_api_token(*, membership: Membership, name: str, expires_in_days: int = DEFAULT_TOKEN_DAYS,
                     actor: Actor = None) -> tuple[ApiToken, str]:
    """A new token that expires after expires_in_days; returns it with its secret, which is never stored
    and cannot be shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the token a name."), fields={"name": _("This field is required.")})
    if len(name) > 100:
        raise ValidationFailed(_("The name is too long."), fields={"name": _("At most 100 characters.")})
    longest = max(TOKEN_LIFETIMES_DAYS)
    if isinstance(expires_in_days, bool) or not isinstance(expires_in_days, int) or \
            not 1 <= expires_in_days <= longest:
        raise ValidationFailed(_("Choose how long the token lasts."), fields={
            "expires_in_days": _("Give a whole number of days from 1 to %(longest)s.") % {
                "longest": format_number(longest)}})
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(membership=membership, name=name, prefix=secret[:10],
                                    key_hash=ApiToken.hash(secret),
                                    expires_at=timezone.now() + dt.timedelta(days=expires_in_days))
    audit.record(org=membership.org, actor=actor, action="api_token.created", obj=token,
                 after={"name": name, "prefix": token.prefix, "user": membership.user.username,
                        "expires_at": token.expires_at.isoformat()})
    return token, secret


@transaction.atomic
def revoke_api_token(*, token: ApiToken, actor: Actor = None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(org=token.membership.org, actor=actor, action="api_token.revoked", obj=token,
                     before={"revoked_at": None}, after={"revoked_at": token.revoked_at.isoformat()})
    return token


def authenticate_token(raw: str) -> ApiToken | None:
    """The live token with this secret, or None (unknown, revoked, or its person deactivated). An expired
    token is refused with 401 `token_expired`, saying when it expired. Its last use is recorded at most
    once a minute: one conditional UPDATE, which concurrent requests of the same minute find done."""
    from hamdeli.core.selectors import live_token

    token = live_token(ApiToken.hash(raw))  # one statement, built once per process
    if token is None or not token.membership.user.is_active or token.membership.deactivated_at is not None:
        return None
    now = timezone.now()
    if token.is_expired(now):
        raise ServiceError(
            _("This API token expired on %(date)s. Create a new one on the API tokens page.")
            % {"date": dates.format_date(timezone.localtime(token.expires_at))},
            code="token_expired", status=401)
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_EVERY)).update(last_used_at=now)
    return token


# --- the office's people: invited by email, given a role, deactivated (never deleted) ---

def _active_owners(org: Organization) -> QuerySet[Membership]:
    return Membership.objects.filter(org=org, role=Role.OWNER, deactivated_at__isnull=True)


def _keep_an_owner(membership: Membership) -> None:
    """An office always keeps at least one active owner, who can manage its people."""
    if membership.role == Role.OWNER and not _active_owners(membership.org).exclude(pk=membership.pk).exists():
        raise Conflict(_("The office needs at least one active owner: make someone else owner first."),
                       code="last_owner")


@transaction.atomic
def invite_member(*, org: Organization, actor: Actor, email: str, role: str) -> tuple[Membership, bool]:
    """Add a person to the office by their email address (also their user name). Returns the membership
    and whether the person is new to Hamdeli, in which case they choose a password from an emailed link."""
    email = (email or "").strip().lower()
    require_fields(email=email, role=role)
    validation.email("email", email)
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role."), fields={"role": _("Choose one of the listed roles.")})
    user_model = get_user_model()
    user = user_model.objects.filter(username__iexact=email).first() or user_model.objects.filter(
        email__iexact=email).first()
    new = user is None
    if user is None:
        user = user_model(username=email, email=email)
        user.set_unusable_password()
        user.save()
    elif Membership.objects.filter(org=org, user=user).exists():
        raise Conflict(_("This person already belongs to the office."),
                       fields={"email": _("Already a member: change their role in the list.")})
    membership = Membership.objects.create(org=org, user=user, role=role)
    audit.record(org=org, actor=actor, action="membership.invited", obj=membership, object_id=user.username,
                 after={"user": user.username, "email": email, "role": role, "new_account": new})
    return membership, new


@transaction.atomic
def change_role(*, org: Organization, actor: Actor, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role."), fields={"role": _("Choose one of the listed roles.")})
    membership = locked(Membership.objects, pk=membership.pk, org=org)
    if membership.role == role:
        return membership
    if role != Role.OWNER:
        _keep_an_owner(membership)
    before = {"role": membership.role}
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record(org=org, actor=actor, action="membership.role_changed", obj=membership,
                 object_id=membership.user.username, before=before, after={"role": role})
    return membership


@transaction.atomic
def deactivate_member(*, org: Organization, actor: Actor, membership: Membership) -> Membership:
    """The person can no longer work in this office (pages or API tokens); their name stays in the
    audit and on what they recorded. Without any other active office, their account is disabled."""
    membership = locked(Membership.objects.select_related("user"), pk=membership.pk, org=org)
    if membership.deactivated_at is not None:
        return membership
    if membership.user_id == getattr(actor, "pk", None):
        raise Conflict(_("You cannot deactivate yourself; another owner can."), code="self")
    _keep_an_owner(membership)
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["deactivated_at"])
    _sync_account(membership.user)
    audit.record(org=org, actor=actor, action="membership.deactivated", obj=membership,
                 object_id=membership.user.username, after={"user": membership.user.username})
    return membership


@transaction.atomic
def reactivate_member(*, org: Organization, actor: Actor, membership: Membership) -> Membership:
    membership = locked(Membership.objects.select_related("user"), pk=membership.pk, org=org)
    if membership.deactivated_at is None:
        return membership
    membership.deactivated_at = None
    membership.save(update_fields=["deactivated_at"])
    _sync_account(membership.user)
    audit.record(org=org, actor=actor, action="membership.reactivated", obj=membership,
                 object_id=membership.user.username, after={"user": membership.user.username})
    return membership


@transaction.atomic
def set_reminder_emails(*, org: Organization, actor: Actor, membership: Membership, enabled: bool,
                        language: str) -> Membership:
    """The member's own choice of the daily reminder email and its language."""
    if language not in dict(settings.LANGUAGES):
        raise validation.invalid("email_language", _("Choose one of the allowed values."))
    membership = locked(Membership.objects, pk=membership.pk, org=org)
    before = {"reminder_emails": membership.reminder_emails, "email_language": membership.email_language}
    after = {"reminder_emails": bool(enabled), "email_language": language}
    if before != after:
        membership.reminder_emails, membership.email_language = bool(enabled), language
        membership.save(update_fields=["reminder_emails", "email_language"])
        audit.record(org=org, actor=actor, action="membership.reminders_changed", obj=membership,
                     object_id=membership.user.username, before=before, after=after)
    return membership


def _sync_account(user: User) -> None:
    """An account may sign in while it belongs to at least one office actively."""
    active = Membership.objects.filter(user=user, deactivated_at__isnull=True).exists()
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
