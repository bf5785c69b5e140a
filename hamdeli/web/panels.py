"""Dashboard panels contributed by the other apps (letters due, aid stock, occasions …).

An app adds a panel by listing a callable here: it takes the request and returns rendered HTML (or
"" when it has nothing to show or the person may not see it). Keeping the list here keeps imports
flowing one way: web knows the apps, the apps never import web.
"""

from django.utils.module_loading import import_string

PANELS: list[str] = [
    "hamdeli.campaigns.panels.dashboard_panel",
    "hamdeli.correspondence.panels.overdue_letters",
    "hamdeli.correspondence.panels.upcoming_occasions",
    "hamdeli.aid.panels.panel",
    "hamdeli.practices.panels.practices_panel",
]


def render_panels(request) -> list[str]:
    return [html for html in (import_string(path)(request) for path in PANELS) if html]
