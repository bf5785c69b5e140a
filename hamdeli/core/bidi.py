"""Plain text of mixed directions kept readable: pieces isolated with Unicode's isolate marks, arrows
that point the reading way (for text that cannot carry <bdi>: an option, a title, a PDF, an export)."""

from django.conf import settings
from django.utils.translation import get_language

RTL_LANGUAGES = {"fa", "ar", "ur", "he"}
FSI, PDI = "\u2068", "\u2069"  # FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE


def is_rtl(lang: str | None = None) -> bool:
    return (lang or get_language() or settings.LANGUAGE_CODE).split("-")[0] in RTL_LANGUAGES


def isolate(text: str) -> str:
    """The text as its own direction's island: its punctuation stays its own inside a line of the other."""
    return f"{FSI}{text}{PDI}" if text else ""


def arrow(lang: str | None = None) -> str:
    """→ for a left-to-right language, ← for a right-to-left one: the arrow points the reading way."""
    return "←" if is_rtl(lang) else "→"


def route(start: str, end: str, lang: str | None = None) -> str:
    """"Guangzhou → Isfahan" in English, «گوانگجو ← اصفهان» in Persian: each name isolated, the arrow
    pointing from the first to the second in the language's reading direction."""
    return f"{isolate(start)} {arrow(lang)} {isolate(end)}"
