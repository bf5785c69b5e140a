"""Who may act where: institution-store members only on the locations granted to them.

What a store's member sees. A university's or hospital's store clerk answers for their own shelves and
for what they handed on or gave out, so everything they read is narrowed to the movements into or out of
their stores (`touching`), the balances of their stores and the lots that have been there; another
store's location or lot does not exist for them (404). The office's own records are refused (403,
`require_office`): pledges, consignments and boxes, donor reports, labels, the aid flow, the IATI and HXL
exports, and the trace of a pledge, consignment or box. That trace is the office's account to a donor of
the whole gift across every store (other stores' stock, their recipients, the office's agreements); a
clerk's own part of it is already on their stock, ledger and lot pages, and showing only "their legs" of
someone else's gift would read as the whole story when it is not. A lot's recall is different: pulling a
lot back is the clerk's own work, so its page shows them the lot's units on their shelves and the wards
they gave it to (`recall`), and nothing of the other stores. Receiving a box is the office's too: the box
is part of a pledge's consignment and its receipt answers with that consignment; stock reaches a store's
member by a signed handover or an intake.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from hamdeli.aid.models import InstitutionAccess, LocationKind
from hamdeli.core import selectors as core
from hamdeli.core.models import Membership, Role


def membership_of(org, actor) -> Membership | None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return core.membership(org=org, user=actor)


def allowed_location_ids(org, actor) -> set[int] | None:
    """None means every location of the org; a set narrows an institution member to their own."""
    membership = membership_of(org, actor)
    if membership is None or membership.role != Role.INSTITUTION:
        return None
    return set(InstitutionAccess.objects.filter(org=org, membership=membership).values_list("location_id", flat=True))


def is_institution(org, actor) -> bool:
    return allowed_location_ids(org, actor) is not None


def touching(movements, allowed: set[int] | None):
    """The movements into or out of these locations (all of them when `allowed` is None)."""
    if allowed is None:
        return movements
    return movements.filter(Q(from_location_id__in=allowed) | Q(to_location_id__in=allowed))


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
