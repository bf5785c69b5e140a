from typing import cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hamdeli.core.filters import FilterForm
from hamdeli.core.forms import LocalDateField, LocalizedTextFormField
from hamdeli.core.listing import python_alphabetical
from hamdeli.core.localized import language_name
from hamdeli.partners import selectors as partners
from hamdeli.partners.forms import CityChoiceField
from hamdeli.places import selectors as places
from hamdeli.practices.models import Crisis, Instrument, Phase, Topic, Visibility
from hamdeli.practices.search.engine import MODES


class PracticeForm(forms.Form):
    # Any content language on the page too (a partner city writes its own); beyond the first two, folded.
    title = LocalizedTextFormField(label=_("Title"), languages=settings.CONTENT_LANGUAGES, shown=2)
    summary = LocalizedTextFormField(label=_("Summary"), required=False, textarea=True,
                                     languages=settings.CONTENT_LANGUAGES, shown=2)
    body = LocalizedTextFormField(label=_("Description"), required=False, textarea=True,
                                  languages=settings.CONTENT_LANGUAGES, shown=2)
    results = LocalizedTextFormField(label=_("Results and evidence"), required=False, textarea=True,
                                     languages=settings.CONTENT_LANGUAGES, shown=2)
    city = CityChoiceField(label=_("City that ran it"), required=False, help_text=_("Leave empty for your own city."))
    crisis = forms.ChoiceField(label=_("Crisis"), choices=Crisis.choices)
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple)
    instrument = forms.ChoiceField(label=_("Instrument"), choices=Instrument.choices)
    started_on = LocalDateField(label=_("Started on"), required=False)
    ended_on = LocalDateField(label=_("Ended on"), required=False)
    cost = forms.DecimalField(label=_("Cost"), required=False, min_value=0, max_digits=14, decimal_places=2)
    cost_currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    contact_name = forms.CharField(label=_("Contact person"), required=False, max_length=200)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    links = forms.CharField(label=_("Links (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    visibility = forms.ChoiceField(label=_("Who may see it"), choices=Visibility.choices)
    network = forms.ModelChoiceField(label=_("Network"), queryset=partners.networks(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # only the chosen city is an option; the search box above the list brings in the others (HTMX)
        cast(CityChoiceField, self.fields["city"]).offer(self.data.get("city") or self.initial.get("city"), blank=True)

    def clean_links(self):
        return self.cleaned_data["links"].split()


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File (PDF or image)"))


class SearchForm(FilterForm, forms.Form):
    more_filters = ("crisis", "phase", "instrument", "country", "language", "date_from", "date_to")

    q = forms.CharField(label=_("Search in any language"), required=False, max_length=500)
    mode = forms.ChoiceField(label=_("Search by"), required=False, choices=[
        ("hybrid", _("Words and meaning")), ("keyword", _("Words only")), ("semantic", _("Meaning only"))])
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=[("", _("Any topic")), *Topic.choices])
    crisis = forms.ChoiceField(label=_("Crisis"), required=False, choices=[("", _("Any crisis")), *Crisis.choices])
    phase = forms.ChoiceField(label=_("Phase"), required=False, choices=[("", _("Any phase")), *Phase.choices])
    instrument = forms.ChoiceField(label=_("Instrument"), required=False,
                                   choices=[("", _("Any instrument")), *Instrument.choices])
    country = forms.ChoiceField(label=_("Country"), required=False)
    language = forms.ChoiceField(label=_("Language of the text"), required=False)
    date_from = LocalDateField(label=_("Started from"), required=False)
    date_to = LocalDateField(label=_("Started until"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Labels in the page's language, built per request (the page's language is known only now).
        countries = sorted(((c.code, c.name) for c in places.countries()),
                           key=lambda pair: python_alphabetical(pair[1]))
        cast("forms.ChoiceField", self.fields["country"]).choices = [("", _("Any country")), *countries]
        cast("forms.ChoiceField", self.fields["language"]).choices = [("", _("Any language")), *(
            (code, language_name(code)) for code in settings.CONTENT_LANGUAGES)]

    def clean_mode(self):
        return self.cleaned_data["mode"] if self.cleaned_data["mode"] in MODES else "hybrid"


class ImpactForm(forms.Form):
    crisis = forms.ChoiceField(label=_("Crisis"), choices=Crisis.choices)
    hit_on = LocalDateField(label=_("First hit on"))
    city_geonameid = forms.IntegerField(label=_("GeoNames id of the city"), required=False,
                                        help_text=_("Leave empty for your own city."))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class AheadForm(forms.Form):
    crisis = forms.ChoiceField(label=_("Crisis"), choices=Crisis.choices, required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=[("", _("Any topic")), *Topic.choices])


class ImportForm(forms.Form):
    file = forms.FileField(label=_("JSON or CSV file"))


class AskForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email"))
    message = forms.CharField(label=_("Your question"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
