"""The governance office's desk: Django's admin, open to the office alone."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.access import desk_open_to
from communities.second_factor import needs_second_factor, second_factor_url
from evidence.models import Flag
from reporting.missing import first_missing, latest_due_month
from reporting.models import Plan
from reporting.months import choose_year
from reporting.review import awaiting_review


class LuoshanAdminSite(admin.AdminSite):
    site_header = _("Luoshan anti-fraud reporting: office desk")
    site_title = _("Office desk")
    index_title = _("Governance office (综治办)")
    index_template = "admin/luoshan_index.html"

    def has_permission(self, request):
        """Only the office (and superusers) work here, and only after the second factor
        (等保 2.0 身份鉴别); staff, heads and leaders never do."""
        return desk_open_to(request.user)

    def login(self, request, extra_context=None):
        """An office account signed in with its password alone goes on to its code,
        not to a second login form."""
        if request.method == "GET" and needs_second_factor(request.user):
            next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
            return redirect(second_factor_url(request.user, next_url))
        return super().login(request, extra_context)

    # The first page lists this many of the reports awaiting review and of the
    # communities owing the month due, and counts them all: a province has thousands.
    LISTED = 12

    def index(self, request, extra_context=None):
        due = latest_due_month(timezone.now())
        year = choose_year(Plan.objects.all(), "", timezone.localdate())
        missing, missing_count = first_missing(*due, self.LISTED) if due else ([], 0)
        # The longest waiting found without their communities and plans (joined for
        # every submitted report of a province, they cost more than the rest of the
        # page), then read with them. (Counted in the same pass, with a window, they
        # would all be sorted, not only the first few: slower.)
        waiting = awaiting_review()
        first = list(waiting.values_list("pk", flat=True)[: self.LISTED])
        context = {
            "due": due,
            "missing": missing,
            "missing_count": missing_count,
            "plan_missing_year": year.this_year if year.this_year_missing else None,
            "awaiting_review": list(waiting.filter(pk__in=first)),
            "awaiting_count": waiting.count(),
            # E1: flags still waiting for the office, wherever they are.
            "open_flags": Flag.objects.open().count(),
            "listed": self.LISTED,
        }
        return super().index(request, {**context, **(extra_context or {})})
