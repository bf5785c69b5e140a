"""Forms of the office's own pages (its people)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hamdeli.aid import selectors as aid
from hamdeli.core.models import Role


class StoresField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


def _stores(org):
    return StoresField(aid.locations(org=org, real_only=True).order_by("pk"), required=False,
                       to_field_name="public_id", widget=forms.CheckboxSelectMultiple, label=_("Stores"),
                       help_text=_("Only for institution-store members: the stores they may work on."))


class _RoleAndStores(forms.Form):
    """A role, and the stores an institution-store member works on (none for any other role)."""

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stores"] = _stores(org)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        _check_stores(self, data)
        return data


class InviteForm(_RoleAndStores):
    email = forms.EmailField(label=_("Email address"), max_length=254,
                             help_text=_("Also their user name. A new person gets a link to choose a password."))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)


class MemberForm(_RoleAndStores):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


def _check_stores(form, data) -> None:
    if data.get("role") == Role.INSTITUTION and not data.get("stores"):
        form.add_error("stores", _("Choose at least one store for an institution-store member."))
    elif data.get("role") and data.get("role") != Role.INSTITUTION and data.get("stores"):
        form.add_error("stores", _("Only institution-store members work on chosen stores."))
