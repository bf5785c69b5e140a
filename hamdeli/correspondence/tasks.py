"""The correspondence's background jobs, run by `hamdeli worker` (core.jobs)."""

import datetime as dt

from hamdeli.core import jobs
from hamdeli.correspondence import reminders


class RemindersFailed(Exception):
    """Some members' reminder emails could not be sent; the retry sends those (and no other) again."""


@jobs.job(retries=3)
def send_daily_reminders(*, day: str) -> int:
    """The day's reminder emails (enqueued by the worker once a day, `CorrespondenceConfig.ready`).
    Idempotent: a member who got the day's email is skipped, so a retry or a run after a killed worker
    sends only what is missing."""
    sent, failed = reminders.send_reminders(day=dt.date.fromisoformat(day))
    if failed:
        raise RemindersFailed(f"{failed} reminder email(s) of {day} could not be sent; {sent} were")
    return sent
