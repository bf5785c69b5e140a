from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from hamdeli.core import dates
from hamdeli.core.digits import localize_digits
from hamdeli.core.filters import FilterForm
from hamdeli.core.forms import LocalDateField, LocalizedTextFormField, label_options
from hamdeli.core.listing import python_alphabetical
from hamdeli.core.localized import language_name
from hamdeli.correspondence import selectors
from hamdeli.correspondence.models import (
    Direction,
    Letter,
    LetterAction,
    LetterState,
    LetterTemplate,
    Occasion,
    RelatedKind,
)
from hamdeli.partners import selectors as partners
from hamdeli.partners.forms import CityChoiceField
from hamdeli.partners.models import Partnership

LANGUAGE_CHOICES = [(code, code) for code in settings.CONTENT_LANGUAGES]


class LetterForm(forms.Form):
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    registered_on = LocalDateField(label=_("Registered on"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=500)
    occasion = forms.ChoiceField(label=_("Occasion"), choices=Occasion.choices)
    language = forms.ChoiceField(label=_("Language of the letter"), choices=LANGUAGE_CHOICES)
    sender_name = forms.CharField(label=_("Sender's name"), max_length=200, required=False)
    sender_title = forms.CharField(label=_("Sender's title"), max_length=200, required=False)
    sender_city = CityChoiceField(label=_("Sender's city"), required=False)
    sender_org = forms.CharField(label=_("Sender's organisation"), max_length=300, required=False)
    recipient_name = forms.CharField(label=_("Recipient's name"), max_length=200, required=False)
    recipient_title = forms.CharField(label=_("Recipient's title"), max_length=200, required=False)
    recipient_city = CityChoiceField(label=_("Recipient's city"), required=False)
    recipient_org = forms.CharField(label=_("Recipient's organisation"), max_length=300, required=False)
    body = forms.CharField(label=_("Text of the letter"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    letter_date = LocalDateField(label=_("Date of the letter"), required=False)
    received_on = LocalDateField(label=_("Received on (incoming letters)"), required=False)
    answer_due_on = LocalDateField(label=_("Answer due on"), required=False)
    reply_to = forms.ModelChoiceField(label=_("In reply to"), queryset=Letter.objects.none(), required=False)
    partnership = forms.ModelChoiceField(label=_("Partnership"), queryset=Partnership.objects.none(),
                                         required=False)
    related_kind = forms.ChoiceField(label=_("Also linked to"), choices=RelatedKind.choices, required=False)
    related_public_id = forms.UUIDField(label=_("Id of the linked pledge or campaign"), required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    template = forms.ModelChoiceField(label=_("Template"), queryset=LetterTemplate.objects.none(), required=False,
                                      empty_label=_("No template"))
    # What the form last filled from a template (a digest of its subject and text): while the user has not
    # changed that text, choosing another recipient, language or template fills it again.
    filled = forms.CharField(widget=forms.HiddenInput, required=False)

    # The recipient first (its name is the salutation's, its city chooses the language), then the template
    # region, then the rest.
    field_order = ["direction", "registered_on", "recipient_name", "recipient_title", "recipient_city",
                   "recipient_org", "partnership", "occasion", "language", "template", "filled", "subject", "body"]
    # The fields the template region holds: redrawn (HTMX) when the recipient, partnership, occasion,
    # language or template changes.
    TEMPLATE_REGION = ("language", "template", "filled", "subject", "body")
    REFRESHING = ("recipient_city", "partnership", "occasion", "language", "template")

    def __init__(self, *args, org, editing=False, templates=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Languages by name in the page's language; user text in boxes that take its own direction (a
        # Chinese letter on a Persian page).
        language = cast("forms.ChoiceField", self.fields["language"])
        language.choices = [(code, language_name(code)) for code in settings.CONTENT_LANGUAGES]
        for name in ("subject", "body", "sender_name", "sender_title", "sender_org", "recipient_name",
                     "recipient_title", "recipient_org", "note"):
            self.fields[name].widget.attrs["dir"] = "auto"
        # Archived letters and partnerships are not offered, except the one an edited letter already names.
        reply_to = cast("forms.ModelChoiceField[Any]", self.fields["reply_to"])
        reply_to.queryset = Letter.objects.filter(org=org).filter(_offered(self.initial.get("reply_to")))
        label_options(reply_to, lambda x: f"{localize_digits(x.registry_number)} {x.subject}")
        partnership = cast("forms.ModelChoiceField[Any]", self.fields["partnership"])
        partnership.queryset = partners.offered_partnerships(org=org, current=self.initial.get("partnership"))
        # Any GeoNames city is accepted; the partners' cities (and our own) are the ones offered.
        offered = set(partners.active_partnerships(org=org).values_list("city", flat=True)) | {org.city_id}
        for name in ("sender_city", "recipient_city"):
            city = cast("CityChoiceField", self.fields[name])
            city.offer(self.data.get(name) or self.initial.get(name), also=offered, blank=True)
        if editing:
            del self.fields["direction"]
            del self.fields["registered_on"]
            del self.fields["template"]
            del self.fields["filled"]
        else:
            # The templates offered: those written in the letter's language (prefill.template_state).
            template = cast("forms.ModelChoiceField[Any]", self.fields["template"])
            template.queryset = (LetterTemplate.objects.filter(pk__in=[t.pk for t in templates])
                                                if templates is not None else LetterTemplate.objects.filter(org=org))
            for name in self.REFRESHING:
                self.fields[name].widget.attrs.update({
                    "hx-post": reverse_lazy("correspondence:create_template"), "hx-trigger": "change",
                    "hx-include": "closest form", "hx-target": "#letter-template", "hx-swap": "outerHTML"})

    @property
    def head_fields(self):
        return self._region("head")

    @property
    def template_fields(self):
        return self._region("template")

    @property
    def tail_fields(self):
        return self._region("tail")

    def _region(self, part: str) -> list:
        """The bound fields before ("head"), inside ("template") or after ("tail") the template region."""
        names = list(self.fields)
        inside = [n for n in names if n in self.TEMPLATE_REGION]
        if not inside:
            return [self[n] for n in names] if part == "head" else []
        first, last = names.index(inside[0]), names.index(inside[-1])
        chosen = {"head": names[:first], "template": names[first:last + 1], "tail": names[last + 1:]}[part]
        return [self[n] for n in chosen]


def _offered(current) -> Q:
    """Not archived, or the record already chosen (a model instance or its primary key)."""
    current = getattr(current, "pk", current)
    return Q(archived_at__isnull=True) | Q(pk=current) if current else Q(archived_at__isnull=True)


class TransitionForm(forms.Form):
    action = forms.ChoiceField(label=_("Step"), choices=LetterAction.choices)
    on = LocalDateField(label=_("Date"))
    assignee = forms.CharField(label=_("Assigned to (for “assign”)"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)

    def __init__(self, *args, letter=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["on"].initial = dates.today()  # a step is recorded the day it happens, most often
        if letter is not None:  # offer only the steps this letter can take now (the service still checks)
            from hamdeli.correspondence.services import possible_actions

            possible = possible_actions(letter)
            self.fields["action"].widget.choices = [c for c in LetterAction.choices if c[0] in possible]
            if "assign" not in possible:
                del self.fields["assignee"]


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("PDF or image"))


class LetterFilterForm(FilterForm, forms.Form):
    """The register's filters, read from the URL (a filtered page can be bookmarked)."""

    more_filters = ("year", "date_from", "date_to", "city", "overdue")

    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search"}))
    direction = forms.ChoiceField(label=_("Direction"), required=False,
                                  choices=[("", _("Both directions")), *Direction.choices])
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All states")), *LetterState.choices])
    year = forms.TypedChoiceField(label=_("Registry year"), required=False, coerce=int, empty_value=None)
    date_from = LocalDateField(label=_("Registered from"), required=False)
    date_to = LocalDateField(label=_("Registered until"), required=False)
    city = forms.TypedChoiceField(label=_("Partner city"), required=False, coerce=int, empty_value=None)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["year"]).choices = [("", _("All years")), *(
            (year, localize_digits(year)) for year in selectors.registry_years(org=org))]
        cities = {p.city_id: p.city.name for p in partners.active_partnerships(org=org)}
        cast("forms.ChoiceField", self.fields["city"]).choices = [("", _("All partner cities")), *sorted(
            cities.items(), key=lambda pair: python_alphabetical(pair[1]))]

    def values(self) -> dict:
        """The filters that read (a mistyped date is left out, and shown with its error)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"query": data.get("q") or "", "direction": data.get("direction") or None,
                "state": data.get("state") or None, "year": data.get("year"), "date_from": data.get("date_from"),
                "date_to": data.get("date_to"), "city_id": data.get("city"), "overdue": bool(data.get("overdue"))}


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    occasion = forms.ChoiceField(label=_("Occasion"), choices=Occasion.choices)
    # Every content language on the page: Persian and English open, the others (Chinese, Spanish …) folded
    # under "Other languages" until wanted, open when the template already has text in one of them.
    subject = LocalizedTextFormField(label=_("Subject"), languages=settings.CONTENT_LANGUAGES, shown=2)
    body = LocalizedTextFormField(label=_("Text (placeholders: {city}, {official}, {occasion}, {date})"),
                                  textarea=True, languages=settings.CONTENT_LANGUAGES, shown=2)


class ReminderSettingsForm(forms.Form):
    """A member's own daily reminder email (correspondence.reminders)."""

    reminder_emails = forms.BooleanField(
        label=_("Email me each morning the occasions that still need a letter and the overdue letters"),
        required=False)
    email_language = forms.ChoiceField(label=_("Language of the email"), choices=settings.LANGUAGES)
