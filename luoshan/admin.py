"""The governance office's desk: Django's admin, open to the office alone."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from communities.access import viewer_of


class LuoshanAdminSite(admin.AdminSite):
    site_header = _("Luoshan anti-fraud reporting: office desk")
    site_title = _("Office desk")
    index_title = _("Governance office (综治办)")
    index_template = "admin/luoshan_index.html"

    def has_permission(self, request):
        """Only the office (and superusers) work here; staff, heads and leaders never do."""
        user = request.user
        return user.is_active and user.is_staff and viewer_of(user).is_office

    def index(self, request, extra_context=None):
        from reporting.missing import latest_due_month, missing_reports
        from reporting.models import Plan
        from reporting.months import choose_year

        due = latest_due_month(timezone.now())
        year = choose_year(Plan.objects.all(), "", timezone.localdate())
        context = {
            "due": due,
            "missing": missing_reports(*due) if due else [],
            "plan_missing_year": year.this_year if year.this_year_missing else None,
        }
        return super().index(request, {**context, **(extra_context or {})})


class AuditedAdmin(SimpleHistoryAdmin):
    """Every change kept by django-simple-history, readable and never rewritten.

    simple-history's page for one past version saves that version back on
    POST even with SIMPLE_HISTORY_REVERT_DISABLED: the trail refuses it here.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ExcelExportMixin:
    """导出Excel: the list as filtered, through a django-import-export resource,
    streamed from the database (no list of ids, bounded memory)."""

    export_resource_class = None
    export_title = "Sheet1"

    def get_urls(self):
        name = f"{self.model._meta.app_label}_{self.model._meta.model_name}_export"
        export = path("export.xlsx", self.admin_site.admin_view(self.export_view), name=name)
        return [export, *super().get_urls()]

    def export_view(self, request):
        from reporting.spreadsheets import export_resource, xlsx_response

        if not self.has_view_permission(request):
            raise PermissionDenied
        queryset = self.get_changelist_instance(request).get_queryset(request)
        rows = self.export_resource_class.rows(queryset)
        handle = export_resource(self.export_resource_class(), rows, self.export_title)
        return xlsx_response(handle, f"{self.export_title}.xlsx")
