"""The phases' papers at the office's desk (issue 14 part 3): every version handed in, read
only; and the desk page of a year's phase, every community and unit with its current
paper or 未上传, and the ZIP of all the current papers (duties.documents).

The office reads them by its role (communities.access), as the points' duties are read
(duties.admin.OfficeReadsOnly); the communities' and units' staff hand them in on their
own pages (duties/phases.py); nobody adds, changes or deletes one here.
"""

from django.contrib import admin
from django.http import Http404, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.access import require_office
from core.admin import EvidenceAdmin
from core.signals import data_exported
from duties.admin import OfficeReadsOnly
from duties.documents import download_name, phase_overview, phase_zip
from duties.models import Phase, PhaseDocument
from reporting.models import Plan


def chosen(request):
    """All plans, the one asked for (?year=), and the phase (?phase=, else 实施方案)."""
    plans, plan = Plan.pick(request.GET.get("year", ""), timezone.localdate())
    wanted = request.GET.get("phase", "")
    return plans, plan, Phase(wanted) if wanted in Phase.values else Phase.PLAN


def phases_page(request, site):
    """A year's phase: who has handed in, who has not (未上传), and the ZIP of the papers."""
    require_office(request.user)
    plans, plan, phase = chosen(request)
    return TemplateResponse(
        request,
        "duties/admin_phases.html",
        {
            **site.each_context(request),
            "title": _("Implementation plans and summaries"),
            "years": [p.year for p in plans],
            "year": plan.year if plan else None,
            "plan": plan,
            "phase": phase,
            "phases": Phase.choices,
            "overview": phase_overview(plan, phase) if plan else None,
            "opts": PhaseDocument._meta,
        },
    )


def phases_zip(request):
    """The current paper of every community and unit for the phase, one folder each."""
    require_office(request.user)
    _plans, plan, phase = chosen(request)
    if plan is None:
        raise Http404
    label = Phase(phase).label
    data_exported.send(
        sender=PhaseDocument,
        request=request,
        description=_("Export of the %(phase)s of %(year)d as a ZIP")
        % {"phase": label, "year": plan.year},
    )
    response = StreamingHttpResponse(
        phase_zip(phase_overview(plan, phase)), content_type="application/zip"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{plan.year}年{ZIP_NAMES[phase]}.zip"
    )
    return response


ZIP_NAMES = {Phase.PLAN: "各社区各单位实施方案", Phase.SUMMARY: "各社区各单位工作总结"}


@admin.register(PhaseDocument)
class PhaseDocumentAdmin(OfficeReadsOnly, EvidenceAdmin):
    """Every version handed in, newest first; the file through the portal's download."""

    # What a phone shows first: whose, which file, which phase.
    list_display = ("owner", "file_link", "phase", "plan", "recorded_at", "recorded_by")
    list_filter = ("plan", "phase", "community", "unit")
    list_select_related = ("plan", "community", "unit", "recorded_by")
    search_fields = ("original_name", "community__name", "unit__name")
    fields = (
        "plan",
        "phase",
        "community",
        "unit",
        "file_link",
        "content_type",
        "size",
        "sha256",
        "recorded_by",
        "recorded_at",
    )
    readonly_fields = fields
    ordering = ("-recorded_at", "-pk")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "phases/",
                view(phases_page),
                {"site": self.admin_site},
                name="duties_phasedocument_phases",
            ),
            path("phases.zip", view(phases_zip), name="duties_phasedocument_phases_zip"),
            *super().get_urls(),
        ]

    @admin.display(description=gettext_lazy("community or unit"))
    def owner(self, document):
        return document.community or document.unit

    @admin.display(description=gettext_lazy("file name"), ordering="original_name")
    def file_link(self, document):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("phases:download", args=[document.pk]),
            download_name(document),
        )
