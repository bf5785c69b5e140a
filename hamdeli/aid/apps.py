from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AidConfig(AppConfig):
    name = "hamdeli.aid"
    label = "aid"
    verbose_name = _("Aid")

    def ready(self):
        from hamdeli.aid import downloads
        from hamdeli.aid.links import register_links
        from hamdeli.aid.verify import verify
        from hamdeli.core import office_archive

        register_links()
        downloads.register()  # the movements and donor reports as prepared downloads (core.downloads)
        office_archive.register_check(verify)  # an imported office's ledger must verify (the one ledger there is)

