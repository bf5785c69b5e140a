"""Template filters used everywhere: dates, digits, numbers, localized text, permissions."""

import datetime as dt
import json
from typing import Any
from uuid import UUID

from django import template
from django.http import HttpRequest
from django.template import Context
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language_bidi

from hamdeli.core import bidi, dates, digits, formtokens, links, localized, permissions, weblinks

register = template.Library()


@register.filter
def ldate(value: dt.date | None, style: str = "long") -> str:
    """A date in the active language's calendar: Jalali with Persian digits in fa."""
    return dates.format_date(value, style=style)


@register.filter
def ldatetime(value: dt.datetime | None) -> str:
    return dates.format_datetime(value)


@register.filter
def ldigits(value: object) -> str:
    return "" if value is None else digits.localize_digits(value)


@register.filter
def lnum(value: Any) -> str:
    """A number grouped in the page's digits; text (a name in a chart's table) is left as it is."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        return value
    return digits.format_number(value)


@register.simple_tag(takes_context=True)
def form_token(context: Context) -> SafeString:
    """The hidden one-time token of a page form that writes (see core.formtokens)."""
    return format_html('<input type="hidden" name="{}" value="{}">', formtokens.FIELD,
                       formtokens.issue(context["request"].org))


@register.filter
def lsize(value: float | str) -> str:
    """A file size in the page's digits: "۶۹ بایت", "۱٫۲ کیلوبایت"."""
    text = str(filesizeformat(value))
    return digits.to_persian_digits(text.replace(".", "٫")) if digits.uses_persian_digits() else text


@register.filter
def bdi_lines(value: object) -> SafeString:
    """User text of several lines (a note written in Persian and then in English), each line isolated
    with its own direction."""
    lines = [line for line in str(value or "").splitlines() if line.strip()]
    return format_html_join(mark_safe("<br>"), "<bdi>{}</bdi>", ((line,) for line in lines))


@register.filter
def ltr(value: object) -> SafeString:
    """A code or reference that is Latin by nature (a token's prefix, a lot number), kept left-to-right
    and isolated: <bdi dir="ltr">."""
    return format_html('<bdi dir="ltr">{}</bdi>', "" if value is None else value)


@register.simple_tag
def lsep() -> str:
    """A list's separator in the page's language: «، » in Persian, «, » in English."""
    return bidi.separator()


@register.filter
def langname(code: object) -> str:
    """A content language's name in the page's language: "zh" → "چینی" / "Chinese"."""
    return localized.language_name(str(code)) if code else ""


@register.filter
def ltext(value: Any) -> str:
    """The localized text in the active language (falling back to fa, en, then any)."""
    return localized.localized_str(value)


@register.filter
def lbdi(value: Any) -> str:
    """The localized text in the active language (as `ltext`), isolated in a <bdi>; marked with its
    language when it is another one than the page's (an English title on a Persian page)."""
    return localized.isolated(value)


@register.filter
def can(request: HttpRequest, perm: str) -> bool:
    return permissions.has_perm(request, perm)


@register.simple_tag(takes_context=True)
def record_link(context: Context, kind: str, public_id: UUID) -> links.Link | None:
    """The linked record of another app, found within the request's org (None if there is none)."""
    request = context.get("request")
    org = getattr(request, "org", None)
    return links.find(kind, org=org, public_id=public_id) if org is not None else None


@register.simple_tag
def forward() -> str:
    """An arrow that points the reading way: ← on a right-to-left page, → otherwise."""
    return "←" if get_language_bidi() else "→"


@register.filter
def percent(value: Any) -> int:
    """A share (0–100) as a whole number for the pw-N / ps-N classes of web/percent.css: the
    Content-Security-Policy allows no style attribute."""
    try:
        return max(0, min(100, round(float(value))))
    except (TypeError, ValueError):
        return 0


@register.filter
def weblink(value: object) -> bool:
    """True for an http(s) address: only those become links."""
    return weblinks.is_web_address(value)


@register.filter
def recorded(value: object) -> str:
    """A value as the audit recorded it: text as is, anything else as JSON; nothing as a dash."""
    if value is None or value == "":
        return "—"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@register.filter
def isolate(value: object) -> str:
    """User text isolated with Unicode's marks (FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE), for a PDF:
    the PDF engine ignores <bdi> and `unicode-bidi`, but lays the marks out as the browser would; and every
    value a translated sentence interpolates ({% blocktranslate with x=value|isolate %}), so that a Latin code
    or name keeps its punctuation inside a Persian sentence. Safe HTML stays safe; 0 stays 0."""
    if value is None or value == "":
        return ""
    marked = bidi.isolate(str(value))
    return mark_safe(marked) if isinstance(value, SafeData) else marked


@register.filter
def isolate_lines(value: object) -> str:
    """User text of several lines for a PDF, each line isolated with its own direction."""
    return "\n".join(bidi.isolate(line) if line.strip() else line for line in str(value or "").splitlines())
