"""Plain text of mixed directions kept readable: pieces isolated with Unicode's isolate marks, arrows
that point the reading way (for text that cannot carry <bdi>: an option, a title, a PDF, an export)."""

from collections.abc import Iterable

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


def fill(message: str, values: dict[str, object]) -> str:
    """A translated sentence with its values interpolated, each text value isolated (a Latin code such as
    ISFAHAN-2026-00003 keeps its colon inside a Persian sentence); numbers as they are."""
    return message % {name: value if isinstance(value, int | float) else isolate(str(value))
                      for name, value in values.items()}


def separator(lang: str | None = None) -> str:
    """A list's separator in the language: the Arabic comma in Persian («بارسلون، کوسکو»), a comma else."""
    return "، " if is_rtl(lang) else ", "


def join(items: Iterable[object], lang: str | None = None) -> str:
    """Items as one list in the language's own separator."""
    return separator(lang).join(str(item) for item in items)
