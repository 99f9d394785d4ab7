"""The office's desk for reports in the admin: what it lists, filters and links to.

The pages behind the links are reporting/desk.py (a month and its files) and
reporting/review.py (accept, return, falsified).
"""

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.access import may_review
from core.admin import (
    AuditedAdmin,
    EvidenceAdmin,
    EvidenceMixin,
    ExcelExportMixin,
)
from reporting import desk, imports, review
from reporting.forms import PlanForm
from reporting.models import Activity, ActivityPhoto, Finding, MonthlyReport, Plan, ReportEvent
from reporting.resources import ActivityResource, MonthlyReportResource


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    form = PlanForm
    list_display = ("year", "months_due", "deadline_day")

    @admin.display(description=gettext_lazy("months with a report due"))
    def months_due(self, plan):
        return "、".join(_("Month %(month)d") % {"month": month} for month in plan.months())


class TimelinessFilter(admin.SimpleListFilter):
    """M2/M3: on time or late by the first submission; or not submitted at all."""

    title = gettext_lazy("timeliness")
    parameter_name = "timeliness"

    def lookups(self, request, model_admin):
        return (
            ("on_time", _("On time")),
            ("late", _("Late")),
            ("missing", _("Not submitted")),
        )

    def queryset(self, request, queryset):
        if self.value() == "on_time":
            return queryset.on_time()
        if self.value() == "late":
            return queryset.late()
        if self.value() == "missing":
            return queryset.not_submitted()
        return queryset


class ActivityInline(EvidenceMixin, admin.StackedInline):
    model = Activity
    extra = 0
    fields = (
        "position",
        "held_at",
        "place",
        "form",
        "form_other",
        "participants",
        "caption",
        "photo_thumbnails",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("photos")

    @admin.display(description=gettext_lazy("photos"))
    def photo_thumbnails(self, activity):
        return format_html_join(
            " ",
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" '
            'class="desk-thumb"></a>',
            (
                (
                    reverse("photo", args=[p.pk, "display"]),
                    reverse("photo", args=[p.pk, "thumbnail"]),
                    _("Photo %(n)d") % {"n": n},
                )
                for n, p in enumerate(activity.photos.all(), start=1)
            ),
        )


class ReportEventInline(EvidenceMixin, admin.TabularInline):
    """Each event once, at its Beijing time: the tabular inline's own template also
    printed its __str__ (the same moment again) above the row."""

    model = ReportEvent
    extra = 0
    template = "admin/reporting/monthlyreport/history_inline.html"
    fields = readonly_fields = ("at", "action", "actor", "note")


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ExcelExportMixin, EvidenceAdmin):
    """Filed by communities or imported from the old sheets; judged here."""

    list_display = (
        "community",
        "work_point",
        "period",
        "state",
        "timeliness",
        "first_submitted_at",
        "submitted_by",
        "falsified",
    )
    list_filter = ("plan", "month", "community__work_point", "state", TimelinessFilter, "community")
    list_select_related = ("community__work_point", "plan", "submitted_by")
    search_fields = ("community__name", "return_reason")
    readonly_fields = (
        "community",
        "plan",
        "month",
        "state",
        "first_submitted_at",
        "submitted_at",
        "submitted_by",
        "return_reason",
    )
    fields = readonly_fields
    inlines = (ActivityInline, ReportEventInline)
    actions = ("accept_reports", "return_reports", "falsify_reports")
    change_list_template = "admin/reporting/monthlyreport/change_list.html"
    change_form_template = "admin/reporting/monthlyreport/change_form.html"
    export_resource_class = MonthlyReportResource
    export_title = "报表"

    def get_queryset(self, request):
        return super().get_queryset(request).with_falsified()

    def has_change_permission(self, request, obj=None):
        """Nobody edits a report here; its content changes only through its transitions."""
        return False

    def has_review_permission(self, request):
        return may_review(request.user)

    @admin.display(description=gettext_lazy("work point"), ordering="community__work_point")
    def work_point(self, report):
        return report.community.work_point

    @admin.display(description=gettext_lazy("month"), ordering="month")
    def period(self, report):
        return f"{report.plan.year}-{report.month:02d}"

    @admin.display(description=gettext_lazy("timeliness"))
    def timeliness(self, report):
        return {True: _("On time"), False: _("Late"), None: _("Not submitted")}[report.is_on_time]

    @admin.display(description=gettext_lazy("falsified"))
    def falsified(self, report):
        """A red badge in words on a report found falsified (M6), nothing on the others: a
        tick for "yes" and a red cross for every clean report read backwards."""
        if not report.is_falsified:
            return None  # the list's empty value
        return format_html('<span class="desk-falsified">{}</span>', _("falsified"))

    @admin.action(description=gettext_lazy("Accept the selected reports"), permissions=("review",))
    def accept_reports(self, request, queryset):
        return review.review_many(request, self.admin_site, queryset, "accept")

    @admin.action(
        description=gettext_lazy("Return the selected reports for correction"),
        permissions=("review",),
    )
    def return_reports(self, request, queryset):
        return review.review_many(request, self.admin_site, queryset, "return")

    @admin.action(
        description=gettext_lazy("Record the selected reports as falsified"),
        permissions=("review",),
    )
    def falsify_reports(self, request, queryset):
        return review.review_many(request, self.admin_site, queryset, "falsify")

    def get_urls(self):
        """The desk's own pages, inside the admin site (its login, its layout)."""
        view, site = self.admin_site.admin_view, {"site": self.admin_site}
        return [
            path(
                "<int:pk>/review/",
                view(review.review_one),
                site,
                name="reporting_monthlyreport_review",
            ),
            path(
                "<int:pk>/attachment2.xlsx",
                view(desk.report_attachment2),
                name="reporting_monthlyreport_attachment2",
            ),
            # Excel in: the old e-mailed Attachment 2 sheets, previewed, then confirmed.
            path("import/", view(imports.upload_page), site, name="reporting_monthlyreport_import"),
            path(
                "import/<uuid:pk>/",
                view(imports.preview_page),
                site,
                name="reporting_monthlyreport_import_preview",
            ),
            path("month/", view(desk.month_page), site, name="reporting_monthlyreport_month"),
            path(
                "month/missing.xlsx",
                view(desk.missing_xlsx),
                name="reporting_monthlyreport_missing_xlsx",
            ),
            path(
                "month/attachment2.xlsx",
                view(desk.month_attachment2),
                name="reporting_monthlyreport_month_attachment2",
            ),
            path(
                "month/photos.zip",
                view(desk.photos_zip),
                name="reporting_monthlyreport_photos_zip",
            ),
            *super().get_urls(),
        ]


@admin.register(Activity)
class ActivityAdmin(ExcelExportMixin, EvidenceAdmin):
    list_display = ("report", "position", "held_at", "place", "form", "participants", "caption")
    list_filter = ("report__plan", "report__month", "report__community__work_point", "form")
    list_select_related = ("report__community", "report__plan")
    search_fields = ("place", "caption", "report__community__name")
    change_list_template = "admin/reporting/activity/change_list.html"
    export_resource_class = ActivityResource
    export_title = "活动"

    def has_change_permission(self, request, obj=None):
        """Evidence: changed only on the report page, through the report's transitions."""
        return False


@admin.register(ActivityPhoto)
class ActivityPhotoAdmin(EvidenceAdmin):
    list_display = ("thumbnail_preview", "activity", "taken_at", "sha256", "uploaded_at")
    list_select_related = ("activity__report__community",)
    search_fields = ("sha256", "phash", "original_name")
    readonly_fields = ("thumbnail_preview", *(f.name for f in ActivityPhoto._meta.fields))

    def has_change_permission(self, request, obj=None):
        """Evidence: a photo is added or removed on the report page, never edited."""
        return False

    @admin.display(description=gettext_lazy("photo"))
    def thumbnail_preview(self, photo):
        """The thumbnail alone: the list makes its first column the link to the photo's
        page, and a link of our own inside it would leave that link empty."""
        return format_html(
            '<img src="{}" alt="{}" class="desk-thumb-small">',
            reverse("photo", args=[photo.pk, "thumbnail"]),
            photo.original_name or _("Photo"),
        )


@admin.register(Finding)
class FindingAdmin(EvidenceAdmin):
    """Recorded and withdrawn on the report or ledger page, with the transitions."""

    list_display = ("__str__", "recorded_by", "recorded_at", "withdrawn_at")
    list_select_related = ("report__community", "report__plan", "team__community", "recorded_by")
    list_filter = ("withdrawn_at",)
    readonly_fields = tuple(f.name for f in Finding._meta.fields)
