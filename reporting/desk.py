"""The office's desk for a month: who has not reported, and the files that go out.

Plain views, mounted in the admin site by MonthlyReportAdmin.get_urls(); each asks
communities.access itself, so no file leaves through a URL the admin site forgot.
"""

from functools import wraps

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from communities.access import require_office
from core.signals import data_exported
from core.spreadsheets import spool, write_rows, xlsx_response
from reporting import attachment2
from reporting.forms import MonthForm
from reporting.missing import missing_reports
from reporting.models import MonthlyReport
from reporting.photo_zip import month_photos_zip


def chosen_month(request):
    """The month form read from the query, and its (plan, month), or None."""
    form = MonthForm(request.GET or None)
    return form, (form.cleaned_data["month"] if form.is_valid() else None)


def month_page(request, site):
    """Who has not reported a month, and the month's files to take out."""
    require_office(request.user)
    form, chosen = chosen_month(request)
    return TemplateResponse(
        request,
        "admin/reporting/month.html",
        {
            **site.each_context(request),
            "title": _("Who has not reported"),
            "form": form,
            "chosen": chosen,
            "rows": missing_reports(*chosen) if chosen else [],
            "query": request.GET.urlencode(),
            "opts": MonthlyReport._meta,
        },
    )


def month_file(file_view):
    """A file of one month, for the office: `file_view(request, plan, month)`.

    Without a month that has a report due, back to the month page with the same
    query (the page then says what is wrong with it) and a message.
    """

    @wraps(file_view)
    def view(request):
        require_office(request.user)
        _form, chosen = chosen_month(request)
        if chosen is None:
            messages.error(request, _("Choose a month with a report due to take out its files."))
            back, query = reverse("admin:reporting_monthlyreport_month"), request.GET.urlencode()
            return redirect(f"{back}?{query}" if query else back)
        return file_view(request, *chosen)

    return view


def month_label(plan, month):
    return {"month": f"{plan.year}-{month:02d}"}


def exported(request, description):
    """Say that personal data leaves as a file (the security log records it)."""
    data_exported.send(sender=MonthlyReport, request=request, description=description)


@month_file
def missing_xlsx(request, plan, month):
    rows = (
        (
            r.community.work_point.name,
            r.community.name,
            str(r.status_label),
            r.contact.name if r.contact else "",
            r.contact.phone if r.contact else "",
        )
        for r in missing_reports(plan, month)
    )
    headers = ("工作点", "社区", "情况", "工作群联系人", "联系电话")
    exported(request, _("Export of who has not reported %(month)s") % month_label(plan, month))
    heading = f"{plan.year}年{month}月 未报送情况"
    return xlsx_response(
        write_rows(headers, rows, "未报送", heading), f"未报送-{plan.year}-{month:02d}.xlsx"
    )


def attachment2_response(reports, filename):
    out = spool()
    attachment2.workbook(reports, out)
    out.seek(0)
    return xlsx_response(out, filename)


@month_file
def month_attachment2(request, plan, month):
    """The month's Attachment 2, one sheet per community that has submitted."""
    reports = attachment2.with_photos(
        MonthlyReport.objects.filter(plan=plan, month=month).received()
    ).order_by("community__work_point__position", "community__position", "community__name")
    exported(request, _("Export of Attachment 2 for %(month)s") % month_label(plan, month))
    return attachment2_response(reports, f"附件2-{plan.year}-{month:02d}.xlsx")


def report_attachment2(request, pk):
    """One report's Attachment 2, as the community would have e-mailed it."""
    require_office(request.user)
    report = get_object_or_404(attachment2.with_photos(MonthlyReport.objects.all()), pk=pk)
    exported(
        request,
        _("Export of %(community)s's Attachment 2 for %(month)s")
        % {"community": report.community.name, **month_label(report.plan, report.month)},
    )
    return attachment2_response(
        [report], f"附件2-{report.community.name}-{report.plan.year}-{report.month:02d}.xlsx"
    )


@month_file
def photos_zip(request, plan, month):
    exported(request, _("Export of the photo ZIP for %(month)s") % month_label(plan, month))
    response = StreamingHttpResponse(month_photos_zip(plan, month), content_type="application/zip")
    # filename* (RFC 5987) carries the Chinese name, as FileResponse does for the .xlsx files.
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{plan.year}年{month}月反诈骗活动照片.zip"
    )
    return response
