"""Two offices, one shipment: a donor office's outbound pledge linked to the recipient office's inbound
pledge on the same instance. Writes keep to each office's own rows (neither touches the other's ledger);
the one read across the boundary is the donor's read-only view of the recipient's pledge it is linked to."""

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from hamdeli.aid import access, selectors, services
from hamdeli.aid.models import Direction, Item, LinkState, Pledge, PledgeLink, PledgeState
from hamdeli.core import audit
from hamdeli.core.errors import Conflict, ValidationFailed, require_fields
from hamdeli.core.models import Organization


@transaction.atomic
def offer_link(*, org, actor, pledge: Pledge, recipient_org: Organization | None) -> PledgeLink:
    """The donor office offers its outbound pledge to the recipient office (which sees it and accepts)."""
    access.require_office(org, actor)
    require_fields(recipient_org=recipient_org)
    if pledge.org_id != org.pk or pledge.direction != Direction.OUTBOUND or pledge.state == PledgeState.CANCELLED:
        raise Conflict(_("Only an outbound pledge that is not cancelled can be offered to another office."),
                       code="illegal_transition")
    if recipient_org.pk == org.pk:
        raise ValidationFailed(_("Offer it to another office."), fields={"recipient_org": _("Choose another office.")})
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
    link = PledgeLink.objects.select_for_update().get(pk=link.pk)
    if link.recipient_org_id != org.pk:
        raise Http404
    if link.state != LinkState.OFFERED:
        raise Conflict(_("This offer is no longer open."), code="illegal_transition")
    if pledge is None:
        require_fields(donor=donor, recipient=recipient)
        items = {i.code: i for i in Item.objects.filter(org=org)}
        lines, missing = [], []
        for line in link.donor_pledge.lines.select_related("item"):
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
        pledge = services.transition_pledge(org=org, actor=actor, pledge=pledge, action="accept")
    elif pledge.org_id != org.pk or pledge.direction != Direction.INBOUND or hasattr(pledge, "link_in"):
        raise ValidationFailed(_("Link one of your own inbound pledges that is not linked yet."),
                               fields={"pledge": _("Choose another pledge.")})
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
    link = PledgeLink.objects.select_for_update().select_related("donor_pledge").get(pk=link.pk)
    if org.pk not in (link.donor_pledge.org_id, link.recipient_org_id):
        raise Http404
    if link.state == LinkState.CANCELLED:
        raise Conflict(_("This link is already cancelled."), code="illegal_transition")
    link.state, link.cancel_reason = LinkState.CANCELLED, reason.strip()
    link.save(update_fields=["state", "cancel_reason"])
    audit.record(org=org, actor=actor, action="aid.link.cancelled", obj=link, after={"reason": reason})
    return link


# --- reads ---------------------------------------------------------------------------------------


def links(*, org, actor=None):
    """The links this office takes part in, as donor or as recipient."""
    access.require_office(org, actor)
    from django.db.models import Q

    return (PledgeLink.objects.filter(Q(donor_pledge__org=org) | Q(recipient_org=org))
            .select_related("donor_pledge__org", "donor_pledge__donor", "recipient_org", "recipient_pledge"))


def link(*, org, actor=None, public_id) -> PledgeLink:
    found = links(org=org, actor=actor).filter(public_id=public_id).first()
    if found is None:
        raise Http404
    return found


def shared_view(*, org, link: PledgeLink) -> dict:
    """What each side may read. The donor: the recipient's receipt (boxes, discrepancies) and custody of
    the linked pledge only, while the link stands. The recipient: the donor's offer (its lines)."""
    donor_side = link.donor_pledge.org_id == org.pk
    view = {"link": link, "donor_side": donor_side, "offer": list(link.donor_pledge.lines.select_related("item"))}
    theirs = link.recipient_pledge
    if donor_side and link.state == LinkState.ACCEPTED and theirs is not None:
        view["report"] = selectors.report(org=theirs.org, pledge=theirs)
        view["boxes"] = [(c, list(c.boxes.prefetch_related("lines__item")))
                         for c in theirs.consignments.all()]
        view["discrepancies"] = [m for ms in selectors.receipt_discrepancies(org=theirs.org, pledge=theirs).values()
                                 for m in ms]
    return view
