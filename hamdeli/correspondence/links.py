"""How other apps find a letter of the register (see core.links)."""

from django.urls import reverse

from hamdeli.core import links
from hamdeli.core.digits import localize_digits


def _letter(*, org, public_id):
    from hamdeli.correspondence.models import Letter

    letter = Letter.objects.filter(org=org, public_id=public_id).first()
    if letter is None:
        return None
    return links.Link("letter", f"{localize_digits(letter.registry_number)} — {letter.subject}",
                      reverse("correspondence:detail", kwargs={"public_id": public_id}))


def register_links() -> None:
    links.register("letter", _letter)
