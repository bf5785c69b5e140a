from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorrespondenceConfig(AppConfig):
    name = "hamdeli.correspondence"
    verbose_name = _("Correspondence")

    def ready(self):
        from django.conf import settings

        from hamdeli.core import jobs
        from hamdeli.correspondence import downloads
        from hamdeli.correspondence.links import register_links
        from hamdeli.correspondence.tasks import send_daily_reminders

        register_links()
        jobs.daily(send_daily_reminders, hour=settings.REMINDERS_HOUR)  # the worker enqueues it each day
        downloads.register()

