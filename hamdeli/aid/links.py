"""How other apps find a pledge (see core.links)."""

from django.urls import reverse

from hamdeli.core import links
from hamdeli.core.localized import localized_str


def _pledge(*, org, public_id):
    from hamdeli.aid.models import Pledge

    pledge = Pledge.objects.filter(org=org, public_id=public_id).select_related("donor").first()
    if pledge is None:
        return None
    label = localized_str(pledge.label) or str(pledge.donor)
    return links.Link("pledge", label, reverse("aid:pledge", kwargs={"public_id": public_id}))


def register_links() -> None:
    links.register("pledge", _pledge)
