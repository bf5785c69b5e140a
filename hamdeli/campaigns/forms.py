from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from hamdeli.campaigns.models import (
    CampaignAction,
    Channel,
    DesignFormat,
    OnBehalfOf,
    RecognitionKind,
    Verification,
)
from hamdeli.core.digits import localize_digits
from hamdeli.core.forms import LocalDateField, LocalizedTextFormField, label_options
from hamdeli.partners import selectors as partners
from hamdeli.partners.forms import CityChoiceField


def _city_options(form, name="city"):
    field = form.fields[name]
    field.label = _("City")
    field.offer(form.data.get(name) or form.initial.get(name), blank=True)


# --- awareness -----------------------------------------------------------------------------------
class CampaignForm(forms.Form):
    name = LocalizedTextFormField(label=_("Name"))
    message = LocalizedTextFormField(label=_("Message"), required=False, textarea=True)
    goal = forms.CharField(label=_("Goal"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    audience = forms.CharField(label=_("Audience"), max_length=300, required=False)
    starts_on = LocalDateField(label=_("Starts on"))
    ends_on = LocalDateField(label=_("Ends on"))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=get_user_model().objects.none(), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        owner = cast("forms.ModelChoiceField[Any]", self.fields["owner"])
        owner.queryset = get_user_model().objects.filter(memberships__org=org).order_by("username")

    def clean(self):
        super().clean()
        data = self.cleaned_data
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:  # shown with the other errors; the service checks too
            self.add_error("ends_on", _("The end cannot be before the start."))
        return data


class CampaignTransitionForm(forms.Form):
    action = forms.ChoiceField(label=_("Step"), choices=CampaignAction.choices)

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign is not None:  # offer only the step the campaign can take now (a posted one is still checked)
            self.fields["action"].widget.choices = [
                (value, label) for value, label in CampaignAction.choices if can_proceed(getattr(campaign, value))]

    @property
    def has_steps(self) -> bool:
        return bool(self.fields["action"].widget.choices)


class DesignSetForm(forms.Form):
    title = LocalizedTextFormField(label=_("Title"))
    formats = forms.MultipleChoiceField(label=_("Formats"), choices=DesignFormat.choices,
                                        widget=forms.CheckboxSelectMultiple)
    ready_on = LocalDateField(label=_("Ready on"))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DesignFileForm(forms.Form):
    file = forms.FileField(label=_("File (image, PDF or video)"))


class PlacementForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=DesignFormat.choices)
    location = forms.CharField(label=_("Where"), max_length=300)
    starts_on = LocalDateField(label=_("From"))
    ends_on = LocalDateField(label=_("Until"), required=False)
    count = forms.IntegerField(label=_("Count"), min_value=1)
    reach = forms.IntegerField(label=_("Reach (people, optional)"), min_value=0, required=False)
    notes = forms.CharField(label=_("Notes"), max_length=10000, required=False)


# --- advocacy ------------------------------------------------------------------------------------
class AdvocacyForm(forms.Form):
    title = LocalizedTextFormField(label=_("Title"))
    statement = LocalizedTextFormField(label=_("Statement"), textarea=True)
    issued_on = LocalDateField(label=_("Statement issued on"))
    target_date = LocalDateField(label=_("Target date"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AdvocacySettingsForm(forms.Form):
    title = LocalizedTextFormField(label=_("Title"))
    target_date = LocalDateField(label=_("Target date"), required=False)
    published = forms.BooleanField(label=_("Publish the public page of the statement"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VersionForm(forms.Form):
    text = LocalizedTextFormField(label=_("New wording"), textarea=True)
    issued_on = LocalDateField(label=_("Issued on"))
    note = forms.CharField(label=_("What changed"), max_length=500, required=False)


class EndorsementForm(forms.Form):
    version: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(label=_("Version signed"), queryset=None,
                                                                    required=False,
                                     empty_label=_("The current version"))
    endorser_name = forms.CharField(label=_("Endorser's name"), max_length=200)
    endorser_title = forms.CharField(label=_("Title"), max_length=200, required=False)
    capacity = forms.CharField(label=_("Acting capacity"), max_length=200, required=False)
    on_behalf_of = forms.ChoiceField(label=_("On behalf of"), choices=OnBehalfOf.choices)
    city = CityChoiceField(required=False)
    network = forms.ModelChoiceField(label=_("Network"), queryset=partners.networks(), required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=300, required=False)
    endorsed_on = LocalDateField(label=_("Date"))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    source_url = forms.URLField(label=_("Source link"), max_length=500, required=False, assume_scheme="https")
    letter_file = forms.FileField(label=_("Letter (PDF or image)"), required=False)
    letter_public_id = forms.UUIDField(label=_("Letter in the correspondence register (its id)"), required=False)
    quote = forms.CharField(label=_("Quote"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        version = cast("forms.ModelChoiceField[Any]", self.fields["version"])
        version.queryset = campaign.versions.all()
        label_options(version, lambda v: _("Version %(n)s") % {"n": localize_digits(v.number)})
        _city_options(self)


class VerificationForm(forms.Form):
    verification = forms.ChoiceField(label=_("Verification"), choices=Verification.choices)
    published = forms.BooleanField(label=_("Show on the public page"), required=False)


class ReviewForm(forms.Form):
    """Several endorsements of one statement verified or rejected together (the page's checkboxes)."""

    endorsements: "forms.ModelMultipleChoiceField[Any]" = forms.ModelMultipleChoiceField(
        label=_("Endorsements"), queryset=None, to_field_name="public_id",
        error_messages={"required": _("Tick at least one endorsement awaiting review.")})
    verification = forms.ChoiceField(label=_("Decision"), choices=[
        (Verification.VERIFIED, _("Verify")), (Verification.REJECTED, _("Reject"))])

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["endorsements"]).queryset = campaign.endorsements.all()

    def selected(self) -> set[str]:
        """The ticked ids as sent, so that a refused batch comes back still ticked."""
        return set(cast(QueryDict, self.data).getlist("endorsements")) if self.is_bound else set()


# --- recognition ---------------------------------------------------------------------------------
class RecipientForm(forms.Form):
    name = LocalizedTextFormField(label=_("Name"))
    city = CityChoiceField(required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _city_options(self)


class ItemForm(forms.Form):
    title = LocalizedTextFormField(label=_("Title"))
    kind = forms.ChoiceField(label=_("Kind"), choices=RecognitionKind.choices)
    maker = forms.CharField(label=_("Made by"), max_length=200, required=False)
    occasion = forms.CharField(label=_("Occasion"), max_length=300, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CopiesForm(forms.Form):
    recipients: "forms.ModelMultipleChoiceField[Any]" = forms.ModelMultipleChoiceField(
        label=_("Recipients"), queryset=None, widget=forms.CheckboxSelectMultiple)
    original = forms.BooleanField(label=_("This is the original (for one recipient)"), required=False)

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        from hamdeli.campaigns.selectors import recipients

        cast("forms.ModelChoiceField[Any]", self.fields["recipients"]).queryset = recipients(org=org)
        cast("forms.ModelChoiceField[Any]", self.fields["recipients"]).to_field_name = "public_id"


class HandoverForm(forms.Form):
    handed_over_on = LocalDateField(label=_("Handed over on"))
    received_by = forms.CharField(label=_("Received by"), max_length=200)
    note = forms.CharField(label=_("Note"), max_length=5000, required=False)
