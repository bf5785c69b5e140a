"""Template filters of the aid pages: names in the reader's language, with the fallback shown."""

from django import template
from django.conf import settings
from django.utils.translation import get_language

register = template.Library()


@register.filter
def dtext(value) -> str:
    """Localized text in the active language; when missing, English (then Persian, then any) followed by
    the language it is in, e.g. "Al-Zahra Hospital [en]", so a reader sees it is not a translation."""
    if not value:
        return ""
    wanted = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    for lang in (wanted, "en", settings.LANGUAGE_CODE, *value):
        if value.get(lang):
            return value[lang] if lang == wanted else f"{value[lang]} [{lang}]"
    return ""


@register.filter
def office(request) -> bool:
    """Whether the member works for the office, not for an institution's store (which is refused the
    office's pages: pledges, traces, the flow, IATI and HXL; see aid.access)."""
    from hamdeli.core.models import Role

    membership = getattr(request, "membership", None)
    return membership is not None and membership.role != Role.INSTITUTION
