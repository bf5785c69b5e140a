"""Two offices, one shipment: a donor office's outbound pledge linked to the recipient office's inbound
pledge on the same instance. Writes keep to each office's own rows (neither touches the other's ledger);
the one read across the boundary is the donor's read-only view of the recipient's pledge it is linked to.

Which offices may be offered a pledge: only partner offices (`partner_offices`), those of a city this
office has an open partnership with *and* whose own office has an open partnership with this office's
city. A list of every organization on the instance would tell any office who else uses it; a typed slug
would let an office probe for names. A partnership both offices recorded is a relationship both made
known, so nothing is revealed that either has not already told the other.
"""

from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from hamdeli.aid import access, selectors, services
from hamdeli.aid.models import (
    Box,
    BoxState,
    Direction,
    Item,
    LinkState,
    Pledge,
    PledgeLine,
    PledgeLink,
    PledgeState,
)
from hamdeli.core import audit, tenancy
from hamdeli.core import selectors as core_selectors
from hamdeli.core.errors import Conflict, ValidationFailed, require_fields
from hamdeli.core.listing import choice_order, sort
from hamdeli.core.models import Organization
from hamdeli.core.records import locked
from hamdeli.core.validation import invalid
from hamdeli.partners import selectors as partners


def partner_offices(org):
    """The offices on this instance that `org` may offer a pledge to: a partnership recorded on both sides."""
    return core_selectors.other_offices(org).filter(city_id__in=partners.partner_cities(org),
                                                    pk__in=partners.orgs_partnered_with(org.city_id))


def partner_office(org, slug: str) -> Organization | None:
    """A partner office by its short name; None for any other (unknown or not a partner alike)."""
    return partner_offices(org).filter(slug=slug).first() if slug else None


@transaction.atomic
def offer_link(*, org, actor, pledge: Pledge, recipient_org: Organization | None) -> PledgeLink:
    """The donor office offers its outbound pledge to the recipient office (which sees it and accepts)."""
    access.require_office(org, actor)
    require_fields(recipient_org=recipient_org)
    assert recipient_org is not None  # refused above
    if pledge.org_id != org.pk:
        raise Http404
    pledge = locked(Pledge.objects, pk=pledge.pk)  # one offer at a time per pledge
    if pledge.direction != Direction.OUTBOUND or pledge.state == PledgeState.CANCELLED:
        raise Conflict(_("Only an outbound pledge that is not cancelled can be offered to another office."),
                       code="illegal_transition")
    if recipient_org.pk == org.pk:
        raise ValidationFailed(_("Offer it to another office."), fields={"recipient_org": _("Choose another office.")})
    if not partner_offices(org).filter(pk=recipient_org.pk).exists():
        raise ValidationFailed(_("A pledge can be offered only to a partner office."),
                               fields={"recipient_org": _("Choose an office whose city is your partner.")})
    if PledgeLink.objects.filter(donor_pledge=pledge).exclude(state=LinkState.CANCELLED).exists():
        raise Conflict(_("This pledge is already offered to an office."), code="already_linked")
    PledgeLink.objects.filter(donor_pledge=pledge, state=LinkState.CANCELLED).delete()  # offered again
    reference = f"{org.slug.upper()}-{recipient_org.slug.upper()}-{str(pledge.public_id)[:8].upper()}"
    link = PledgeLink.objects.create(reference=reference, donor_pledge=pledge, recipient_org=recipient_org)
    audit.record(org=org, actor=actor, action="aid.link.offered", obj=link, after={"reference": reference})
    return link


@transaction.atomic
def accept_link(*, org, actor, link: PledgeLink, pledge: Pledge | None = None, donor=None, recipient=None
                ) -> PledgeLink:
    """The recipient office accepts: its own inbound pledge, an existing one or made now with the same items
    (matched by item code in its own catalogue), is linked under the shared reference."""
    access.require_office(org, actor)
    link = locked(PledgeLink.objects, pk=link.pk)
    if link.recipient_org_id != org.pk:
        raise Http404
    if link.state != LinkState.OFFERED:
        raise Conflict(_("This offer is no longer open."), code="illegal_transition")
    if pledge is None:
        require_fields(donor=donor, recipient=recipient)
        for name, party in (("donor", donor), ("recipient", recipient)):
            if party.org_id != org.pk:
                raise invalid(name, _("Choose one of your parties."))
        items = {i.code: i for i in Item.objects.filter(org=org)}
        lines, missing = [], []
        with tenancy.in_scope_of(link.donor_pledge.org_id):  # the donor office's offer, copied into ours
            offered = list(link.donor_pledge.lines.select_related("item"))
        for line in offered:
            if line.item.code in items:
                lines.append((items[line.item.code], line.quantity))
            else:
                missing.append(line.item.code)
        if missing:
            raise ValidationFailed(_("Add these items to your catalogue first: %(codes)s.")
                                   % {"codes": ", ".join(missing)})
        pledge = services.create_pledge(org=org, actor=actor, direction=Direction.INBOUND, donor=donor,
                                        recipient=recipient, lines=lines, label=link.donor_pledge.label,
                                        offered_on=link.donor_pledge.offered_on, note=link.reference)
        pledge = services.accept_pledge(org=org, actor=actor, pledge=pledge)
    else:
        mine = Pledge.objects.select_for_update().filter(pk=pledge.pk, org=org).first()
        if (mine is None or mine.direction != Direction.INBOUND or mine.state == PledgeState.CANCELLED
                or PledgeLink.objects.filter(recipient_pledge=mine).exists()):
            raise ValidationFailed(_("Link one of your own inbound pledges that is not linked yet."),
                                   fields={"pledge": _("Choose another pledge.")})
        pledge = mine
    link.recipient_pledge, link.state = pledge, LinkState.ACCEPTED
    link.save(update_fields=["recipient_pledge", "state"])
    audit.record(org=org, actor=actor, action="aid.link.accepted", obj=link,
                 after={"reference": link.reference, "pledge": str(pledge.public_id)})
    return link


@transaction.atomic
def cancel_link(*, org, actor, link: PledgeLink, reason: str) -> PledgeLink:
    """Either office ends the link (a reason is required); from then on the donor sees nothing of the
    recipient's pledge. Each office's own pledge and ledger stay as they are."""
    access.require_office(org, actor)
    require_fields(reason=(reason or "").strip())
    link = locked(PledgeLink.objects.select_related("donor_pledge"), pk=link.pk)
    if org.pk not in (link.donor_pledge.org_id, link.recipient_org_id):
        raise Http404
    if link.state == LinkState.CANCELLED:
        raise Conflict(_("This link is already cancelled."), code="illegal_transition")
    link.state, link.cancel_reason = LinkState.CANCELLED, reason.strip()
    link.save(update_fields=["state", "cancel_reason"])
    audit.record(org=org, actor=actor, action="aid.link.cancelled", obj=link, after={"reason": reason})
    return link


# --- reads ---------------------------------------------------------------------------------------


# The shared shipments' sorts (core.listing): the reference, the state in the link's order, the day offered.
LINK_SORTS = {"reference": sort("reference"), "state": sort(choice_order("state", LinkState)),
              "offered": sort("created_at", descending_first=True)}


def links(*, org, actor=None, side: str | None = None, state: str | None = None):
    """The links this office takes part in, as donor ("offered_by_us") or as recipient ("offered_to_us")."""
    access.require_office(org, actor)
    found = {"offered_by_us": Q(donor_pledge__org=org), "offered_to_us": Q(recipient_org=org)}
    where = found.get(side or "", found["offered_by_us"] | found["offered_to_us"])
    if state:
        where &= Q(state=state)
    return (PledgeLink.objects.filter(where)
            .select_related("donor_pledge__org", "donor_pledge__donor", "recipient_org", "recipient_pledge"))


def with_offers(links_queryset):
    """The links with each donor office's offer (its pledge's lines and their items) fetched in one go:
    the recipient office reads the donor's offer, a read across the two offices of each link."""
    with tenancy.scopes_disabled():  # only the lines of these links' donor pledges are fetched
        lines = PledgeLine.objects.select_related("item")
    return links_queryset.prefetch_related(Prefetch("donor_pledge__lines", queryset=lines))


def offer_lines(link: PledgeLink) -> list:
    """The donor office's offer (its pledge's lines), read by either office of the link."""
    with tenancy.in_scope_of(link.donor_pledge.org_id):  # the donor's pledge, whichever office reads it
        return list(link.donor_pledge.lines.all())


def open_offers(*, org, actor=None):
    """Offers other offices made to this one that wait for an answer (accept or decline)."""
    return links(org=org, actor=actor, side="offered_to_us", state=LinkState.OFFERED)


def acceptable_pledges(*, org):
    """This office's inbound pledges an offer may be linked to: not cancelled, not linked yet."""
    return (Pledge.objects.filter(org=org, direction=Direction.INBOUND).exclude(state=PledgeState.CANCELLED)
            .filter(link_in__isnull=True).select_related("donor", "recipient"))


def link_of(*, org, pledge: Pledge) -> PledgeLink | None:
    """The link an office's own pledge takes part in (as the offered or the accepting pledge), if any."""
    if pledge.org_id != org.pk:
        raise Http404
    return (PledgeLink.objects.filter(Q(donor_pledge=pledge) | Q(recipient_pledge=pledge))
            .select_related("donor_pledge__org", "recipient_org").first())


def shipped_boxes(*, org: Organization, link: PledgeLink) -> list[tuple[StrOrPromise, int]]:
    """For the donor's own pledge page: how many of the recipient's boxes are in each state (in transit,
    received …), while the link stands; nothing for the recipient's side or a link that does not stand."""
    if link.donor_pledge.org_id != org.pk or link.state != LinkState.ACCEPTED or link.recipient_pledge_id is None:
        return []
    with tenancy.in_scope_of(link.recipient_org_id):  # the recipient's boxes of the linked pledge (read-only)
        rows = list(Box.objects.filter(consignment__pledge_id=link.recipient_pledge_id).values("state")
                    .annotate(n=Count("pk")).order_by("state"))
    return [(BoxState(row["state"]).label, row["n"]) for row in rows]


def link(*, org, actor=None, public_id) -> PledgeLink:
    found = links(org=org, actor=actor).filter(public_id=public_id).first()
    if found is None:
        raise Http404
    return found


def shared_view(*, org, link: PledgeLink) -> dict:
    """What each side may read. The donor: the recipient's receipt (boxes, discrepancies) and custody of
    the linked pledge only, while the link stands. The recipient: the donor's offer (its lines)."""
    with tenancy.in_scope_of(link.donor_pledge.org_id, link.recipient_org_id):  # the two offices of the link
        return _shared_view(org=org, link=link)


def _shared_view(*, org, link: PledgeLink) -> dict:
    donor_side = link.donor_pledge.org_id == org.pk
    view = {"link": link, "donor_side": donor_side, "offer": list(link.donor_pledge.lines.select_related("item"))}
    theirs = link.recipient_pledge
    if donor_side and link.state == LinkState.ACCEPTED and theirs is not None:
        by_box = selectors.receipt_discrepancies(org=theirs.org, pledge=theirs)
        view["report"] = selectors.report(org=theirs.org, pledge=theirs)
        view["boxes"] = [(c, list(c.boxes.prefetch_related("lines__item", "lines__lot")))
                         for c in theirs.consignments.all()]
        for _c, boxes in view["boxes"]:
            for box in boxes:
                box.discrepancies = by_box.get(box.pk, [])
        view["discrepancies"] = [m for ms in by_box.values() for m in ms]
    return view
