"""The points' visits and meetings in the admin: read only, for the office (P1).

The office reads them by its role (communities.access), not by a Django permission:
the office's permissions (communities/permissions.py) live in an app below this one.
The heads record and correct them on their own pages (duties/views.py); nobody adds,
changes or deletes one here. SupervisionAdmin also mounts the office's page of every
point's months (duties/desk.py); BoardUpdateAdmin the page of every community's board
updates by quarter (B1, duties/boards_desk.py), each through MountsDeskPage.

The units' activities (U1) are read by the office's own view permission instead
(communities/permissions.py), like the reports' activities; UnitActivityAdmin mounts the
year's overview per unit and per duty (duties/units_desk.py).
"""

from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy

from communities.access import viewer_of
from core.admin import EvidenceAdmin, ShowsPhotos, yes_no_icon
from duties import boards_desk, desk, units_desk
from duties.models import BoardUpdate, ScreenUse, Supervision, UnitActivity, WorkMeeting


class MountsDeskPage:
    """Also mounts an office page and its workbook in the admin site, behind its checks:
    `desk_page` is (route, page view, workbook view, name), the page at <route>/
    (admin:<name>), the workbook at <route>.xlsx (admin:<name>_xlsx)."""

    desk_page = None

    def get_urls(self):
        route, page, workbook, name = self.desk_page
        view = self.admin_site.admin_view
        return [
            path(f"{route}/", view(page), {"site": self.admin_site}, name=name),
            path(f"{route}.xlsx", view(workbook), name=f"{name}_xlsx"),
            *super().get_urls(),
        ]


class OfficeReadsOnly:
    """Read by the office (and superusers, who read as the office); changed by nobody."""

    def has_module_permission(self, request):
        return viewer_of(request.user).is_office

    def has_view_permission(self, request, obj=None):
        return viewer_of(request.user).is_office

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("month"), ordering="month")
    def period(self, record):
        return record.month_label


@admin.register(Supervision)
class SupervisionAdmin(ShowsPhotos, MountsDeskPage, OfficeReadsOnly, EvidenceAdmin):
    list_display = ("work_point", "period", "held_on", "visited", "recorded_by", "recorded_at")
    list_filter = ("plan", "work_point", "month")
    list_select_related = ("work_point", "plan", "recorded_by")
    search_fields = ("checked", "problems", "follow_up", "communities__name")
    fields = (
        "work_point",
        "plan",
        "month",
        "held_on",
        "visited",
        "checked",
        "problems",
        "follow_up",
        "photo_thumbnails",
        "recorded_by",
        "recorded_at",
    )
    readonly_fields = fields
    photo_url = "duties:photo"
    # The office's page of every point's months, and its workbook.
    desk_page = ("points", desk.points_page, desk.points_xlsx, "duties_supervision_points")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("communities")

    @admin.display(description=gettext_lazy("communities visited"))
    def visited(self, visit):
        return "、".join(community.name for community in visit.communities.all())


@admin.register(WorkMeeting)
class WorkMeetingAdmin(OfficeReadsOnly, EvidenceAdmin):
    list_display = ("work_point", "period", "held_on", "recorded_by", "recorded_at")
    list_filter = ("plan", "work_point", "month")
    list_select_related = ("work_point", "plan", "recorded_by")
    search_fields = ("attendees", "case_analysis", "decisions")
    fields = (
        "work_point",
        "plan",
        "month",
        "held_on",
        "attendees",
        "case_analysis",
        "decisions",
        "recorded_by",
        "recorded_at",
    )
    readonly_fields = fields


@admin.register(BoardUpdate)
class BoardUpdateAdmin(ShowsPhotos, MountsDeskPage, OfficeReadsOnly, EvidenceAdmin):
    """B1: the communities' board updates, recorded by their staff; read here."""

    list_display = ("community", "quarter_label", "held_on", "place", "recorded_by", "recorded_at")
    list_filter = ("plan", "quarter", "community__work_point", "community")
    list_select_related = ("community", "plan", "recorded_by")
    search_fields = ("place", "community__name")
    fields = (
        "community",
        "plan",
        "quarter",
        "held_on",
        "place",
        "photo_thumbnails",
        "recorded_by",
        "recorded_at",
    )
    readonly_fields = fields
    photo_url = "duties:board_photo"
    # The office's page of every community's quarters, and its workbook.
    desk_page = (
        "quarters",
        boards_desk.boards_page,
        boards_desk.boards_xlsx,
        "duties_boardupdate_quarters",
    )

    @admin.display(description=gettext_lazy("quarter"), ordering="quarter")
    def quarter_label(self, update):
        return update.quarter_label


@admin.register(ScreenUse)
class ScreenUseAdmin(OfficeReadsOnly, EvidenceAdmin):
    """B1: the communities' LED screen and broadcast uses; read here."""

    list_display = ("community", "held_on", "kind", "place", "times", "minutes", "recorded_by")
    list_filter = ("kind", "community__work_point", "community")
    list_select_related = ("community", "recorded_by")
    search_fields = ("place", "content", "community__name")
    fields = (
        "community",
        "held_on",
        "kind",
        "place",
        "content",
        "times",
        "minutes",
        "recorded_by",
        "recorded_at",
    )
    readonly_fields = fields


@admin.register(UnitActivity)
class UnitActivityAdmin(ShowsPhotos, MountsDeskPage, EvidenceAdmin):
    """U1: the units' activities, recorded and corrected by their own staff on their pages;
    read here by the office (its view permission), changed by nobody."""

    photo_url = "duties:unit_photo"
    # The office's overview of the units' year, per unit and per duty, and its workbook.
    desk_page = ("year", units_desk.year_page, units_desk.year_xlsx, "duties_unitactivity_year")
    fields = (
        "unit",
        "period",
        "held_at",
        "place",
        "form_label",
        "participants",
        "caption",
        "count",
        "recorded_by",
        "recorded_at",
        "entered_late",
        "photo_thumbnails",
    )
    readonly_fields = fields
    # The list: each activity at a glance, without its caption, recorder and photos.
    list_display = tuple(
        f for f in fields if f not in ("caption", "recorded_by", "photo_thumbnails")
    )
    list_filter = ("unit", "year", "month", "form")
    list_select_related = ("unit", "recorded_by")
    search_fields = ("place", "caption", "unit__name")

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("month"), ordering="month")
    def period(self, activity):
        return f"{activity.year}-{activity.month:02d}"

    @admin.display(description=gettext_lazy("form of activity"), ordering="form")
    def form_label(self, activity):
        return activity.form_label

    @admin.display(description=gettext_lazy("Entered late"))
    def entered_late(self, activity):
        return yes_no_icon(activity.recorded_late)


# Registered in their own modules, each its own capability.
from duties import cases_admin, phases_admin  # noqa: E402, F401
