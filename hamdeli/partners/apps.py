from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "hamdeli.partners"
    label = "partners"
    verbose_name = _("Partners")

    def ready(self):
        from hamdeli.partners import downloads

        downloads.register()  # its export as a prepared download (core.downloads)
