"""The office's desk for reports: review, who has not reported, and what goes out as Excel."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportMixin

from core.admin import AuditedAdmin, ExcelExportMixin
from core.spreadsheets import spool, write_rows, xlsx_response
from reporting import attachment2
from reporting.forms import MonthForm
from reporting.imports import Attachment2Resource, Attachment2Workbook
from reporting.missing import missing_reports
from reporting.models import Activity, ActivityPhoto, Finding, MonthlyReport, Plan, ReportEvent
from reporting.photo_zip import month_photos_zip
from reporting.resources import ActivityResource, MonthlyReportResource


def plan_month_or_none(request):
    form = MonthForm(request.GET or None)
    return form, (form.cleaned_data["month"] if form.is_valid() else None)


def month_choices():
    return [(month, _("Month %(month)d") % {"month": month}) for month in range(1, 13)]


class PlanForm(forms.ModelForm):
    """M7: the duty months as twelve boxes to tick, stored as a sorted list of numbers."""

    duty_months = forms.TypedMultipleChoiceField(
        label=gettext_lazy("months with a report due"),
        choices=month_choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Tick at least one month.")},
    )

    class Meta:
        model = Plan
        fields = ("year", "duty_months", "deadline_day")

    def clean_duty_months(self):
        return sorted(set(self.cleaned_data["duty_months"]))


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


class ActivityInline(admin.StackedInline):
    model = Activity
    extra = 0
    can_delete = False
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

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("photos"))
    def photo_thumbnails(self, activity):
        return format_html_join(
            " ",
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" '
            'style="height:96px;border-radius:4px"></a>',
            (
                (
                    reverse("photo", args=[p.pk, "display"]),
                    reverse("photo", args=[p.pk, "thumbnail"]),
                    _("Photo %(n)d") % {"n": n},
                )
                for n, p in enumerate(activity.photos.all(), start=1)
            ),
        )


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("at", "action", "actor", "note")

    def has_add_permission(self, request, obj=None):
        return False


class ReviewForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (required to return or to record falsification)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


# Each carries the version of the report the reviewer saw: a report that changed
# since (resubmitted, say) is refused rather than judged unseen.
REVIEW_ACTIONS = {
    "accept": (
        gettext_lazy("Accept"),
        lambda report, user, reason, version: report.accept(user, version=version),
    ),
    "return": (
        gettext_lazy("Return for correction"),
        lambda report, user, reason, version: report.return_(user, reason, version=version),
    ),
    "falsify": (
        gettext_lazy("Record falsification (弄虚作假)"),
        lambda report, user, reason, version: report.mark_falsified(user, reason, version=version),
    ),
}


def seen_versions(data, reports):
    """{report id: the version the reviewer saw}, from the review form's hidden fields."""
    versions = {}
    for report in reports:
        value = data.get(f"version-{report.pk}", "")
        versions[report.pk] = int(value) if value.isdigit() else 0
    return versions


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ExcelExportMixin, ImportMixin, AuditedAdmin):
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
    # import-export's own list template hides tools without an add permission.
    import_export_change_list_template = "admin/reporting/monthlyreport/change_list.html"
    change_form_template = "admin/reporting/monthlyreport/change_form.html"
    # Excel in: the old e-mailed Attachment 2 sheets, previewed before anything is written.
    resource_classes = (Attachment2Resource,)
    export_resource_class = MonthlyReportResource
    export_title = "报表"
    import_formats = (Attachment2Workbook,)

    def get_queryset(self, request):
        active = Finding.objects.active().filter(report=OuterRef("pk"))
        return super().get_queryset(request).annotate(is_falsified=Exists(active))

    def has_add_permission(self, request):
        return False  # reports are filed by communities, or imported

    def has_delete_permission(self, request, obj=None):
        return False  # evidence

    def has_review_permission(self, request):
        return request.user.has_perm("reporting.review_monthlyreport")

    @admin.display(description=gettext_lazy("work point"), ordering="community__work_point")
    def work_point(self, report):
        return report.community.work_point

    @admin.display(description=gettext_lazy("month"), ordering="month")
    def period(self, report):
        return f"{report.plan.year}-{report.month:02d}"

    @admin.display(description=gettext_lazy("timeliness"))
    def timeliness(self, report):
        return {True: _("On time"), False: _("Late"), None: _("Not submitted")}[report.is_on_time]

    @admin.display(description=gettext_lazy("falsified"), boolean=True)
    def falsified(self, report):
        return report.is_falsified

    # Review: the model's own transitions, one report or many ----------------

    def _review(self, request, reports, action, reason, versions):
        label, run = REVIEW_ACTIONS[action]
        done = 0
        for report in reports:
            try:
                run(report, request.user, reason, versions[report.pk])
            except ValidationError as refusal:
                self.message_user(
                    request, f"{report}：{'；'.join(refusal.messages)}", messages.ERROR
                )
            else:
                done += 1
        if done:
            self.message_user(
                request,
                _("%(action)s: %(n)d report(s).")
                % {
                    "action": label,
                    "n": done,
                },
                messages.SUCCESS,
            )

    def _review_many(self, request, queryset, action):
        form = ReviewForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            versions = seen_versions(request.POST, queryset)
            self._review(request, queryset, action, form.cleaned_data["reason"], versions)
            return None
        return TemplateResponse(
            request,
            "admin/reporting/review.html",
            {
                **self.admin_site.each_context(request),
                "title": REVIEW_ACTIONS[action][0],
                "reports": queryset,
                "form": form,
                "action": f"{action}_reports",
                "opts": self.model._meta,
            },
        )

    @admin.action(description=gettext_lazy("Accept the selected reports"), permissions=("review",))
    def accept_reports(self, request, queryset):
        return self._review_many(request, queryset, "accept")

    @admin.action(
        description=gettext_lazy("Return the selected reports for correction"),
        permissions=("review",),
    )
    def return_reports(self, request, queryset):
        return self._review_many(request, queryset, "return")

    @admin.action(
        description=gettext_lazy("Record the selected reports as falsified"),
        permissions=("review",),
    )
    def falsify_reports(self, request, queryset):
        return self._review_many(request, queryset, "falsify")

    # Pages of the desk --------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/review/", view(self.review_view), name="reporting_monthlyreport_review"),
            path(
                "<int:pk>/attachment2.xlsx",
                view(self.attachment2_view),
                name="reporting_monthlyreport_attachment2",
            ),
            path("month/", view(self.month_view), name="reporting_monthlyreport_month"),
            path(
                "month/missing.xlsx",
                view(self.missing_xlsx_view),
                name="reporting_monthlyreport_missing_xlsx",
            ),
            path(
                "month/attachment2.xlsx",
                view(self.month_attachment2_view),
                name="reporting_monthlyreport_month_attachment2",
            ),
            path(
                "month/photos.zip",
                view(self.photos_zip_view),
                name="reporting_monthlyreport_photos_zip",
            ),
            *super().get_urls(),
        ]

    def review_view(self, request, pk):
        if not self.has_review_permission(request):
            raise PermissionDenied
        report = get_object_or_404(MonthlyReport.objects.select_related("community", "plan"), pk=pk)
        form = ReviewForm(request.POST or None)
        action = request.POST.get("action")
        if request.method == "POST" and action in REVIEW_ACTIONS and form.is_valid():
            versions = seen_versions(request.POST, [report])
            self._review(request, [report], action, form.cleaned_data["reason"], versions)
            return redirect("admin:reporting_monthlyreport_change", pk)
        seen = request.GET.get("version", "")
        report.seen_version = int(seen) if seen.isdigit() else report.version
        return TemplateResponse(
            request,
            "admin/reporting/review.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Review %(report)s") % {"report": report},
                "reports": [report],
                "form": form,
                "single": True,
                "choices": [(key, label) for key, (label, _run) in REVIEW_ACTIONS.items()],
                "opts": self.model._meta,
            },
        )

    def attachment2_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = get_object_or_404(attachment2.with_photos(MonthlyReport.objects.all()), pk=pk)
        out = spool()
        attachment2.workbook([report], out)
        out.seek(0)
        return xlsx_response(
            out, f"附件2-{report.community.name}-{report.plan.year}-{report.month:02d}.xlsx"
        )

    def month_view(self, request):
        """Who has not reported a month, and the month's files to take out."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form, chosen = plan_month_or_none(request)
        return TemplateResponse(
            request,
            "admin/reporting/month.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Who has not reported"),
                "form": form,
                "chosen": chosen,
                "rows": missing_reports(*chosen) if chosen else [],
                "query": request.GET.urlencode(),
                "opts": self.model._meta,
            },
        )

    def _chosen_or_back(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        _form, chosen = plan_month_or_none(request)
        return chosen

    def missing_xlsx_view(self, request):
        chosen = self._chosen_or_back(request)
        if not chosen:
            return redirect("admin:reporting_monthlyreport_month")
        rows = (
            (
                r.community.work_point.name,
                r.community.name,
                str(r.status_label),
                r.contact.name if r.contact else "",
                r.contact.phone if r.contact else "",
            )
            for r in missing_reports(*chosen)
        )
        headers = ("工作点", "社区", "情况", "工作群联系人", "联系电话")
        plan, month = chosen
        return xlsx_response(
            write_rows(headers, rows, "未报送"), f"未报送-{plan.year}-{month:02d}.xlsx"
        )

    def month_attachment2_view(self, request):
        chosen = self._chosen_or_back(request)
        if not chosen:
            return redirect("admin:reporting_monthlyreport_month")
        plan, month = chosen
        reports = attachment2.with_photos(
            MonthlyReport.objects.filter(plan=plan, month=month, first_submitted_at__isnull=False)
        ).order_by("community__work_point__position", "community__position", "community__name")
        out = spool()
        attachment2.workbook(reports, out)
        out.seek(0)
        return xlsx_response(out, f"附件2-{plan.year}-{month:02d}.xlsx")

    def photos_zip_view(self, request):
        chosen = self._chosen_or_back(request)
        if not chosen:
            return redirect("admin:reporting_monthlyreport_month")
        plan, month = chosen
        response = StreamingHttpResponse(
            month_photos_zip(plan, month), content_type="application/zip"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="photos-{plan.year}-{month:02d}.zip"'
        )
        return response


@admin.register(Activity)
class ActivityAdmin(ExcelExportMixin, AuditedAdmin):
    list_display = ("report", "position", "held_at", "place", "form", "participants", "caption")
    list_filter = ("report__plan", "report__month", "report__community__work_point", "form")
    list_select_related = ("report__community", "report__plan")
    search_fields = ("place", "caption", "report__community__name")
    change_list_template = "admin/reporting/activity/change_list.html"
    export_resource_class = ActivityResource
    export_title = "活动"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActivityPhoto)
class ActivityPhotoAdmin(AuditedAdmin):
    list_display = ("thumbnail_preview", "activity", "taken_at", "sha256", "uploaded_at")
    list_select_related = ("activity__report__community",)
    search_fields = ("sha256", "phash", "original_name")
    readonly_fields = ("thumbnail_preview", *(f.name for f in ActivityPhoto._meta.fields))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("photo"))
    def thumbnail_preview(self, photo):
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">'
            '<img src="{}" alt="{}" style="height:64px"></a>',
            reverse("photo", args=[photo.pk, "display"]),
            reverse("photo", args=[photo.pk, "thumbnail"]),
            photo.original_name or _("Photo"),
        )


@admin.register(Finding)
class FindingAdmin(AuditedAdmin):
    list_display = ("__str__", "recorded_by", "recorded_at", "withdrawn_at")
    list_select_related = ("report__community", "report__plan", "team__community", "recorded_by")
    list_filter = ("withdrawn_at",)
    readonly_fields = tuple(f.name for f in Finding._meta.fields)

    def has_add_permission(self, request):
        return False  # recorded on the report or ledger page, with the transitions

    def has_delete_permission(self, request, obj=None):
        return False
