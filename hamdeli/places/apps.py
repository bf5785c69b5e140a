from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "hamdeli.places"
    label = "places"
    verbose_name = _("Places")

    def ready(self) -> None:
        from hamdeli.core import cli
        from hamdeli.places.selectors import city_by_id_or_name

        cli.find_city = city_by_id_or_name
