"""The protocol calendar page, its secret .ics feed, the feed token's creation and revocation, and the
member's reminder email settings."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamdeli.core import services as core_services
from hamdeli.core import tenancy
from hamdeli.core.dates import today
from hamdeli.core.monthgrid import month_grids
from hamdeli.core.permissions import PUBLIC, requires
from hamdeli.correspondence import calendar, forms, selectors, services


def _page(request, new_feed_urls=None):
    start = today()
    reminders = calendar.reminders(org=request.org, as_of=start, lead_days=settings.UPCOMING_DAYS)
    return render(request, "correspondence/calendar.html", {
        "reminders": reminders, "grid": month_grids(reminders, on=lambda r: r.occurrence.on),
        "days": settings.UPCOMING_DAYS, "lead_days": settings.CALENDAR_LEAD_DAYS,
        "feed": selectors.active_calendar_feed(org=request.org), "new_feed_urls": new_feed_urls,
    })


@requires("correspondence.view")
def calendar_page(request):
    return _page(request)


@require_POST
@requires("correspondence.edit")
def feed_create(request):
    _feed, secret = services.create_calendar_feed(org=request.org, actor=request.user)
    address = request.build_absolute_uri(reverse("correspondence:feed", args=[secret]))
    # one address per language: the feed's titles and notes are in the language its address names
    return _page(request, new_feed_urls=[(name, f"{address}?lang={code}") for code, name in _languages_first(request)])


def _languages_first(request) -> list[tuple[str, str]]:
    """The interface's languages, the page's own first, each named in its own language."""
    names = [(code, translation.get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]
    return sorted(names, key=lambda pair: pair[0] != request.LANGUAGE_CODE)


@require_POST
@requires("correspondence.edit")
def feed_revoke(request):
    services.revoke_calendar_feeds(org=request.org, actor=request.user)
    return redirect("correspondence:calendar")


def _feed_language(request) -> str:
    """?lang= of the address (a calendar app sends no cookie); else the office's first language."""
    asked = request.GET.get("lang", "")
    return asked if asked in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@requires(PUBLIC)  # public-but-secret: the token in the URL is the credential
def feed(request, token):
    org = selectors.calendar_feed_by_token(token)
    if org is None:
        raise Http404
    with tenancy.in_scope_of(org):  # a feed reader has no session: the token's office is the scope
        body = calendar.ics(org=org, as_of=today(), lang=_feed_language(request))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="hamdeli.ics"'
    response["Cache-Control"] = "private, max-age=3600"
    return response




@requires("correspondence.edit")
def reminder_settings(request):
    """The member's own choice of the daily reminder email (sent by the worker, correspondence.reminders)."""
    membership = request.membership
    form = forms.ReminderSettingsForm(request.POST or None, initial={
        "reminder_emails": membership.reminder_emails, "email_language": membership.email_language})
    if request.method == "POST" and form.is_valid():
        core_services.set_reminder_emails(org=request.org, actor=request.user, membership=membership,
                                          enabled=form.cleaned_data["reminder_emails"],
                                          language=form.cleaned_data["email_language"])
        messages.success(request, _("Your reminder email settings were saved."))
        return redirect("correspondence:reminders")
    return render(request, "correspondence/reminders.html", {
        "form": form, "membership": membership, "hour": settings.REMINDERS_HOUR,
        "lead_days": settings.CALENDAR_LEAD_DAYS, "last_sent": selectors.last_reminder(membership=membership),
    }, status=422 if form.errors else 200)
