"""Every write on practices: one transaction each, with its audit entry."""

import datetime as dt
import decimal
from collections.abc import Callable, Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamdeli.core import archiving, audit, jobs, validation
from hamdeli.core.errors import Conflict, ValidationFailed
from hamdeli.core.files import check_upload, delete_on_commit, removing_file_on_failure
from hamdeli.core.models import Organization
from hamdeli.core.records import get_or_404, locked
from hamdeli.core.types import Actor
from hamdeli.core.validation import Problems, choice, email, localized, unknown_fields
from hamdeli.core.weblinks import is_web_address
from hamdeli.partners import selectors as partners
from hamdeli.places.models import City
from hamdeli.practices.models import (
    CityQuestion,
    Crisis,
    CrisisImpact,
    Instrument,
    Phase,
    Practice,
    PracticeAttachment,
    Topic,
    Visibility,
)
from hamdeli.practices.search import semantic
from hamdeli.practices.search.text import practice_document

LOCALIZED = ("title", "summary", "body", "results", "note")
CHOICES = {"crisis": Crisis, "phase": Phase, "instrument": Instrument, "visibility": Visibility}
PLAIN = ("started_on", "ended_on", "cost", "cost_currency", "contact_name", "contact_email")
FIELDS = (*LOCALIZED, *CHOICES, *PLAIN, "topics", "links", "city", "network")
MAX_LINKS = 20


def _clean(org: Organization, data: dict[str, Any], errors: Problems) -> dict[str, Any]:
    """Check each given field; collect every problem, by field name."""
    errors.collect(unknown_fields, data, FIELDS)
    out: dict[str, Any] = {}
    for name in LOCALIZED:
        if name in data and (text := errors.collect(localized, name, data[name], required=name == "title")) is not None:
            out[name] = text
    for name, choices in CHOICES.items():
        if name in data and errors.collect(choice, name, data[name], choices) is not None:
            out[name] = data[name]
    if "topics" in data:
        topics = data["topics"] if isinstance(data["topics"], list | tuple) else [data["topics"]]
        if not topics:
            errors["topics"] = _("Choose at least one topic.")
        elif any(t not in Topic.values for t in topics):
            errors["topics"] = _("Choose one of the allowed values.")
        else:
            out["topics"] = list(dict.fromkeys(topics))
    if "links" in data:
        links = [str(u).strip() for u in (data["links"] or []) if str(u).strip()]
        if len(links) <= MAX_LINKS and all(is_web_address(url) for url in links):
            out["links"] = links
        else:
            errors["links"] = _("Give at most %(n)s web addresses starting with http:// or https://.") % {
                "n": MAX_LINKS}
    for name in PLAIN:
        if name in data:
            out[name] = data[name] if data[name] is not None else ("" if name in ("cost_currency", "contact_name",
                                                                                  "contact_email") else None)
    if out.get("contact_email"):
        errors.collect(email, "contact_email", out["contact_email"])
    if out.get("cost") is not None:
        try:
            out["cost"] = decimal.Decimal(str(out["cost"]))
            if out["cost"] < 0 or out["cost"] >= 10**12:
                raise decimal.InvalidOperation
        except decimal.InvalidOperation:
            errors["cost"] = _("Enter a cost of zero or more.")
    if out.get("cost_currency") and (len(out["cost_currency"]) != 3 or not out["cost_currency"].isalpha()):
        errors["cost_currency"] = _("Give the three-letter currency code, e.g. IRR or EUR.")
    if "city" in data:
        if isinstance(data["city"], City):
            out["city"] = data["city"]
        else:
            errors["city"] = _("No city has this GeoNames id.")
    if "network" in data:
        out["network"] = data["network"]
    return out


def _check_sharing(org: Organization, practice: Practice, errors: dict[str, str]) -> None:
    if practice.visibility == Visibility.NETWORK:
        if practice.network is None:
            errors["network"] = _("Choose the network to share with.")
        elif not partners.member_networks(org).filter(network_id=practice.network.pk).exists():
            errors["network"] = _("Your office can share only with a network it is a member of.")
    else:
        practice.network = None
    if practice.started_on and practice.ended_on and practice.ended_on < practice.started_on:
        errors["ended_on"] = _("The end cannot come before the start.")


def refresh_derived(practice: Practice, *, embed: bool = True) -> None:
    """Recompute what filters, facets and the search indexes read; the embedding too unless deferred."""
    practice.topics_key = " " + " ".join(practice.topics) + " "
    langs: set[str] = set()
    for name in ("title", "summary", "body"):
        langs.update(getattr(practice, name) or {})
    practice.languages = " " + " ".join(sorted(langs)) + " "
    practice.search_text = practice_document(practice)
    if embed:
        practice.embedding = semantic.embed_practices([practice])[0]


def _validated(org: Organization, practice: Practice, data: dict[str, Any]) -> Practice:
    errors = Problems()
    cleaned = _clean(org, data, errors)
    for name, value in cleaned.items():
        setattr(practice, name, value)
    if practice.city_id is None and "city" not in errors:
        errors["city"] = _("This field is required.")
    if not practice.topics and "topics" not in errors:
        errors["topics"] = _("Choose at least one topic.")
    if not practice.title and "title" not in errors:
        errors["title"] = _("Write the text in at least one language.")
    _check_sharing(org, practice, errors)
    errors.check()
    return practice


@transaction.atomic
def create_practice(*, org: Organization, actor: Actor, embed: bool = True, **data: Any) -> Practice:
    data.setdefault("city", org.city)
    practice = _validated(org, Practice(org=org), data)
    refresh_derived(practice, embed=embed)
    practice.save()
    audit.record(org=org, actor=actor, action="practice.created", obj=practice,
                 after=_snapshot(practice))
    if embed:  # deferred (a bulk import): the embedding job refreshes the index when it has the vectors
        _vectors_changed(org)
    return practice


def _snapshot(practice: Practice) -> dict[str, Any]:
    data = audit.snapshot(practice)
    for name in ("embedding", "search_text", "topics_key", "languages"):
        data.pop(name, None)
    return data


@transaction.atomic
def update_practice(*, org: Organization, actor: Actor, practice: Practice, **data: Any) -> Practice:
    practice = get_or_404(Practice.objects.select_for_update(of=("self",)).select_related("city", "network"),
                          pk=practice.pk, org=org)
    before = _snapshot(practice)
    _validated(org, practice, data)
    refresh_derived(practice)
    practice.save()
    audit.record(org=org, actor=actor, action="practice.updated", obj=practice, before=before,
                 after=_snapshot(practice))
    _vectors_changed(org)
    return practice


def _vectors_changed(org: Organization) -> None:
    """A practice's vector changed: the background worker brings the shared vector index up to date once the
    transaction commits (searches read the change from the table until then)."""
    from hamdeli.practices.tasks import refresh_index_soon

    refresh_index_soon(org=org)


def delete_practice(*, org: Organization, actor: Actor, practice: Practice) -> None:
    """A practice is never deleted: it has no draft state, and whoever read it may want it back. It is
    archived instead (`archive_practice`), which keeps its files and history; an owner can restore it."""
    raise Conflict(_("A practice is not deleted: archive it instead (an owner can restore it)."),
                   code="archive_instead")


@transaction.atomic
def archive_practice(*, org: Organization, actor: Actor, practice: Practice) -> Practice:
    """Hide one of the org's practices from lists, searches, the exchange, partners and exports."""
    practice = locked(Practice.objects, pk=practice.pk, org=org)
    return archiving.archive(org=org, actor=actor, obj=practice, action="practice.archived")


@transaction.atomic
def restore_practice(*, org: Organization, actor: Actor, practice: Practice) -> Practice:
    practice = locked(Practice.objects, pk=practice.pk, org=org)
    return archiving.restore(org=org, actor=actor, obj=practice, action="practice.restored")


@transaction.atomic
def add_attachment(*, org: Organization, actor: Actor, practice: Practice, upload: "UploadedFile[Any] | None",
                   ) -> PracticeAttachment:
    if upload is None:
        raise ValidationFailed(_("Some required fields are empty."), fields={"file": _("This field is required.")})
    kind = check_upload(upload, field="file")
    if practice.org_id != org.pk:
        raise ValidationFailed(_("Unknown practice."))
    name = (getattr(upload, "name", "") or "file")[:200]
    attachment = PracticeAttachment(org=org, practice=practice, name=name, content_type=kind.content_type)
    attachment.file.save(name, upload, save=False)
    with removing_file_on_failure(attachment.file):
        attachment.save()
        audit.record(org=org, actor=actor, action="practice.attachment_added", obj=attachment,
                     after={"practice": str(practice.public_id), "name": name})
    return attachment


@transaction.atomic
def remove_attachment(*, org: Organization, actor: Actor, attachment: PracticeAttachment) -> None:
    """Remove one of the org's attachments; the stored file goes once the removal has committed."""
    attachment = locked(PracticeAttachment.objects.select_related("practice"), pk=attachment.pk, org=org)
    audit.record(org=org, actor=actor, action="practice.attachment_removed", obj=attachment,
                 before={"practice": str(attachment.practice.public_id), "name": attachment.name})
    attachment.delete()
    delete_on_commit(attachment.file)


@transaction.atomic
def record_impact(*, org: Organization, actor: Actor, crisis: str, hit_on: dt.date | None, city: City | None = None,
                  note: str = "") -> CrisisImpact:
    errors = Problems()
    errors.collect(choice, "crisis", crisis, Crisis)
    if hit_on is None:
        errors["hit_on"] = _("This field is required.")
    if len(note or "") > 500:
        errors["note"] = _("At most 500 characters.")
    errors.check()
    assert hit_on is not None  # refused above
    city = city or org.city
    impact = CrisisImpact.objects.select_for_update().filter(org=org, crisis=crisis, city=city).first()
    before = _snapshot_impact(impact)
    if impact is None:
        impact = CrisisImpact(org=org, crisis=crisis, city=city)
    impact.hit_on, impact.note = hit_on, note or ""
    impact.save()
    audit.record(org=org, actor=actor, action="practice.impact_recorded", obj=impact, before=before,
                 after=_snapshot_impact(impact))
    return impact


def _snapshot_impact(impact: CrisisImpact | None) -> dict[str, Any] | None:
    return audit.snapshot(impact) if impact is not None else None


@transaction.atomic
def ask_city(*, practice: Practice, name: str, email: str, message: str, sender_ip: str | None) -> CityQuestion:
    """A visitor's question about a public practice, stored for the org that owns it."""
    errors = Problems()
    name, address, message = (name or "").strip(), (email or "").strip(), (message or "").strip()
    if not name or len(name) > 200:
        errors["name"] = _("Give your name (at most 200 characters).")
    errors.collect(validation.email, "email", address)
    if not message or len(message) > 4000:
        errors["message"] = _("Write your question in at most 4000 characters.")
    if practice.visibility != Visibility.PUBLIC:
        errors["__all__"] = _("Only public practices take questions.")
    errors.check()
    question = CityQuestion.objects.create(org=practice.org, practice=practice, name=name, email=address,
                                           message=message, sender_ip=sender_ip)
    audit.record(org=practice.org, actor=None, action="practice.question_received", obj=question,
                 after={"practice": str(practice.public_id), "email": address})
    return question


@transaction.atomic
def mark_question_read(*, org: Organization, actor: Actor, question: CityQuestion) -> CityQuestion:
    question = locked(CityQuestion.objects, pk=question.pk, org=org)
    if question.read_at is None:
        question.read_at = timezone.now()
        question.save(update_fields=["read_at"])
        audit.record(org=org, actor=actor, action="practice.question_read", obj=question)
    return question


def embed_missing(*, batch: int = 32, progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None,
                  only: Iterable[Practice] | None = None) -> int:
    """Compute the embeddings that are not stored yet (after a bulk import), of every practice or `only` of
    these; returns how many."""
    missing = Practice.objects.filter(embedding=None)
    if only is not None:
        missing = missing.filter(pk__in=[practice.pk for practice in only])
    ids = list(missing.values_list("pk", flat=True))
    chunks = [ids[i:i + batch] for i in range(0, len(ids), batch)]
    for chunk in progress(chunks) if progress else chunks:
        practices = list(Practice.objects.filter(pk__in=chunk).select_related("city"))
        vectors = semantic.embed_practices(practices)
        for practice, vector in zip(practices, vectors, strict=True):
            # Only if still missing: an edit saved meanwhile stored the vector of its newer text.
            Practice.objects.filter(pk=practice.pk, embedding=None).update(embedding=vector,
                                                                           updated_at=timezone.now())
    return len(ids)


def embed_in_background(*, org: Organization | None = None) -> None:
    """Embed what a bulk import left without vectors in the background worker (`hamdeli worker`), once the
    import has committed (a rolled-back import enqueues nothing)."""
    from hamdeli.practices.tasks import embed_missing_practices

    jobs.enqueue_on_commit(embed_missing_practices, office=org)
