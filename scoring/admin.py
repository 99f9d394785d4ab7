from django.contrib import admin

from core.admin import AuditedAdmin
from scoring.models import Inspection, InspectionResult, OfficialWarning


class InspectionResultInline(admin.TabularInline):
    model = InspectionResult
    extra = 3
    autocomplete_fields = ("community",)


@admin.register(Inspection)
class InspectionAdmin(AuditedAdmin):
    list_display = ("held_on", "title", "plan")
    list_filter = ("plan",)
    inlines = (InspectionResultInline,)
    exclude = ("recorded_by", "recorded_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(OfficialWarning)
class OfficialWarningAdmin(AuditedAdmin):
    list_display = ("community", "plan", "issued_on", "interview_held_on")
    list_filter = ("plan",)
    list_select_related = ("community", "plan")
    readonly_fields = ("community", "plan", "strikes", "issued_by")
