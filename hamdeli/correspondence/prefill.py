"""What a new letter's form starts with, from the link that opened it (a reply, a calendar reminder)."""

import hashlib
import uuid
from dataclasses import dataclass, field

from django.conf import settings

from hamdeli.core.dates import today
from hamdeli.correspondence import calendar, selectors, templating
from hamdeli.correspondence.models import Occasion
from hamdeli.places import selectors as places
from hamdeli.places.names import has_name_in


def recipient_language(city) -> str:
    """The recipient's language: the first official language of the city's country (Persian when unknown)."""
    return calendar.partner_language(city.country_id) if city is not None else "fa"


def letter_language(lang: str) -> str:
    """A language a letter can be recorded in: the recipient's own, else English."""
    return lang if lang in settings.CONTENT_LANGUAGES else "en"


@dataclass
class TemplateState:
    """The template region of the new-letter form: the language, the templates offered in it, the one
    chosen, and the subject and text it filled (with what the form should say about it)."""

    values: dict
    offered: list
    rendered: templating.Rendered | None = None
    kept_text: bool = False  # a template was chosen but the user's own text was kept
    city_fallback: object = None  # the city, when it has no name in the letter's language
    head_fallback: str = ""  # the language the partner's head was written in, when not the letter's
    notes: list = field(default_factory=list)
    missing_occasion: object = ""  # the name of the occasion that has no template in the letter's language
    unfilled: list = field(default_factory=list)  # the placeholders ({official}, {city}) the text still holds
    city_chosen: object = None  # the recipient's city the form should now show (the partnership's)


def digest(subject: str, body: str) -> str:
    return hashlib.sha256(f"{subject}\0{body}".replace("\r\n", "\n").encode()).hexdigest()[:16]


def template_state(org, *, city, wanted: str, language: str | None, occasion: str, chosen=None,
                   subject: str = "", body: str = "", filled: str = "", official: str = "",
                   prefer_occasion: bool = True, head: dict | None = None) -> TemplateState:
    """Offer the templates written in the letter's language (all of them when none is: the form then says
    which language it falls back to), preselect the occasion's own template, and fill the subject and text
    from the chosen one unless the user has written their own."""
    language = language or letter_language(wanted)
    every = list(selectors.templates(org=org).order_by("occasion", "name"))
    offered = [t for t in every if t.body.get(language)] or every
    if chosen is not None and chosen not in offered:
        chosen = None
    own = [t for t in offered if t.occasion == occasion]
    if own and prefer_occasion and (chosen is None or chosen.occasion != occasion):
        chosen = own[0]
    elif prefer_occasion and not own and occasion != "other" and chosen is not None and chosen.occasion != occasion:
        chosen = None  # another occasion's template never stands in for this one
    state = TemplateState({"language": language, "template": chosen, "subject": subject, "body": body,
                           "filled": filled}, offered)
    untouched = not (subject.strip() or body.strip()) or filled == digest(subject, body)
    if chosen is None:
        if prefer_occasion and occasion != "other" and not own:
            state.missing_occasion = dict(Occasion.choices).get(occasion, "")
        if filled and untouched:  # the text came from a template that no longer applies: not kept
            state.values.update(subject="", body="", filled="")
        elif subject.strip() or body.strip():
            state.kept_text = bool(filled)
        return state
    if not untouched:
        state.kept_text = True
        return state
    head_language = ""
    if not official.strip() and head:  # no recipient typed: the partner's head, in the letter's language
        head_language, _other = templating.choose_language(head, templating.choose_language(chosen.body, wanted)[0])
        official = head.get(head_language, "")
    rendered = templating.render(chosen, lang=wanted, city=city, official=official, on=today())
    state.rendered = rendered
    state.unfilled = sorted({f"{{{name}}}" for name in templating.unfilled(rendered.subject + rendered.body)})
    state.values.update(subject=rendered.subject, body=rendered.body, language=rendered.language,
                        filled=digest(rendered.subject, rendered.body))
    if city is not None and "{city}" in "".join((*chosen.subject.values(), *chosen.body.values())) \
            and not has_name_in(city, rendered.language):
        state.city_fallback = city
    if head_language and head_language != rendered.language \
            and "{official}" in "".join((*chosen.subject.values(), *chosen.body.values())):
        state.head_fallback = head_language
    return state


def partner_head(org, partnership, city) -> dict:
    """The partner's head ({"zh": "西安市市长 …"}) of the letter's partnership, else of the office's open
    partnership with the recipient's city; empty when none is recorded."""
    if partnership is None and city is not None:
        from hamdeli.partners import selectors as partners

        partnership = partners.open_partnership_with(org=org, city=city)
    return dict(partnership.partner_head or {}) if partnership is not None else {}


def initial_for_new_letter(org, query) -> tuple[dict, TemplateState]:
    reply_to = selectors.letter_or_none(org=org, public_id=_uuid(query.get("reply_to")))
    partnership = _partnership(org, query.get("partnership"))
    city_id = query.get("recipient_city", "")
    city = places.find_city(int(city_id)) if city_id.isdigit() else None
    if city is None and partnership is not None:
        city = partnership.city
    if city is None and reply_to is not None:
        city = reply_to.sender_city
    wanted = reply_to.language if reply_to is not None and reply_to.language else recipient_language(city)
    occasion = query.get("occasion", "other")
    initial = {"direction": query.get("direction", "out"), "occasion": occasion,
               "reply_to": reply_to, "recipient_city": city, "language": letter_language(wanted),
               "partnership": partnership}
    if reply_to is not None:
        initial.update(recipient_name=reply_to.sender_name, recipient_title=reply_to.sender_title,
                       subject=reply_to.subject)
    template = selectors.templates(org=org).filter(public_id=_uuid(query.get("template"))).first()
    head = partner_head(org, partnership, city)
    state = template_state(org, city=city, wanted=wanted, language=None, occasion=occasion, chosen=template,
                           subject=initial.get("subject", ""), official=initial.get("recipient_name", ""),
                           prefer_occasion=template is None and occasion != "other", head=head)
    if template is not None and state.values["template"] is None:  # a link's template in another language
        state = template_state(org, city=city, wanted=wanted, language=template_language(template, wanted),
                               occasion=occasion, chosen=template, official=initial.get("recipient_name", ""),
                               head=head)
    if state.values["template"] is not None:
        initial["occasion"] = state.values["template"].occasion
    initial.update(state.values)
    return initial, state


def template_language(template, wanted: str) -> str:
    return templating.choose_language(template.body, wanted)[0]


def refreshed_template(org, data, trigger: str) -> TemplateState:
    """The template region again, after the user changed `trigger` (a field's name) on the form."""
    partnership = _partnership(org, data.get("partnership"))
    city_id = str(data.get("recipient_city") or "")
    city = places.find_city(int(city_id)) if city_id.isdigit() else None
    if city is None and partnership is not None:
        city = partnership.city
    chosen_language = data.get("language") if data.get("language") in settings.CONTENT_LANGUAGES else None
    if trigger in ("recipient_city", "partnership") or chosen_language is None:
        wanted, language = recipient_language(city), None  # the recipient's language, as when the form opens
    else:
        wanted = language = chosen_language
    chosen = selectors.templates(org=org).filter(pk=data.get("template")).first() \
        if str(data.get("template") or "").isdigit() else None
    occasion = str(data.get("occasion") or "other")
    state = template_state(org, city=city, wanted=wanted, language=language, occasion=occasion, chosen=chosen,
                           subject=str(data.get("subject") or ""), body=str(data.get("body") or ""),
                           filled=str(data.get("filled") or ""), official=str(data.get("recipient_name") or ""),
                           prefer_occasion=trigger != "template", head=partner_head(org, partnership, city))
    if trigger == "partnership" and partnership is not None and not city_id.isdigit():
        state.city_chosen = partnership.city  # the partnership names the recipient's city
    return state


def _uuid(value):
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _partnership(org, value):
    """The office's partnership a link names by public id, or the form's select by primary key."""
    from hamdeli.partners import selectors as partners

    if str(value or "").isdigit():
        return partners.offered_partnerships(org=org, current=int(value)).filter(pk=int(value)).first()
    return partners.partnership_or_none(org=org, public_id=_uuid(value))
