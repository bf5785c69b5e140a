"""Persian and ASCII digits."""

from django.utils.translation import get_language

_TO_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_TO_ASCII = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def to_persian_digits(text: object) -> str:
    return str(text).translate(_TO_PERSIAN)


def to_ascii_digits(text: object) -> str:
    return str(text).translate(_TO_ASCII)


def uses_persian_digits(lang: str | None = None) -> bool:
    return (lang or get_language() or "fa").split("-")[0] == "fa"


def localize_digits(text: object, lang: str | None = None) -> str:
    return to_persian_digits(text) if uses_persian_digits(lang) else str(text)


def format_number(value: int | float, lang: str | None = None) -> str:
    """Grouped number in the language's digits: 12,345 in en and ۱۲٬۳۴۵ in fa."""
    text = f"{value:,}"
    if uses_persian_digits(lang):
        return to_persian_digits(text.replace(",", "٬").replace(".", "٫"))
    return text
