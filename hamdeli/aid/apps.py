from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AidConfig(AppConfig):
    name = "hamdeli.aid"
    label = "aid"
    verbose_name = _("Aid")

    def ready(self):
        from hamdeli.aid.links import register_links

        register_links()

