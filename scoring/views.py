from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communities.access import own_community_id, require_view, viewer_of
from communities.models import Community, PropagandaTeam
from reporting.models import Finding, MonthlyReport, Plan
from scoring import charts, rules
from scoring.forms import FindingForm, InterviewForm, QuarterFilterForm, WarningForm
from scoring.gather import PlanScores
from scoring.models import Inspection, OfficialWarning
from scoring.xlsx import quarter_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_reader(user):
    """The quarter pages are for the office and the leadership."""
    if not viewer_of(user).sees_all:
        raise PermissionDenied


def _require_office(user):
    if not viewer_of(user).is_office:
        raise PermissionDenied


def _plan_scores(quarter):
    plan = get_object_or_404(Plan, year=quarter.year)
    scores = PlanScores(plan, timezone.now())
    if quarter not in scores.quarters():
        raise Http404(_("This quarter has no month with a report due: it is not assessed."))
    return scores


@login_required
@require_GET
def index(request):
    _require_reader(request.user)
    plans, plan = Plan.pick(request.GET.get("year", ""), timezone.localdate())
    context = {"plans": plans, "plan": plan}
    if plan:
        context.update(
            quarters=rules.assessed_quarters(plan.year, plan.months()),
            inspections=plan.inspections.all(),
        )
    return render(request, "scoring/index.html", context)


@login_required
@require_GET
def quarter_page(request, quarter):
    _require_reader(request.user)
    plan_scores = _plan_scores(quarter)
    scores = plan_scores.quarter_scores(quarter)
    form = QuarterFilterForm(request.GET or None)
    shown = form.apply(scores) if form.is_valid() else scores
    return render(
        request,
        "scoring/quarter.html",
        {
            "quarter": quarter,
            "plan": plan_scores.plan,
            "scores": shown,
            "form": form,
            "at": plan_scores.at,
            "chart": charts.deductions_bar(shown),
            "due_count": sum(1 for s in scores if s.warning_due and not s.warning),
        },
    )


@login_required
@require_GET
def quarter_xlsx(request, quarter):
    _require_reader(request.user)
    plan_scores = _plan_scores(quarter)
    body = quarter_workbook(quarter, plan_scores.quarter_scores(quarter), plan_scores.at)
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="scores-{quarter}.xlsx"'
    return response


@login_required
@require_GET
def work_points(request, quarter):
    _require_reader(request.user)
    plan_scores = _plan_scores(quarter)
    totals = {s.community.pk: s.total for s in plan_scores.quarter_scores(quarter)}
    rows = [
        (point, members, cells, sum(totals[c.pk] for c in members) / len(members))
        for point, members, cells in plan_scores.rates(quarter)
    ]
    return render(
        request,
        "scoring/work_points.html",
        {
            "quarter": quarter,
            "rows": rows,
            "at": plan_scores.at,
        },
    )


@login_required
@require_GET
def ledger(request, quarter, pk):
    """A community's ledger: every line checked, with a link to its report."""
    community = get_object_or_404(Community.objects.select_related("work_point"), pk=pk)
    require_view(request.user, community)
    plan_scores = _plan_scores(quarter)
    score = next(s for s in plan_scores.quarter_scores(quarter) if s.community.pk == pk)
    team = PropagandaTeam.objects.filter(community=community).first()
    return render(
        request,
        "scoring/ledger.html",
        {
            "quarter": quarter,
            "plan": plan_scores.plan,
            "score": score,
            "community": community,
            "at": plan_scores.at,
            "chart": charts.trend_line(plan_scores.trend(community)),
            "team": team,
            "team_finding": team and Finding.objects.active().filter(team=team).first(),
            "finding_form": FindingForm(),
            "warning_form": WarningForm(),
            "interview_form": InterviewForm(),
        },
    )


@login_required
@require_GET
def our_ledger(request):
    """From a community's home page: its ledger for the quarter to look at today."""
    community_id = own_community_id(request.user)
    year = request.GET.get("year", "")
    plan = get_object_or_404(Plan, year=int(year) if year.isdigit() else timezone.localdate().year)
    quarter = rules.current_quarter(plan.year, plan.months(), timezone.localdate())
    return redirect("scoring:ledger", quarter, community_id)


@login_required
@require_GET
def inspection(request, pk):
    _require_reader(request.user)
    inspection = get_object_or_404(Inspection.objects.select_related("plan"), pk=pk)
    rows = PlanScores(inspection.plan, timezone.now()).inspection_scores(inspection)
    return render(request, "scoring/inspection.html", {"inspection": inspection, "rows": rows})


def _back(request):
    """Back to the page the form was on, if it is one of ours."""
    target = request.POST.get("back", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("scoring:index")


def _act(request, action, success):
    """Run an office action; its refusal becomes a message, never a 500."""
    try:
        action()
    except ValidationError as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)


@login_required
@require_POST
def report_finding(request, pk):
    """M6: the office finds a report falsified, with a reason."""
    _require_office(request.user)
    report = get_object_or_404(MonthlyReport, pk=pk)
    reason = request.POST.get("reason", "")
    seen = request.POST.get("version", "")
    _act(
        request,
        lambda: report.mark_falsified(
            request.user, reason, version=int(seen) if seen.isdigit() else 0
        ),
        _("The report is recorded as falsified."),
    )
    return redirect(report)


@login_required
@require_POST
def team_finding(request, quarter, pk):
    """S3: the office finds a team exists only on paper."""
    _require_office(request.user)
    team = get_object_or_404(PropagandaTeam, community_id=pk)
    reason = request.POST.get("reason", "")
    _act(
        request,
        lambda: Finding.record(by=request.user, reason=reason, team=team),
        _("The team is recorded as existing only on paper."),
    )
    return redirect("scoring:ledger", quarter, pk)


@login_required
@require_POST
def withdraw_finding(request, pk):
    _require_office(request.user)
    finding = get_object_or_404(Finding.objects.select_related("report", "team"), pk=pk)
    reason = request.POST.get("reason", "")
    _act(request, lambda: finding.withdraw(request.user, reason), _("The finding is withdrawn."))
    if finding.report_id:
        return redirect(finding.report)
    return _back(request)


@login_required
@require_POST
def issue_warning(request, quarter, pk):
    """W3: record the warning due to a community with three strikes."""
    _require_office(request.user)
    plan_scores = _plan_scores(quarter)
    score = next((s for s in plan_scores.quarter_scores(quarter) if s.community.pk == pk), None)
    if score is None:
        raise Http404
    form = WarningForm(request.POST)
    if not score.warning_due or score.warning:
        messages.error(request, _("No warning is due for this community."))
    elif form.is_valid():
        OfficialWarning.issue(
            community=score.community,
            plan=plan_scores.plan,
            strikes="\n".join(score.strikes),
            by=request.user,
            on=form.cleaned_data["issued_on"],
            notes=form.cleaned_data["notes"],
        )
        messages.success(request, _("The warning is recorded."))
    else:
        messages.error(request, _("Please give the date the warning was issued."))
    return redirect("scoring:ledger", quarter, pk)


@login_required
@require_POST
def record_interview(request, pk):
    _require_office(request.user)
    warning = get_object_or_404(OfficialWarning.objects.select_related("plan"), pk=pk)
    form = InterviewForm(request.POST)
    if form.is_valid():
        warning.record_interview(
            on=form.cleaned_data["held_on"],
            interviewed=form.cleaned_data["interviewed"],
            notes=form.cleaned_data["notes"],
        )
        messages.success(request, _("The interview is recorded."))
    else:
        messages.error(request, _("Please give the date and who was interviewed."))
    return _back(request)
