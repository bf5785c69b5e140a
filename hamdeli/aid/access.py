"""Who may act where: institution-store members only on the locations granted to them."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from hamdeli.aid.models import InstitutionAccess, LocationKind
from hamdeli.core.models import Membership, Role


def membership_of(org, actor) -> Membership | None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return Membership.objects.filter(org=org, user=actor).first()


def allowed_location_ids(org, actor) -> set[int] | None:
    """None means every location of the org; a set narrows an institution member to their own."""
    membership = membership_of(org, actor)
    if membership is None or membership.role != Role.INSTITUTION:
        return None
    return set(InstitutionAccess.objects.filter(org=org, membership=membership).values_list("location_id", flat=True))


def is_institution(org, actor) -> bool:
    return allowed_location_ids(org, actor) is not None


def check_location(org, actor, location) -> None:
    """Refuse to act on a location outside the actor's reach (404: it does not exist for them)."""
    allowed = allowed_location_ids(org, actor)
    if location.org_id != org.pk:
        raise Http404
    if allowed is not None and location.pk not in allowed:
        raise Http404


def require_office(org, actor) -> None:
    """Pledges, consignments and reports are the office's: institution stores see only their stock."""
    if is_institution(org, actor):
        raise PermissionDenied


def real_only(location) -> bool:
    return location.kind == LocationKind.REAL
