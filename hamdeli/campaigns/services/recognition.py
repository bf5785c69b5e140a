"""Recognition: items with an original and numbered copies, each for exactly one recipient, and handovers."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from hamdeli.campaigns.models import Recipient, RecognitionCopy, RecognitionItem, RecognitionKind
from hamdeli.core import audit, bidi
from hamdeli.core import services as core_services
from hamdeli.core.errors import Conflict, require_fields
from hamdeli.core.models import Organization
from hamdeli.core.records import locked
from hamdeli.core.types import Actor
from hamdeli.core.validation import choice, invalid, localized, max_length
from hamdeli.places.models import City


@transaction.atomic
def create_recipient(*, org: Organization, actor: Actor, name: object, city: "City | None" = None, notes: str = "",
                     ) -> Recipient:
    recipient = Recipient.objects.create(org=org, name=localized("name", name), city=city,
                                         notes=max_length("notes", notes, 5000))
    audit.record(org=org, actor=actor, action="recipient.created", obj=recipient, after=audit.snapshot(recipient))
    return recipient


@transaction.atomic
def list_aid_recipients(*, org: Organization, actor: Actor) -> list[Recipient]:
    """Add, as recipients, the hospitals and institutions the aid reached that are not listed yet (the
    hospitals treating patients are the ones the masks went to); each is listed once, however often this
    runs, even at the same time."""
    from hamdeli.campaigns import selectors

    core_services.lock_office(org)  # one listing at a time per office
    made = []
    for institution in selectors.unlisted_aid_recipients(org=org):
        recipient = Recipient.objects.create(org=org, name=institution.name, city_id=institution.city_id,
                                             source=institution.ref)
        audit.record(org=org, actor=actor, action="recipient.created", obj=recipient,
                     after={**audit.snapshot(recipient), "listed_from": "aid"})
        made.append(recipient)
    return made


@transaction.atomic
def create_item(*, org: Organization, actor: Actor, title: object, kind: str, maker: str = "", occasion: str = "",
                description: str = "") -> RecognitionItem:
    item = RecognitionItem.objects.create(
        org=org, title=localized("title", title), kind=choice("kind", kind, RecognitionKind),
        maker=max_length("maker", maker, 200), occasion=max_length("occasion", occasion, 300),
        description=max_length("description", description, 10000))
    audit.record(org=org, actor=actor, action="recognition_item.created", obj=item, after=audit.snapshot(item))
    return item


@transaction.atomic
def add_copies(*, org: Organization, actor: Actor, item: RecognitionItem, recipients: list[Recipient],
               original: bool = False) -> list[RecognitionCopy]:
    """Make the original (for one recipient) or one numbered copy for each recipient in the list.

    A recipient gets at most one copy of an item; an item has one original; numbers follow on.
    """
    if not recipients:
        raise invalid("recipients", _("Choose at least one recipient."))
    if len({r.pk for r in recipients}) != len(recipients):
        raise invalid("recipients", _("A recipient is listed twice."))
    if any(r.org_id != org.pk for r in recipients):
        raise invalid("recipients", _("Choose recipients of your organization."))
    item = locked(RecognitionItem.objects, pk=item.pk, org=org)
    if original and len(recipients) != 1:
        raise invalid("recipients", _("The original goes to exactly one recipient."))
    if original and item.copies.filter(is_original=True).exists():
        raise Conflict(_("The original of this item is already assigned."),
                       fields={"original": _("The original is already assigned.")})
    taken = item.copies.filter(recipient__in=recipients).select_related("recipient")
    if taken:
        names = bidi.join(bidi.isolate(str(c.recipient)) for c in taken)
        raise Conflict(_("These recipients already have a copy: %(names)s.") % {"names": names},
                       fields={"recipients": _("Already has a copy: %(names)s.") % {"names": names}})
    number = item.copies.aggregate(n=Max("number"))["n"] or 0
    made = []
    try:
        with transaction.atomic():
            for recipient in recipients:
                if original:
                    copy = RecognitionCopy.objects.create(org=org, item=item, recipient=recipient, is_original=True)
                else:
                    number += 1
                    copy = RecognitionCopy.objects.create(org=org, item=item, recipient=recipient, number=number)
                made.append(copy)
    except IntegrityError:  # pragma: no cover - the checks above, under the item's lock, come first
        raise Conflict(_("Each copy goes to exactly one recipient.")) from None
    for copy in made:
        audit.record(org=org, actor=actor, action="recognition_copy.assigned", obj=copy, after=audit.snapshot(copy))
    return made


@transaction.atomic
def record_handover(*, org: Organization, actor: Actor, copy: RecognitionCopy, handed_over_on: dt.date | None,
                    received_by: str,
                    note: str = "") -> RecognitionCopy:
    require_fields(handed_over_on=handed_over_on, received_by=(received_by or "").strip())
    copy = locked(RecognitionCopy.objects, pk=copy.pk, org=org)
    if copy.handed_over_on is not None:
        raise Conflict(_("This copy was already handed over."),
                       fields={"handed_over_on": _("Already handed over.")})
    before = audit.snapshot(copy)
    copy.handed_over_on = handed_over_on
    copy.received_by = max_length("received_by", received_by, 200)
    copy.note = max_length("note", note, 5000)
    copy.save()
    audit.record(org=org, actor=actor, action="recognition_copy.handed_over", obj=copy, before=before,
                 after=audit.snapshot(copy))
    return copy
