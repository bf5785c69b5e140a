"""CSV import of a consignment's box list: every row checked, a per-row error report, all or nothing."""

import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from hamdeli.aid import services
from hamdeli.aid.ledger import MAX_QUANTITY
from hamdeli.aid.models import Item, Lot
from hamdeli.core import spreadsheet
from hamdeli.core.dates import format_date, parse_date
from hamdeli.core.errors import ValidationFailed

COLUMNS = ["box", "item", "quantity", "lot", "expires_on"]
# The template's header in the user's language; a file may use these or the English column names.
HEADERS = {
    "box": gettext_lazy("box"),
    "item": gettext_lazy("item code"),
    "quantity": gettext_lazy("quantity"),
    "lot": gettext_lazy("lot"),
    "expires_on": gettext_lazy("expires on"),
}


def _canonical(name: str) -> str:
    name = (name or "").strip()
    for column, label in HEADERS.items():
        for lang in ("fa", "en"):
            with override(lang):
                if name == str(label):
                    return column
    return name


def template_csv(*, pledge) -> str:
    """A box list to fill in: the header in the user's language, one example box per item of the pledge."""
    out = io.StringIO()
    writer = spreadsheet.Writer(out)
    writer.writerow([str(HEADERS[c]) for c in COLUMNS])
    for number, line in enumerate(pledge.lines.select_related("item"), start=1):
        per_box = line.item.pack_sizes[0] if line.item.pack_sizes else line.quantity
        writer.writerow([number, line.item.code, min(per_box, line.quantity), "", ""])
    return "\ufeff" + out.getvalue()  # with a BOM, so spreadsheet programs read it as UTF-8


def _rows(text: str):
    """(line number in the file, row) for every row that is not blank."""
    reader = spreadsheet.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames:
        reader.fieldnames = [_canonical(name) for name in reader.fieldnames]
    missing = [c for c in ("box", "item", "quantity") if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationFailed(
            _("The file must have the columns box, item and quantity (lot and expires_on are optional)."),
            fields={"file": _("Missing columns: %(cols)s.") % {"cols": ", ".join(missing)}},
        )
    for row in reader:
        if any((value or "").strip() for value in row.values() if isinstance(value, str)):
            yield reader.line_num, row  # the line the row ends on (a quoted cell may span lines)


@dataclass
class Plan:
    """What a box list would create: its rows (each with its line and problems), the boxes, the errors."""

    rows: list[dict] = field(default_factory=list)
    boxes: list[dict] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def totals(self) -> list[dict]:
        """Per item: the boxes it is in and its units."""
        per_item: dict[int, dict] = {}
        for box in self.boxes:
            for line in box["lines"]:
                entry = per_item.setdefault(line["item"].pk, {"item": line["item"], "boxes": set(), "units": 0})
                entry["boxes"].add(box["label"])
                entry["units"] += line["quantity"]
        return [{**e, "boxes": len(e["boxes"])} for e in per_item.values()]

    def fingerprint(self) -> str:
        """A digest of exactly what would be created: confirming checks it is still the same."""
        shape = [
            [box["label"], [[ln["item"].public_id.hex, ln["quantity"], ln["lot"], str(ln["expires_on"] or "")]
                            for ln in box["lines"]]]
            for box in self.boxes
        ]
        return hashlib.sha256(json.dumps(shape, ensure_ascii=False).encode()).hexdigest()

    def raise_errors(self) -> None:
        if self.errors:
            raise ValidationFailed(
                _("Nothing was imported: %(count)s row(s) have errors.") % {"count": len(self.errors)},
                fields=self.errors,
            )
        if not self.boxes:
            raise ValidationFailed(_("The file has no rows."), fields={"file": _("The file has no rows.")})


def plan(*, org, text: str, pledge=None) -> Plan:
    """Check every row of a box list and say what it would create, writing nothing. Raises
    ValidationFailed only when the file itself cannot be read (a missing column)."""
    items = {i.code: i for i in Item.objects.filter(org=org)}
    result = Plan()
    boxes: dict[str, dict] = {}
    expiries: dict[tuple, dt.date | None] = {}  # (item, lot) -> its expiry in the records or the file
    for number, row in _rows(text):
        problems = []
        box, code = (row.get("box") or "").strip(), (row.get("item") or "").strip()
        if not box:
            problems.append(_("the box is missing"))
        item = items.get(code)
        if item is None:
            problems.append(_("unknown item code “%(code)s”") % {"code": code})
        try:
            quantity = int((row.get("quantity") or "").strip())
            if not 0 < quantity <= MAX_QUANTITY:
                raise ValueError
        except ValueError:
            problems.append(_("the quantity must be a positive whole number"))
            quantity = None
        expires = (row.get("expires_on") or "").strip()
        expires_on = None
        if expires:
            try:
                expires_on = parse_date(expires)
            except Exception:  # parse_date raises ValueError or ValidationError for a bad date
                problems.append(_("the expiry date is not a date"))
        lot = (row.get("lot") or "").strip()
        if item is not None and not problems:
            # create_consignment's lot_for refuses a lot already recorded (or earlier in the file) with
            # another expiry: said here, on its row, before anything is written.
            exists, known = _known_lot(org=org, item=item, lot=lot, pledge=pledge, seen=expiries)
            if not exists:
                expiries[(item.pk, lot)] = expires_on
            elif expires_on and known != expires_on:
                problems.append(_("lot “%(lot)s” of this item is already recorded with the expiry date %(date)s")
                                % {"lot": lot or "—", "date": format_date(known) if known else "—"})
        result.rows.append({"line": number, "box": box, "item": item, "code": code, "quantity": quantity,
                            "lot": lot, "expires_on": expires_on, "problems": [str(p) for p in problems]})
        if problems:
            result.errors[f"row {number}"] = "; ".join(str(p) for p in problems)
            continue
        boxes.setdefault(box, {"label": box, "lines": []})["lines"].append(
            {"item": item, "quantity": quantity, "lot": lot, "expires_on": expires_on}
        )
    result.boxes = list(boxes.values())
    return result


def _known_lot(*, org, item, lot, pledge, seen) -> tuple[bool, dt.date | None]:
    """Whether the lot is already recorded (or named earlier in the file), and its expiry date."""
    key = (item.pk, lot)
    if key not in seen and pledge is not None:
        for expires_on in Lot.objects.filter(org=org, item=item, number=lot, pledge=pledge).values_list(
            "expires_on", flat=True
        ):
            seen[key] = expires_on
    return key in seen, seen.get(key)


def parse(*, org, text: str, pledge=None) -> list[dict]:
    """Boxes ready for services.create_consignment; raise ValidationFailed naming every bad row."""
    result = plan(org=org, text=text, pledge=pledge)
    result.raise_errors()
    return result.boxes


def read_upload(upload) -> str:
    """The text of an uploaded box list (UTF-8, with or without a BOM); a clear refusal otherwise."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationFailed(_("The file is too large."), fields={"file": _("The file is too large.")})
    upload.seek(0)
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(_("The file must be UTF-8 text."), fields={"file": _("Save it as UTF-8 CSV.")}) from None


def import_boxes(*, org, actor, pledge, upload, carrier: str = "", tracking_ref: str = "", progress=None):
    boxes = parse(org=org, text=read_upload(upload), pledge=pledge)
    return services.create_consignment(
        org=org, actor=actor, pledge=pledge, boxes=boxes, carrier=carrier, tracking_ref=tracking_ref
    )
