"""The awareness campaigns' chart: placements and design sets per format (drawn by web)."""

from django.utils.translation import gettext as _

from hamdeli.campaigns import selectors as campaigns
from hamdeli.core.permissions import has_perm


def campaign_totals(request) -> dict | None:
    """Placements and units per design format, over every awareness campaign."""
    if not has_perm(request, "campaigns.view"):
        return None
    totals = [t for t in campaigns.format_totals(org=request.org) if t.placements or t.design_sets]
    if not totals:
        return None
    return {
        "kind": "bars",
        "horizontal": True,  # the formats' names read on one line beside their bars, on a phone too
        "categories": [t.label for t in totals],
        "series": [{"name": str(_("Design sets")), "data": [t.design_sets for t in totals]},
                   {"name": str(_("Placements")), "data": [t.placements for t in totals]}],
    }
