"""Exports: movements (CSV/JSON), IATI 2.03 activity XML, HXL-hashtagged CSV, report JSON."""

import datetime as dt
import io
import uuid
import xml.etree.ElementTree as ET
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from hamdeli.aid import access, selectors
from hamdeli.aid.models import Balance, Direction, LocationKind, Movement, PledgeState, Reason
from hamdeli.core import selectors as core_selectors
from hamdeli.core import spreadsheet
from hamdeli.core.bidi import route
from hamdeli.core.localized import localized_str

MOVEMENT_FIELDS = [
    "id",
    "operation",
    "at",
    "reason",
    "item",
    "lot",
    "expires_on",
    "quantity",
    "from",
    "from_kind",
    "to",
    "to_kind",
    "pledge",
    "donor",
    "consignment",
    "box",
    "recipient",
    "recipient_group",
    "people_count",
    "signed_by",
    "signed_at",
    "reverses",
    "note",
]


def jsonable(value):
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def movement_row(m) -> dict:
    """The export row of a movement read as a model (one just posted): `movement_values_row` of the
    values selectors.movement_values would have read for it, so the row's shape is written once."""

    def via(relation: str, attribute: str):
        return getattr(getattr(m, relation), attribute) if getattr(m, f"{relation}_id") else None

    return movement_values_row({
        "public_id": m.public_id, "operation": m.operation, "at": m.at, "reason": m.reason,
        "item__code": m.item.code, "lot__number": m.lot.number, "lot__expires_on": m.lot.expires_on,
        "quantity": m.quantity, "from_location__name": m.from_location.name,
        "from_location__kind": m.from_location.kind, "to_location__name": m.to_location.name,
        "to_location__kind": m.to_location.kind, "pledge_uuid": via("pledge", "public_id"),
        "donor_name": via("donor", "name"), "consignment_reference": via("consignment", "reference"),
        "box_number": via("box", "number"), "recipient_name": via("recipient", "name"),
        "recipient_group": m.recipient_group, "people_count": m.people_count, "signed_by": m.signed_by,
        "signed_at": m.signed_at, "reverses_uuid": via("reverses", "public_id"), "note": m.note,
    })


def movement_values_row(v: dict) -> dict:
    """The export row (MOVEMENT_FIELDS) of a movement read by selectors.movement_values (no models built)."""
    expires_on, signed_at = v["lot__expires_on"], v["signed_at"]
    pledge, reverses, donor, recipient = (v["pledge_uuid"], v["reverses_uuid"], v["donor_name"],
                                          v["recipient_name"])
    return {
        "id": str(v["public_id"]),
        "operation": str(v["operation"]),
        "at": v["at"].isoformat(),
        "reason": v["reason"],
        "item": v["item__code"],
        "lot": v["lot__number"],
        "expires_on": expires_on.isoformat() if expires_on else None,
        "quantity": v["quantity"],
        "from": localized_str(v["from_location__name"]),
        "from_kind": v["from_location__kind"],
        "to": localized_str(v["to_location__name"]),
        "to_kind": v["to_location__kind"],
        "pledge": str(pledge) if pledge is not None else None,
        "donor": localized_str(donor) if donor is not None else None,
        "consignment": v["consignment_reference"],
        "box": v["box_number"],
        "recipient": localized_str(recipient) if recipient is not None else None,
        "recipient_group": v["recipient_group"],
        "people_count": v["people_count"],
        "signed_by": v["signed_by"],
        "signed_at": signed_at.isoformat() if signed_at else None,
        "reverses": str(reverses) if reverses is not None else None,
        "note": v["note"],
    }


def movements_csv(rows) -> str:
    out = io.StringIO()
    writer = spreadsheet.DictWriter(out, fieldnames=MOVEMENT_FIELDS)
    writer.writeheader()
    for values in selectors.movement_values(rows):
        writer.writerow(movement_values_row(values))
    return out.getvalue()


def report_json(report: dict) -> dict:
    p = report["pledge"]
    return jsonable(
        {
            "pledge": p.public_id,
            "label": p.label,
            "donor": p.donor.name,
            "recipient": p.recipient.name,
            "state": p.state,
            "reconciles": report["reconciles"],
            "items": [
                {
                    "item": i["item"].code,
                    "name": i["item"].name,
                    "pledged": i["pledged"],
                    "sent": i["sent"],
                    "accounted": i["accounted"],
                    "places": [{"location": loc.name, "kind": loc.kind, "quantity": q} for loc, q in i["places"]],
                }
                for i in report["items"]
            ],
            "recipients": report["recipients"],
        }
    )


# --- IATI 2.03 ----------------------------------------------------------------------------------

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
INBOUND_CODES = {"pledge": "13", "commitment": "11", "funds": "1"}  # incoming pledge / commitment / funds
OUTBOUND_CODES = {"pledge": "12", "commitment": "2", "funds": "3"}  # outgoing pledge / commitment / disbursement
# IATI OrganisationType: a city is its municipality (11 local government), a ministry the government (10),
# a public hospital other public sector (15), a university or institute academic (80).
ORG_TYPE = {"city": "11", "ministry": "10", "hospital": "15", "institution": "80"}
LANG_ORDER = ("fa", "en", "zh")


def _languages(text: dict) -> list[str]:
    return [*(lang for lang in LANG_ORDER if text.get(lang)), *sorted(k for k in text if k not in LANG_ORDER)]


def _narratives(element, text: dict):
    """One narrative per language the text is written in, each tagged with that language."""
    for lang in _languages(text):
        if text.get(lang):
            ET.SubElement(element, "narrative", {XML_LANG: lang}).text = text[lang]
    if not len(element):
        ET.SubElement(element, "narrative", {XML_LANG: "en"}).text = "-"
    return element


def _org(parent, tag: str, party, **attrs):
    element = ET.SubElement(parent, tag, {**attrs, "type": ORG_TYPE.get(party.kind, "90")})
    return _narratives(element, party.name)


def _values(pairs) -> dict[str, Decimal]:
    """Per currency, the value of (item, quantity) pairs whose item has a known unit value."""
    totals: dict[str, Decimal] = {}
    for item, quantity in pairs:
        if item.unit_value is not None and item.currency:
            totals[item.currency] = totals.get(item.currency, Decimal("0")) + item.unit_value * quantity
    return totals


def _transactions(activity, code, on: dt.date, values: dict[str, Decimal], pledge):
    """One transaction per currency: values in different currencies are never added together; with
    no known value there is no transaction (IATI requires a value in every transaction)."""
    for currency, value in sorted(values.items()):
        t = ET.SubElement(activity, "transaction")
        ET.SubElement(t, "transaction-type", {"code": code})
        ET.SubElement(t, "transaction-date", {"iso-date": on.isoformat()})
        ET.SubElement(t, "value", {"currency": currency, "value-date": on.isoformat()}).text = f"{value:.2f}"
        _org(t, "provider-org", pledge.donor)
        _org(t, "receiver-org", pledge.recipient)


def _moved(pledge, reasons) -> list[Movement]:
    """The pledge's movements of these kinds that stand (not reversed)."""
    return list(
        Movement.objects.filter(pledge=pledge, reason__in=reasons, reversed_by__isnull=True)
        .select_related("item")
        .order_by("at", "pk")
    )


def _local_date(moment) -> dt.date:
    return timezone.localtime(moment).date()


def _started_on(pledge) -> dt.date | None:
    """When the pledge was accepted: its first movement (backfilled records carry their real date), or the
    audit entry of its acceptance."""
    if pledge.state == PledgeState.OFFERED:
        return None
    dates = [_local_date(m.at) for m in Movement.objects.filter(pledge=pledge).order_by("at")[:1]]
    accepted = core_selectors.first_audit_entry(org_id=pledge.org_id, action="aid.pledge.accept",
                                                object_id=str(pledge.public_id))
    if accepted is not None:
        dates.append(_local_date(accepted.at))
    return max(min(dates), pledge.offered_on) if dates else pledge.offered_on


def _recipient_country(pledge, org) -> str | None:
    city = pledge.recipient.city
    if city is None and pledge.direction == Direction.INBOUND:
        city = org.city  # we are the recipient
    return city.country_id if city is not None else None


def _title(pledge) -> dict:
    if pledge.label:
        return pledge.label
    return {
        lang: route(localized_str(pledge.donor.name, lang), localized_str(pledge.recipient.name, lang), lang)
        for lang in ("fa", "en")
    }


def _activity(root, pledge, org, org_ref):
    inbound = pledge.direction == Direction.INBOUND
    codes = INBOUND_CODES if inbound else OUTBOUND_CODES
    lines = [(line.item, line.quantity) for line in pledge.lines.select_related("item")]
    pledged = _values(lines)
    attrs = {"last-updated-datetime": pledge.updated_at.replace(microsecond=0).isoformat(), "humanitarian": "1"}
    if len(pledged) == 1:
        attrs["default-currency"] = next(iter(pledged))
    activity = ET.SubElement(root, "iati-activity", attrs)
    ET.SubElement(activity, "iati-identifier").text = f"{org_ref}-{pledge.public_id}"
    reporting = ET.SubElement(activity, "reporting-org", {"ref": org_ref, "type": settings.IATI_ORG_TYPE})
    _narratives(reporting, org.name)
    _narratives(ET.SubElement(activity, "title"), _title(pledge))
    donor, recipient = pledge.donor.name, pledge.recipient.name
    description = {
        "fa": f"کمک غیرنقدی {localized_str(donor, 'fa')} به {localized_str(recipient, 'fa')}",
        "en": f"In-kind aid from {localized_str(donor, 'en')} to {localized_str(recipient, 'en')}",
    }
    _narratives(ET.SubElement(activity, "description"), description)
    _org(activity, "participating-org", pledge.donor, role="1")
    _org(activity, "participating-org", pledge.recipient, role="4")
    status = {"cancelled": "5", "closed": "4", "received": "3"}.get(pledge.state, "2")
    ET.SubElement(activity, "activity-status", {"code": status})
    ET.SubElement(activity, "activity-date", {"iso-date": pledge.offered_on.isoformat(), "type": "1"})
    started = _started_on(pledge)
    if started is not None:
        ET.SubElement(activity, "activity-date", {"iso-date": started.isoformat(), "type": "2"})
    ended = None
    if pledge.state in (PledgeState.RECEIVED, PledgeState.CLOSED):
        last = Movement.objects.filter(pledge=pledge).order_by("-at").first()
        ended = max(_local_date(last.at), started) if last and started else started
        if ended is not None:  # a received pledge with no movement and no acceptance on record has no dates
            ET.SubElement(activity, "activity-date", {"iso-date": ended.isoformat(), "type": "4"})
    country = _recipient_country(pledge, org)
    if country:
        ET.SubElement(activity, "recipient-country", {"code": country})
    ET.SubElement(activity, "sector", {"vocabulary": "1", "code": "12264", "percentage": "50"})
    ET.SubElement(activity, "sector", {"vocabulary": "1", "code": "72010", "percentage": "50"})
    _transactions(activity, codes["pledge"], pledge.offered_on, pledged, pledge)
    if started is not None and pledge.state != PledgeState.CANCELLED:
        _transactions(activity, codes["commitment"], started, pledged, pledge)
    if inbound:  # incoming funds: what each consignment actually delivered, on the day it was received
        received = _moved(pledge, [Reason.RECEIPT, Reason.OVER])
        for consignment in pledge.consignments.all():
            own = [m for m in received if m.consignment_id == consignment.pk]
            if own:
                _transactions(activity, codes["funds"], _local_date(own[-1].at),
                              _values((m.item, m.quantity) for m in own), pledge)
    else:  # disbursement: what left in transit, on the day it was shipped
        shipped = _moved(pledge, [Reason.SHIPMENT])
        by_day: dict[dt.date, list] = {}
        for m in shipped:
            by_day.setdefault(_local_date(m.at), []).append((m.item, m.quantity))
        for day, pairs in sorted(by_day.items()):
            _transactions(activity, codes["funds"], day, _values(pairs), pledge)


def iati_xml(*, org, actor=None) -> bytes:
    """IATI 2.03 activities, one per pledge, reported by this office."""
    now = timezone.now().replace(microsecond=0)
    root = ET.Element("iati-activities", {"version": "2.03", "generated-datetime": now.isoformat()})
    org_ref = f"XI-HAMDELI-{org.slug.upper()}"
    for pledge in selectors.pledges(org=org, actor=actor).select_related("donor__city", "recipient__city"):
        _activity(root, pledge, org, org_ref)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# --- HXL ----------------------------------------------------------------------------------------

# One measure per status, each in its own column: a column's sum is the ledger's total for that status.
HXL_MEASURES = [
    ("received", "Received", "#output+num+received"),
    ("in_stock", "In stock", "#output+num+in_stock"),
    ("reserved", "Reserved", "#output+num+reserved"),
    ("in_transit", "In transit", "#output+num+in_transit"),
    ("distributed", "Distributed", "#output+num+distributed"),
    ("lost", "Lost or damaged", "#output+num+lost"),
]
HXL_COLUMNS = [
    ("Donor", "#org+funding"),
    ("Item", "#item+name"),
    ("Item code", "#item+code"),
    ("Location", "#loc+name"),
    ("Status", "#status"),
    *[(name, tag) for _key, name, tag in HXL_MEASURES],
]
HXL_VIRTUAL_STATUS = {"reserved": "reserved", "in_transit": "in_transit", "lost_damaged": "lost"}
RECEIVING = [Reason.RECEIPT, Reason.OVER, Reason.INTAKE]


def hxl_totals(*, org, actor=None) -> dict[tuple[str, str, str, str], int]:
    """(donor, item code, location, status) → units, from the ledger (names in English)."""
    access.require_office(org, actor)
    totals: dict = defaultdict(int)
    intake_donors = dict(
        Movement.objects.filter(org=org, reason=Reason.INTAKE, donor__isnull=False)
        .values_list("lot_id", "donor__name")
    )

    def donor_of(lot_donor_name, lot_id, movement_donor_name=None):
        return localized_str(lot_donor_name or movement_donor_name or intake_donors.get(lot_id) or {}, "en")

    for b in Balance.objects.filter(org=org).exclude(quantity=0).select_related("location", "item", "lot__donor"):
        status = "in_stock" if b.location.kind == LocationKind.REAL else HXL_VIRTUAL_STATUS.get(b.location.kind)
        if status:
            donor = donor_of(b.lot.donor.name if b.lot.donor_id and b.lot.donor else None, b.lot_id)
            totals[(donor, b.item.code, localized_str(b.location.name, "en"), status)] += b.quantity
    moves = Movement.objects.filter(org=org).select_related("item", "lot__donor", "donor", "recipient",
                                                            "from_location", "to_location", "reverses__recipient")
    given = Q(to_location__kind=LocationKind.DISTRIBUTED) | Q(from_location__kind=LocationKind.DISTRIBUTED)
    for m in moves.filter(given):
        sign = 1 if m.to_location.kind == LocationKind.DISTRIBUTED else -1
        given_by = m.reverses if m.reverses_id else m  # a reversal names no recipient: the one it undoes does
        recipient = given_by.recipient if given_by and given_by.recipient_id else None
        place = " — ".join(x for x in (localized_str(recipient.name, "en") if recipient else "",
                                       given_by.recipient_group if given_by else "") if x)
        donor = donor_of(m.lot.donor.name if m.lot.donor_id and m.lot.donor else None, m.lot_id,
                         m.donor.name if m.donor_id and m.donor else None)
        totals[(donor, m.item.code, place, "distributed")] += sign * m.quantity
    for m in moves.filter(Q(reason__in=RECEIVING) | Q(reason=Reason.REVERSAL, reverses__reason__in=RECEIVING)):
        forward = m.reason != Reason.REVERSAL
        location = m.to_location if forward else m.from_location
        donor = donor_of(m.lot.donor.name if m.lot.donor_id and m.lot.donor else None, m.lot_id,
                         m.donor.name if m.donor_id and m.donor else None)
        key = (donor, m.item.code, localized_str(location.name, "en"), "received")
        totals[key] += m.quantity if forward else -m.quantity
    return {key: q for key, q in totals.items() if q}


def hxl_csv(*, org, actor=None) -> str:
    """Who gave what where: one row per donor, item, location and status, from the ledger."""
    names = {i.code: localized_str(i.name, "en") for i in selectors.items(org=org, archived=None)}
    out = io.StringIO()
    writer = spreadsheet.Writer(out)
    writer.writerow([name for name, _tag in HXL_COLUMNS])
    writer.writerow([tag for _name, tag in HXL_COLUMNS])
    for (donor, code, place, status), quantity in sorted(hxl_totals(org=org, actor=actor).items()):
        measures = [quantity if key == status else "" for key, _name, _tag in HXL_MEASURES]
        writer.writerow([donor, names.get(code, code), code, place, status, *measures])
    return out.getvalue()
