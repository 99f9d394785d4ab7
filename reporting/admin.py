from django.contrib import admin

from reporting.models import Activity, ActivityPhoto, MonthlyReport, Plan, ReportEvent


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("year", "duty_months", "deadline_day")


class ActivityInline(admin.StackedInline):
    model = Activity
    extra = 0


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "actor", "at", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    list_display = ("community", "plan", "month", "state", "first_submitted_at", "submitted_by")
    list_filter = ("plan", "month", "state", "community__work_point")
    list_select_related = ("community", "plan", "submitted_by")
    search_fields = ("community__name",)
    readonly_fields = (
        "state",
        "first_submitted_at",
        "submitted_at",
        "submitted_by",
        "return_reason",
    )
    inlines = (ActivityInline, ReportEventInline)


@admin.register(ActivityPhoto)
class ActivityPhotoAdmin(admin.ModelAdmin):
    list_display = ("__str__", "activity", "taken_at", "sha256", "uploaded_at")
    list_select_related = ("activity",)
    readonly_fields = tuple(f.name for f in ActivityPhoto._meta.fields)
