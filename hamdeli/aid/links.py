"""How other apps find a pledge, and the institutions the aid reached (see core.links)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from hamdeli.core import links
from hamdeli.core.localized import localized_str


def _pledge(*, org, public_id):
    from hamdeli.aid.models import Pledge

    pledge = Pledge.objects.filter(org=org, public_id=public_id).select_related("donor").first()
    if pledge is None:
        return None
    label = localized_str(pledge.label) or str(pledge.donor)
    return links.Link("pledge", label, reverse("aid:pledge", kwargs={"public_id": public_id}))


def _reached(*, org):
    from hamdeli.aid import selectors
    from hamdeli.core.digits import format_number

    for party, units in selectors.reached_parties(org=org):
        yield links.Institution(
            ref=f"aid-party:{party.public_id}", name=party.name, city_id=party.city_id,
            note=_("received %(units)s units of aid") % {"units": format_number(units)})


def register_links() -> None:
    links.register("pledge", _pledge)
    links.register_directory("aid_reached", _reached)
