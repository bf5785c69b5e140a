from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "hamdeli.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from hamdeli.campaigns.links import register_links

        register_links()

