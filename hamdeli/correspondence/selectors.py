"""Reads of letters, always for one org."""

import datetime as dt
from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import Q, QuerySet

from hamdeli.core.dates import today
from hamdeli.core.listing import alphabetical, choice_order, sort
from hamdeli.core.models import Membership, Organization
from hamdeli.core.records import get_or_404
from hamdeli.core.tenancy import across_offices
from hamdeli.core.text import normalize
from hamdeli.correspondence.models import (
    CLOSED_STATES,
    Attachment,
    CalendarFeed,
    Letter,
    LetterState,
    LetterTemplate,
    ReminderSent,
    hash_feed_token,
)

if TYPE_CHECKING:
    from hamdeli.partners.models import Partnership


def letters(*, org: Organization, direction: str | None = None, state: str | None = None, query: str = "",
            overdue: bool = False, partnership: "Partnership | None" = None, as_of: dt.date | None = None,
            year: int | None = None,
            date_from: dt.date | None = None, date_to: dt.date | None = None, city_id: int | None = None,
            archived: bool | None = False) -> QuerySet[Letter]:
    """The org's letters, narrowed: `year` is the registry's (Jalali) year, the dates bound the day a
    letter was registered, `city_id` keeps the letters with a city (its correspondent's, or its
    partnership's). Archived letters are left out (`archived=True`: only those; None: all)."""
    qs = Letter.objects.filter(org=org).select_related("sender_city", "recipient_city", "partnership__city", "reply_to")
    if archived is not None:
        qs = qs.filter(archived_at__isnull=not archived)
    if direction:
        qs = qs.filter(direction=direction)
    if state:
        qs = qs.filter(state=state)
    if partnership is not None:
        qs = qs.filter(partnership=partnership)
    if year:
        qs = qs.filter(registry_year=year)
    if date_from:
        qs = qs.filter(registered_on__gte=date_from)
    if date_to:
        qs = qs.filter(registered_on__lte=date_to)
    if city_id:
        qs = qs.filter(Q(sender_city_id=city_id) | Q(recipient_city_id=city_id) | Q(partnership__city_id=city_id))
    for word in normalize(query).split():
        qs = qs.filter(search_key__contains=word)
    if overdue:
        qs = qs.filter(overdue_q(as_of))
    return qs


# The register's sorts (core.listing): the number (newest first), the subject, the day registered,
# the state in the order of the workflow, the answer due.
SORTS = {
    "number": sort("registry_year", "registry_seq", descending_first=True),
    "subject": sort(alphabetical("subject")),
    "registered": sort("registered_on", "registry_year", "registry_seq", descending_first=True),
    "state": sort(choice_order("state", LetterState)),
    "due": sort("answer_due_on"),
}


def registry_years(*, org: Organization) -> list[int]:
    """The registry years the org has letters in, newest first."""
    return list(Letter.objects.filter(org=org).order_by("-registry_year").values_list("registry_year", flat=True)
                .distinct())


def overdue_q(as_of: dt.date | None = None) -> Q:
    """An answer (or acknowledgement) was due before today and the letter is not closed."""
    return Q(answer_due_on__lt=as_of or today()) & ~Q(state__in=CLOSED_STATES) & ~Q(state="draft")


def overdue(*, org: Organization, as_of: dt.date | None = None) -> QuerySet[Letter]:
    return letters(org=org).filter(overdue_q(as_of)).order_by("answer_due_on")


def is_overdue(letter: Letter, as_of: dt.date | None = None) -> bool:
    return bool(letter.answer_due_on and letter.answer_due_on < (as_of or today())
                and letter.state not in CLOSED_STATES and letter.state != "draft")


def letter(*, org: Organization, public_id: UUID) -> Letter:
    """One of the org's letters, archived or not (an archived letter stays readable by its link)."""
    return get_or_404(letters(org=org, archived=None).select_related("archived_by"), public_id=public_id)


def letter_or_none(*, org: Organization, public_id: UUID | None) -> Letter | None:
    if not public_id:
        return None
    return Letter.objects.filter(org=org, public_id=public_id).first()


def attachment(*, org: Organization, letter: Letter, public_id: UUID) -> Attachment:
    return get_or_404(Attachment.objects.filter(org=org, letter=letter), public_id=public_id)


def thread(letter: Letter) -> list[Letter]:
    """The chain of letters this one answers (oldest first), then the letter, then its replies."""
    chain: list[Letter] = []
    seen, current = {letter.pk}, letter.reply_to
    while current is not None and current.pk not in seen:
        chain.insert(0, current)
        seen.add(current.pk)
        current = current.reply_to
    return [*chain, letter, *letter.replies.filter(org=letter.org).order_by("registered_on", "pk")]


def templates(*, org: Organization, occasion: str | None = None) -> QuerySet[LetterTemplate]:
    qs = LetterTemplate.objects.filter(org=org)
    return qs.filter(occasion=occasion) if occasion else qs


def template(*, org: Organization, public_id: UUID) -> LetterTemplate:
    return get_or_404(LetterTemplate.objects.filter(org=org), public_id=public_id)


@across_offices("the secret token in the feed's address is the credential, whichever office it is of")
def calendar_feed_by_token(token: str) -> Organization | None:
    """The org of an active feed token, or None (a revoked or unknown token is treated alike)."""
    if not token or len(token) > 100:
        return None
    feed = (CalendarFeed.objects.filter(key_hash=hash_feed_token(token), revoked_at__isnull=True)
            .select_related("org").first())
    return feed.org if feed else None


def active_calendar_feed(*, org: Organization) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(org=org, revoked_at__isnull=True).first()


def last_reminder(*, membership: Membership) -> ReminderSent | None:
    """The member's latest reminder email, or None."""
    return ReminderSent.objects.filter(membership=membership).order_by("-day").first()
