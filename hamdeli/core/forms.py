"""Form pieces shared by every app: the one Jalali-aware date widget and field, localized text."""

import json
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from axes.utils import reset as reset_sign_in_pauses
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hamdeli.core import dates, services
from hamdeli.core.digits import uses_persian_digits
from hamdeli.core.localized import clean_localized, language_name


class _LanguagePlaceholder:
    """A language's name in the page's language, worked out when the form is rendered."""

    def __init__(self, code: str) -> None:
        self.code = code

    def __str__(self) -> str:
        return language_name(self.code)


class LocalDateInput(forms.TextInput):
    """Shows a date in the active language's calendar (Jalali with Persian digits in fa)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "numeric", "autocomplete": "off", "class": "date-input", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if value in (None, ""):
            return None
        if isinstance(value, str):
            return value
        return dates.format_date(value, style="short")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        if uses_persian_digits((get_language() or "fa").split("-")[0]):
            # A Jalali date picker (static/web/hamdeli.js) opens on these; a hint, never a date that
            # looks filled in.
            context["widget"]["attrs"]["data-jdp"] = ""
            context["widget"]["attrs"].setdefault("placeholder", str(_("year/month/day")))
        else:
            context["widget"]["type"] = "date"  # the browser's own picker, which reads and writes ISO
        return context


class LocalDateField(forms.DateField):
    widget = LocalDateInput

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if hasattr(value, "year"):
            return value
        try:
            return dates.parse_date(str(value))
        except dates.DateParseError as exc:
            raise ValidationError(str(exc), code="invalid") from None


PLACEHOLDERS = {"fa": _("in Persian"), "en": _("in English"), "zh": _("in Chinese")}
RTL = {"fa", "ar", "ur", "he"}


class LocalizedTextWidget(forms.MultiWidget):
    """One box per language; the languages after the first `shown` ones fold under "Other languages",
    open when one of them already has text."""

    template_name = "core/widgets/localized_text.html"

    def __init__(self, widgets: dict[str, forms.Widget | type[forms.Widget]], languages: Sequence[str],
                 shown: int) -> None:
        self.languages, self.shown = languages, shown
        super().__init__(widgets=widgets)

    def decompress(self, value: Any) -> list[str]:
        return [(value or {}).get(lang, "") for lang in self.languages]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        subwidgets = context["widget"]["subwidgets"]
        context["widget"]["first"], context["widget"]["more"] = subwidgets[: self.shown], subwidgets[self.shown:]
        context["widget"]["more_open"] = any(w.get("value") for w in subwidgets[self.shown:])
        return context


class LocalizedTextFormField(forms.MultiValueField):
    """One text box per language (fa and en unless told otherwise), posted as <name>_<lang>; with more
    languages, those after the first `shown` fold away until wanted."""

    def __init__(self, *, required: bool = True, textarea: bool = False, languages: Iterable[str] = ("fa", "en"),
                 shown: int | None = None, **kwargs: Any) -> None:
        widget_class: type[forms.Widget] = forms.Textarea if textarea else forms.TextInput
        self.languages = tuple(languages)
        fields = tuple(forms.CharField(required=False) for _lang in self.languages)
        widget = LocalizedTextWidget(widgets={
            lang: widget_class(attrs={"lang": lang, "dir": "rtl" if lang in RTL else "ltr",
                                      "placeholder": PLACEHOLDERS.get(lang) or _LanguagePlaceholder(lang)})
            for lang in self.languages
        }, languages=self.languages, shown=shown or len(self.languages))
        self.value_required = required
        super().__init__(fields=fields, widget=widget, require_all_fields=False, required=False, **kwargs)

    def compress(self, data_list: Any) -> dict[str, str]:
        values = (list(data_list or []) + [""] * len(self.languages))[: len(self.languages)]
        return {lang: value or "" for lang, value in zip(self.languages, values, strict=True)}

    def clean(self, value: Any) -> dict[str, str]:
        data = super().clean(value)
        return clean_localized(data, required=self.value_required)


def label_options(field: forms.Field, label: Callable[[Any], str]) -> None:
    """Name each option of a model choice field by `label`: Django's own way, an instance attribute over
    the method `label_from_instance` (set in the instance's dict, which the type checker accepts)."""
    vars(field)["label_from_instance"] = label


def as_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


class AuditFilterForm(forms.Form):
    """The audit page's filters, read from the URL (a filtered page can be bookmarked, paged, exported)."""

    person = forms.ChoiceField(label=_("Person"), required=False)
    action = forms.ChoiceField(label=_("Kind of action"), required=False)
    object = forms.CharField(label=_("Record (its identifier)"), max_length=64, required=False)
    date_from = LocalDateField(label=_("From date"), required=False)
    date_to = LocalDateField(label=_("To date"), required=False)

    def __init__(self, *args: Any, people: Iterable[User], actions: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {person.username: person for person in people}
        cast(forms.ChoiceField, self.fields["person"]).choices = [("", "—"), *((name, name) for name in self.people)]
        areas = sorted({action.split(".")[0] + "." for action in actions if "." in action})
        cast(forms.ChoiceField, self.fields["action"]).choices = [
            ("", "—"),
            (_("Every action on one kind of record"),
             [(area, _("%(kind)s (every action)") % {"kind": area.rstrip(".")}) for area in areas]),
            (_("One action"), [(action, action) for action in actions]),
        ]

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if data is not None and data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> dict[str, Any]:
        """The chosen filters as audit_trail's arguments: those that read (a field in error is shown with
        its message and left out, so the page never falls back to the whole trail because of one of them)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"actor": self.people.get(data.get("person") or ""), "action": data.get("action") or None,
                "object_id": (data.get("object") or "").strip() or None, "date_from": data.get("date_from"),
                "date_to": data.get("date_to")}


if TYPE_CHECKING:  # the type checker reads the mixin as the form it is mixed into
    _PasswordForm = auth_forms.SetPasswordForm[User]
    _SetPasswordForm = auth_forms.SetPasswordForm[User]
else:
    _PasswordForm = object
    _SetPasswordForm = auth_forms.SetPasswordForm


class _NewPasswordWords(_PasswordForm):
    """Labels and refusals of the password forms in Hamdeli's words (Django's Persian for these is uneven)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "password_mismatch": _("The two new passwords differ; type the same one twice."),
            "password_incorrect": _("Your current password is not right; type it again."),
        }
        if "old_password" in self.fields:
            self.fields["old_password"].label = _("Current password")
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("New password, again")
        self.fields["new_password2"].help_text = ""


class PasswordChangeForm(_NewPasswordWords, auth_forms.PasswordChangeForm):
    """Django's form (old password, the new one twice, the settings' rules); saved and audited by the
    core service."""

    def save(self, commit: bool = True) -> User:
        services.set_password(user=self.user, password=self.cleaned_data["new_password1"],
                              action="auth.password_changed", actor=self.user)
        return self.user


class SetPasswordForm(_NewPasswordWords, _SetPasswordForm):
    """The new password chosen through an emailed reset link; saved and audited by the core service, and
    any sign-in pause of the person's name is lifted (they proved they hold the account's email)."""

    def save(self, commit: bool = True) -> User:
        services.set_password(user=self.user, password=self.cleaned_data["new_password1"],
                              action="auth.password_reset_completed", actor=self.user)
        reset_sign_in_pauses(username=self.user.get_username())
        return self.user


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Asks for a reset link. The page answers the same whether or not the address is known; a request for
    an account of an office is recorded in that office's audit, and the email is sent after the record
    is committed."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            services.record_account_event(user=user, action="auth.password_reset_requested", actor=None)
        return super().save(*args, **kwargs)
