from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communities.access import require_view, viewer_of
from communities.models import Community, Role
from reporting.forms import ActivityFormSet, StartReportForm, SubmitForm
from reporting.models import ActivityPhoto, MonthlyReport, Plan
from reporting.months import choose_year, month_rows, still_open
from scoring.rules import current_quarter


@login_required
@require_GET
def home(request):
    viewer = viewer_of(request.user)
    if viewer.role == Role.COMMUNITY_STAFF:
        community = get_object_or_404(
            Community.objects.select_related("work_point"), pk=viewer.community_id
        )
        year = choose_year(Plan.objects.all(), request.GET.get("year", ""), timezone.localdate())
        plan, now = year.plan, timezone.now()
        reports = list(community.reports.all())  # every year's: twelve a year at most
        context = {
            "year": year,
            "plan": plan,
            "community": community,
            "rows": month_rows(plan, reports, now) if plan else [],
            "still_open": still_open(year, reports, now),
            "quarter": current_quarter(plan.year, plan.months(), timezone.localdate())
            if plan
            else None,
        }
        return render(request, "reporting/home_staff.html", context)
    if viewer.role is None:
        return render(request, "reporting/no_role.html", status=403)
    plans, plan = Plan.pick(request.GET.get("year", ""), timezone.localdate())
    context = {"plans": plans, "plan": plan}
    communities = Community.objects.visible_to(request.user).select_related("work_point")
    reports = MonthlyReport.objects.filter(plan=plan, community__in=communities) if plan else []
    by_cell = {(r.community_id, r.month): r for r in reports}
    context["grid"] = (
        [
            (community, [by_cell.get((community.pk, month)) for month in plan.months()])
            for community in communities
        ]
        if plan
        else []
    )
    return render(request, "reporting/home_overview.html", context)


@login_required
@require_POST
def start_report(request):
    """Open (or reopen) the staff member's own report for a month of a plan."""
    viewer = viewer_of(request.user)
    if viewer.role != Role.COMMUNITY_STAFF:
        raise PermissionDenied
    form = StartReportForm(request.POST)
    if not form.is_valid():
        raise Http404
    plan = get_object_or_404(Plan, year=form.cleaned_data["year"])
    month = form.cleaned_data["month"]
    if month not in plan.months():
        raise Http404
    report = MonthlyReport.start(viewer.community_id, plan, month, by=request.user)
    return redirect(report)


def _report_for(request, pk):
    report = get_object_or_404(
        MonthlyReport.objects.select_related("community__work_point", "plan", "submitted_by"), pk=pk
    )
    require_view(request.user, report.community)
    return report


@login_required
def report(request, pk):
    report = _report_for(request, pk)
    viewer = viewer_of(request.user)
    may_edit = viewer.can_edit(report.community)
    formset, submit_form = None, SubmitForm()
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if not report.is_editable:
            messages.info(request, _("This report was already submitted; nothing was changed."))
            return redirect(report)
        formset = ActivityFormSet(
            request.POST, request.FILES, instance=report, form_kwargs={"report": report}
        )
        submit_form = SubmitForm(request.POST)
        if formset.is_valid() and submit_form.is_valid():
            try:
                report.edit(request.user, lambda: formset.save_with_photos(request.user))
            except ValidationError as refusal:
                messages.info(request, refusal.messages[0])
                return redirect(report)
            if "submit" not in request.POST:
                messages.success(request, _("Draft saved."))
                return redirect(report)
            try:
                report.submit(
                    request.user, truth_confirmed=submit_form.cleaned_data["truth_confirmed"]
                )
            except ValidationError as refusal:
                for problem in refusal.messages:
                    messages.error(request, problem)
                messages.info(request, _("Your changes were saved as a draft."))
            else:
                messages.success(request, _("Report submitted. Thank you."))
            return redirect(report)
        messages.error(request, _("Nothing was saved: please correct the fields marked in red."))
    elif may_edit and report.is_editable:
        formset = ActivityFormSet(instance=report, form_kwargs={"report": report})
    activities = report.activities.prefetch_related("photos")
    findings = list(report.findings.select_related("recorded_by", "withdrawn_by"))
    return render(
        request,
        "reporting/report.html",
        {
            "report": report,
            "formset": formset,
            "submit_form": submit_form,
            "activities": activities,
            "events": report.events.select_related("actor"),
            "findings": findings,
            "active_finding": next((f for f in findings if f.is_active), None),
            "may_edit": may_edit,
        },
    )


PHOTO_VARIANTS = ("thumbnail", "display", "original")


@login_required
@require_GET
def photo(request, pk, variant):
    """Every photo file goes through here: nothing of the storage is public."""
    if variant not in PHOTO_VARIANTS:
        raise Http404
    photo = get_object_or_404(
        ActivityPhoto.objects.select_related("activity__report__community"), pk=pk
    )
    community = photo.activity.report.community
    require_view(request.user, community)
    if variant == "original" and not viewer_of(request.user).can_see_originals(community):
        raise PermissionDenied
    field = getattr(photo, variant)
    content_type = photo.content_type if variant == "original" else "image/jpeg"
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    # Never rendered as a page, whatever bytes follow the image (X-Content-Type-Options
    # comes from SecurityMiddleware).
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    if variant == "original":
        response["Content-Disposition"] = (
            f'attachment; filename="photo-{photo.pk}.{field.name.rsplit(".", 1)[-1]}"'
        )
    return response
