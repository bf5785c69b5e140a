"""Letters, attachments, templates and the protocol calendar over JSON."""

import datetime as dt
import uuid

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from pydantic import Field

from hamdeli.core import files
from hamdeli.core.boundary import Date, OneOf, Patch, PublicId, Schema
from hamdeli.core.dates import today
from hamdeli.core.pagination import paged
from hamdeli.core.permissions import enforce, requires
from hamdeli.core.validation import invalid
from hamdeli.correspondence import calendar, printing, selectors, services, templating
from hamdeli.correspondence.models import Direction, LetterAction, LetterState, Occasion, RelatedKind
from hamdeli.partners import selectors as partners
from hamdeli.places import selectors as places

router = Router(tags=["correspondence"])


class LetterOut(Schema):
    id: PublicId
    direction: str
    registry_number: str
    registry_year: int
    registry_seq: int
    registered_on: dt.date
    state: str
    sender_name: str
    sender_title: str
    sender_city_geonameid: int | None = Field(..., validation_alias="sender_city_id")
    sender_org: str
    recipient_name: str
    recipient_title: str
    recipient_city_geonameid: int | None = Field(..., validation_alias="recipient_city_id")
    recipient_org: str
    subject: str
    occasion: str
    language: str
    body: str
    letter_date: dt.date | None
    answer_due_on: dt.date | None
    sent_on: dt.date | None
    received_on: dt.date | None
    closed_on: dt.date | None
    assignee: str
    reply_to: uuid.UUID | None
    partnership: uuid.UUID | None
    related_kind: str
    related_public_id: uuid.UUID | None
    note: str
    overdue: bool
    archived_at: dt.datetime | None = None

    @staticmethod
    def resolve_reply_to(letter) -> uuid.UUID | None:
        return letter.reply_to.public_id if letter.reply_to_id else None

    @staticmethod
    def resolve_partnership(letter) -> uuid.UUID | None:
        return letter.partnership.public_id if letter.partnership_id else None

    @staticmethod
    def resolve_overdue(letter) -> bool:
        return selectors.is_overdue(letter)


class LetterFields(Schema):
    sender_name: str = Field("", max_length=200)
    sender_title: str = Field("", max_length=200)
    sender_city_geonameid: int | None = None
    sender_org: str = Field("", max_length=300)
    recipient_name: str = Field("", max_length=200)
    recipient_title: str = Field("", max_length=200)
    recipient_city_geonameid: int | None = None
    recipient_org: str = Field("", max_length=300)
    occasion: OneOf[Occasion] = Occasion.OTHER.value
    language: str = Field("fa", min_length=2, max_length=8)
    body: str = Field("", max_length=50000)
    letter_date: dt.date | None = None
    answer_due_on: dt.date | None = None
    received_on: dt.date | None = None
    reply_to: uuid.UUID | None = None
    partnership: uuid.UUID | None = None
    related_kind: OneOf[RelatedKind] = ""
    related_public_id: uuid.UUID | None = None
    note: str = Field("", max_length=10000)


class LetterIn(LetterFields):
    direction: OneOf[Direction]
    subject: str = Field(..., min_length=1, max_length=500)
    registered_on: dt.date | None = None


class LetterPatch(LetterFields):
    subject: Patch[str] = Field(None, min_length=1, max_length=500)


class LetterTransitionIn(Schema):
    action: OneOf[LetterAction]
    on: dt.date
    note: str = Field("", max_length=2000)
    assignee: str = Field("", max_length=200)


class EventOut(Schema):
    on: dt.date
    action: str
    from_state: str
    to_state: str
    note: str
    actor: str | None

    @staticmethod
    def resolve_actor(event) -> str | None:
        return event.actor.username if event.actor else None


class LetterAttachmentOut(Schema):
    id: PublicId
    name: str = Field(..., validation_alias="original_name")
    content_type: str
    size: int


def _resolve(request, data: dict) -> dict:
    """Turn the ids of the payload into the org's objects; an unknown id is a 422 naming the field."""
    org, bad = request.org, {}
    for key in ("sender_city", "recipient_city"):
        if f"{key}_geonameid" in data:
            gid = data.pop(f"{key}_geonameid")
            data[key] = places.find_city(gid) if gid else None
            if gid and data[key] is None:
                bad[f"{key}_geonameid"] = _("No city has this GeoNames id.")
    if "reply_to" in data and data["reply_to"]:
        data["reply_to"] = selectors.letter_or_none(org=org, public_id=data["reply_to"])
        if data["reply_to"] is None:
            bad["reply_to"] = _("No letter of yours has this id.")
    if "partnership" in data and data["partnership"]:
        data["partnership"] = partners.partnerships(org=org).filter(public_id=data["partnership"]).first()
        if data["partnership"] is None:
            bad["partnership"] = _("No partnership of yours has this id.")
    if bad:
        raise invalid(bad)
    return data


@router.get("/letters", response=list[LetterOut], operation_id="letters_list")
@paged
@requires("correspondence.view")
def list_letters(request, q: str = "", direction: OneOf[Direction] | None = None,
                 state: OneOf[LetterState] | None = None, overdue: bool = False,
                 archived: bool = False):
    """The letters register, filtered by words, direction, state or overdue answers.

    Archived letters are left out; `archived=true` (owners) lists only those."""
    if archived:
        enforce(request, "correspondence.restore")
    return selectors.letters(org=request.org, direction=direction, state=state, query=q, overdue=overdue,
                             archived=archived)


@router.post("/letters", response={201: LetterOut}, operation_id="letters_create")
@requires("correspondence.edit")
def create_letter(request, payload: LetterIn):
    """Register a letter (it gets the next registry number)."""
    letter = services.register_letter(org=request.org, actor=request.user, **_resolve(request, payload.dict()))
    return Status(201, letter)


@router.get("/letters/{public_id}", response=LetterOut, operation_id="letters_get")
@requires("correspondence.view")
def get_letter(request, public_id: uuid.UUID):
    """One letter."""
    return selectors.letter(org=request.org, public_id=public_id)


@router.patch("/letters/{public_id}", response=LetterOut, operation_id="letters_update")
@requires("correspondence.edit")
def update_letter(request, public_id: uuid.UUID, payload: LetterPatch):
    """Change a letter (its text only until signed)."""
    letter = selectors.letter(org=request.org, public_id=public_id)
    fields = _resolve(request, payload.dict(exclude_unset=True))
    return services.update_letter(org=request.org, actor=request.user, letter=letter, **fields)


@router.delete("/letters/{public_id}", response={204: None}, operation_id="letters_delete")
@requires("correspondence.edit")
def delete_letter(request, public_id: uuid.UUID):
    """Delete a draft; any other letter is refused (409 `archive_instead`: archive it)."""
    services.delete_letter(org=request.org, actor=request.user,
                           letter=selectors.letter(org=request.org, public_id=public_id))
    return Status(204, None)


@router.post("/letters/{public_id}/archive", response=LetterOut, operation_id="letters_archive")
@requires("correspondence.edit")
def archive_letter(request, public_id: uuid.UUID):
    """Archive a letter: out of the register's list, search and follow-ups; kept with its number and history."""
    letter = selectors.letter(org=request.org, public_id=public_id)
    services.archive_letter(org=request.org, actor=request.user, letter=letter)
    return selectors.letter(org=request.org, public_id=public_id)


@router.post("/letters/{public_id}/restore", response=LetterOut, operation_id="letters_restore")
@requires("correspondence.restore")
def restore_letter(request, public_id: uuid.UUID):
    """Bring an archived letter back (owners)."""
    letter = selectors.letter(org=request.org, public_id=public_id)
    services.restore_letter(org=request.org, actor=request.user, letter=letter)
    return selectors.letter(org=request.org, public_id=public_id)


@router.post("/letters/{public_id}/transitions", response=LetterOut, operation_id="letters_transition")
@requires("correspondence.edit")
def transition_letter(request, public_id: uuid.UUID, payload: LetterTransitionIn):
    """Move a letter along its workflow (review, sign, send, answer, …)."""
    letter = selectors.letter(org=request.org, public_id=public_id)
    return services.transition_letter(org=request.org, actor=request.user, letter=letter, **payload.dict())


@router.get("/letters/{public_id}/events", response=list[EventOut], operation_id="letters_events")
@paged
@requires("correspondence.view")
def letter_events(request, public_id: uuid.UUID):
    """A letter's workflow steps, oldest first."""
    letter = selectors.letter(org=request.org, public_id=public_id)
    return letter.events.select_related("actor")


@router.get("/letters/{public_id}/attachments", response=list[LetterAttachmentOut], operation_id="letters_attachments")
@paged
@requires("correspondence.view")
def list_attachments(request, public_id: uuid.UUID):
    """A letter's attached files."""
    letter = selectors.letter(org=request.org, public_id=public_id)
    return letter.attachments.all()


@router.post("/letters/{public_id}/attachments", response={201: LetterAttachmentOut},
             operation_id="letters_attachment_upload")
@requires("correspondence.edit")
def upload_attachment(request, public_id: uuid.UUID, file: UploadedFile = File(...)):  # noqa: B008
    """Attach a file (PDF or image) to a letter."""
    letter = selectors.letter(org=request.org, public_id=public_id)
    return Status(201, services.add_attachment(org=request.org, actor=request.user, letter=letter, upload=file))


@router.get("/letters/{public_id}/attachments/{attachment_id}", operation_id="letters_attachment_download")
@requires("correspondence.view")
def download_attachment(request, public_id: uuid.UUID, attachment_id: uuid.UUID):
    """Download a letter's attachment."""
    letter = selectors.letter(org=request.org, public_id=public_id)
    a = selectors.attachment(org=request.org, letter=letter, public_id=attachment_id)
    return files.serve(a.file, name=a.original_name, content_type=a.content_type)


class TemplateIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    occasion: OneOf[Occasion]
    subject: dict[str, str]
    body: dict[str, str]


class TemplateOut(TemplateIn):
    id: PublicId


class RenderedOut(Schema):
    subject: str
    body: str
    language: str
    wanted: str
    fallback: bool


@router.get("/templates", response=list[TemplateOut], operation_id="letter_templates_list")
@paged
@requires("correspondence.view")
def list_templates(request, occasion: OneOf[Occasion] | None = None):
    """Letter templates, by occasion."""
    return selectors.templates(org=request.org, occasion=occasion)


@router.post("/templates", response={201: TemplateOut}, operation_id="letter_templates_create")
@requires("correspondence.edit")
def create_template(request, payload: TemplateIn):
    """Write a letter template."""
    return Status(201, services.save_template(org=request.org, actor=request.user, **payload.dict()))


@router.get("/templates/{public_id}", response=TemplateOut, operation_id="letter_templates_get")
@requires("correspondence.view")
def get_template(request, public_id: uuid.UUID):
    """One letter template."""
    return selectors.template(org=request.org, public_id=public_id)


@router.put("/templates/{public_id}", response=TemplateOut, operation_id="letter_templates_update")
@requires("correspondence.edit")
def update_template(request, public_id: uuid.UUID, payload: TemplateIn):
    """Rewrite a letter template."""
    template = selectors.template(org=request.org, public_id=public_id)
    return services.save_template(org=request.org, actor=request.user, template=template, **payload.dict())


@router.get("/templates/{public_id}/render", response=RenderedOut, operation_id="letter_templates_render")
@requires("correspondence.view")
def render_template(request, public_id: uuid.UUID, lang: str = "fa", city_geonameid: int | None = None,
                    official: str = "", on: Date | None = None):
    """A template filled in for a city, in the recipient's language."""
    template = selectors.template(org=request.org, public_id=public_id)
    city = places.find_city(city_geonameid) if city_geonameid else None
    return templating.render(template, lang=lang, city=city, official=official, on=on or today()).__dict__


class OccurrenceOut(Schema):
    on: dt.date
    kind: str
    title: str
    titles: dict
    local_title: str
    local_language: str
    estimated: bool
    suggested_occasion: str
    partnership: uuid.UUID | None
    city_geonameid: int | None
    days_left: int
    suggested_template: uuid.UUID | None


@router.get("/calendar/occasions", response=list[OccurrenceOut], operation_id="calendar_occasions")
@paged
@requires("correspondence.view")
def calendar_occasions(request, days: int = Query(None, ge=1, le=730)):  # noqa: B008
    """The partners' coming occasions, with the template to answer each."""
    items = calendar.reminders(org=request.org, lead_days=days or settings.CALENDAR_LEAD_DAYS)
    return [{"on": r.occurrence.on, "kind": r.occurrence.kind, "title": r.occurrence.title,
             "titles": r.occurrence.titles, "local_title": r.occurrence.local_title,
             "local_language": r.occurrence.local_language, "estimated": r.occurrence.estimated,
             "suggested_occasion": r.occurrence.occasion,
             "partnership": r.occurrence.partnership.public_id if r.occurrence.partnership else None,
             "city_geonameid": r.occurrence.partnership.city_id if r.occurrence.partnership else None,
             "days_left": r.days_left, "suggested_template": r.template.public_id if r.template else None}
            for r in items]


class FeedOut(Schema):
    url: str
    prefix: str


@router.post("/calendar/feed", response={201: FeedOut}, operation_id="calendar_feed_create")
@requires("correspondence.edit")
def create_feed(request):
    """Make a secret iCalendar feed of the protocol calendar."""
    feed, secret = services.create_calendar_feed(org=request.org, actor=request.user)
    return Status(201, {"url": request.build_absolute_uri(reverse("correspondence:feed", args=[secret])),
                        "prefix": feed.prefix})


@router.delete("/calendar/feed", response={204: None}, operation_id="calendar_feed_revoke")
@requires("correspondence.edit")
def revoke_feed(request):
    """Revoke every iCalendar feed of your office."""
    services.revoke_calendar_feeds(org=request.org, actor=request.user)
    return Status(204, None)


@router.get("/letters/{public_id}/pdf", operation_id="letters_pdf")
@requires("correspondence.view")
def letter_pdf(request, public_id: uuid.UUID):
    """A letter printed as PDF."""
    letter = selectors.letter(org=request.org, public_id=public_id)
    return HttpResponse(printing.letter_pdf(letter), content_type="application/pdf")
