"""The dashboard: what a director reads first."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hamdeli.campaigns import charts as campaign_charts
from hamdeli.core import office_cache
from hamdeli.core import selectors as core
from hamdeli.core.permissions import PUBLIC, has_perm, requires
from hamdeli.partners import charts as partner_charts
from hamdeli.partners import selectors as partners
from hamdeli.web import charts, panels


@requires(PUBLIC)
def home(request):
    """The public welcome for a visitor; for a member, where signing in lands: the dashboard, or the aid
    pages for a member who works only on aid (an institution's store), rather than a page their role may
    not open."""
    if not request.user.is_authenticated:
        return render(request, "web/welcome.html", {"offices": core.offices()})
    if not has_perm(request, "partners.view") and has_perm(request, "aid.view"):
        return redirect("aid:home")
    return redirect("dashboard")


@requires("partners.view")
def dashboard(request):
    # What the page shows is computed from the office's records once per change the office records (and per
    # person, language and day; core.office_cache): a director reloading the dashboard costs one read.
    return render(request, "web/dashboard.html", office_cache.cached(request, "dashboard", lambda: _dashboard(request)))


def _dashboard(request) -> dict:
    figures = [
        charts.figure("chart-aid", _("Aid units by month"), charts.aid_over_time(request)),
        charts.figure("chart-campaigns", _("Awareness campaigns by format"), campaign_charts.campaign_totals(request)),
    ]
    # The partnerships read once for the counts by state and kind, the map and the dimmed list (`health` says
    # in Python what partnerships(health="dimmed") asks the database: standing, and silent past the org's
    # threshold; in the same order).
    everyone = list(partners.partnerships(org=request.org))
    by_state = partners.counts_by_state(org=request.org, partnerships=everyone)
    dimmed = [(p, health) for p in everyone if (health := partners.health(p)).status == "dimmed"]
    return {
        "by_state": by_state,
        "state_chart": charts.figure("chart-states", _("Partners by state"), charts.partners_by_state(by_state)),
        "figures": [f for f in figures if f],
        "map": partner_charts.partners_map_figure(request.org, everyone),
        "by_kind": partners.counts_by_kind(org=request.org, partnerships=everyone),
        "dimmed": dimmed,
        "renewals": partners.upcoming_renewals(org=request.org, within_days=settings.UPCOMING_DAYS),
        "upcoming_days": settings.UPCOMING_DAYS,
        "panels": panels.render_panels(request),
    }


def server_error(request):
    """The 500 page in the page's language with the menu; if even that fails (the database is down),
    Django's plain one."""
    try:
        return render(request, "500.html", status=500)
    except Exception:  # noqa: BLE001 - the error page must not raise
        from django.views.defaults import server_error as plain

        return plain(request, template_name="web/500_plain.html")
