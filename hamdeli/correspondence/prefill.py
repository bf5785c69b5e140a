"""What a new letter's form starts with, from the link that opened it (a reply, a calendar reminder)."""

import uuid

from django.conf import settings

from hamdeli.core.dates import today
from hamdeli.correspondence import calendar, selectors, templating
from hamdeli.places.models import City


def recipient_language(city) -> str:
    """The recipient's language: the first official language of the city's country (Persian when unknown)."""
    return calendar.partner_language(city.country_id) if city is not None else "fa"


def letter_language(lang: str) -> str:
    """A language a letter can be recorded in: the recipient's own, else English."""
    return lang if lang in settings.CONTENT_LANGUAGES else "en"


def initial_for_new_letter(org, query) -> tuple[dict, templating.Rendered | None]:
    reply_to = selectors.letter_or_none(org=org, public_id=_uuid(query.get("reply_to")))
    city_id = query.get("recipient_city", "")
    city = City.objects.filter(pk=city_id).first() if city_id.isdigit() else None
    if city is None and reply_to is not None:
        city = reply_to.sender_city
    wanted = reply_to.language if reply_to is not None and reply_to.language else recipient_language(city)
    initial = {"direction": query.get("direction", "out"), "occasion": query.get("occasion", "other"),
               "reply_to": reply_to, "recipient_city": city, "language": letter_language(wanted),
               "partnership": _partnership(org, query.get("partnership"))}
    if reply_to is not None:
        initial.update(recipient_name=reply_to.sender_name, recipient_title=reply_to.sender_title,
                       subject=reply_to.subject)
    template = selectors.templates(org=org).filter(public_id=_uuid(query.get("template"))).first()
    rendered = None
    if template is not None:
        rendered = templating.render(template, lang=wanted, city=city, official=initial.get("recipient_name", ""),
                                     on=today())
        initial.update(subject=rendered.subject, body=rendered.body, language=rendered.language,
                       occasion=template.occasion)
    return initial, rendered


def _uuid(value):
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _partnership(org, public_id):
    from hamdeli.partners.models import Partnership

    value = _uuid(public_id)
    return Partnership.objects.filter(org=org, public_id=value).first() if value else None
