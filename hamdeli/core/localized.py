"""Localized text: user content written in several languages, stored as {"fa": ..., "en": ...}."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _


def clean_localized(value: object, *, required: bool = True) -> dict[str, str]:
    """Validate and tidy a localized value; raise ValidationError with a translated message."""
    if value in (None, ""):
        value = {}
    if isinstance(value, str):
        value = {"fa": value}
    if not isinstance(value, dict):
        raise ValidationError(_("Give the text as an object of language codes, e.g. {\"fa\": \"…\"}."))
    unknown = sorted(set(value) - set(settings.CONTENT_LANGUAGES))
    if unknown:
        raise ValidationError(
            _("Unknown language code(s): %(codes)s.") % {"codes": ", ".join(map(str, unknown))}
        )
    cleaned = {}
    for lang, text in value.items():
        if not isinstance(text, str):
            raise ValidationError(_("The %(lang)s text must be a string.") % {"lang": lang})
        if text.strip():
            cleaned[lang] = text.strip()
    if required and not cleaned:
        raise ValidationError(_("Write the text in at least one language."))
    return cleaned


def pick(value: dict[str, Any] | None, lang: str | None = None) -> tuple[str, str | None]:
    """The text in the wanted language, else fa, en, then any; returns (text, language used)."""
    if not value:
        return "", None
    wanted = (lang or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    for candidate in (wanted, settings.LANGUAGE_CODE, "en", *value.keys()):
        if value.get(candidate):
            return value[candidate], candidate
    return "", None


def localized_str(value: dict[str, Any] | None, lang: str | None = None) -> str:
    return pick(value, lang)[0]


def isolated(value: dict[str, Any] | str | None) -> str:
    """User text for a page, isolated in a <bdi> (its direction its own); a localized value in the
    active language (as `localized_str`), marked with its language when that is not the page's."""
    from django.utils.html import format_html

    text, lang = pick(value) if isinstance(value, dict) else (str(value or ""), None)
    if lang and lang != (get_language() or settings.LANGUAGE_CODE).split("-")[0]:
        return format_html('<bdi lang="{}">{}</bdi>', lang, text)
    return format_html("<bdi>{}</bdi>", text)


def language_name(code: str, lang: str | None = None) -> str:
    """A content language's name in the page's language ("اسپانیایی", "Spanish"); the code if unknown."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code).get_display_name(Locale.parse(lang or get_language() or "fa")) or code
    except (UnknownLocaleError, ValueError):
        return code


class LocalizedTextField(models.JSONField):
    """A JSON object of language code → text, validated against the content languages."""

    description = gettext_lazy("Text in several languages")

    def __init__(self, *args: Any, required: bool = True, **kwargs: Any) -> None:
        self.required = required
        kwargs.setdefault("default", dict)
        kwargs.setdefault("blank", not required)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if not self.required:
            kwargs["required"] = False
        return name, path, args, kwargs

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        super().validate(value, model_instance)
        clean_localized(value, required=self.required)
