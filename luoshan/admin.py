"""The governance office's desk: Django's admin, open to the office alone."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.access import viewer_of
from reporting.missing import latest_due_month, missing_reports
from reporting.models import Plan
from reporting.months import choose_year


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
        due = latest_due_month(timezone.now())
        year = choose_year(Plan.objects.all(), "", timezone.localdate())
        context = {
            "due": due,
            "missing": missing_reports(*due) if due else [],
            "plan_missing_year": year.this_year if year.this_year_missing else None,
        }
        return super().index(request, {**context, **(extra_context or {})})
