"""CSV import of a consignment's box list: every row checked, a per-row error report, all or nothing."""

import io

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from hamdeli.aid import services
from hamdeli.aid.ledger import MAX_QUANTITY
from hamdeli.aid.models import Item
from hamdeli.core import spreadsheet
from hamdeli.core.dates import parse_date
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


def _rows(text: str) -> list[dict]:
    reader = spreadsheet.DictReader(io.StringIO(text))
    if reader.fieldnames:
        reader.fieldnames = [_canonical(name) for name in reader.fieldnames]
    missing = [c for c in ("box", "item", "quantity") if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationFailed(
            _("The file must have the columns box, item and quantity (lot and expires_on are optional)."),
            fields={"file": _("Missing columns: %(cols)s.") % {"cols": ", ".join(missing)}},
        )
    return list(reader)


def parse(*, org, text: str) -> list[dict]:
    """Boxes ready for services.create_consignment; raise ValidationFailed naming every bad row."""
    items = {i.code: i for i in Item.objects.filter(org=org)}
    boxes: dict[str, dict] = {}
    errors = {}
    for number, row in enumerate(_rows(text), start=2):  # row 1 is the header
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
        if problems:
            errors[f"row {number}"] = "; ".join(str(p) for p in problems)
            continue
        boxes.setdefault(box, {"label": box, "lines": []})["lines"].append(
            {"item": item, "quantity": quantity, "lot": (row.get("lot") or "").strip(), "expires_on": expires_on}
        )
    if errors:
        raise ValidationFailed(
            _("Nothing was imported: %(count)s row(s) have errors.") % {"count": len(errors)}, fields=errors
        )
    if not boxes:
        raise ValidationFailed(_("The file has no rows."), fields={"file": _("The file has no rows.")})
    return list(boxes.values())


def import_boxes(*, org, actor, pledge, upload, carrier: str = "", tracking_ref: str = "", progress=None):
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationFailed(_("The file is too large."), fields={"file": _("The file is too large.")})
    upload.seek(0)
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(_("The file must be UTF-8 text."), fields={"file": _("Save it as UTF-8 CSV.")}) from None
    boxes = parse(org=org, text=text)
    return services.create_consignment(
        org=org, actor=actor, pledge=pledge, boxes=boxes, carrier=carrier, tracking_ref=tracking_ref
    )
