from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "hamdeli.practices"
    label = "practices"
    verbose_name = _("Practices")

    def ready(self):
        from hamdeli.practices import downloads

        downloads.register()  # its export as a prepared download (core.downloads)
