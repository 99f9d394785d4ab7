from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Quarterly scoring")

    def ready(self):
        from scoring import signals  # noqa: F401 (renews the scores' version on a change)
