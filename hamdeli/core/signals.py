"""Sign-ins, failed sign-ins and sign-outs go into the audit of every office the person belongs to.

A failed sign-in for a name nobody has is written to the log only: it belongs to no office."""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from hamdeli.core import audit, origin
from hamdeli.core.models import Membership

log = logging.getLogger("hamdeli.security")


def _record_for_each_org(user, action: str, *, actor) -> None:
    with transaction.atomic():
        for membership in Membership.objects.filter(user=user).select_related("org"):
            audit.record(org=membership.org, actor=actor, action=action, object_type="auth.user",
                         object_id=user.username, after={"user": user.username})


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    _record_for_each_org(user, "auth.login", actor=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        _record_for_each_org(user, "auth.logout", actor=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).first()
    log.warning("failed sign-in for %r from %s", username, origin.current().ip or "-")
    if user is not None:
        _record_for_each_org(user, "auth.login_failed", actor=None)
