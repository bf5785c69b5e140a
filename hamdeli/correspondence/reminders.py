"""The daily reminder email: each office's members who asked for it (and may write letters) get, in the
language they chose, the occasions within the lead time that still need a letter and the overdue letters.

Run once a day by the worker (`tasks.send_daily_reminders`, enqueued by `core.jobs.enqueue_due_runs`) or by
`hamdeli calendar remind`. A member gets at most one a day: the `ReminderSent` row is inserted in the
transaction that sends the email, so a retried run, a second worker or a run after a killed one finds it
and skips the member, while a member whose email failed (or whose run was killed before it) has no row and
gets it on the next attempt. The one gap: a worker killed after the mail server accepted the message and
before the row's commit sends it again on the retry (a duplicate, never a loss).
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from hamdeli.core import selectors as core
from hamdeli.core.models import Membership, Organization
from hamdeli.core.tenancy import in_scope_of, scopes_disabled
from hamdeli.correspondence import calendar, selectors
from hamdeli.correspondence.models import Direction, Letter, ReminderSent

logger = logging.getLogger(__name__)
PERMISSION = "correspondence.edit"  # who may write the letters gets the reminders


@dataclass
class Digest:
    """What one office's reminder says on one day."""
    org: Organization
    day: dt.date
    occasions: list[calendar.Reminder] = field(default_factory=list)
    overdue: list[Letter] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.occasions or self.overdue)


def needs_letter(reminder: calendar.Reminder, written: list[Letter], lead_days: int) -> bool:
    """An occasion still needs a letter unless each partner it concerns (any, when it names none) has an
    outgoing letter of its suggested occasion registered since the lead time before it, drafts included."""
    o = reminder.occurrence
    since = o.on - dt.timedelta(days=lead_days)
    done = [letter for letter in written if letter.occasion == o.occasion and letter.registered_on >= since]
    if not o.partnerships:
        return not done
    answered = {letter.partnership_id for letter in done}
    return any(p.pk not in answered for p in o.partnerships)


def digest(*, org: Organization, day: dt.date) -> Digest:
    """The office's occasions within the lead time that still need a letter, and its overdue letters."""
    lead = settings.CALENDAR_LEAD_DAYS
    upcoming = calendar.reminders(org=org, as_of=day, lead_days=lead)
    written = list(selectors.letters(org=org, direction=Direction.OUTGOING, date_from=day - dt.timedelta(days=lead)))
    return Digest(org=org, day=day, occasions=[r for r in upcoming if needs_letter(r, written, lead)],
                  overdue=list(selectors.overdue(org=org, as_of=day)))


def render(membership: Membership, office_digest: Digest) -> EmailMessage:
    """The member's email, in the language they chose for it (Jalali dates and Persian digits in fa)."""
    with translation.override(membership.email_language):
        context = {"membership": membership, "digest": office_digest, "org": office_digest.org,
                   "lead_days": settings.CALENDAR_LEAD_DAYS}
        subject = " ".join(render_to_string("correspondence/reminder_subject.txt", context).split())
        body = render_to_string("correspondence/reminder_email.txt", context)
    return EmailMessage(subject=subject, body=body, to=[membership.user.email])


def remind(membership: Membership, office_digest: Digest) -> bool:
    """Send the member today's reminder unless it was sent already; True when this call sent it. The row is
    inserted first, in the sending transaction: a concurrent run waits on it, then finds it and skips."""
    if ReminderSent.objects.filter(membership=membership, day=office_digest.day).exists():
        return False
    try:
        with transaction.atomic():
            ReminderSent.objects.create(membership=membership, day=office_digest.day,
                                        occasions=len(office_digest.occasions), overdue=len(office_digest.overdue))
            render(membership, office_digest).send()
    except IntegrityError:  # another worker sent it meanwhile
        return False
    return True


def offices_to_remind() -> list[Organization]:
    """The offices with at least one member who asked for the reminder email."""
    with scopes_disabled():  # which offices there are: each is then reminded in its own scope
        return [org for org in core.offices() if core.reminder_recipients(org=org, perm=PERMISSION).exists()]


def send_reminders(*, day: dt.date, office: str | None = None) -> tuple[int, int]:
    """Send every office's reminders of `day` (or only the office of this public id): (how many sent, how
    many failed). A member's failure (the mail server refusing) does not stop the others; the caller retries
    the failed ones."""
    sent = failed = 0
    with scopes_disabled():  # which offices there are: the run goes through each in its own scope
        offices = [org for org in core.offices() if office is None or str(org.public_id) == office]
    for org in offices:
        with in_scope_of(org):
            recipients = list(core.reminder_recipients(org=org, perm=PERMISSION))
            if not recipients:
                continue
            office_digest = digest(org=org, day=day)
            if not office_digest:
                continue
            for membership in recipients:
                try:
                    sent += remind(membership, office_digest)
                except Exception:  # noqa: BLE001 (logged and counted; the job is retried for the rest)
                    logger.exception("reminder email to %s (%s) failed", membership.user.username, org.slug)
                    failed += 1
    return sent, failed
