from django.contrib.admin.apps import AdminConfig


class LuoshanAdminConfig(AdminConfig):
    default_site = "luoshan.admin.LuoshanAdminSite"
