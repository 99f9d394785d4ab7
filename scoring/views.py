from collections import Counter, defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_POST

from communities.access import (
    own_community_id,
    require_office,
    require_sees_all,
    require_view,
    viewer_of,
)
from communities.models import Community, PropagandaTeam
from core.http import redirect_back
from core.spreadsheets import XLSX
from evidence.models import SERIOUSNESS, Flag, FlagKind
from reporting.models import Finding, Plan
from scoring import charts, rules
from scoring.forms import FindingForm, InterviewForm, QuarterPageForm, WarningForm
from scoring.gather import PlanScores
from scoring.models import Inspection, OfficialWarning
from scoring.xlsx import quarter_workbook

# A city's communities fit on one page; a province's are read a page at a time,
# worst first, or found by work point or by name.
PER_PAGE = 500


def _links(name, *args):
    """`pk → reverse(name, args=[*args, pk])`, reversed once: a page of 500 rows links
    every row and item, and each reverse() costs some 30 µs."""
    marker = "2147483647"
    head, tail = reverse(name, args=[*args, int(marker)]).split(marker)
    return lambda pk: f"{head}{pk}{tail}"


def _plan_scores(quarter):
    plan = get_object_or_404(Plan, year=quarter.year)
    scores = PlanScores.now(plan)
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
    ranking = plan_scores.ranking(quarter)
    form = QuarterPageForm(request.GET or None)
    rows = form.select(ranking) if form.is_valid() else ranking.rows
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    scores = ranking.scores(page.object_list)
    badges = _flag_badges(plan_scores.plan, quarter, scores)
    return render(
        request,
        "scoring/quarter.html",
        {
            "quarter": quarter,
            "plan": plan_scores.plan,
            "rows": _rows(quarter, scores, badges),
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number),
            "form": form,
            "at": plan_scores.at,
            "chart": charts.deductions_count(ranking.totals(rows)),
            "due_count": ranking.due_count,
        },
    )


def _rows(quarter, scores, badges):
    """Each score shown, with the link to its ledger, and its items with their reports' links
    and their months' flags; then the months that have flags but no item (on time: E1 shows
    a suspicious on-time report before any finding)."""
    ledger, report = _links("scoring:ledger", quarter), _links("report")

    def shown(lines):
        return [
            (line, report(line.report_id) if line.report_id else "", badges.get(line.report_id))
            for line in lines
        ]

    rows = []
    for score in scores:
        items, flagged = score.items, ()
        if badges:
            listed = {line.report_id for line in items}
            flagged = [
                line
                for line in score.assessment.lines
                if line.report_id in badges and line.report_id not in listed
            ]
        rows.append((score, ledger(score.place.pk), shown(items), shown(flagged)))
    return rows


@dataclass(frozen=True)
class FlagBadge:
    """E1: a month's open flags as the score pages show them beside it: "疑点 2", and the
    kinds in words (its title, and read out by screen readers)."""

    label: str
    kinds: str


def _badge(counts):
    """The badge of one report's open flags, `counts` being (kind, how many) pairs."""
    counts = sorted(counts, key=lambda pair: SERIOUSNESS[pair[0]])
    names = [
        str(FlagKind(kind).label)
        if n == 1
        else _("%(kind)s (%(n)d)") % {"kind": FlagKind(kind).label, "n": n}
        for kind, n in counts
    ]
    total = sum(n for _kind, n in counts)
    return FlagBadge(
        label=ngettext("%(n)d flag", "%(n)d flags", total) % {"n": total},
        kinds=_("Open flags: %(kinds)s") % {"kinds": pgettext("list separator", ", ").join(names)},
    )


def _flag_badges(plan, quarter, scores):
    """E1: the open flags on the quarter's reports of the communities shown, by report.

    Flags change no score (E1) and change apart from the scores, so they are never part
    of the (cached) standing: one query of counts, for the page's communities only."""
    if not scores:
        return {}
    rows = (
        Flag.objects.open()
        .filter(
            report__plan=plan,
            report__month__in=quarter.months,
            report__community_id__in=[score.place.pk for score in scores],
        )
        .order_by()
        .values_list("report_id", "kind")
        .annotate(n=Count("pk"))
    )
    counts = defaultdict(list)
    for report_id, kind, n in rows:
        counts[report_id].append((kind, n))
    return {report_id: _badge(pairs) for report_id, pairs in counts.items()}


def _ledger_lines(user, plan, quarter, community, score):
    """Each line of the ledger with its month's open flags, most serious first, and their
    badge: for the office and leadership only (E1), whom the flags are for."""
    lines = score.assessment.lines if score else ()
    flags = defaultdict(list)
    if viewer_of(user).sees_all:
        found = (
            Flag.objects.open()
            .filter(
                report__plan=plan, report__community=community, report__month__in=quarter.months
            )
            .with_context()
            .most_serious_first()
        )
        for flag in found:
            flags[flag.report_id].append(flag)
    badges = {
        report_id: _badge(Counter(flag.kind for flag in month).items())
        for report_id, month in flags.items()
    }
    return [(line, flags.get(line.report_id, ()), badges.get(line.report_id)) for line in lines]


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
    score = plan_scores.score_of(quarter, pk)
    team = PropagandaTeam.objects.filter(community=community).first()
    lines = _ledger_lines(request.user, plan_scores.plan, quarter, community, score)
    return render(
        request,
        "scoring/ledger.html",
        {
            "quarter": quarter,
            "quarters": plan_scores.quarters(),
            "plan": plan_scores.plan,
            "score": score,
            "lines": lines,
            "flagged": any(flags for _line, flags, _badge in lines),
            "community": community,
            "at": plan_scores.at,
            "chart": charts.trend_line(plan_scores.trend(pk)),
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
    rows = PlanScores.now(inspection.plan).inspection_scores(inspection)
    return render(request, "scoring/inspection.html", {"inspection": inspection, "rows": rows})


@login_required
@require_POST
def issue_warning(request, quarter, pk):
    """W3: record the warning due to a community with three strikes."""
    require_office(request.user)
    plan_scores = _plan_scores(quarter)
    score = plan_scores.score_of(quarter, pk)
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
