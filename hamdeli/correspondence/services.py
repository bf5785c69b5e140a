"""Every write on letters: one transaction each, with its audit entry and dated event."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from hamdeli.core import archiving, audit, links
from hamdeli.core.dates import to_jalali, today
from hamdeli.core.digits import localize_digits
from hamdeli.core.errors import Conflict, ValidationFailed, require_fields
from hamdeli.core.files import check_upload, delete_on_commit, removing_file_on_failure
from hamdeli.core.models import Organization
from hamdeli.core.records import locked
from hamdeli.core.text import search_key
from hamdeli.core.types import Actor
from hamdeli.core.validation import Problems, choice, invalid, localized, unknown_fields
from hamdeli.correspondence import templating
from hamdeli.correspondence.models import (
    Attachment,
    CalendarFeed,
    Direction,
    Letter,
    LetterAction,
    LetterEvent,
    LetterState,
    LetterTemplate,
    Occasion,
    RegistryCounter,
    RelatedKind,
    hash_feed_token,
)
from hamdeli.partners import services as partners_services
from hamdeli.places.models import City

EDITABLE_FIELDS = [
    "sender_name", "sender_title", "sender_city", "sender_org", "recipient_name", "recipient_title",
    "recipient_city", "recipient_org", "subject", "occasion", "language", "body", "letter_date",
    "answer_due_on", "reply_to", "partnership", "related_kind", "related_public_id", "note", "received_on",
]
# What a signed letter says can no longer change; its follow-up fields (due date, links, note) still can.
FIXED_ONCE_SIGNED = {
    "sender_name", "sender_title", "sender_city", "sender_org", "recipient_name", "recipient_title",
    "recipient_city", "recipient_org", "subject", "occasion", "language", "body", "letter_date",
}
SIGNED_STATES = (LetterState.SIGNED, LetterState.SENT, LetterState.ACKNOWLEDGED)
OUTGOING_ACTIONS = {"submit", "return_to_draft", "sign", "send", "acknowledge"}
INCOMING_ACTIONS = {"assign", "answer"}


def next_registry_number(*, org: Organization, on: dt.date) -> tuple[int, int]:
    """Take the next number of the Jalali year of `on`. Must run inside the caller's transaction: the
    counter row stays locked until it commits, so two letters never share a number, and a rolled-back
    letter gives its number back (no gaps)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_registry_number must run inside the letter's transaction")
    year = to_jalali(on).year
    counter, _created = RegistryCounter.objects.select_for_update().get_or_create(org=org, year=year)
    counter.last += 1
    counter.save(update_fields=["last", "updated_at"])
    return year, counter.last


def _refresh_search_key(letter: Letter) -> None:
    cities = [c for c in (letter.sender_city, letter.recipient_city) if c is not None]
    letter.search_key = search_key(
        letter.registry_number, letter.subject, letter.body, letter.sender_name, letter.sender_title,
        letter.sender_org, letter.recipient_name, letter.recipient_title, letter.recipient_org,
        *[name for c in cities for name in (c.name_en, c.name_fa)],
    )


def _check(org: Organization, fields: dict[str, Any], direction: str) -> None:
    unknown_fields(fields, EDITABLE_FIELDS)
    bad = Problems()
    if fields.get("occasion", Occasion.OTHER) not in Occasion.values:
        bad["occasion"] = _("Choose one of the allowed values.")
    if "language" in fields and fields["language"] not in settings.CONTENT_LANGUAGES:
        bad["language"] = _("Choose one of the allowed values.")
    if fields.get("related_kind", "") not in RelatedKind.values:
        bad["related_kind"] = _("Choose one of the allowed values.")
    if bool(fields.get("related_kind")) != bool(fields.get("related_public_id")) and (
            "related_kind" in fields or "related_public_id" in fields):
        bad["related_public_id"] = _("Give both the kind and the id of the linked record, or neither.")
    elif fields.get("related_kind") and links.find(fields["related_kind"], org=org,
                                                   public_id=fields.get("related_public_id")) is None:
        bad["related_public_id"] = _("Your office has no such pledge or campaign.")
    for name in ("reply_to", "partnership"):
        value = fields.get(name)
        if value is not None and value.org_id != org.pk:
            bad[name] = _("Not found.")
    if direction == Direction.OUTGOING and fields.get("recipient_city") is None and not fields.get("recipient_org"):
        bad["recipient_city"] = _("Give the recipient's city or organisation.")
    if direction == Direction.INCOMING and fields.get("sender_city") is None and not fields.get("sender_org"):
        bad["sender_city"] = _("Give the sender's city or organisation.")
    bad.check()


def _check_answer_due(letter_date: dt.date | None, answer_due_on: dt.date | None, *,
                      field: str = "answer_due_on") -> None:
    """An answer cannot be due before the letter is dated (a letter without a date yet is checked when
    signing gives it one)."""
    if letter_date and answer_due_on and answer_due_on < letter_date:
        message = (_("The answer cannot be due before the letter's date.") if field == "answer_due_on" else
                   _("The letter's answer is due before this date: change the answer-due date first."))
        raise invalid(field, message)


def _partner_city(letter: Letter) -> City | None:
    return letter.recipient_city if letter.is_outgoing else letter.sender_city


def _record_contact(*, org: Organization, actor: Actor, letter: Letter, on: dt.date | None, field: str) -> None:
    """A sent or received letter counts as contact with the partner (once per letter); a contact dated
    in the future is refused, naming the letter's `field`."""
    city = _partner_city(letter)
    if city is None:
        return
    partners_services.record_contact(org=org, actor=actor, city_id=city.pk, occurred_on=on, kind="letter",
                                     summary=f"{letter.registry_number} {letter.subject}", source="letter",
                                     source_ref=str(letter.public_id), date_field=field)


@transaction.atomic
def register_letter(*, org: Organization, actor: Actor, direction: str, subject: str,
                    registered_on: dt.date | None = None,
                    **fields: Any) -> Letter:
    """Register a letter: outgoing ones start as drafts, incoming ones as received (counted as contact)."""
    choice("direction", direction, Direction)
    require_fields(subject=(subject or "").strip())
    fields.setdefault("occasion", Occasion.OTHER)
    _check(org, fields, direction)
    if direction == Direction.OUTGOING:
        subject, filled = _fill_placeholders({**fields, "subject": subject})
        if fields.get("body"):
            fields["body"] = filled["body"]
    _check_answer_due(fields.get("letter_date"), fields.get("answer_due_on"))
    registered_on = registered_on or today()
    if not 1950 <= registered_on.year <= 2200:
        raise invalid("registered_on", _("Give a date between 1950 and 2200."))
    if direction == Direction.INCOMING:
        fields["received_on"] = fields.get("received_on") or registered_on
    year, seq = next_registry_number(org=org, on=registered_on)
    state = LetterState.DRAFT if direction == Direction.OUTGOING else LetterState.RECEIVED
    letter = Letter(org=org, direction=direction, subject=subject.strip(), registered_on=registered_on,
                    registry_year=year, registry_seq=seq, state=state, **fields)
    _refresh_search_key(letter)
    letter.save()
    LetterEvent.objects.create(org=org, letter=letter, on=fields.get("received_on") or registered_on,
                               action="registered", to_state=state, actor=actor)
    audit.record(org=org, actor=actor, action="letter.registered", obj=letter, after=audit.snapshot(letter))
    if direction == Direction.INCOMING:
        _record_contact(org=org, actor=actor, letter=letter, on=letter.received_on, field="received_on")
    return letter


def _fill_placeholders(values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Fill the {official} and {city} a template left in the subject and body (the recipient was not
    known when the form opened) from the letter's recipient, in the letter's language."""
    lang = values.get("language") or "fa"
    filled = dict(values)
    for name in ("subject", "body"):
        if values.get(name):
            filled[name] = templating.fill_letter(values[name], lang=lang, official=values.get("recipient_name", ""),
                                                  city=values.get("recipient_city"))
    return filled.get("subject", ""), filled


@transaction.atomic
def update_letter(*, org: Organization, actor: Actor, letter: Letter, **fields: Any) -> Letter:
    letter = locked(Letter.objects, pk=letter.pk, org=org)
    merged = {name: getattr(letter, name) for name in EDITABLE_FIELDS} | fields
    if letter.direction == Direction.OUTGOING and set(fields) & {"subject", "body", "recipient_name",
                                                                  "recipient_city", "language"}:
        _subject, filled = _fill_placeholders(merged)
        fields |= {name: filled[name] for name in ("subject", "body") if filled[name] != merged[name]}
        merged = {name: getattr(letter, name) for name in EDITABLE_FIELDS} | fields
    _check(org, fields, "")
    _check(org, {k: v for k, v in merged.items() if k in ("sender_city", "sender_org", "recipient_city",
                                                        "recipient_org")}, letter.direction)
    if "subject" in fields:
        require_fields(subject=(fields["subject"] or "").strip())
    if {"letter_date", "answer_due_on"} & set(fields):
        _check_answer_due(merged["letter_date"], merged["answer_due_on"])
    if fields.get("reply_to") is not None and fields["reply_to"].pk == letter.pk:
        raise ValidationFailed(_("A letter cannot answer itself."), fields={"reply_to": _("Choose another letter.")})
    changed = {name for name, value in fields.items() if name in FIXED_ONCE_SIGNED and getattr(letter, name) != value}
    if letter.state in SIGNED_STATES and changed:
        raise Conflict(_("A signed letter's text and parties cannot be changed; register a new letter instead."),
                       code="letter_signed", fields={name: _("Fixed once the letter is signed.") for name in changed})
    before = audit.snapshot(letter)
    for name, value in fields.items():
        setattr(letter, name, value)
    _refresh_search_key(letter)
    letter.save()
    audit.record(org=org, actor=actor, action="letter.updated", obj=letter, before=before,
                 after=audit.snapshot(letter))
    return letter


def possible_actions(letter: Letter) -> list[str]:
    allowed = OUTGOING_ACTIONS if letter.is_outgoing else INCOMING_ACTIONS
    return [a for a in LetterAction.values if a in allowed and can_proceed(getattr(letter, a))]


def _refuse(letter: Letter, action: str) -> Conflict:
    return Conflict(
        _("A letter that is “%(state)s” cannot take the step “%(action)s”.") % {
            "state": letter.get_state_display(), "action": LetterAction(action).label},
        code="illegal_transition", fields={"action": _("Not possible in the current state.")},
    )


def _step(org: Organization, actor: Actor, letter: Letter, action: str, on: dt.date | None, note: str, *,
          prepare: Callable[[Letter], None] | None = None, check: Callable[[Letter], None] | None = None) -> Letter:
    """Take the FSM transition named `action` on `on`, with its event and audit entry; a step of the
    other direction or out of order is 409. `prepare(letter)` runs before the audit snapshot,
    `check(letter)` after the transition."""
    require_fields(on=on)
    assert on is not None  # refused above
    letter = locked(Letter.objects, pk=letter.pk, org=org)
    allowed = OUTGOING_ACTIONS if letter.is_outgoing else INCOMING_ACTIONS
    method = getattr(letter, action)
    if action not in allowed or not can_proceed(method):
        raise _refuse(letter, action)
    last = letter.events.order_by("-on").values_list("on", flat=True).first()
    if last and on < last:
        raise ValidationFailed(_("A step cannot be dated before the previous one."),
                               fields={"on": _("Choose a date on or after %(date)s.") % {"date": last.isoformat()}})
    if prepare is not None:
        prepare(letter)
    before = audit.snapshot(letter)
    from_state = letter.state
    method(on)
    if check is not None:
        check(letter)
    letter.save()
    LetterEvent.objects.create(org=org, letter=letter, on=on, action=action, from_state=from_state,
                               to_state=letter.state, note=note, actor=actor)
    audit.record(org=org, actor=actor, action=f"letter.{action}", obj=letter, before=before,
                 after=audit.snapshot(letter))
    return letter


@transaction.atomic
def submit_letter(*, org: Organization, actor: Actor, letter: Letter, on: dt.date | None, note: str = "") -> Letter:
    """An outgoing draft goes for review."""
    return _step(org, actor, letter, "submit", on, note)


@transaction.atomic
def return_letter_to_draft(*, org: Organization, actor: Actor, letter: Letter,
                           on: dt.date | None, note: str = "") -> Letter:
    """An outgoing letter under review goes back to its drafter."""
    return _step(org, actor, letter, "return_to_draft", on, note)


@transaction.atomic
def sign_letter(*, org: Organization, actor: Actor, letter: Letter, on: dt.date | None, note: str = "") -> Letter:
    """Record the signature: the step that dates an undated letter (its answer is then due after it)."""
    return _step(org, actor, letter, "sign", on, note,
                 check=lambda signed: _check_answer_due(signed.letter_date, signed.answer_due_on, field="on"))


@transaction.atomic
def send_letter(*, org: Organization, actor: Actor, letter: Letter, on: dt.date | None, note: str = "") -> Letter:
    """Record the sending: a contact with the partner, and the answer to the letter it replies to."""
    letter = _step(org, actor, letter, "send", on, note)
    assert on is not None  # refused by the step
    _record_contact(org=org, actor=actor, letter=letter, on=on, field="on")
    _answer_original(org=org, actor=actor, letter=letter, on=on)
    return letter


@transaction.atomic
def acknowledge_letter(*, org: Organization, actor: Actor, letter: Letter,
                       on: dt.date | None, note: str = "") -> Letter:
    """Record that the recipient acknowledged a sent letter."""
    return _step(org, actor, letter, "acknowledge", on, note)


@transaction.atomic
def assign_letter(*, org: Organization, actor: Actor, letter: Letter,
                  on: dt.date | None, assignee: str, note: str = "") -> Letter:
    """An incoming letter is assigned to someone for an answer."""
    def prepare(letter: Letter) -> None:
        require_fields(assignee=(assignee or "").strip())
        letter.assignee = assignee.strip()

    return _step(org, actor, letter, "assign", on, note, prepare=prepare)


@transaction.atomic
def answer_letter(*, org: Organization, actor: Actor, letter: Letter, on: dt.date | None, note: str = "") -> Letter:
    """Mark an incoming letter answered."""
    return _step(org, actor, letter, "answer", on, note)


# The one table from a step's name (the API's and the page's `action`) to its service, with the
# arguments of theirs it takes besides the date and the note.
LETTER_STEPS: dict[str, tuple[Callable[..., Letter], tuple[str, ...]]] = {
    "submit": (submit_letter, ()),
    "return_to_draft": (return_letter_to_draft, ()),
    "sign": (sign_letter, ()),
    "send": (send_letter, ()),
    "acknowledge": (acknowledge_letter, ()),
    "assign": (assign_letter, ("assignee",)),
    "answer": (answer_letter, ()),
}


def transition_letter(*, org: Organization, actor: Actor, letter: Letter,
                      action: str, on: dt.date | None, note: str = "",
                      assignee: str = "") -> Letter:
    """The step named `action` (LETTER_STEPS), for the API and the page, which let the user choose it."""
    if action not in LETTER_STEPS:
        raise ValidationFailed(_("Unknown action."), fields={"action": _("Choose one of the allowed values.")})
    service, takes = LETTER_STEPS[action]
    given = {"assignee": assignee}
    return service(org=org, actor=actor, letter=letter, on=on, note=note, **{name: given[name] for name in takes})


def _answer_original(*, org: Organization, actor: Actor, letter: Letter, on: dt.date) -> None:
    """Sending a reply answers the incoming letter it replies to, when that one is still open."""
    original = letter.reply_to
    if original is None or original.is_outgoing or not can_proceed(original.answer):
        return
    answer_letter(org=org, actor=actor, letter=original, on=max(on, original.received_on or on),
                  note=_("Answered by letter %(number)s.") % {"number": localize_digits(letter.registry_number)})


@transaction.atomic
def add_attachment(*, org: Organization, actor: Actor, letter: Letter, upload: "UploadedFile[Any] | None",
                   ) -> Attachment:
    """Attach a PDF or image, type checked from its content; a refused file leaves nothing behind."""
    require_fields(file=upload)
    assert upload is not None  # refused above
    kind = check_upload(upload, field="file")
    letter = locked(Letter.objects, pk=letter.pk, org=org)
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:255]
    attachment = Attachment(org=org, letter=letter, original_name=name, content_type=kind.content_type,
                            extension=kind.extension, size=upload.size or 0, uploaded_by=actor)
    attachment.file.save("upload", upload, save=False)
    with removing_file_on_failure(attachment.file):
        attachment.save()
        audit.record(org=org, actor=actor, action="letter.attachment_added", obj=letter,
                     after={"attachment": str(attachment.public_id), "name": name, "size": upload.size})
    return attachment


@transaction.atomic
def delete_letter(*, org: Organization, actor: Actor, letter: Letter) -> None:
    """Delete a draft (never sent, never signed): it and its files go, its registry number stays taken
    (the audit entry says which it was). Any other letter is part of the record: archive it instead."""
    letter = locked(Letter.objects, pk=letter.pk, org=org)
    if letter.state != LetterState.DRAFT:
        raise Conflict(_("Only a draft is deleted; a letter that left the draft stage is archived instead."),
                       code="archive_instead")
    before = audit.snapshot(letter)
    before["registry_number"] = letter.registry_number
    audit.record(org=org, actor=actor, action="letter.deleted", obj=letter, before=before)
    files = [a.file for a in letter.attachments.all()]
    letter.delete()
    delete_on_commit(*files)  # a rolled-back delete keeps them


@transaction.atomic
def archive_letter(*, org: Organization, actor: Actor, letter: Letter) -> Letter:
    """Set a letter aside: out of the register's list, its search, the follow-ups and the pickers; its
    number, events and attachments stay."""
    letter = locked(Letter.objects, pk=letter.pk, org=org)
    return archiving.archive(org=org, actor=actor, obj=letter, action="letter.archived")


@transaction.atomic
def restore_letter(*, org: Organization, actor: Actor, letter: Letter) -> Letter:
    letter = locked(Letter.objects, pk=letter.pk, org=org)
    return archiving.restore(org=org, actor=actor, obj=letter, action="letter.restored")


@transaction.atomic
def create_calendar_feed(*, org: Organization, actor: Actor) -> tuple[CalendarFeed, str]:
    """A new secret feed URL token; the previous one stops working. The secret is returned only now."""
    revoke_calendar_feeds(org=org, actor=actor)
    secret = CalendarFeed.new_secret()
    feed = CalendarFeed.objects.create(org=org, key_hash=hash_feed_token(secret), prefix=secret[:6], created_by=actor)
    audit.record(org=org, actor=actor, action="calendar_feed.created", obj=feed, after={"prefix": feed.prefix})
    return feed, secret


@transaction.atomic
def revoke_calendar_feeds(*, org: Organization, actor: Actor) -> int:
    active = list(CalendarFeed.objects.select_for_update().filter(org=org, revoked_at__isnull=True))
    for feed in active:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at", "updated_at"])
        audit.record(org=org, actor=actor, action="calendar_feed.revoked", obj=feed, after={"prefix": feed.prefix})
    return len(active)


def _check_template(fields: dict[str, Any]) -> None:
    bad = Problems()
    bad.collect(choice, "occasion", fields.get("occasion"), Occasion)
    for name in ("subject", "body"):
        if (text := bad.collect(localized, name, fields.get(name))) is not None:
            fields[name] = text
    if not (fields.get("name") or "").strip():
        bad["name"] = _("This field is required.")
    bad.check()


@transaction.atomic
def save_template(*, org: Organization, actor: Actor, template: LetterTemplate | None = None,
                  **fields: Any) -> LetterTemplate:
    """Create a letter template, or replace an existing one's fields."""
    _check_template(fields)
    name = fields["name"].strip()
    clash = LetterTemplate.objects.filter(org=org, name=name)
    if template is not None:
        clash = clash.exclude(pk=template.pk)
    if clash.exists():
        raise Conflict(_("Another template has this name."), fields={"name": _("Choose another name.")})
    before = None
    if template is None:
        template = LetterTemplate(org=org)
    else:
        template = locked(LetterTemplate.objects, pk=template.pk, org=org)
        before = audit.snapshot(template)
    template.name, template.occasion = name, fields["occasion"]
    template.subject, template.body = fields["subject"], fields["body"]
    template.save()
    audit.record(org=org, actor=actor, action="letter_template.saved", obj=template, before=before,
                 after=audit.snapshot(template))
    return template
