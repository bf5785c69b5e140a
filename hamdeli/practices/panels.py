"""The dashboard panel: unanswered questions from visitors and the practices of cities ahead of us."""

from django.template.loader import render_to_string

from hamdeli.core.permissions import has_perm
from hamdeli.practices import selectors


def practices_panel(request) -> str:
    if not has_perm(request, "practices.view"):
        return ""
    unread = selectors.questions(org=request.org).filter(read_at__isnull=True).count()
    ahead = selectors.cities_ahead(org=request.org, crisis="covid19", limit=5)
    if not unread and not ahead:
        return ""
    return render_to_string("practices/_panel.html", {"unread": unread, "ahead": ahead}, request=request)
