"""Reads of the core app, always scoped to an organization."""

from django.shortcuts import get_object_or_404

from hamdeli.core.models import ApiToken, AuditEntry, Membership, Organization


def memberships_of(user):
    return Membership.objects.filter(user=user).select_related("org", "org__city")


def tokens(*, org: Organization, membership: Membership):
    """A member's own tokens; owners see every token of the org."""
    qs = ApiToken.objects.filter(membership__org=org).select_related("membership__user")
    if membership.role != "owner":
        qs = qs.filter(membership=membership)
    return qs


def token(*, org: Organization, membership: Membership, public_id) -> ApiToken:
    return get_object_or_404(tokens(org=org, membership=membership), public_id=public_id)


def audit_trail(*, org: Organization, object_id: str | None = None):
    qs = AuditEntry.objects.filter(org=org).select_related("actor")
    if object_id is not None:
        qs = qs.filter(object_id=str(object_id))
    return qs
