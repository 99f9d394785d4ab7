from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class LuoshanAdminConfig(AdminConfig):
    default_site = "luoshan.admin.LuoshanAdminSite"


class LuoshanConfig(AppConfig):
    """The project on top of the apps: settings, URLs, the admin site, the demo data."""

    name = "luoshan"

    def ready(self):
        from luoshan import checks  # noqa: F401 (registers the deploy checks)
