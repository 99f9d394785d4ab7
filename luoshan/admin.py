"""The governance office's desk: Django's admin, open to the office alone."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
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

        due = latest_due_month(timezone.now())
        context = {"due": due, "missing": missing_reports(*due) if due else []}
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
