"""Exports: movements (CSV/JSON), IATI 2.03 activity XML, HXL-hashtagged CSV, report JSON."""

import csv
import datetime as dt
import io
import uuid
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.utils import timezone

from hamdeli.aid import selectors
from hamdeli.aid.models import Direction, PledgeState, Reason
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
    return {
        "id": str(m.public_id),
        "operation": str(m.operation),
        "at": m.at.isoformat(),
        "reason": m.reason,
        "item": m.item.code,
        "lot": m.lot.number,
        "expires_on": m.lot.expires_on.isoformat() if m.lot.expires_on else None,
        "quantity": m.quantity,
        "from": localized_str(m.from_location.name),
        "from_kind": m.from_location.kind,
        "to": localized_str(m.to_location.name),
        "to_kind": m.to_location.kind,
        "pledge": str(m.pledge.public_id) if m.pledge_id else None,
        "donor": localized_str(m.donor.name) if m.donor_id else None,
        "consignment": m.consignment.reference if m.consignment_id else None,
        "box": m.box.number if m.box_id else None,
        "recipient": localized_str(m.recipient.name) if m.recipient_id else None,
        "recipient_group": m.recipient_group,
        "people_count": m.people_count,
        "signed_by": m.signed_by,
        "signed_at": m.signed_at.isoformat() if m.signed_at else None,
        "reverses": str(m.reverses.public_id) if m.reverses_id else None,
        "note": m.note,
    }


def movements_csv(rows) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=MOVEMENT_FIELDS)
    writer.writeheader()
    for m in rows.select_related("reverses"):
        writer.writerow(movement_row(m))
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
ORG_TYPE = {"city": "10", "ministry": "10", "hospital": "80", "institution": "80"}


def _narratives(parent, tag: str, text: dict):
    element = ET.SubElement(parent, tag)
    for lang in ("fa", "en", "zh"):
        if text.get(lang):
            ET.SubElement(element, "narrative", {XML_LANG: lang}).text = text[lang]
    if not len(element):
        ET.SubElement(element, "narrative").text = "-"
    return element


def _value(pledge) -> tuple[Decimal, str]:
    total, currency = Decimal("0"), ""
    for line in pledge.lines.select_related("item"):
        if line.item.unit_value is not None:
            total += line.item.unit_value * line.quantity
            currency = currency or line.item.currency
    return total, currency or "USD"


def _transaction(activity, code, on, value, currency, pledge):
    t = ET.SubElement(activity, "transaction")
    ET.SubElement(t, "transaction-type", {"code": code})
    ET.SubElement(t, "transaction-date", {"iso-date": on.isoformat()})
    ET.SubElement(t, "value", {"currency": currency, "value-date": on.isoformat()}).text = f"{value:.2f}"
    provider = ET.SubElement(t, "provider-org", {"type": ORG_TYPE.get(pledge.donor.kind, "10")})
    ET.SubElement(provider, "narrative").text = localized_str(pledge.donor.name, "en") or "-"
    receiver = ET.SubElement(t, "receiver-org", {"type": ORG_TYPE.get(pledge.recipient.kind, "10")})
    ET.SubElement(receiver, "narrative").text = localized_str(pledge.recipient.name, "en") or "-"


def iati_xml(*, org, actor=None) -> bytes:
    now = timezone.now().replace(microsecond=0)
    root = ET.Element("iati-activities", {"version": "2.03", "generated-datetime": now.isoformat()})
    org_ref = f"XI-HAMDELI-{org.slug.upper()}"
    for pledge in selectors.pledges(org=org, actor=actor).prefetch_related("consignments"):
        value, currency = _value(pledge)
        activity = ET.SubElement(
            root,
            "iati-activity",
            {
                "last-updated-datetime": pledge.updated_at.replace(microsecond=0).isoformat(),
                "default-currency": currency,
                "humanitarian": "1",
                XML_LANG: "fa",
            },
        )
        ET.SubElement(activity, "iati-identifier").text = f"{org_ref}-{pledge.public_id}"
        reporting = ET.SubElement(activity, "reporting-org", {"ref": org_ref, "type": "10"})
        ET.SubElement(reporting, "narrative").text = localized_str(org.name, "en") or org.slug
        title = pledge.label or {"fa": str(pledge), "en": str(pledge)}
        _narratives(activity, "title", title)
        _narratives(
            activity,
            "description",
            {
                "fa": f"کمک اهدایی {localized_str(pledge.donor.name, 'fa')} به "
                f"{localized_str(pledge.recipient.name, 'fa')}",
                "en": f"In-kind aid from {localized_str(pledge.donor.name, 'en')} to "
                f"{localized_str(pledge.recipient.name, 'en')}",
            },
        )
        for role, party in (("1", pledge.donor), ("4", pledge.recipient)):
            p = ET.SubElement(activity, "participating-org", {"role": role, "type": ORG_TYPE.get(party.kind, "10")})
            for lang in ("fa", "en"):
                if party.name.get(lang):
                    ET.SubElement(p, "narrative", {XML_LANG: lang}).text = party.name[lang]
        status = {"cancelled": "5", "closed": "4", "received": "3"}.get(pledge.state, "2")
        ET.SubElement(activity, "activity-status", {"code": status})
        ET.SubElement(activity, "activity-date", {"iso-date": pledge.offered_on.isoformat(), "type": "1"})
        ET.SubElement(activity, "sector", {"vocabulary": "1", "code": "12264", "percentage": "50"})
        ET.SubElement(activity, "sector", {"vocabulary": "1", "code": "72010", "percentage": "50"})
        codes = INBOUND_CODES if pledge.direction == Direction.INBOUND else OUTBOUND_CODES
        _transaction(activity, codes["pledge"], pledge.offered_on, value, currency, pledge)
        if pledge.state not in (PledgeState.OFFERED, PledgeState.CANCELLED):
            _transaction(activity, codes["commitment"], pledge.offered_on, value, currency, pledge)
        for consignment in pledge.consignments.all():
            if pledge.state != PledgeState.CANCELLED:
                _transaction(activity, codes["funds"], consignment.shipped_on, value, currency, pledge)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# --- HXL ----------------------------------------------------------------------------------------

HXL_COLUMNS = [
    ("Donor", "#org+funding"),
    ("Implementer", "#org+impl"),
    ("Item", "#item+name"),
    ("Quantity", "#output+num"),
    ("Location", "#loc+name"),
    ("Date", "#date"),
    ("Status", "#status"),
]


def hxl_csv(*, org, actor=None) -> str:
    """Who gave what where: per pledge, item and place the units are now (from the ledger)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([name for name, _tag in HXL_COLUMNS])
    writer.writerow([tag for _name, tag in HXL_COLUMNS])
    for pledge in selectors.pledges(org=org, actor=actor):
        report = selectors.report(org=org, pledge=pledge)
        for row in report["items"]:
            for location, qty in row["places"]:
                writer.writerow(
                    [
                        localized_str(pledge.donor.name, "en"),
                        localized_str(pledge.recipient.name, "en"),
                        localized_str(row["item"].name, "en"),
                        qty,
                        localized_str(location.name, "en"),
                        pledge.offered_on.isoformat(),
                        location.kind if location.is_virtual else "in_stock",
                    ]
                )
        for r in report["recipients"]:
            writer.writerow(
                [
                    localized_str(pledge.donor.name, "en"),
                    localized_str(r["recipient__name"] or {}, "en"),
                    localized_str(r["item__name"], "en"),
                    r["quantity"],
                    r["recipient_group"],
                    pledge.offered_on.isoformat(),
                    Reason.DISTRIBUTION.value,
                ]
            )
    return out.getvalue()
