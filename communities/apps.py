from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Communities and teams")

    def ready(self):
        from django.db.models.signals import post_migrate

        from communities import signals  # noqa: F401 (connects the login records)
        from communities.permissions import grant_office_permissions

        post_migrate.connect(grant_office_permissions, dispatch_uid="grant_office_permissions")
