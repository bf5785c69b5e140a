from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorrespondenceConfig(AppConfig):
    name = "hamdeli.correspondence"
    verbose_name = _("Correspondence")

    def ready(self):
        from hamdeli.correspondence import downloads
        from hamdeli.correspondence.links import register_links

        register_links()
        downloads.register()

