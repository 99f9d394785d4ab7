from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Monthly reports")

    def ready(self):
        # iPhones send HEIC; register the decoder once for all of Pillow.
        from pillow_heif import register_heif_opener

        register_heif_opener()
