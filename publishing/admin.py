"""The circulars (C1) in the admin: listed, read, and a draft's texts changed; an issued
circular is read only and never deleted. Drafts are started from their quarter's or
inspection's page (publishing/desk.py), which CircularAdmin mounts with the year's page,
the .docx download and 发布通报; nobody adds one here by hand."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import AuditedAdmin
from core.text import refuse_control_characters
from publishing import desk
from publishing.forms import TEXTS
from publishing.models import ISSUED_ALREADY, Circular


class DraftForm(forms.ModelForm):
    """A draft's texts, without control characters (they would break the .docx); refused
    if the circular was issued after this page was opened."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in TEXTS:
            if name in self.fields:
                self.fields[name].validators.append(refuse_control_characters)

    def clean(self):
        data = super().clean()
        if Circular.objects.filter(pk=self.instance.pk, issued_at__isnull=False).exists():
            raise ValidationError(ISSUED_ALREADY, code="issued")
        return data


@admin.register(Circular)
class CircularAdmin(AuditedAdmin):
    form = DraftForm
    list_display = ("title", "kind", "period", "state", "issued_on")
    list_filter = ("plan", "kind")
    list_select_related = ("plan", "inspection")
    search_fields = ("title", "reference")
    fields = (
        "kind",
        "plan",
        "period",
        *TEXTS,
        "state",
        "issued_on",
        "issued_at",
        "issued_by",
        "circular_page",
    )
    # A draft's texts are changed here (or on its page); the rest is the portal's to set.
    readonly_fields = tuple(name for name in fields if name not in TEXTS)
    actions = None  # no bulk delete: an issued circular is never deleted

    def get_queryset(self, request):
        return super().get_queryset(request).defer("document")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        """An issued circular is read only (C1)."""
        if obj is not None and obj.is_issued:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        """An issued circular is never deleted (C1)."""
        if obj is not None and obj.is_issued:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """Through Circular.edit, under the row's lock, which refuses an issued circular."""
        obj.edit(**{name: form.cleaned_data[name] for name in TEXTS})

    @admin.display(description=gettext_lazy("quarter or inspection"))
    def period(self, circular):
        if circular.inspection_id:
            return f"{circular.inspection.held_on:%Y-%m-%d} {circular.inspection.title}"
        return circular.quarter_label

    @admin.display(description=gettext_lazy("state"), ordering="issued_at")
    def state(self, circular):
        return _("Issued") if circular.is_issued else _("Draft")

    @admin.display(description=gettext_lazy("circular's page"))
    def circular_page(self, circular):
        return format_html(
            '<a href="{}">{}</a>', desk.page_url(circular), _("Preview, download and issue")
        )

    def get_urls(self):
        """The desk's pages of the circulars, inside the admin site (its login, its layout)."""
        view, site = self.admin_site.admin_view, {"site": self.admin_site}
        return [
            path("year/", view(desk.year_page), site, name="publishing_circular_year"),
            path(
                "quarter/<str:quarter>/",
                view(desk.quarter_page),
                site,
                name="publishing_circular_quarter",
            ),
            path(
                "inspection/<int:pk>/",
                view(desk.inspection_page),
                site,
                name="publishing_circular_inspection",
            ),
            path("<int:pk>/circular.docx", view(desk.download), name="publishing_circular_docx"),
            path("<int:pk>/issue/", view(desk.issue), name="publishing_circular_issue"),
            *super().get_urls(),
        ]


# Registered in their own modules, each its own capability.
from publishing import column_admin, year_admin  # noqa: E402, F401
