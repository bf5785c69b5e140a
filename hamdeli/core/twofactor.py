"""Two-factor sign-in: a code from an authenticator app (TOTP) after the password, with one-time recovery
codes for a lost phone. django-otp keeps the devices and throttles wrong codes; this module holds the
writes (each in one transaction with its audit entries), the sign-in's pending step and the middleware.

- A person enrols on /account/two-factor/: the secret lives in their session until the first code
  confirms it, so opening the page writes nothing; confirming creates the TOTP device and ten recovery
  codes (a static device), shown once.
- Sign-in: a right password for an account with a confirmed device does not sign in. The session only
  remembers who is pending (for PENDING_SECONDS) and the code page finishes the sign-in. Wrong codes
  are audited, throttled by django-otp (1, 2, 4 … seconds per device) and, after MAX_TRIES in one
  pending sign-in, the password must be given again (where django-axes counts it).
- A session of an account with a device that never gave a code (one opened before enrolment, in
  another browser) is ended by the middleware.
- An office may require two-factor of its owners: an owner without it is sent to enrol and can open
  nothing else until done. API tokens are not affected; the API through a browser session is.
"""

import base64
import binascii
import secrets
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from hamdeli.core import audit, services
from hamdeli.core.digits import format_number, to_ascii_digits
from hamdeli.core.errors import Conflict, ServiceError, ValidationFailed
from hamdeli.core.models import Membership, Organization, Role
from hamdeli.core.records import get_or_404
from hamdeli.core.types import Actor, AnyActor

RECOVERY_CODES = 10
SECRET_SESSION_KEY = "hamdeli_totp_secret"  # noqa: S105 - a session key's name: the secret being enrolled
PENDING_SESSION_KEY = "hamdeli_two_factor_pending"  # a sign-in that gave its password, not yet its code
PENDING_SECONDS = 5 * 60
MAX_TRIES = 5  # wrong codes in one pending sign-in before the password is asked again


# --- reads -------------------------------------------------------------------------------------------

def has_device(user: AnyActor | AbstractBaseUser) -> bool:
    return bool(user is not None and user.is_authenticated and TOTPDevice.objects.filter(
        user=user, confirmed=True).exists())


def users_with_two_factor(users: Iterable[User | int]) -> set[int]:
    """The ids of those of these people who use two-factor sign-in (one query, for the people page)."""
    return set(TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True))


def recovery_codes_left(user: User) -> int:
    count: int = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return count


def _verified(user: AnyActor | AbstractBaseUser) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def needs_enrolment(request: HttpRequest) -> bool:
    """An owner of an office that requires two-factor of its owners, who has none yet."""
    membership, org = getattr(request, "membership", None), getattr(request, "org", None)
    return (membership is not None and org is not None and membership.role == Role.OWNER
            and org.owners_require_two_factor and not _verified(request.user) and not has_device(request.user))


def session_may_use_api(request: HttpRequest) -> bool:
    """The API through a browser session asks the same as the pages (API tokens are not affected)."""
    user = request.user
    if _verified(user):
        return True
    return not has_device(user) and not needs_enrolment(request)


# --- the secret being enrolled ------------------------------------------------------------------------

def enrolment_secret(session: SessionBase) -> str:
    """The secret (hex) offered to this session until it is confirmed; made on first view, kept in the
    session only, so viewing the page writes nothing."""
    secret = session.get(SECRET_SESSION_KEY)
    if not secret or len(secret) != 40:
        secret = secrets.token_hex(20)
        session[SECRET_SESSION_KEY] = secret
    return str(secret)


def secret_for_typing(secret_hex: str) -> str:
    """The secret as an authenticator app takes it typed in: base32, in groups of four."""
    text = base64.b32encode(binascii.unhexlify(secret_hex)).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def provisioning_uri(user: User, secret_hex: str) -> str:
    issuer = settings.OTP_TOTP_ISSUER
    secret = base64.b32encode(binascii.unhexlify(secret_hex)).decode().rstrip("=")
    label = quote(f"{issuer}:{user.get_username()}")
    return f"otpauth://totp/{label}?" + urlencode({"secret": secret, "issuer": issuer, "digits": 6,
                                                    "period": 30, "algorithm": "SHA1"})


def qr_data_uri(uri: str) -> str:
    """The provisioning address as a QR code (an SVG data URI, drawn here by segno; nothing leaves)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def clean_code(raw: object) -> str:
    """A typed code: Persian or Arabic digits made ASCII; spaces and hyphens dropped; lower case."""
    return "".join(ch for ch in to_ascii_digits(str(raw or "")) if ch not in " -\u200c\t").lower()[:32]


def _six_digits(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdigit()


# --- writes ------------------------------------------------------------------------------------------

@transaction.atomic
def enable(*, user: User, secret_hex: str, code: str) -> list[str]:
    """Confirm the secret with its first code: the TOTP device and fresh recovery codes (returned, to be
    shown once) are made, and the offices the person belongs to record it."""
    if has_device(user):
        raise Conflict(_("Two-factor sign-in is already on for your account."), code="two_factor_on")
    code = clean_code(code)
    if not _six_digits(code):
        raise ValidationFailed(_("Type the six digits your authenticator app shows."),
                               fields={"code": _("Six digits.")})
    totp = TOTP(binascii.unhexlify(secret_hex))
    totp.time = time.time()
    if not totp.verify(int(code), tolerance=1):
        raise ValidationFailed(_("That code is not right. Check that the phone's clock is right and type the "
                                 "code it shows now."), fields={"code": _("Not the code of this secret.")})
    TOTPDevice.objects.filter(user=user).delete()  # nothing confirmed: leftovers of an earlier try
    StaticDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, name="Hamdeli", key=secret_hex, confirmed=True, last_t=totp.t())
    codes = _new_recovery_codes(user)
    services.record_account_event(user=user, action="two_factor.enabled", actor=user,
                                  after={"recovery_codes": len(codes)})
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes: list[str] = []
    while len(codes) < RECOVERY_CODES:
        token = StaticToken.random_token()
        if token not in codes and not _six_digits(token):  # six digits would be read as an app's code
            codes.append(token)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=token) for token in codes])
    return codes


def _owner_where_required(user: User) -> Organization | None:
    membership = Membership.objects.filter(user=user, role=Role.OWNER, deactivated_at__isnull=True,
                                           org__owners_require_two_factor=True).select_related("org").first()
    return membership.org if membership else None


@transaction.atomic
def disable(*, user: User, password: str = "", code: str = "") -> None:
    """The person turns two-factor off, proving it is them with their password or a current code."""
    if not has_device(user):
        raise Conflict(_("Two-factor sign-in is not on for your account."), code="two_factor_off")
    office = _owner_where_required(user)
    if office is not None:
        raise Conflict(_("%(office)s requires two-factor sign-in of its owners, so it stays on.")
                       % {"office": office}, code="two_factor_required")
    proved = bool(password) and user.check_password(password)
    if not proved and clean_code(code):
        proved = check_code(user=user, code=code, audit_failure=False) is not None
    if not proved:
        raise ValidationFailed(_("Give your password or a current code to turn two-factor sign-in off."),
                               fields={"password": _("Not your password, and no right code either.")})
    _remove_devices(user)
    services.record_account_event(user=user, action="two_factor.disabled", actor=user)


def _remove_devices(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def reset(*, org: Organization, actor: Actor, membership: Membership) -> None:
    """An owner turns off another person's two-factor (a lost phone and no recovery code left): they sign
    in with their password alone and may enrol again. Recorded in every office the person belongs to."""
    membership = get_or_404(Membership.objects.select_related("user"), pk=membership.pk, org=org)
    user = membership.user
    if user.pk == getattr(actor, "pk", None):
        raise Conflict(_("Turn your own two-factor sign-in off on your account's two-factor page."), code="self")
    if not has_device(user):
        raise Conflict(_("%(user)s does not use two-factor sign-in.") % {"user": user.get_username()},
                       code="two_factor_off")
    _remove_devices(user)
    services.record_account_event(user=user, action="two_factor.reset", actor=actor,
                                  after={"by_office": org.slug})


@transaction.atomic
def set_owners_requirement(*, org: Organization, actor: Actor, required: bool) -> Organization:
    org = Organization.objects.select_for_update().get(pk=org.pk)
    if org.owners_require_two_factor != required:
        org.owners_require_two_factor = required
        org.save(update_fields=["owners_require_two_factor"])
        audit.record(org=org, actor=actor, action="organization.two_factor_policy", obj=org,
                     before={"owners_require_two_factor": not required},
                     after={"owners_require_two_factor": required})
    return org


def check_code(*, user: User, code: str, audit_failure: bool = True) -> Any:  # a django-otp device, or None
    """The device that accepts this code (an app's six digits, or one of the recovery codes, which is then
    spent), or None. A wrong code is audited; while django-otp throttles the devices after wrong codes, the
    attempt is refused unchecked (429, not audited) and says how long to wait."""
    code = clean_code(code)
    if not code:
        return None
    model = TOTPDevice if _six_digits(code) else StaticDevice
    devices = list(model.objects.filter(user=user, confirmed=True))
    for device in devices:
        allowed, data = device.verify_is_allowed()
        if not allowed:
            until = (data or {}).get("locked_until") or timezone.now()
            seconds = max(1, int((until - timezone.now()).total_seconds() + 0.999))
            raise ServiceError(_("Too many wrong codes. Wait %(seconds)s seconds, then try again.")
                               % {"seconds": format_number(seconds)}, code="too_many_codes", status=429)
    with transaction.atomic():
        for device in devices:
            if device.verify_token(code):
                if isinstance(device, StaticDevice):
                    services.record_account_event(user=user, action="auth.recovery_code_used", actor=user,
                                                  after={"left": device.token_set.count()})
                return device
        if audit_failure:
            services.record_account_event(user=user, action="auth.two_factor_failed", actor=None,
                                          after={"kind": "recovery" if model is StaticDevice else "app"})
    return None


# --- the pending sign-in -----------------------------------------------------------------------------

def begin_pending(request: HttpRequest, user: User, next_url: str) -> None:
    """The password was right; the sign-in waits for a code. Nothing but this is in the session."""
    request.session.cycle_key()
    request.session[PENDING_SESSION_KEY] = {"user": user.pk, "backend": getattr(user, "backend", ""),
                                            "next": next_url, "since": time.time(), "tries": 0}


def pending(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    """(the user, the pending state), or None when nothing is pending or it is too old."""
    state = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(state, dict) or time.time() - state.get("since", 0) > PENDING_SECONDS:
        request.session.pop(PENDING_SESSION_KEY, None)
        return None
    user_id: Any = state.get("user")
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        request.session.pop(PENDING_SESSION_KEY, None)
        return None
    return user, state


def count_wrong_try(request: HttpRequest, state: dict[str, Any]) -> bool:
    """One more wrong code; True when the pending sign-in is over (the password must be given again)."""
    state["tries"] = state.get("tries", 0) + 1
    if state["tries"] >= MAX_TRIES:
        request.session.pop(PENDING_SESSION_KEY, None)
        return True
    request.session[PENDING_SESSION_KEY] = state
    request.session.modified = True
    return False


def end_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING_SESSION_KEY, None)


# --- the middleware ----------------------------------------------------------------------------------

# Pages open to an owner who must enrol first (and to everyone before the code is given).
ENROLMENT_PAGES = {"two_factor", "two_factor_confirm", "logout", "set_language", "login", "login_code",
                   "password_change"}


class TwoFactorMiddleware:
    """After OTPMiddleware and OrganizationMiddleware: a session of an account with a device must have
    given a code (else it is ended and sent to sign in), and an owner whom the office requires to use
    two-factor is sent to set it up. The API is left to its authentication (core.api_setup)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], view_args: tuple[Any, ...],
                     view_kwargs: dict[str, Any]) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith("/api/"):
            return None
        if _verified(user):
            return None
        if has_device(user):
            auth_logout(request)  # a sign-in that never gave its code (opened before enrolment)
            return redirect_to_login(request.get_full_path())
        name = request.resolver_match.url_name if request.resolver_match else None
        if name not in ENROLMENT_PAGES and needs_enrolment(request):
            return redirect("two_factor")
        return None
