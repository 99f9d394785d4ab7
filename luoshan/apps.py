from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class LuoshanAdminConfig(AdminConfig):
    default_site = "luoshan.admin.LuoshanAdminSite"


class AxesConfig(AxesAppConfig):
    """django-axes, named in Chinese where the desk lists it."""

    verbose_name = _("Login failures and locks")


class LuoshanConfig(AppConfig):
    """The project on top of the apps: settings, URLs, the admin site, the demo data."""

    name = "luoshan"

    def ready(self):
        from luoshan import checks  # noqa: F401 (registers the deploy checks)
