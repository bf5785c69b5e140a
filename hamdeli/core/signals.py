"""Sign-ins, failed sign-ins, sign-outs and sign-in pauses go into the audit of every office the person
belongs to.

A failed sign-in for a name nobody has is written to the log only: it belongs to no office. A sign-in
tried while its user name and address are paused (django-axes) is refused without looking at the
password: it is logged, not audited, so hammering a paused sign-in cannot fill the audit."""

import logging
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from hamdeli.core import origin, services

log = logging.getLogger("hamdeli.security")
_FAILURE_AUDITED = "_hamdeli_failure_audited"


def _user_named(username: object) -> User | None:
    return get_user_model().objects.filter(username=str(username or "")[:150]).first()


@receiver(user_logged_in)
def on_login(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    services.record_account_event(user=user, action="auth.login", actor=user)


@receiver(user_logged_out)
def on_logout(sender: object, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        services.record_account_event(user=user, action="auth.logout", actor=user)


def _paused_before_checking(request: HttpRequest) -> bool:
    """True when axes refused this attempt because its pair was already paused (the password was never
    checked); False for a real failure, including the one that starts a pause."""
    return bool(getattr(request, "axes_locked_out", False)) and getattr(request, "axes_failures_since_start",
                                                                          None) is None


def _record_failure(request: HttpRequest | None, username: object) -> None:
    if request is not None:
        if getattr(request, _FAILURE_AUDITED, False):
            return
        setattr(request, _FAILURE_AUDITED, True)
    user = _user_named(username)
    if user is not None:
        services.record_account_event(user=user, action="auth.login_failed", actor=None)


@receiver(user_login_failed)
def on_login_failed(sender: object, credentials: dict[str, Any], request: HttpRequest | None = None,
                    **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    if request is not None and _paused_before_checking(request):
        log.warning("sign-in refused for %r from %s: paused after repeated failures", username,
                    origin.current().ip or "-")
        return
    log.warning("failed sign-in for %r from %s", username, origin.current().ip or "-")
    _record_failure(request, username)


@receiver(user_locked_out)
def on_locked_out(sender: object, request: HttpRequest, username: object, ip_address: str | None,
                  **kwargs: Any) -> None:
    """The failure that starts a pause: recorded as a failure and then as the pause (once per pause; axes
    also sends this signal for every attempt refused during the pause, which are only logged)."""
    failures = getattr(request, "axes_failures_since_start", None)
    if request is None or failures is None:
        return
    username = str(username or "")[:150]
    log.warning("sign-in paused for %r from %s after %s failures", username, ip_address or "-",
                failures)
    _record_failure(request, username)
    user = _user_named(username)
    if user is not None:
        from hamdeli.core.lockout import seconds_left

        services.record_account_event(user=user, action="auth.locked_out", actor=None, after={
            "user": user.username, "failures": failures,
            "paused_seconds": seconds_left(request, getattr(request, "axes_credentials", None))})
