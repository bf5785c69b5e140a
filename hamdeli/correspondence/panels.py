"""Dashboard panels: overdue letters, and the coming occasions to write for."""

from django.conf import settings
from django.template.loader import render_to_string

from hamdeli.core.permissions import has_perm
from hamdeli.correspondence import selectors


def overdue_letters(request) -> str:
    if not has_perm(request, "correspondence.view"):
        return ""
    letters = list(selectors.overdue(org=request.org).select_related(None)[:10])  # the panel shows no relation
    return render_to_string("correspondence/panel_overdue.html", {"letters": letters}, request=request)


def upcoming_occasions(request) -> str:
    if not has_perm(request, "correspondence.view"):
        return ""
    from hamdeli.correspondence import calendar

    reminders = calendar.reminders(org=request.org)[:12]
    return render_to_string("correspondence/panel_occasions.html",
                            {"reminders": reminders, "lead_days": settings.CALENDAR_LEAD_DAYS}, request=request)
