"""The office's desk for reports in the admin: what it lists, filters and links to.

The pages behind the links are reporting/desk.py (a month and its files) and
reporting/review.py (accept, return, falsified). An app above may register its own
subclass of MonthlyReportAdmin in its place, adding to it through `page_annotations`
and `review_extras` (evidence/admin.py does).
"""

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ERROR_FLAG, PAGE_VAR, ChangeList
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.access import may_review
from communities.models import Community
from core.admin import (
    AuditedAdmin,
    EvidenceAdmin,
    EvidenceMixin,
    ExcelExportMixin,
    ShowsPhotos,
)
from reporting import desk, imports, review
from reporting.forms import CONTENT_FIELDS, PlanForm
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


class MonthFilter(admin.SimpleListFilter):
    """月份: the months the plans have a report due, found without reading every row
    for the months it holds (Django's own filter of a field's values does)."""

    title = gettext_lazy("month")
    parameter_name = month_path = "month"  # from the listed model to the report's month

    def lookups(self, request, model_admin):
        months = sorted({month for plan in Plan.objects.all() for month in plan.months()})
        return [(month, _("Month %(month)d") % {"month": month}) for month in months]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(**{self.month_path: int(value)})


class ActivityMonthFilter(MonthFilter):
    parameter_name = month_path = "report__month"


class AwaitingReviewFilter(admin.SimpleListFilter):
    """待审核, as the desk's first page counts them (reporting.review.awaiting_review)."""

    title = gettext_lazy("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return (("waiting", _("Awaiting review")),)

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(pk__in=review.awaiting_review().values("pk"))
        return queryset


class CommunityFilter(admin.SimpleListFilter):
    """社区, found by typing part of its name: a province has 20,000 communities, too
    many to list (a 1.5 MB page) or to scroll through on a phone.

    The typed words alone filter the list by community name; under the box, the
    first communities whose name contains them, each a link to its rows alone.
    """

    title = gettext_lazy("community")
    parameter_name = "community"
    name_parameter = "community_name"
    community_path = "community"  # from the listed model to its community
    template = "admin/reporting/community_filter.html"
    MATCHES = 10  # the communities offered under the box
    LONGEST = Community._meta.get_field("name").max_length

    def __init__(self, request, params, model, model_admin):
        # Before Django's own __init__, which asks lookups() for the choices.
        self.typed = params.pop(self.name_parameter, [""])[-1].strip()[: self.LONGEST]
        self.more_match = False
        super().__init__(request, params, model, model_admin)
        if self.typed:
            self.used_parameters[self.name_parameter] = self.typed
        # What the box's form sends again besides the name: the list's other filters,
        # its search and its order (not its page, nor its error flag).
        dropped = {*self.expected_parameters(), PAGE_VAR, ERROR_FLAG}
        self.kept = [(name, value) for name, value in request.GET.items() if name not in dropped]

    def has_output(self):
        return True  # the box, even before anything is typed

    def expected_parameters(self):
        return [self.parameter_name, self.name_parameter]

    def chosen_pk(self):
        value = self.value() or ""
        return int(value) if value.isdigit() else None

    def lookups(self, request, model_admin):
        """The chosen community, and those whose name contains what was typed (MATCHES
        at most: typing more of the name finds the others)."""
        found = []
        if self.typed:
            found = list(
                Community.objects.filter(name__icontains=self.typed)
                .order_by("name")
                .values_list("pk", "name")[: self.MATCHES + 1]
            )
            self.more_match = len(found) > self.MATCHES
            found = found[: self.MATCHES]
        chosen = self.chosen_pk()
        if chosen is not None and chosen not in {pk for pk, _name in found}:
            found = [*Community.objects.filter(pk=chosen).values_list("pk", "name"), *found]
        return found

    def queryset(self, request, queryset):
        if self.value() is not None:
            chosen = self.chosen_pk()
            if chosen is None:  # not a community's number: none of them
                return queryset.none()
            return queryset.filter(**{f"{self.community_path}_id": chosen})
        if self.typed:
            return queryset.filter(**{f"{self.community_path}__name__icontains": self.typed})
        return queryset

    def choices(self, changelist):
        """All, then each community offered; a choice keeps the typed words, so the
        others stay offered."""
        yield {
            "selected": self.value() is None and not self.typed,
            "query_string": changelist.get_query_string(remove=self.expected_parameters()),
            "display": _("All"),
        }
        for pk, name in self.lookup_choices:
            yield {
                "selected": self.value() == str(pk),
                "query_string": changelist.get_query_string({self.parameter_name: pk}),
                "display": name,
            }


class ActivityCommunityFilter(CommunityFilter):
    community_path = "report__community"


class ActivityInline(ShowsPhotos, EvidenceMixin, admin.StackedInline):
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
    photo_url = "photo"


class ReportEventInline(EvidenceMixin, admin.TabularInline):
    """Each event once, at its Beijing time: the tabular inline's own template also
    printed its __str__ (the same moment again) above the row."""

    model = ReportEvent
    extra = 0
    template = "admin/reporting/monthlyreport/history_inline.html"
    fields = readonly_fields = ("at", "action", "actor", "note")


class ReportChangeList(ChangeList):
    """The list's page of reports, each with `is_falsified` (M6) and what the admin's
    `page_annotations` add, asked for the rows of the page alone, in one query: asked in
    the list's query, they are worked out for every report the filters let through (a
    province's month: 20,000) before the page is cut."""

    def get_results(self, request):
        super().get_results(request)
        page = list(self.result_list)
        annotations = self.model_admin.page_annotations()
        names = ("is_falsified", *annotations)
        found = {
            pk: values
            for pk, *values in MonthlyReport.objects.filter(pk__in=[report.pk for report in page])
            .with_falsified()
            .annotate(**annotations)
            .values_list("pk", *names)
        }
        for report in page:
            # A report not found again (never: reports are not deleted) is not falsified.
            values = found.get(report.pk, [False, *(None for _name in annotations)])
            for name, value in zip(names, values, strict=True):
                setattr(report, name, value)
        self.result_list = page


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
    list_filter = (
        "plan",
        MonthFilter,
        "community__work_point",
        "state",
        AwaitingReviewFilter,
        TimelinessFilter,
        CommunityFilter,
    )
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

    def get_changelist(self, request, **kwargs):
        return ReportChangeList

    def page_annotations(self):
        """{name: expression} annotated on the list's page of reports alone, in the same
        query as `is_falsified`, and set on each row: none here."""
        return {}

    def review_extras(self):
        """What the review page of one report shows besides its own: nothing here."""
        return review.NO_EXTRAS

    def action_checkbox(self, report):
        """Django's check box of a row, written out: its form widget, rendered through a
        template for each of a hundred rows, took as long as the rest of a row."""
        label = format_html(_("Select this object for an action - {}"), str(report))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            report.pk,
            label,
        )

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
                {**site, "extras": self.review_extras()},
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
    fields = ("report", "position", *CONTENT_FIELDS)
    list_filter = (
        "report__plan",
        ActivityMonthFilter,
        "report__community__work_point",
        ActivityCommunityFilter,
        "form",
    )
    list_select_related = ("report__community", "report__plan")
    # The latest entered first: read backwards along the primary key, a page is found
    # at once at any size; Activity's own order (序号 within a report) sorted every
    # activity of the province, or of its month, to show the first hundred.
    ordering = ("-pk",)
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
