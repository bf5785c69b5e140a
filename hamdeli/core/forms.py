"""Form pieces shared by every app: the one Jalali-aware date widget and field, localized text."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hamdeli.core import dates
from hamdeli.core.localized import clean_localized


class LocalDateInput(forms.TextInput):
    """Shows a date in the active language's calendar (Jalali with Persian digits in fa)."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", "class": "date-input", **(attrs or {})})

    def format_value(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, str):
            return value
        return dates.format_date(value, style="short")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault(
            "placeholder", dates.format_date(dates.today(), style="short")
        )
        return context


class LocalDateField(forms.DateField):
    widget = LocalDateInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if hasattr(value, "year"):
            return value
        try:
            return dates.parse_date(str(value))
        except dates.DateParseError as exc:
            raise ValidationError(str(exc), code="invalid") from None


class LocalizedTextFormField(forms.MultiValueField):
    """One text box per UI language (fa, en); other content languages come through the API."""

    def __init__(self, *, required=True, textarea=False, **kwargs):
        widget_class = forms.Textarea if textarea else forms.TextInput
        fields = (forms.CharField(required=False), forms.CharField(required=False))
        widget = forms.MultiWidget(
            widgets={
                "fa": widget_class(attrs={"lang": "fa", "dir": "rtl", "placeholder": _("in Persian")}),
                "en": widget_class(attrs={"lang": "en", "dir": "ltr", "placeholder": _("in English")}),
            }
        )
        widget.decompress = lambda value: [(value or {}).get("fa", ""), (value or {}).get("en", "")]
        self.value_required = required
        super().__init__(fields=fields, widget=widget, require_all_fields=False, required=False, **kwargs)

    def compress(self, data_list):
        fa, en = (list(data_list or []) + ["", ""])[:2]
        return {"fa": fa or "", "en": en or ""}

    def clean(self, value):
        data = super().clean(value)
        return clean_localized(data, required=self.value_required)


def as_json(value) -> str:
    return json.dumps(value, ensure_ascii=False)
