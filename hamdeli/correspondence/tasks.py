"""The correspondence's background jobs, run by `hamdeli worker` (core.jobs)."""

import datetime as dt

from hamdeli.core import jobs
from hamdeli.correspondence import reminders


class RemindersFailed(Exception):
    """Some members' reminder emails could not be sent; the retry sends those (and no other) again."""


@jobs.job(retries=3)
def send_daily_reminders(*, day: str) -> int:
    """The day's reminder run (enqueued by the worker once a day, `CorrespondenceConfig.ready`): one job per
    office that has members to remind, so an office's failure is retried alone and listed on its own
    failed-jobs page. Run again (a retry, a killed worker), it enqueues them again, which sends nothing twice."""
    offices = reminders.offices_to_remind()
    for org in offices:
        jobs.enqueue_on_commit(send_office_reminders, office=org, day=day, org=str(org.public_id))
    return len(offices)


@jobs.job(retries=3)
def send_office_reminders(*, day: str, org: str) -> int:
    """One office's reminder emails of the day. Idempotent: a member who got the day's email is skipped, so a
    retry or a run after a killed worker sends only what is missing."""
    sent, failed = reminders.send_reminders(day=dt.date.fromisoformat(day), office=org)
    if failed:
        raise RemindersFailed(f"{failed} reminder email(s) of {day} could not be sent; {sent} were")
    return sent
