"""The points' visits and meetings in the admin: read only, for the office (P1).

The office reads them by its role (communities.access), not by a Django permission:
the office's permissions (communities/permissions.py) live in an app below this one.
The heads record and correct them on their own pages (duties/views.py); nobody adds,
changes or deletes one here. SupervisionAdmin also mounts the office's page of every
point's months (duties/desk.py); BoardUpdateAdmin the page of every community's board
updates by quarter (B1, duties/boards_desk.py).
"""

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.access import viewer_of
from core.admin import EvidenceAdmin
from duties import boards_desk, desk
from duties.models import BoardUpdate, ScreenUse, Supervision, WorkMeeting


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
class SupervisionAdmin(OfficeReadsOnly, EvidenceAdmin):
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

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("communities", "photos")

    @admin.display(description=gettext_lazy("communities visited"))
    def visited(self, visit):
        return "、".join(community.name for community in visit.communities.all())

    @admin.display(description=gettext_lazy("photos"))
    def photo_thumbnails(self, visit):
        return format_html_join(
            " ",
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" '
            'class="desk-thumb"></a>',
            (
                (
                    reverse("duties:photo", args=[p.pk, "display"]),
                    reverse("duties:photo", args=[p.pk, "thumbnail"]),
                    _("Photo %(n)d") % {"n": n},
                )
                for n, p in enumerate(visit.photos.all(), start=1)
            ),
        )

    def get_urls(self):
        """The office's page of every point's months, and its workbook, in the admin site."""
        view = self.admin_site.admin_view
        return [
            path(
                "points/",
                view(desk.points_page),
                {"site": self.admin_site},
                name="duties_supervision_points",
            ),
            path(
                "points.xlsx",
                view(desk.points_xlsx),
                name="duties_supervision_points_xlsx",
            ),
            *super().get_urls(),
        ]


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
class BoardUpdateAdmin(OfficeReadsOnly, EvidenceAdmin):
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

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("photos")

    @admin.display(description=gettext_lazy("quarter"), ordering="quarter")
    def quarter_label(self, update):
        return update.quarter_label

    @admin.display(description=gettext_lazy("photos"))
    def photo_thumbnails(self, update):
        return format_html_join(
            " ",
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" '
            'class="desk-thumb"></a>',
            (
                (
                    reverse("duties:board_photo", args=[p.pk, "display"]),
                    reverse("duties:board_photo", args=[p.pk, "thumbnail"]),
                    _("Photo %(n)d") % {"n": n},
                )
                for n, p in enumerate(update.photos.all(), start=1)
            ),
        )

    def get_urls(self):
        """The office's page of every community's quarters, and its workbook."""
        view = self.admin_site.admin_view
        return [
            path(
                "quarters/",
                view(boards_desk.boards_page),
                {"site": self.admin_site},
                name="duties_boardupdate_quarters",
            ),
            path(
                "quarters.xlsx",
                view(boards_desk.boards_xlsx),
                name="duties_boardupdate_quarters_xlsx",
            ),
            *super().get_urls(),
        ]


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
