"""The office's report list and review page with the evidence flags (E1): a column and a
filter of open flags, the flags on the review page, dismissing one, and a month's flags.

reporting/admin.py's MonthlyReportAdmin is the desk without them; ReportAdmin takes its
place in the admin site. The admin reads reporting's admin module before this one
(reporting comes first in INSTALLED_APPS), so that one is registered when this replaces it.
"""

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import path, register_converter, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evidence import views
from evidence.models import Flag
from evidence.review import FLAGS_ON_REVIEW, dismiss_flag
from reporting.admin import AwaitingReviewFilter, MonthlyReportAdmin
from reporting.models import MonthlyReport


def open_flags_of_report():
    """Flags of the report not dismissed yet (E1), as a condition on a report's row."""
    return Flag.objects.open().filter(report=OuterRef("pk"))


def open_flag_count():
    """How many of the report's flags are open, as a column of the report's query."""
    counted = open_flags_of_report().order_by().values("report").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")), 0)


class FlagFilter(admin.SimpleListFilter):
    """疑点: reports with a flag the office has not dismissed yet, or none (E1)."""

    title = gettext_lazy("evidence flags")
    parameter_name = "flags"

    def lookups(self, request, model_admin):
        return (("open", _("With open flags")), ("none", _("None open")))

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(Exists(open_flags_of_report()))
        if self.value() == "none":
            return queryset.filter(~Exists(open_flags_of_report()))
        return queryset


class TwoDigitMonth:
    """A month in a URL as the desk writes it, 2021-04 (2021-4 is read too)."""

    regex = "0?[1-9]|1[0-2]"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(TwoDigitMonth, "mm")


def after(anchor, added, filters):
    """`filters` with `added` right after `anchor`."""
    at = filters.index(anchor) + 1
    return (*filters[:at], added, *filters[at:])


class ReportAdmin(MonthlyReportAdmin):
    """The reports, each with its open flags counted and filtered by them, and the
    review page with the report's flags."""

    list_display = (*MonthlyReportAdmin.list_display, "flags")
    list_filter = after(AwaitingReviewFilter, FlagFilter, MonthlyReportAdmin.list_filter)
    # The report list's own template, with a link to the months' evidence flags.
    change_list_template = "admin/evidence/monthlyreport_change_list.html"

    def page_annotations(self):
        return {**super().page_annotations(), "open_flags": open_flag_count()}

    def review_extras(self):
        return FLAGS_ON_REVIEW

    @admin.display(description=gettext_lazy("evidence flags"))
    def flags(self, report):
        """How many flags are open (E1), a link to them on the review page; "—" if none."""
        if not report.open_flags:
            return "—"
        url = reverse("admin:reporting_monthlyreport_review", args=[report.pk])
        return format_html(
            '<a href="{}?version={}#report-flags" aria-label="{}">{}</a>',
            url,
            report.version,
            _("%(n)d open flags") % {"n": report.open_flags},
            report.open_flags,
        )

    def get_urls(self):
        """The flags' own pages, inside the admin site beside the desk's."""
        view, site = self.admin_site.admin_view, {"site": self.admin_site}
        return [
            path(
                "<int:pk>/flags/<int:flag_pk>/dismiss/",
                view(dismiss_flag),
                site,
                name="reporting_monthlyreport_dismiss_flag",
            ),
            path(
                "evidence/",
                view(views.latest_month_page),
                site,
                name="reporting_monthlyreport_evidence_latest",
            ),
            path(
                "evidence/<int:year>-<mm:month>/",
                view(views.month_page),
                site,
                name="reporting_monthlyreport_evidence",
            ),
            *super().get_urls(),
        ]


admin.site.unregister(MonthlyReport)
admin.site.register(MonthlyReport, ReportAdmin)
