"""The office's page of the points' duty (P1): every point × the plan's duty months,
done (with dates), missing or not yet; and the same as Excel.

Plain views, mounted in the admin site by duties.admin.SupervisionAdmin.get_urls();
each asks communities.access itself, as reporting/desk.py does. A fixed number of
queries at any size (duties.overview.plan_duties).
"""

from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.access import require_office
from communities.models import WorkPoint
from core.signals import data_exported
from core.spreadsheets import exported_at, write_rows, xlsx_response
from duties.models import Supervision
from duties.overview import plan_duties
from reporting.models import Plan


def chosen_plan(request):
    """All plans, and the one asked for (?year=2021), else this year's or the latest."""
    return Plan.pick(request.GET.get("year", ""), timezone.localdate())


def points_page(request, site):
    require_office(request.user)
    plans, plan = chosen_plan(request)
    return TemplateResponse(
        request,
        "duties/admin_points.html",
        {
            **site.each_context(request),
            "title": _("Work points' supervision and work meetings"),
            "years": [p.year for p in plans],
            "plan": plan,
            "rows": plan_duties(plan, WorkPoint.objects.all(), timezone.now()) if plan else [],
            "opts": Supervision._meta,
        },
    )


def _dates(entries):
    return "、".join(
        f"{entry.held_on:%m-%d}" + (_("(entered late)") if entry.recorded_late else "")
        for entry in entries
    )


def cell_text(duty):
    """A month of a point in a cell: its state, then the dates of what was held."""
    lines = [str(duty.state_label)]
    if duty.is_missing:
        lines[0] = _("Missing: %(items)s") % {"items": "、".join(map(str, duty.missing_items))}
    if duty.supervisions:
        lines.append(_("Supervision %(dates)s") % {"dates": _dates(duty.supervisions)})
    if duty.meetings:
        lines.append(_("Work meeting %(dates)s") % {"dates": _dates(duty.meetings)})
    return "\n".join(lines)


def points_xlsx(request):
    """The same table as the page, one row per point, one column per duty month."""
    require_office(request.user)
    _plans, plan = chosen_plan(request)
    headers = [_("Work point")]
    rows = []
    if plan:
        headers += [_("%(m)s mo.") % {"m": month} for month in plan.months()]
        rows = [
            (point.name, *(cell_text(duty) for duty in months))
            for point, months in plan_duties(plan, WorkPoint.objects.all(), timezone.now())
        ]
    year = plan.year if plan else timezone.localdate().year
    # Who recorded what is personal data leaving as a file: the security log says so.
    data_exported.send(
        sender=Supervision,
        request=request,
        description=_("Export of the work points' duty for %(year)d") % {"year": year},
    )
    heading = _("%(year)d work points' supervision and work meetings (not scored)") % {"year": year}
    return xlsx_response(
        write_rows(headers, rows, _("Supervision"), f"{heading}　{exported_at()}"),
        f"工作点督导与工作会-{year}.xlsx",
    )
