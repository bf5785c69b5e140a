from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from hamdeli.core import dates
from hamdeli.core.filters import FilterForm
from hamdeli.core.forms import LocalDateField, LocalizedTextFormField
from hamdeli.partners import selectors
from hamdeli.partners.models import (
    InteractionKind,
    Network,
    NetworkAction,
    PartnershipAction,
    PartnershipKind,
    PartnershipState,
)
from hamdeli.places import selectors as places


class CityChoiceField(forms.ModelChoiceField):
    """A city picked from a search box (HTMX fills the options from GeoNames)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("City"))
        super().__init__(queryset=places.cities(), **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.country.name}"

    def offer(self, chosen, also=(), blank: bool = False) -> None:
        """Render only the chosen city (and `also`) as options: there are too many cities to list, so
        a search box (HTMX) brings the others in."""
        value = getattr(chosen, "pk", chosen)  # a City, or the id the form was posted with
        ids = set(also) | ({int(value)} if str(value or "").isdigit() else set())
        options = [(c.pk, self.label_from_instance(c))
                   for c in places.cities_by_ids(ids)]
        self.widget.choices = [("", "—"), *options] if blank else options


class PartnershipForm(forms.Form):
    city = CityChoiceField()
    kind = forms.ChoiceField(label=_("Kind"), choices=PartnershipKind.choices)
    proposed_on = LocalDateField(label=_("Proposed on"), required=False)
    renewal_due_on = LocalDateField(label=_("Renewal due on"), required=False)
    council_bill_number = forms.CharField(label=_("Council bill number"), max_length=50, required=False)
    council_resolution_number = forms.CharField(label=_("Council resolution number"), max_length=50,
                                                required=False)
    our_focal_person = forms.CharField(label=_("Our focal person"), max_length=200, required=False)
    partner_focal_person = forms.CharField(label=_("Partner's focal person"), max_length=200, required=False)
    partner_focal_email = forms.EmailField(label=_("Partner's focal email"), required=False)
    # Every content language: Persian and English open, the others (Chinese …) folded until wanted. No help
    # text: the boxes would then be described by it alone (axe: label-title-only).
    partner_head = LocalizedTextFormField(
        label=_("Partner's head, as a letter names them (title and name)"), required=False,
        languages=settings.CONTENT_LANGUAGES, shown=2)  # a new letter's {official} when no recipient is typed
    agreement_scan = forms.FileField(label=_("Agreement scan (PDF or image)"), required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["city"]
        else:
            cast("CityChoiceField", self.fields["city"]).offer(self.data.get("city") or self.initial.get("city"))


class _StepForm(forms.Form):
    """A lifecycle step. Shown for a record, it offers only the steps possible from the record's state,
    dated today unless changed (a posted step is still checked by the service: a clear 409)."""

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["on"].initial = dates.today()
        if record is not None:
            action: Any = self.fields["action"]  # a ChoiceField: its choices are a list of pairs here
            action.choices = [(value, label) for value, label in action.choices if can_proceed(getattr(record, value))]


class TransitionForm(_StepForm):
    action = forms.ChoiceField(label=_("Step"), choices=PartnershipAction.choices)
    on = LocalDateField(label=_("Date"))
    council_bill_number = forms.CharField(label=_("Council bill number"), max_length=50, required=False)
    council_resolution_number = forms.CharField(label=_("Council resolution number"), max_length=50,
                                                required=False)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class InteractionForm(forms.Form):
    occurred_on = LocalDateField(label=_("Date"))
    kind = forms.ChoiceField(label=_("Kind"), choices=InteractionKind.choices)
    summary = forms.CharField(label=_("Summary"), max_length=500)


class PartnerFilterForm(FilterForm, forms.Form):
    """The partner list's filters, read from the URL (a filtered page can be bookmarked)."""

    more_filters = ("country", "health")

    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search"}))
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All states")), *PartnershipState.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *PartnershipKind.choices])
    country = forms.ChoiceField(label=_("Country"), required=False)
    health = forms.ChoiceField(label=_("Health"), required=False,
                               choices=[("", _("Any health")), ("dimmed", _("Dimmed")), ("healthy", _("Healthy"))])

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        country = cast("forms.ChoiceField", self.fields["country"])
        country.choices = [("", _("All countries")), *selectors.partner_countries(org=org)]

    def values(self) -> dict:
        """The filters that read; one that does not is left out (and shown with its error)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"query": data.get("q") or "", **{name: data.get(name) or None
                                                  for name in ("state", "kind", "country", "health")}}


class NetworkMembershipForm(forms.Form):
    network = forms.ModelChoiceField(label=_("Network"), queryset=Network.objects.all())
    renewal_due_on = LocalDateField(label=_("Renewal due on"), required=False)
    focal_point = forms.CharField(label=_("Focal point"), max_length=200, required=False)
    joining_steps = forms.CharField(label=_("Joining steps"), widget=forms.Textarea(attrs={"rows": 3}),
                                    required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["network"]


class NetworkTransitionForm(_StepForm):
    action = forms.ChoiceField(label=_("Step"), choices=NetworkAction.choices)
    on = LocalDateField(label=_("Date"))
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"),
                           help_text=_("Columns: city and country (or geonameid), optionally kind, state, "
                                       "signed_on; or city1, country1, city2, country2 for a list of pairs."))
    kind = forms.ChoiceField(label=_("Kind, where a row gives none"), choices=PartnershipKind.choices)
    state = forms.ChoiceField(label=_("State, where a row gives none"), choices=PartnershipState.choices,
                              initial=PartnershipState.ACTIVE)
