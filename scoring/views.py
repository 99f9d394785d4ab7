from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communities.access import own_community_id, require_office, require_sees_all, require_view
from communities.models import Community, PropagandaTeam
from core.http import redirect_back
from core.spreadsheets import XLSX
from reporting.models import Finding, Plan
from scoring import charts, rules
from scoring.forms import FindingForm, InterviewForm, QuarterFilterForm, WarningForm
from scoring.gather import PlanScores
from scoring.models import Inspection, OfficialWarning
from scoring.xlsx import quarter_workbook


def _plan_scores(quarter):
    plan = get_object_or_404(Plan, year=quarter.year)
    scores = PlanScores(plan, timezone.now())
    if quarter not in scores.quarters():
        raise Http404(_("This quarter has no month with a report due: it is not assessed."))
    return scores


@login_required
@require_GET
def index(request):
    require_sees_all(request.user)
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
    require_sees_all(request.user)
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
            "due_count": sum(1 for s in scores if s.warning_outstanding),
        },
    )


@login_required
@require_GET
def quarter_xlsx(request, quarter):
    require_sees_all(request.user)
    plan_scores = _plan_scores(quarter)
    body = quarter_workbook(quarter, plan_scores.quarter_scores(quarter), plan_scores.at)
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="scores-{quarter}.xlsx"'
    return response


@login_required
@require_GET
def work_points(request, quarter):
    require_sees_all(request.user)
    plan_scores = _plan_scores(quarter)
    return render(
        request,
        "scoring/work_points.html",
        {
            "quarter": quarter,
            "rows": plan_scores.rates(quarter),
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
            "quarters": plan_scores.quarters(),
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
    require_sees_all(request.user)
    inspection = get_object_or_404(Inspection.objects.select_related("plan"), pk=pk)
    rows = PlanScores(inspection.plan, timezone.now()).inspection_scores(inspection)
    return render(request, "scoring/inspection.html", {"inspection": inspection, "rows": rows})


@login_required
@require_POST
def issue_warning(request, quarter, pk):
    """W3: record the warning due to a community with three strikes."""
    require_office(request.user)
    plan_scores = _plan_scores(quarter)
    score = next((s for s in plan_scores.quarter_scores(quarter) if s.community.pk == pk), None)
    if score is None:
        raise Http404
    form = WarningForm(request.POST)
    if not score.warning_outstanding:
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
    require_office(request.user)
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
    return redirect_back(request, "scoring:index")
