"""The daily reminder email (correspondence.reminders): once per member per day, in the member's language, to
the members who asked for it and may write letters, about their own office only; the worker enqueues the day's
run once whatever the number of workers, and a run retried or whose worker was killed neither repeats nor
loses an email."""

import datetime as dt
import email
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hamdeli import cli
from hamdeli.core import jobs
from hamdeli.core.models import Membership, ScheduledRun
from hamdeli.correspondence import reminders, services
from hamdeli.correspondence.models import Letter, ReminderSent
from hamdeli.correspondence.tasks import send_daily_reminders, send_office_reminders
from hamdeli.partners import services as partners_services
from hamdeli.partners.models import Partnership
from tests.conftest import _member, client_for

D = dt.date
DAY = D(2020, 1, 10)  # Spring Festival (25 January) is 15 days ahead, within the 21 days' lead


def _opt_in(user, org, language="fa", address=None):
    user.email = address or f"{user.username}@example.org"
    user.save(update_fields=["email"])
    Membership.objects.filter(user=user, org=org).update(reminder_emails=True, email_language=language)


def _partner(org, officer, city):
    p = partners_services.create_partnership(org=org, actor=officer, city=city)
    for action, on in [("submit_bill", D(2008, 6, 1)), ("approve", D(2008, 9, 1)), ("sign", D(2009, 3, 25)),
                       ("activate", D(2009, 4, 25))]:
        p = partners_services.transition_partnership(org=org, actor=officer, partnership=p, action=action, on=on)
    return p


def _overdue(org, officer, city, subject):
    return services.register_letter(org=org, actor=officer, direction="in", subject=subject, sender_city=city,
                                    registered_on=D(2020, 1, 2), answer_due_on=D(2020, 1, 8))


@pytest.fixture
def office(org, officer, owner, cities):
    """Our office: a partner in Xi'an (Spring Festival ahead), an overdue letter, an officer reading Persian and
    an owner reading English who asked for the email."""
    _partner(org, officer, cities["xian"])
    _overdue(org, officer, cities["xian"], "Invitation to the Silk Road forum")
    _opt_in(officer, org, "fa")
    _opt_in(owner, org, "en")
    return org


def _mails_to(address, outbox=None):
    return [m for m in (mail.outbox if outbox is None else outbox) if address in m.to]


@pytest.mark.django_db
def test_each_member_who_asked_gets_one_email_a_day_in_their_language(office, officer, owner):
    assert reminders.send_reminders(day=DAY) == (2, 0)
    [fa] = _mails_to(officer.email)
    [en] = _mails_to(owner.email)
    assert "Spring Festival" in en.body and "25 Jan 2020" in en.body and "in 15 days" in en.body
    assert "Invitation to the Silk Road forum" in en.body and "due 8 Jan 2020" in en.body
    assert en.subject == "Hamdeli reminders for Isfahan Municipality, 10 Jan 2020"
    # Persian: Jalali dates in Persian digits, the occasion's Persian title
    assert "جشن بهار" in fa.body and "۵ بهمن ۱۳۹۸" in fa.body and "۱۵ روز دیگر" in fa.body
    assert "Invitation to the Silk Road forum" in fa.body and "۱۸ دی ۱۳۹۸" in fa.body
    assert "شهرداری اصفهان" in fa.subject and "۲۰ دی ۱۳۹۸" in fa.subject
    assert not any(ch in fa.body.replace("Silk Road", "") for ch in "0123456789")
    # The same day again (a retry, a second worker, the command run by hand): nothing more.
    assert reminders.send_reminders(day=DAY) == (0, 0)
    assert len(mail.outbox) == 2 and ReminderSent.objects.count() == 2
    # The next day is another email.
    assert reminders.send_reminders(day=DAY + dt.timedelta(days=1)) == (2, 0)


@pytest.mark.django_db
def test_only_members_who_asked_and_may_write_letters_get_one(office, org, viewer, cities, officer):
    _opt_in(viewer, org, "en")  # asked, but a viewer writes no letters
    quiet = _member(org, "quiet_officer", "officer").user  # may write letters, never asked
    quiet.email = "quiet@example.org"
    quiet.save()
    gone = _member(org, "gone_officer", "officer")
    _opt_in(gone.user, org, "en")
    Membership.objects.filter(pk=gone.pk).update(deactivated_at=timezone.now())
    reminders.send_reminders(day=DAY)
    assert sorted(address for m in mail.outbox for address in m.to) == ["officer@example.org", "owner@example.org"]


@pytest.mark.django_db
def test_an_office_gets_only_its_own_occasions_and_letters(office, other_org, officer, cities):
    theirs = _member(other_org, "xian_officer", "officer").user
    _overdue(other_org, theirs, cities["barcelona"], "Their overdue letter")
    _opt_in(theirs, other_org, "en")
    reminders.send_reminders(day=DAY)
    [their_mail] = _mails_to(theirs.email)
    assert "Their overdue letter" in their_mail.body and "Xi'an Foreign Affairs Office" in their_mail.subject
    assert "Silk Road" not in their_mail.body and "Xi'an: " not in their_mail.body  # ours, not theirs
    assert all("Their overdue letter" not in m.body for m in _mails_to(officer.email))


@pytest.mark.django_db
def test_an_occasion_answered_by_a_letter_is_left_out_and_a_quiet_day_sends_nothing(office, org, officer, cities):
    partnership = Partnership.objects.get(org=org, city=cities["xian"])
    services.register_letter(org=org, actor=officer, direction="out", subject="春节快乐", occasion="greeting",
                             recipient_city=cities["xian"], partnership=partnership, registered_on=DAY)
    reminders.send_reminders(day=DAY)
    [en] = _mails_to("owner@example.org")
    assert "Spring Festival" not in en.body and "Silk Road" in en.body
    # The overdue letter answered and nothing else ahead: no email at all the next day.
    mail.outbox.clear()
    Letter.objects.filter(subject__startswith="Invitation").update(state="answered")
    assert reminders.send_reminders(day=DAY + dt.timedelta(days=1)) == (0, 0) and not mail.outbox


@pytest.mark.django_db
def test_the_page_turns_the_email_on_and_off(office, org, officer):
    client = client_for(officer)
    page = client.get("/calendar/reminders/")
    assert page.status_code == 200 and "ایمیل یادآوری" in page.content.decode()
    response = client.post("/calendar/reminders/", {"email_language": "en"})  # the box left unticked
    assert response.status_code == 302
    assert not Membership.objects.get(user=officer, org=org).reminder_emails
    reminders.send_reminders(day=DAY)
    assert not _mails_to(officer.email) and len(mail.outbox) == 1  # the owner's only
    client.post("/calendar/reminders/", {"reminder_emails": "on", "email_language": "en"})
    membership = Membership.objects.get(user=officer, org=org)
    assert membership.reminder_emails and membership.email_language == "en"
    reminders.send_reminders(day=DAY + dt.timedelta(days=1))
    [again] = _mails_to(officer.email)
    assert "Spring Festival" in again.body  # now in English
    assert client.post("/calendar/reminders/", {"reminder_emails": "on", "email_language": "xx"}).status_code == 422
    assert "آخرین" in client.get("/calendar/reminders/").content.decode()  # the last one sent is shown


@pytest.mark.django_db
def test_the_page_in_english(office, owner):
    client = client_for(owner)
    client.post("/language/", {"language": "en", "next": "/"})
    html = client.get("/calendar/reminders/").content.decode()
    assert "Reminder email" in html and "still need a letter" in html


@pytest.mark.django_db(transaction=True)
def test_the_worker_enqueues_the_days_run_once_whatever_the_number_of_workers(office, officer, owner, settings):
    settings.REMINDERS_HOUR = 7
    settings.TIME_ZONE = "Asia/Tehran"
    early = timezone.make_aware(dt.datetime(2020, 1, 10, 6, 30))
    assert jobs.enqueue_due_runs(now=early) == [] and not DBTaskResult.objects.exists()
    due = timezone.make_aware(dt.datetime(2020, 1, 10, 7, 5))
    assert jobs.enqueue_due_runs(now=due) == [send_daily_reminders.module_path]
    assert jobs.enqueue_due_runs(now=due) == []  # a second worker looking a minute later
    [run] = DBTaskResult.objects.all()
    assert run.args_kwargs["kwargs"] == {"office": None, "attempt": 1, "day": "2020-01-10"}
    assert ScheduledRun.objects.get().day == D(2020, 1, 10)
    assert cli.main(["worker", "--once"]) == 0
    daily, ours = DBTaskResult.objects.order_by("enqueued_at")  # the day's run, then one job per office
    assert daily.status == ours.status == "SUCCESSFUL" and len(mail.outbox) == 2
    assert ours.args_kwargs["kwargs"]["office"] == str(office.public_id)


@pytest.mark.django_db(transaction=True)
def test_a_run_whose_mail_server_failed_for_one_member_sends_only_that_one_on_retry(office, officer, owner,
                                                                                    monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    real = EmailBackend.send_messages

    def refuse_the_owner(self, messages):
        if any(owner.email in m.to for m in messages):
            raise ConnectionRefusedError("mail server down")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_the_owner)
    jobs.enqueue_on_commit(send_daily_reminders, office=None, day=DAY.isoformat())
    jobs.run_worker(once=True)
    _daily, failed, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert failed.status == "FAILED" and "1 reminder email(s) of 2020-01-10 could not be sent" in failed.traceback
    assert [m.to for m in mail.outbox] == [[officer.email]]
    html = client_for(owner).get("/office/jobs/failed/").content.decode()  # the office's owners see it
    assert "send office reminders" in html and "could not be sent" in html
    monkeypatch.setattr(EmailBackend, "send_messages", real)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    jobs.run_worker(once=True)
    assert DBTaskResult.objects.get(pk=retry.pk).status == "SUCCESSFUL"
    assert sorted(m.to[0] for m in mail.outbox) == [officer.email, owner.email]  # the officer's not twice


@jobs.job(retries=0)
def stalling_reminders(*, day: str, org: str) -> int:
    """The reminder job, but the worker the test kills stalls after the first member's email is committed."""
    if os.environ.get("HAMDELI_TEST_STALL_REMINDERS"):
        real = reminders.remind

        def remind_then_stall(membership, office_digest):
            sent = real(membership, office_digest)
            if sent:
                time.sleep(120)
            return sent

        reminders.remind = remind_then_stall
    return send_office_reminders.func(day=day, org=org)


def _files(folder):
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(Path(folder).glob("*.log"))]


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_sends_no_email_twice_and_loses_none(office, officer, owner, tmp_path, settings):
    """A real `hamdeli worker` process (file mail backend), killed (SIGKILL) after the first member's email:
    the run goes back to the queue and sends the second member's only."""
    outbox = tmp_path / "mail"
    jobs.enqueue_on_commit(stalling_reminders, office=office, day=DAY.isoformat(), org=str(office.public_id))
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        url = f"postgresql://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    else:
        url = f"sqlite:///{db['NAME']}"
    env = {**os.environ, "HAMDELI_DATABASE_URL": url, "HAMDELI_TEST_STALL_REMINDERS": "1",
           "HAMDELI_EMAIL_BACKEND": "file", "HAMDELI_EMAIL_FILE_PATH": str(outbox),
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    worker = subprocess.Popen([sys.executable, "-m", "hamdeli.cli", "worker", "--interval", "0.2", "--no-daily"],
                              env=env)
    try:
        deadline = time.monotonic() + 120
        while not ReminderSent.objects.exists():
            assert time.monotonic() < deadline and worker.poll() is None
            time.sleep(0.2)
    finally:
        worker.kill()
        worker.wait()
    assert [m["To"] for m in _files(outbox)] == [officer.email]  # the first member's, then killed
    assert DBTaskResult.objects.get().status == "RUNNING"

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(outbox)
    jobs.run_worker(once=True, now=timezone.now() + jobs.stale_after() + dt.timedelta(seconds=1))
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert sorted(m["To"] for m in _files(outbox)) == [officer.email, owner.email]
    assert ReminderSent.objects.count() == 2
