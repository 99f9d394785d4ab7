"""The fraud cases in the admin: read only, for the office, with every version kept
(simple-history's 历史 on each row). The police station and the office enter them on the
portal's pages (duties/cases.py), where a month's communities are saved together."""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from core.admin import EvidenceAdmin
from duties.admin import OfficeReadsOnly
from duties.models import FraudCases


@admin.register(FraudCases)
class FraudCasesAdmin(OfficeReadsOnly, EvidenceAdmin):
    list_display = ("community", "period", "cases", "losses", "recorded_by", "recorded_at")
    list_filter = ("year", "month", "community__work_point", "community")
    list_select_related = ("community", "recorded_by")
    search_fields = ("community__name",)
    fields = ("year", "month", "community", "cases", "losses", "recorded_by", "recorded_at")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("month"), ordering="month")
    def period(self, row):
        return f"{row.year}-{row.month:02d}"
