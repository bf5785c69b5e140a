"""How other apps find a campaign, awareness or advocacy (see core.links)."""

from django.urls import reverse

from hamdeli.core import links
from hamdeli.core.localized import localized_str


def _campaign(*, org, public_id):
    from hamdeli.campaigns.models import AdvocacyCampaign, Campaign

    awareness = Campaign.objects.filter(org=org, public_id=public_id).first()
    if awareness is not None:
        return links.Link("campaign", localized_str(awareness.name),
                          reverse("campaigns:detail", kwargs={"public_id": public_id}))
    advocacy = AdvocacyCampaign.objects.filter(org=org, public_id=public_id).first()
    if advocacy is not None:
        return links.Link("campaign", localized_str(advocacy.title),
                          reverse("campaigns:advocacy_detail", kwargs={"public_id": public_id}))
    return None


def register_links() -> None:
    links.register("campaign", _campaign)
