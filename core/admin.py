"""The admin's shared bases: an audit trail nobody rewrites, evidence nobody adds
or deletes by hand, photos as thumbnails, and the list as Excel."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from core.signals import data_exported
from core.spreadsheets import export_list, xlsx_response


class AuditedAdmin(SimpleHistoryAdmin):
    """Every change kept by django-simple-history, readable and never rewritten.

    simple-history's page for one past version saves that version back on
    POST even with SIMPLE_HISTORY_REVERT_DISABLED: the trail refuses it here.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class EvidenceMixin:
    """Evidence: added by the portal's own actions, never by hand, and never deleted.

    For a ModelAdmin and an inline alike (an inline's checks take the parent `obj`);
    an inline without delete permission shows no delete box.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EvidenceAdmin(EvidenceMixin, AuditedAdmin):
    """Evidence whose every change is kept (reports, activities, photos, findings)."""


class ReadOnlyAdmin(EvidenceMixin, admin.ModelAdmin):
    """A record the portal writes for itself (the login record): read here, nothing more."""

    def has_change_permission(self, request, obj=None):
        return False


class ShowsPhotos:
    """Each record's photos (prefetched) as thumbnails, each a link to its display copy,
    through the portal's photo view named `photo_url` (never MEDIA_URL). For a ModelAdmin
    and an inline alike; `photo_thumbnails` goes in their (read-only) fields."""

    photo_url = None

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("photos")

    @admin.display(description=gettext_lazy("photos"))
    def photo_thumbnails(self, record):
        return format_html_join(
            " ",
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" '
            'class="desk-thumb"></a>',
            (
                (
                    reverse(self.photo_url, args=[photo.pk, "display"]),
                    reverse(self.photo_url, args=[photo.pk, "thumbnail"]),
                    _("Photo %(n)d") % {"n": n},
                )
                for n, photo in enumerate(record.photos.all(), start=1)
            ),
        )


class ExcelExportMixin:
    """导出Excel: the list as filtered, in the columns `export_resource_class` declares
    (a core.spreadsheets.ExportedList), read as values and streamed from the database
    (no model instance per row, no list of ids, bounded memory)."""

    export_resource_class = None
    export_title = "Sheet1"

    def get_urls(self):
        name = f"{self.model._meta.app_label}_{self.model._meta.model_name}_export"
        export = path("export.xlsx", self.admin_site.admin_view(self.export_view), name=name)
        return [export, *super().get_urls()]

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        queryset = self.get_changelist_instance(request).get_queryset(request)
        handle = export_list(self.export_resource_class, queryset, self.export_title)
        description = _("Excel export: %(title)s") % {"title": self.export_title}
        data_exported.send(sender=self.model, request=request, description=description)
        return xlsx_response(handle, f"{self.export_title}.xlsx")


def yes_no_icon(value):
    """The admin's yes/no icon, its alternative text in Chinese (Django's says True/False)."""
    name, text = {True: ("yes", _("Yes")), False: ("no", _("No")), None: ("unknown", _("Unknown"))}[
        value
    ]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{name}.svg"), text)
