from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communities.access import (
    own_community_id,
    require_edit,
    require_office,
    require_view,
    viewer_of,
    visible_communities,
)
from communities.models import Community, PropagandaTeam
from core.http import redirect_back
from reporting.forms import (
    ActivityFormSet,
    PhotoUploadForm,
    ReportForm,
    StartReportForm,
    photos_anchor,
)
from reporting.models import ActivityPhoto, Finding, MonthlyReport, Plan, StagedPhoto
from reporting.months import choose_year, month_rows, still_open, to_do


@login_required
@require_GET
def home(request):
    viewer = viewer_of(request.user)
    if viewer.files_reports:
        community = get_object_or_404(
            Community.objects.select_related("work_point"), pk=viewer.community_id
        )
        year = choose_year(Plan.objects.all(), request.GET.get("year", ""), timezone.localdate())
        plan, now = year.plan, timezone.now()
        reports = list(community.reports.all())  # every year's: twelve a year at most
        rows = month_rows(plan, reports, now) if plan else []
        earlier = still_open(year, reports, now)
        context = {
            "year": year,
            "plan": plan,
            "community": community,
            "rows": rows,
            "still_open": earlier,
            "to_do": to_do([*earlier, *rows]),
        }
        return render(request, "reporting/home_staff.html", context)
    if viewer.records_unit_activities:
        # U1: a unit's staff file no report; their home is their unit's activities.
        return redirect("duties:unit_home")
    if not viewer.has_role:
        return render(request, "reporting/no_role.html", status=403)
    plans, plan = Plan.pick(request.GET.get("year", ""), timezone.localdate())
    context = {"plans": plans, "plan": plan}
    communities = visible_communities(request.user).select_related("work_point")
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
    community_id = own_community_id(request.user)
    form = StartReportForm(request.POST)
    if not form.is_valid():
        raise Http404
    plan = get_object_or_404(Plan, year=form.cleaned_data["year"])
    month = form.cleaned_data["month"]
    if not plan.carries_duty(month):
        raise Http404
    report = MonthlyReport.start(community_id, plan, month, by=request.user)
    return redirect(report)


def _report_for(request, pk):
    report = get_object_or_404(
        MonthlyReport.objects.select_related("community__work_point", "plan", "submitted_by"), pk=pk
    )
    require_view(request.user, report.community)
    return report


def _activity_formset(report, user, data=None, files=None, blank_card=False):
    """The report's cards; an unbound page also shows the user's uploads not saved yet."""
    pending = {}
    if data is None:
        for upload in report.staged_photos.pending_for(user):
            pending.setdefault(upload.activity_id, []).append(upload)
        blank_card = blank_card or None in pending or not report.activities.exists()
    return ActivityFormSet(
        data,
        files,
        instance=report,
        queryset=report.activities.prefetch_related("photos"),
        form_kwargs={"report": report},
        pending=pending,
        blank_card=blank_card,
    )


@login_required
def report(request, pk):
    report = _report_for(request, pk)
    may_edit = viewer_of(request.user).can_edit(report.community)
    if request.method == "POST":
        require_edit(request.user, report.community)
        return _save_report(request, report)
    formset = report_form = None
    if may_edit and report.is_editable:
        formset = _activity_formset(report, request.user, blank_card="add" in request.GET)
        report_form = ReportForm(initial={"version": report.version})
    # What stopped a submission a moment ago (see _save_report), listed where it is fixed.
    problems = [
        (message.message, message.extra_tags.split()[-1])
        for message in messages.get_messages(request)
        if "problem" in message.extra_tags.split()
    ]
    return _render_report(request, report, formset, report_form, summary=problems)


def _save_report(request, report):
    """Save the page (and submit it if asked) as one change, or show what stops it.

    Whatever is refused, the page comes back as the person left it, with every
    photo they picked: nothing typed or uploaded is lost.
    """
    if not report.is_editable:
        messages.info(request, report.already_submitted_message())
        return redirect(report)
    report_form = ReportForm(request.POST)
    formset = _activity_formset(report, request.user, request.POST, request.FILES)
    valid = report_form.is_valid() & formset.is_valid()
    formset.stage_uploads(request.user)
    if not report.is_current(report_form.cleaned_data.get("version", 0)):
        return _render_report(request, report, formset, report_form, stale=True)
    if not valid:
        return _render_report(request, report, formset, report_form, summary=formset.summary())
    submitting = "submit" in request.POST
    try:
        refusal = report.revise(
            request.user,
            version=report_form.cleaned_data["version"],
            revision=formset.revision(),
            submit=submitting,
            truth_confirmed=report_form.cleaned_data["truth_confirmed"],
        )
    except ValidationError as error:
        if error.code == "wrong_state":
            messages.info(request, error.message)
            return redirect(report)
        return _render_report(
            request,
            report,
            formset,
            report_form,
            stale=error.code == "stale",
            summary=[(message, "activities") for message in error.messages],
        )
    if refusal is not None:
        for problem in refusal.error_list:
            messages.error(request, problem.messages[0], extra_tags=f"problem {_anchor(problem)}")
        messages.info(request, _("Your changes were saved as a draft; it is not submitted yet."))
        return redirect(f"{report.get_absolute_url()}#error-summary")
    if submitting:
        messages.success(request, _("Report submitted. Thank you."))
        return redirect(report)
    messages.success(request, _("Draft saved."))
    if "add_activity" in request.POST:
        added = report.activities.count()
        return redirect(f"{report.get_absolute_url()}?add=1#card-activities-{added}")
    return redirect(report)


def _anchor(problem):
    """Where on the page a submission problem (M1, M4) is to be fixed."""
    params = problem.params or {}
    if "activity" in params:
        return photos_anchor(params["activity"], None)
    return params.get("field", "activities")


def _render_report(request, report, formset, report_form, summary=(), stale=False):
    findings = list(report.findings.select_related("recorded_by", "withdrawn_by"))
    active_finding = next((f for f in findings if f.is_active), None)
    return render(
        request,
        "reporting/report.html",
        {
            "report": report,
            "formset": formset,
            "report_form": report_form,
            "summary": summary,
            "stale": stale,
            "activities": report.activities.prefetch_related("photos"),
            "events": report.events.select_related("actor"),
            "findings": findings,
            "may_record_finding": active_finding is None
            and viewer_of(request.user).may_record_finding(report),
            "max_photos": settings.PHOTOS_PER_ACTIVITY,
        },
    )


@login_required
@require_POST
def upload_photo(request, pk):
    """One photo, sent by the report page's script the moment it is picked.

    It is checked and kept for the report until the page is saved (StagedPhoto);
    the answer is JSON, with the reason in Chinese when it is refused.
    """
    report = _report_for(request, pk)
    require_edit(request.user, report.community)
    form = PhotoUploadForm(request.POST, request.FILES, report=report)
    if not form.is_valid():
        refusals = form.errors.as_data().values()
        codes = {error.code for errors in refusals for error in errors}
        return JsonResponse(
            {"error": " ".join(m for errors in refusals for e in errors for m in e.messages)},
            status=409 if codes & {"stale", "wrong_state"} else 400,
        )
    upload = StagedPhoto.stage(
        report, form.cleaned_data["photo"], request.user, activity=form.cleaned_data["activity"]
    )
    return JsonResponse(
        {"id": upload.pk, "thumbnail": reverse("staged_photo", args=[report.pk, upload.pk])},
        status=201,
    )


def _image_response(field, content_type):
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    # Never rendered as a page, whatever bytes follow the image (X-Content-Type-Options
    # comes from SecurityMiddleware).
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if field.field.name == "original":
        # The evidence as taken (GPS and all in its metadata), for the office only:
        # never kept in a browser's or a shared computer's cache.
        response["Cache-Control"] = "private, no-store"
    else:
        # The display copy and the thumbnail carry no metadata and change never (a new
        # photo is a new row): an hour in this browser's cache only, never a proxy's,
        # spares a phone reloading a report's photos on every page.
        response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def staged_photo(request, pk, upload_pk):
    """The thumbnail of an upload not saved yet: for those who may edit the report only."""
    report = _report_for(request, pk)
    if not viewer_of(request.user).can_edit(report.community):
        raise Http404
    upload = get_object_or_404(StagedPhoto, pk=upload_pk, report=report)
    return _image_response(upload.thumbnail, "image/jpeg")


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
    return photo_file_response(photo, variant, "photo")


def photo_file_response(photo, variant, name):
    """One file of a checked photo (PhotoFiles), its access already decided: the
    original as a download named `<name>-<pk>.<extension>`, the copies as JPEG."""
    field = getattr(photo, variant)
    response = _image_response(field, photo.content_type if variant == "original" else "image/jpeg")
    if variant == "original":
        response["Content-Disposition"] = (
            f'attachment; filename="{name}-{photo.pk}.{field.name.rsplit(".", 1)[-1]}"'
        )
    return response


def _act(request, action, success):
    """Run an office action on the form's reason; a refusal becomes a message, never a 500."""
    try:
        action(request.POST.get("reason", ""))
    except ValidationError as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)


@login_required
@require_POST
def report_finding(request, pk):
    """M6: the office finds a report falsified, with a reason."""
    require_office(request.user)
    report = get_object_or_404(MonthlyReport, pk=pk)
    seen = request.POST.get("version", "")
    version = int(seen) if seen.isdigit() else 0
    _act(
        request,
        lambda reason: report.mark_falsified(request.user, reason, version=version),
        _("The report is recorded as falsified."),
    )
    return redirect(report)


@login_required
@require_POST
def team_finding(request, pk):
    """S3: the office finds a community's team exists only on paper."""
    require_office(request.user)
    team = get_object_or_404(PropagandaTeam, community_id=pk)
    _act(
        request,
        lambda reason: Finding.record(by=request.user, reason=reason, team=team),
        _("The team is recorded as existing only on paper."),
    )
    return redirect_back(request, "home")


@login_required
@require_POST
def withdraw_finding(request, pk):
    """M6, S3: the office withdraws a finding, with a reason; the history keeps both."""
    require_office(request.user)
    finding = get_object_or_404(Finding.objects.select_related("report", "team"), pk=pk)
    _act(
        request,
        lambda reason: finding.withdraw(request.user, reason),
        _("The finding is withdrawn."),
    )
    if finding.report_id:
        return redirect(finding.report)
    return redirect_back(request, "home")
