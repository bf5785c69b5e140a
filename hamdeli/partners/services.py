"""Every write on partners and networks: one transaction each, with its audit entry."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed, can_proceed

from hamdeli.core import audit
from hamdeli.core.errors import Conflict, ValidationFailed, require_fields
from hamdeli.core.files import AGREEMENT_SCANS, check_upload
from hamdeli.core.text import search_key
from hamdeli.partners.models import (
    Interaction,
    InteractionKind,
    Network,
    NetworkAction,
    NetworkMembership,
    NetworkMembershipEvent,
    Partnership,
    PartnershipAction,
    PartnershipEvent,
    PartnershipKind,
)
from hamdeli.places.models import City

EDITABLE_FIELDS = [
    "kind", "proposed_on", "renewal_due_on", "council_bill_number", "council_resolution_number",
    "our_focal_person", "partner_focal_person", "partner_focal_email", "notes",
]


def _refresh_search_key(partnership: Partnership) -> None:
    city = partnership.city
    partnership.search_key = search_key(
        city.name_en, city.name_fa, city.country.name_en, city.country.name_fa,
        partnership.council_bill_number, partnership.council_resolution_number,
        partnership.our_focal_person, partnership.partner_focal_person, partnership.notes,
    )


def _check_fields(fields: dict) -> dict:
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"agreement_scan"}
    if unknown:
        raise ValidationFailed(_("Unknown fields."), fields={name: _("This field cannot be set here.")
                                                             for name in sorted(unknown)})
    if "kind" in fields and fields["kind"] not in PartnershipKind.values:
        raise ValidationFailed(_("Some fields are not valid."),
                               fields={"kind": _("Choose one of the allowed values.")})
    scan = fields.get("agreement_scan")
    if scan:
        kind = check_upload(scan, field="agreement_scan", allowed=AGREEMENT_SCANS)
        scan.name = f"agreement{kind.extension}"  # stored under its real kind, never the sender's name
    return fields


@transaction.atomic
def create_partnership(*, org, actor, city: City | None, **fields) -> Partnership:
    require_fields(city=city)
    _check_fields(fields)
    if Partnership.objects.filter(org=org, city=city).exclude(state="ended").exists():
        raise Conflict(_("There is already an open partnership with this city."),
                       fields={"city": _("This city is already a partner.")})
    if city.pk == org.city_id:
        raise ValidationFailed(_("A city cannot partner with itself."),
                               fields={"city": _("Choose another city.")})
    partnership = Partnership(org=org, city=city, **fields)
    _refresh_search_key(partnership)
    try:
        with transaction.atomic():
            partnership.save()
    except IntegrityError:
        raise Conflict(_("There is already an open partnership with this city."),
                       fields={"city": _("This city is already a partner.")}) from None
    audit.record(org=org, actor=actor, action="partnership.created", obj=partnership,
                 after=audit.snapshot(partnership))
    return partnership


@transaction.atomic
def update_partnership(*, org, actor, partnership: Partnership, **fields) -> Partnership:
    _check_fields(fields)
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk, org=org)
    before = audit.snapshot(partnership)
    for name, value in fields.items():
        setattr(partnership, name, value)
    _refresh_search_key(partnership)
    partnership.save()
    audit.record(org=org, actor=actor, action="partnership.updated", obj=partnership, before=before,
                 after=audit.snapshot(partnership))
    return partnership


@transaction.atomic
def transition_partnership(*, org, actor, partnership: Partnership, action: str, on: dt.date | None,
                           note: str = "", council_bill_number: str = "",
                           council_resolution_number: str = "") -> Partnership:
    """Move a partnership along its lifecycle; an illegal move is refused with a clear 409."""
    if action not in PartnershipAction.values:
        raise ValidationFailed(_("Unknown action."), fields={"action": _("Choose one of the allowed values.")})
    require_fields(on=on)
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk, org=org)
    method = getattr(partnership, action)
    if not can_proceed(method):
        raise Conflict(
            _("A partnership that is “%(state)s” cannot take the step “%(action)s”.") % {
                "state": partnership.get_state_display(), "action": PartnershipAction(action).label},
            code="illegal_transition", fields={"action": _("Not possible in the current state.")},
        )
    previous_dates = [d for d in (partnership.proposed_on, partnership.bill_submitted_on,
                                  partnership.council_approved_on, partnership.signed_on) if d]
    if previous_dates and on < max(previous_dates):
        raise ValidationFailed(_("A step cannot be dated before the previous one."),
                               fields={"on": _("Choose a date on or after %(date)s.") % {
                                   "date": max(previous_dates).isoformat()}})
    before = audit.snapshot(partnership)
    from_state = partnership.state
    try:
        method(on)
    except TransitionNotAllowed:  # pragma: no cover - can_proceed said yes under the row lock
        raise Conflict(_("This step is not possible now."), code="illegal_transition") from None
    if council_bill_number:
        partnership.council_bill_number = council_bill_number
    if council_resolution_number:
        partnership.council_resolution_number = council_resolution_number
    _refresh_search_key(partnership)
    partnership.save()
    PartnershipEvent.objects.create(org=org, partnership=partnership, on=on, action=action,
                                    from_state=from_state, to_state=partnership.state, note=note, actor=actor)
    audit.record(org=org, actor=actor, action=f"partnership.{action}", obj=partnership, before=before,
                 after=audit.snapshot(partnership))
    return partnership


@transaction.atomic
def record_interaction(*, org, actor, partnership: Partnership, occurred_on: dt.date | None, kind: str,
                       summary: str, source: str = "manual", source_ref: str = "") -> Interaction:
    require_fields(occurred_on=occurred_on, summary=(summary or "").strip())
    if kind not in InteractionKind.values:
        raise ValidationFailed(_("Some fields are not valid."), fields={"kind": _("Choose one of the allowed values.")})
    if len(summary) > 500:
        raise ValidationFailed(_("Some fields are not valid."), fields={"summary": _("At most 500 characters.")})
    if partnership.org_id != org.pk:
        raise ValidationFailed(_("Unknown partnership."))
    values = {"occurred_on": occurred_on, "kind": kind, "summary": summary.strip(), "actor": actor}
    if source_ref:  # a contact recorded by another app counts once, however often it is reported
        interaction, created = Interaction.objects.get_or_create(
            org=org, partnership=partnership, source=source, source_ref=source_ref, defaults=values)
    else:
        interaction, created = Interaction.objects.create(
            org=org, partnership=partnership, source=source, **values), True
    if created:
        audit.record(org=org, actor=actor, action="interaction.recorded", obj=interaction,
                     after=audit.snapshot(interaction))
    return interaction


def record_contact(*, org, actor, city_id: int, occurred_on: dt.date, kind: str, summary: str,
                   source: str, source_ref: str) -> Interaction | None:
    """Called by other apps (letters, aid): counts as contact with the org's open partnership with
    this city, if there is one. Idempotent per (source, source_ref)."""
    partnership = (Partnership.objects.filter(org=org, city_id=city_id).exclude(state="ended")
                   .order_by("-created_at").first())
    if partnership is None:
        return None
    return record_interaction(org=org, actor=actor, partnership=partnership, occurred_on=occurred_on,
                              kind=kind, summary=summary[:500], source=source, source_ref=source_ref)


MEMBERSHIP_FIELDS = ["renewal_due_on", "focal_point", "joining_steps", "notes"]


@transaction.atomic
def create_network_membership(*, org, actor, network: Network | None, **fields) -> NetworkMembership:
    require_fields(network=network)
    unknown = set(fields) - set(MEMBERSHIP_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown fields."), fields={n: _("This field cannot be set here.") for n in unknown})
    if NetworkMembership.objects.filter(org=org, network=network).exists():
        raise Conflict(_("This network is already on your list."),
                       fields={"network": _("Already on your list.")})
    membership = NetworkMembership.objects.create(org=org, network=network, **fields)
    audit.record(org=org, actor=actor, action="network_membership.created", obj=membership,
                 after=audit.snapshot(membership))
    return membership


@transaction.atomic
def update_network_membership(*, org, actor, membership: NetworkMembership, **fields) -> NetworkMembership:
    unknown = set(fields) - set(MEMBERSHIP_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown fields."), fields={n: _("This field cannot be set here.") for n in unknown})
    membership = NetworkMembership.objects.select_for_update().get(pk=membership.pk, org=org)
    before = audit.snapshot(membership)
    for name, value in fields.items():
        setattr(membership, name, value)
    membership.save()
    audit.record(org=org, actor=actor, action="network_membership.updated", obj=membership, before=before,
                 after=audit.snapshot(membership))
    return membership


@transaction.atomic
def transition_network_membership(*, org, actor, membership: NetworkMembership, action: str,
                                  on: dt.date | None, note: str = "") -> NetworkMembership:
    if action not in NetworkAction.values:
        raise ValidationFailed(_("Unknown action."), fields={"action": _("Choose one of the allowed values.")})
    require_fields(on=on)
    membership = NetworkMembership.objects.select_for_update().get(pk=membership.pk, org=org)
    method = getattr(membership, action)
    if not can_proceed(method):
        raise Conflict(
            _("A membership that is “%(state)s” cannot take the step “%(action)s”.") % {
                "state": membership.get_state_display(), "action": NetworkAction(action).label},
            code="illegal_transition", fields={"action": _("Not possible in the current state.")},
        )
    before = audit.snapshot(membership)
    from_state = membership.state
    method(on)
    membership.save()
    NetworkMembershipEvent.objects.create(org=org, membership=membership, on=on, action=action,
                                          from_state=from_state, to_state=membership.state, note=note,
                                          actor=actor)
    audit.record(org=org, actor=actor, action=f"network_membership.{action}", obj=membership, before=before,
                 after=audit.snapshot(membership))
    return membership
