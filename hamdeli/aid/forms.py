import base64
import binascii
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamdeli.aid import selectors
from hamdeli.aid.ledger import MAX_QUANTITY
from hamdeli.aid.models import BaseUnit, Consignment, Direction, PartyKind, PledgeState, Reason
from hamdeli.core.dates import format_date
from hamdeli.core.digits import format_number, localize_digits, to_ascii_digits
from hamdeli.core.forms import LocalDateField, LocalizedTextFormField, label_options

_GROUPED = re.compile(r"^\d{1,3}([,٬]\d{3})+$")


class QuantityInput(forms.TextInput):
    """A count typed with the keyboard at hand: shown in the language's digits, typed in either."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", "dir": "ltr", "size": 8, **(attrs or {})})

    def format_value(self, value):
        return localize_digits(value) if isinstance(value, int) else super().format_value(value)


class QuantityField(forms.IntegerField):
    """A whole number of base units; Persian or Arabic digits and thousands separators (12,000 or
    ۱۲٬۰۰۰) are accepted."""

    widget = QuantityInput  # a text box: type="number" refuses Persian digits in some browsers

    def __init__(self, **kwargs):
        kwargs.setdefault("max_value", MAX_QUANTITY)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = to_ascii_digits(value).strip()
            if _GROUPED.match(value):
                value = value.replace(",", "").replace("٬", "")
        return super().to_python(value)


class ByPublicId(forms.ModelChoiceField):
    def __init__(self, queryset, **kwargs):
        super().__init__(queryset=queryset, to_field_name="public_id", **kwargs)


class ItemForm(forms.Form):
    name = LocalizedTextFormField(label=_("Name"))
    code = forms.SlugField(label=_("Code"), max_length=50)
    base_unit = forms.ChoiceField(label=_("Base unit"), choices=BaseUnit.choices)
    pack_size = forms.IntegerField(
        label=_("Pack size (units in one pack)"), min_value=1, max_value=MAX_QUANTITY, required=False
    )
    unit_value = forms.DecimalField(label=_("Unit value"), min_value=0, required=False, max_digits=12, decimal_places=2)
    currency = forms.CharField(label=_("Currency (e.g. CNY)"), max_length=3, required=False)

    def service_args(self) -> dict:
        data = dict(self.cleaned_data)
        size = data.pop("pack_size")
        data["pack_sizes"] = [size] if size else []
        return data


class PartyForm(forms.Form):
    name = LocalizedTextFormField(label=_("Name"))
    kind = forms.ChoiceField(label=_("Kind"), choices=PartyKind.choices)


class LocationForm(forms.Form):
    name = LocalizedTextFormField(label=_("Name"))

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"] = ByPublicId(selectors.parties(org=org), label=_("Belongs to"))


class PledgeForm(forms.Form):
    """A pledge and its item lines: the first line is required, the others are filled as needed."""

    EXTRA_LINES = 5  # lines 2..6; a pledge of more items takes them through the API
    label = LocalizedTextFormField(label=_("Label or slogan"), required=False, languages=("fa", "en", "zh"))
    direction = forms.ChoiceField(label=pgettext_lazy("aid pledge", "Direction"), choices=Direction.choices)
    offered_on = LocalDateField(label=_("Offered on"), required=False)
    quantity = QuantityField(label=_("Quantity (base units)"), min_value=1)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor"] = ByPublicId(selectors.parties(org=org), label=_("Donor"))
        self.fields["recipient"] = ByPublicId(selectors.parties(org=org), label=_("Recipient"))
        self.fields["item"] = ByPublicId(selectors.items(org=org), label=_("Item"))
        order = ["direction", "donor", "recipient", "label", "offered_on", "item", "quantity"]
        for n in range(2, self.EXTRA_LINES + 2):
            self.fields[f"item_{n}"] = ByPublicId(selectors.items(org=org), required=False,
                                                  label=_("Item (line %(n)s)") % {"n": localize_digits(n)})
            self.fields[f"quantity_{n}"] = QuantityField(
                label=_("Quantity (line %(n)s)") % {"n": localize_digits(n)}, min_value=1, required=False)
            order += [f"item_{n}", f"quantity_{n}"]
        self.order_fields([*order, "note"])

    def clean(self):
        super().clean()
        data = self.cleaned_data
        for n in range(2, self.EXTRA_LINES + 2):
            item, quantity = data.get(f"item_{n}"), data.get(f"quantity_{n}")
            if item is not None and quantity is None and f"quantity_{n}" not in self.errors:
                self.add_error(f"quantity_{n}", _("Give the quantity of this item."))
            elif quantity is not None and item is None:
                self.add_error(f"item_{n}", _("Choose the item of this quantity."))
        return data

    def split(self) -> tuple[list[tuple], dict]:
        """The pledge's (item, quantity) lines and its other fields."""
        data = dict(self.cleaned_data)
        lines = [(data.pop("item"), data.pop("quantity"))]
        for n in range(2, self.EXTRA_LINES + 2):
            item, quantity = data.pop(f"item_{n}"), data.pop(f"quantity_{n}")
            if item is not None and quantity is not None:
                lines.append((item, quantity))
        return lines, data


class TransitionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Step"),
        choices=[
            ("accept", _("Accept")),
            ("ship", _("Ship")),
            ("deliver", _("Mark delivered")),
            ("close", _("Close")),
            ("cancel", _("Cancel")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason (required to cancel)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, org, actor, pledge=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"] = ByPublicId(
            selectors.locations(org=org, actor=actor, real_only=True),
            label=_("Reserve from (outbound)"),
            required=False,
        )
        if pledge is not None:  # offer only the steps this pledge can take now (a posted one is still checked)
            steps = selectors.pledge_steps(pledge)
            action: Any = self.fields["action"]  # a ChoiceField: its choices are a list of pairs here
            action.widget.choices = [c for c in action.choices if c[0] in steps]
            if not self.is_bound and "cancel" not in steps:
                del self.fields["reason"]
            if not self.is_bound and ("accept" not in steps or pledge.direction != Direction.OUTBOUND):
                del self.fields["source"]

    @property
    def has_steps(self) -> bool:
        return bool(self.fields["action"].widget.choices)


class BoxesForm(forms.Form):
    """A consignment typed on the page: per row an item, how many boxes, the units in each, a label."""

    ROWS = 4
    carrier = forms.CharField(label=_("Carrier"), max_length=200, required=False)
    tracking_ref = forms.CharField(label=_("Tracking reference"), max_length=100, required=False)
    shipped_on = LocalDateField(label=_("Shipped on"), required=False)

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, self.ROWS + 1):
            shown = localize_digits(n)
            self.fields[f"item_{n}"] = ByPublicId(selectors.items(org=org), required=n == 1,
                                                  label=_("Item (row %(n)s)") % {"n": shown})
            self.fields[f"boxes_{n}"] = QuantityField(label=_("Number of boxes"), min_value=1, max_value=10_000,
                                                      required=False)
            self.fields[f"per_box_{n}"] = QuantityField(label=_("Units in each box"), min_value=1, required=False)
            self.fields[f"label_{n}"] = forms.CharField(label=_("Label"), max_length=80, required=False)
            self.fields[f"lot_{n}"] = forms.CharField(label=_("Lot number"), max_length=60, required=False)
            self.fields[f"expires_on_{n}"] = LocalDateField(label=_("Expiry date"), required=False)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        self.boxes, self.summary = [], []
        for n in range(1, self.ROWS + 1):
            item, count, per_box = data.get(f"item_{n}"), data.get(f"boxes_{n}"), data.get(f"per_box_{n}")
            if item is None:
                continue
            if not count or not per_box:
                self.add_error(f"per_box_{n}" if count else f"boxes_{n}",
                               _("Give the number of boxes and the units in each."))
                continue
            label = data.get(f"label_{n}") or item.code
            line = {"item": item, "quantity": per_box, "lot": data.get(f"lot_{n}") or "",
                    "expires_on": data.get(f"expires_on_{n}")}
            self.boxes += [{"label": f"{label}-{i}", "lines": [dict(line)]} for i in range(1, count + 1)]
            self.summary.append({"item": item, "boxes": count, "per_box": per_box, "total": count * per_box,
                                 "label": label, "lot": line["lot"], "expires_on": line["expires_on"]})
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Box list (CSV: box, item, quantity, lot, expires_on)"))
    carrier = forms.CharField(label=_("Carrier"), max_length=200, required=False)
    tracking_ref = forms.CharField(label=_("Tracking reference"), max_length=100, required=False)


class ImportConfirmForm(forms.Form):
    """The confirm step of a box-list import: the file's text as it was previewed (base64, so no byte of
    it changes on the way), the digest of what the preview showed, and the shipment's details."""

    csv = forms.CharField(widget=forms.HiddenInput, max_length=64 * 1024 * 1024)
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
    carrier = forms.CharField(widget=forms.HiddenInput, max_length=200, required=False)
    tracking_ref = forms.CharField(widget=forms.HiddenInput, max_length=100, required=False)

    def clean_csv(self):
        try:
            return base64.b64decode(self.cleaned_data["csv"], validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise forms.ValidationError(_("The box list was not sent back as it was previewed.")) from None

    @staticmethod
    def initial_for(text: str, fingerprint: str, carrier: str, tracking_ref: str) -> dict:
        return {"csv": base64.b64encode(text.encode("utf-8")).decode("ascii"), "fingerprint": fingerprint,
                "carrier": carrier, "tracking_ref": tracking_ref}


class ReceiveForm(forms.Form):
    """Receipt of one box, line by line: per line the units that arrived in good order and the
    damaged ones (a shortfall is what is left of the quantity sent). This is exactly what the API and
    services.receive_box take; an empty "received" means the rest of the line arrived intact."""

    reason = forms.CharField(
        label=_("Reason for any difference"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    over = forms.BooleanField(label=_("More arrived than was sent: record the excess as over-delivered"),
                              required=False)

    def __init__(self, *args, org, actor, box=None, **kwargs):
        if box is not None:
            kwargs.setdefault("auto_id", f"id_box_{box.public_id.hex[:8]}_%s")
        super().__init__(*args, **kwargs)
        self.box = box
        self.fields["location"] = ByPublicId(
            selectors.locations(org=org, actor=actor, real_only=True), label=_("Into store")
        )
        self.order_fields(["location"])
        self.lines = []
        for number, line in enumerate(box.lines.all() if box is not None else [], start=1):
            received, damaged = f"line{number}_received", f"line{number}_damaged"
            self.fields[received] = QuantityField(label=_("Received in good order"), min_value=0, required=False)
            self.fields[damaged] = QuantityField(label=_("Damaged"), min_value=0, required=False)
            self.fields[received].widget.attrs.update(
                placeholder=localize_digits(line.quantity),
                **{"aria-label": f"{line.item}: {self.fields[received].label}"})
            self.fields[damaged].widget.attrs.update(
                placeholder=localize_digits(0), **{"aria-label": f"{line.item}: {self.fields[damaged].label}"})
            self.lines.append({"line": line, "received": self[received], "damaged": self[damaged]})

    def clean(self):
        super().clean()
        data = self.cleaned_data
        self.receipt_lines = []
        for row in self.lines:
            line, received_name, damaged_name = row["line"], row["received"].name, row["damaged"].name
            if received_name not in data or damaged_name not in data:
                continue  # the field's own error is already shown
            received, damaged = data[received_name], data[damaged_name] or 0
            sent = format_number(line.quantity)
            if damaged > line.quantity:
                self.add_error(damaged_name, _("At most %(sent)s were sent.") % {"sent": sent})
                continue
            if received is None:
                received = line.quantity - damaged
            elif received + damaged > line.quantity and not data.get("over"):
                self.add_error(
                    received_name,
                    _("More than was sent (%(sent)s). If more really arrived, tick “more arrived than was "
                      "sent”.") % {"sent": sent},
                )
                continue
            self.receipt_lines.append({"line": line.public_id, "received": received, "damaged": damaged})
        return data

    def field_for(self, key: str) -> str:
        """The form field that shows a service error keyed by a box line's public id."""
        for row in self.lines:
            if str(row["line"].public_id) == key:
                return row["received"].name
        return key


class LotChoice(ByPublicId):
    def label_from_instance(self, lot):
        expiry = f" · {format_date(lot.expires_on, style='short')}" if lot.expires_on else ""
        return f"{lot.number or '—'} · {lot.item}{expiry}"


class PledgeChoice(ByPublicId):
    def label_from_instance(self, pledge):
        return f"{pledge} · {pledge.donor}"


class ReceiveAllForm(forms.Form):
    """A whole consignment received as sent into one store; up to EXCEPTIONS boxes that differ."""

    EXCEPTIONS = 3
    consignment: Consignment  # set by the view, for the page
    reason = forms.CharField(label=_("Reason for any difference"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, org, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"] = ByPublicId(selectors.locations(org=org, actor=actor, real_only=True),
                                             label=_("Into store"))
        order = ["location"]
        for n in range(1, self.EXCEPTIONS + 1):
            shown = localize_digits(n)
            self.fields[f"box_{n}"] = forms.IntegerField(
                label=_("Box that differs (%(n)s): number") % {"n": shown}, min_value=1, required=False)
            self.fields[f"item_{n}"] = ByPublicId(selectors.items(org=org), required=False,
                                                  label=_("Item (if the box holds several)"))
            self.fields[f"received_{n}"] = QuantityField(label=_("Received in good order"), min_value=0,
                                                         required=False)
            self.fields[f"damaged_{n}"] = QuantityField(label=_("Damaged"), min_value=0, required=False)
            order += [f"box_{n}", f"item_{n}", f"received_{n}", f"damaged_{n}"]
        self.order_fields([*order, "reason"])

    def clean(self):
        super().clean()
        data = self.cleaned_data
        self.exceptions = []
        for n in range(1, self.EXCEPTIONS + 1):
            box, received, damaged = data.get(f"box_{n}"), data.get(f"received_{n}"), data.get(f"damaged_{n}")
            if box is None:
                if received is not None or damaged:
                    self.add_error(f"box_{n}", _("Give the number of the box that differs."))
                continue
            if received is None:
                self.add_error(f"received_{n}", _("Give what arrived in good order."))
                continue
            self.exceptions.append({"box": box, "item": data.get(f"item_{n}"), "received": received,
                                    "damaged": damaged or 0})
        return data


class MoveForm(forms.Form):
    """A handover or a distribution: first-expiry-first-out among unexpired lots unless a lot or the
    pledge the units come from is chosen."""

    quantity = QuantityField(label=_("Quantity (base units)"), min_value=1)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args, org, actor, distribution=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"] = ByPublicId(
            selectors.locations(org=org, actor=actor, real_only=True), label=_("From store")
        )
        self.fields["item"] = ByPublicId(selectors.items(org=org), label=_("Item"))
        self.fields["lot"] = LotChoice(selectors.usable_lots(org=org, actor=actor), required=False,
                                       label=_("From lot (empty: first expiry first out)"))
        self.fields["pledge"] = PledgeChoice(selectors.pledges_in_stock(org=org, actor=actor), required=False,
                                             label=_("From the pledge (empty: any)"))
        if distribution:
            self.fields["recipient"] = ByPublicId(selectors.parties(org=org), label=_("Recipient"))
            self.fields["recipient_group"] = forms.CharField(label=_("Ward or team"), max_length=200)
            self.fields["people_count"] = forms.IntegerField(
                label=_("Number of staff served"), min_value=0, required=False
            )
        else:
            self.fields["target"] = ByPublicId(selectors.locations(org=org, real_only=True), label=_("To store"))
            self.fields["signed_by"] = forms.CharField(label=_("Signed for by"), max_length=200)
        self.order_fields(
            [
                "source",
                "target",
                "recipient",
                "recipient_group",
                "people_count",
                "item",
                "quantity",
                "pledge",
                "lot",
                "signed_by",
                "note",
            ]
        )

    def split(self) -> tuple[list[dict], dict]:
        """The service's lines and its other arguments."""
        data = dict(self.cleaned_data)
        line = {"item": data.pop("item"), "quantity": data.pop("quantity"), "lot": data.pop("lot"),
                "pledge": data.pop("pledge")}
        return [line], data


class DisposalForm(forms.Form):
    """Expired or spoilt stock written off to *lost or damaged*, with a reason."""

    quantity = QuantityField(label=_("Quantity (base units)"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, org, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"] = ByPublicId(
            selectors.locations(org=org, actor=actor, real_only=True), label=_("From store")
        )
        self.fields["item"] = ByPublicId(selectors.items(org=org), label=_("Item"))
        self.fields["lot"] = LotChoice(selectors.usable_lots(org=org, actor=actor, expired=True), required=False,
                                       label=_("Lot (empty: expired lots first)"))
        self.order_fields(["source", "item", "lot", "quantity", "reason"])


class IntakeForm(forms.Form):
    """Stock that arrives without a pledge: a direct gift, or the office's own stock counted in."""

    quantity = QuantityField(label=_("Quantity (base units)"), min_value=1)
    lot_number = forms.CharField(label=_("Lot number"), max_length=100, required=False)
    expires_on = LocalDateField(label=_("Expiry date"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args, org, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"] = ByPublicId(selectors.locations(org=org, actor=actor, real_only=True),
                                             label=_("Into store"))
        self.fields["item"] = ByPublicId(selectors.items(org=org), label=_("Item"))
        self.fields["donor"] = ByPublicId(selectors.parties(org=org), label=_("Given by"), required=False)
        self.order_fields(["location", "item", "quantity", "donor", "lot_number", "expires_on", "note"])


class MovementFilterForm(forms.Form):
    """The ledger page's filters, read from the URL (so a filtered page can be bookmarked and paged)."""

    lot = forms.CharField(label=_("Lot number"), max_length=60, required=False)
    kind = forms.ChoiceField(label=_("Kind of movement"), required=False,
                             choices=[("", "—"), *Reason.choices])
    date_from = LocalDateField(label=_("From date"), required=False)
    date_to = LocalDateField(label=_("To date"), required=False)

    def __init__(self, *args, org, actor, office: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"] = ByPublicId(selectors.items(org=org), label=_("Item"), required=False)
        self.fields["location"] = ByPublicId(selectors.locations(org=org, actor=actor), label=_("Location"),
                                             required=False)
        if office:  # an institution store's member does not see the office's pledges
            self.fields["pledge"] = PledgeChoice(selectors.pledge_choices(org=org), label=_("Pledge"),
                                                 required=False)
        self.order_fields(["item", "lot", "pledge", "location", "kind", "date_from", "date_to"])


class PledgeFilterForm(forms.Form):
    """The pledges page's filters, read from the URL (so a filtered page can be bookmarked and paged)."""

    direction = forms.ChoiceField(label=pgettext_lazy("aid pledge", "Direction"), required=False,
                                  choices=[("", "—"), *Direction.choices])
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", "—"), *PledgeState.choices])
    date_from = LocalDateField(label=_("Offered from"), required=False)
    date_to = LocalDateField(label=_("Offered until"), required=False)

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"] = ByPublicId(selectors.parties(org=org), label=_("Donor or recipient"), required=False)
        self.order_fields(["direction", "state", "party", "date_from", "date_to"])

    def values(self) -> dict:
        """The filters that read; a mistyped one is left out and shown with its error."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}


class ReverseForm(forms.Form):
    note = forms.CharField(label=_("Why is it corrected?"), max_length=2000)


class GrantForm(forms.Form):
    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"] = forms.ModelChoiceField(
            selectors.institution_members(org=org), label=_("Institution-store member"))
        label_options(self.fields["membership"], lambda m: m.user.username)


# --- two offices, one shipment ---------------------------------------------------------------------


class OfferLinkForm(forms.Form):
    """Offer an outbound pledge to a partner office: only offices both sides recorded a partnership with."""

    def __init__(self, *args, org, **kwargs):
        from hamdeli.aid import sharing

        super().__init__(*args, **kwargs)
        self.fields["office"] = forms.ModelChoiceField(
            sharing.partner_offices(org), to_field_name="slug", label=_("Partner office"),
            help_text=_("Offices of partner cities that use Hamdeli too and have recorded your city as their "
                        "partner. That office sees the offer and accepts it as its own inbound pledge."))


class AcceptLinkForm(forms.Form):
    """Accept an offer as one of our inbound pledges, or as a new one (with the offer's items)."""

    def __init__(self, *args, org, link, **kwargs):
        from hamdeli.aid import sharing

        kwargs.setdefault("auto_id", f"id_{link.public_id.hex[:12]}_%s")  # several offers on one page
        super().__init__(*args, **kwargs)
        self.fields["pledge"] = ByPublicId(
            sharing.acceptable_pledges(org=org), required=False, label=_("Link to one of our inbound pledges"),
            empty_label=_("None: record a new inbound pledge"),
            help_text=_("Leave it empty to record a new inbound pledge with the offered items, from the donor "
                        "and to the recipient below."))
        parties = selectors.parties(org=org)
        self.fields["donor"] = ByPublicId(parties, required=False, label=_("Donor (new pledge)"))
        self.fields["recipient"] = ByPublicId(parties, required=False, label=_("Recipient (new pledge)"))
        if not self.is_bound:  # a first guess: the donor office's city, and our own city
            donor_city, own_city = link.donor_pledge.org.city_id, org.city_id
            self.initial["donor"] = parties.filter(city_id=donor_city).values_list("public_id", flat=True).first()
            self.initial["recipient"] = (parties.filter(city_id=own_city, kind=PartyKind.CITY)
                                         .values_list("public_id", flat=True).first())


class CancelLinkForm(forms.Form):
    def __init__(self, *args, link=None, **kwargs):
        if link is not None:
            kwargs.setdefault("auto_id", f"id_{link.public_id.hex[:12]}_cancel_%s")
        super().__init__(*args, **kwargs)

    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
