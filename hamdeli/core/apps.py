from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "hamdeli.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from hamdeli.core import signals  # noqa: F401  (connects the sign-in audit receivers)
        from hamdeli.core.boundary import check_row
        from hamdeli.core.exports import register_downloads

        pre_save.connect(check_row, dispatch_uid="hamdeli.core.boundary.check_row")
        register_downloads()  # the audit trail and the office's record as prepared downloads (core.downloads)
