"""The aim in figures (plan: 力争实现诈骗案件持续减少): the police station (派出所, a unit with
`reports_cases`) records each month's fraud cases and losses per community from its 警情通报,
by a form or by its Excel template; the office may record them too; the leadership reads the
year. Other units' staff, community staff and the points' heads are refused (403). The years
are every plan's and the year before each (`offered_years`), so the first campaign year can
be compared with the year before it; any other year is 404.

Thin views: `require_reader` / `require_recorder` answer who; MonthCasesForm (or the import,
duties.cases_import) reads the figures with duties.cases_rules; duties.cases_records.
record_month writes the month all or nothing, refusing a page built on older figures; then
back to the year.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from communities.access import viewer_of
from communities.models import Community
from duties import cases_import
from duties.cases_forms import CasesWorkbookForm, MonthCasesForm
from duties.cases_records import (
    StaleFigures,
    figures_of,
    read_seen,
    record_month,
    recorded,
    seen_token,
)
from duties.cases_rules import may_enter, open_months, yuan
from duties.models import FraudCases
from duties.views import _summary
from reporting.models import Plan
from reporting.sheets import NotAWorkbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Who ----------------------------------------------------------------------------------


def require_reader(user):
    """403 unless `user` records the cases or reads every community (the leadership)."""
    if not viewer_of(user).reads_cases:
        raise PermissionDenied


def require_recorder(user):
    """403 unless `user` records the cases: the leadership reads, it never records."""
    if not viewer_of(user).records_cases:
        raise PermissionDenied


def plan_years():
    return set(Plan.objects.values_list("year", flat=True))


def offered_years(plans):
    """The years whose cases are kept, newest first: every plan's year (`plans`) and the
    year before each (the first campaign year is compared with the year before it)."""
    return sorted(plans | {year - 1 for year in plans}, reverse=True)


def _year(year, plans=None):
    """The years offered (offered_years), 404 unless `year` is one of them."""
    years = offered_years(plan_years() if plans is None else plans)
    if year not in years:
        raise Http404
    return years


def _month(year, month):
    """The years offered, 404 unless `year` is one and `month` a month (any month: cases
    happen all year, not only in the months a report is due)."""
    if not 1 <= month <= 12:
        raise Http404
    return _year(year)


def _communities():
    return list(Community.objects.select_related("work_point"))


def year_url(year):
    return reverse("cases:year", args=[year])


def month_url(year, month):
    return reverse("cases:month", args=[year, month])


# --- The year -----------------------------------------------------------------------------


@login_required
@require_GET
def cases_home(request):
    """The year a person most likely wants: this year's plan, else the latest before it."""
    require_reader(request.user)
    _plans, plan = Plan.pick("", timezone.localdate())
    if plan is None:
        return render(request, "duties/cases_no_plan.html")
    return redirect(year_url(plan.year))


@dataclass(frozen=True)
class Cell:
    """A community's month on the overview: its figures, or why there are none."""

    month: int
    figures: object  # Figures, or None: not entered
    begun: bool

    @property
    def losses(self):
        return yuan(self.figures.losses) if self.figures else ""


@dataclass(frozen=True)
class Total:
    """A sum of figures over what was entered: `entered` of `of` cells."""

    cases: int
    losses: Decimal
    entered: int
    of: int

    @property
    def losses_text(self):
        return yuan(self.losses)

    @property
    def complete(self):
        return self.entered == self.of


def _total(figures, of):
    entered = [f for f in figures if f is not None]
    return Total(
        sum(f.cases for f in entered),
        sum((f.losses for f in entered), Decimal(0)),
        len(entered),
        of,
    )


@login_required
@require_GET
def year_page(request, year):
    """Every community by month: cases and losses, a month not entered said as such (never
    shown as 0), totals per community, per month and for the year."""
    require_reader(request.user)
    plans = plan_years()
    years = _year(year, plans)
    communities = _communities()
    begun = set(open_months(year, timezone.localdate()))
    rows = {
        (row.community_id, row.month): figures_of(row)
        for row in FraudCases.objects.filter(year=year).only(
            "community", "month", "cases", "losses"
        )
    }
    grid = []
    for community in communities:
        cells = [Cell(m, rows.get((community.pk, m)), m in begun) for m in range(1, 13)]
        grid.append((community, cells, _total([c.figures for c in cells if c.begun], len(begun))))
    months = [
        (
            m,
            m in begun,
            _total([rows.get((c.pk, m)) for c in communities], len(communities)),
        )
        for m in range(1, 13)
    ]
    year_total = _total(list(rows.values()), len(communities) * len(begun))
    return render(
        request,
        "duties/cases_year.html",
        {
            "year": year,
            "years": years,
            # A year before the campaign's: entered only to be compared with.
            "before_the_campaign": year not in plans,
            "grid": grid,
            "months": months,
            "year_total": year_total,
            # A year ended (Asia/Shanghai) is totalled as the whole year (全年).
            "year_over": timezone.localdate().year > year,
            "records": viewer_of(request.user).records_cases,
            "open_months": sorted(begun),
            # The Excel template and import of the latest month open (this month, in the
            # current year), offered here without opening the month first.
            "latest_month": max(begun, default=None),
        },
    )


# --- A month's form -----------------------------------------------------------------------


@dataclass(frozen=True)
class MonthTab:
    month: int
    entered: int


def _tabs(year):
    """The months open to entry, with how many communities each has entered."""
    entered = dict(
        FraudCases.objects.filter(year=year)
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return [MonthTab(m, entered.get(m, 0)) for m in open_months(year, timezone.localdate())]


@dataclass(frozen=True)
class YearTab:
    """Another year on a month's page: the same month when it is open, else its overview."""

    year: int
    url: str


def _year_tabs(years, month):
    today = timezone.localdate()
    return [
        YearTab(y, month_url(y, month) if may_enter(y, month, today) else year_url(y))
        for y in years
    ]


def _not_yet(year, month):
    return _(
        "%(year)d-%(month)d has not begun yet: its cases are entered from its first day "
        "(Beijing time)."
    ) % {"year": year, "month": month}


@login_required
def month_page(request, year, month):
    """Every community of the sub-district in one form (GET); saving it (POST) writes every
    community's figures of the month in one transaction, or none."""
    require_recorder(request.user)
    years = _month(year, month)
    communities = _communities()
    page = MonthPage(year, month, years, communities)
    if not may_enter(year, month, timezone.localdate()):
        if request.method == "POST":
            messages.error(request, _not_yet(year, month))
        return _render_month(request, page, form=None)
    rows = recorded(year, month)
    if request.method != "POST":
        form = MonthCasesForm(communities=communities, recorded=rows)
        return _render_month(request, page, form, seen=seen_token(year, month, rows))
    form = MonthCasesForm(request.POST, communities=communities, recorded=rows)
    # A refused form keeps the page's own key: it was built on what the page showed then.
    sent_seen = request.POST.get("seen", "")
    if not form.is_valid():
        return _render_month(request, page, form, seen=sent_seen)
    seen = read_seen(sent_seen, year, month) or {}
    try:
        written = record_month(year, month, form.cleaned_data["figures"], seen, request.user)
    except StaleFigures as stale:
        now = seen_token(year, month, recorded(year, month))
        return _render_month(request, page, form, seen=now, stale=stale.conflicts)
    _tell(request, year, month, written)
    return redirect(year_url(year))


def _tell(request, year, month, written, unchanged=0):
    """Say what a save did; `unchanged` counts the communities an import's file left as
    recorded, which the save was not sent at all."""
    if written.wrote:
        messages.success(
            request,
            _(
                "Saved %(year)d-%(month)d: %(new)d communities entered, %(changed)d corrected, "
                "%(same)d unchanged."
            )
            % {
                "year": year,
                "month": month,
                "new": len(written.created),
                "changed": len(written.changed),
                "same": len(written.unchanged) + unchanged,
            },
        )
    else:
        messages.info(
            request,
            _("Nothing changed: %(year)d-%(month)d's figures were already recorded as they are.")
            % {"year": year, "month": month},
        )


@dataclass(frozen=True)
class MonthPage:
    """What a month's page is of: its year and month, the years offered, the communities."""

    year: int
    month: int
    years: list
    communities: list


def _render_month(request, page, form, seen="", stale=None):
    """The month's page; `seen` the key of what the page is built on (seen_token), `stale`
    the conflicts of a save refused as built on older figures (the page then carries the
    figures as they are now, so saving again is a decision)."""
    return render(
        request,
        "duties/cases_month.html",
        {
            "year": page.year,
            "month": page.month,
            "tabs": _tabs(page.year),
            "year_tabs": _year_tabs(page.years, page.month),
            "form": form,
            "not_yet": None if form else _not_yet(page.year, page.month),
            "seen": seen,
            "summary": _summary(form) if form is not None and form.is_bound and form.errors else [],
            "rows": _rows(form, stale),
            "stale": stale is not None,
            "communities_count": len(page.communities),
        },
    )


@dataclass(frozen=True)
class FormRow:
    """A community's line of the month's form: its fields, what is recorded, and (after a
    save refused as stale) what changed since the page was opened."""

    community: object
    cases: object  # BoundField
    losses: object  # BoundField
    recorded_by: str  # who recorded it, or ""
    recorded_at: str  # and when
    conflict: str  # what someone else recorded meanwhile, or ""


def _figures_text(figures):
    if figures is None:
        return _("not entered")
    return _("%(cases)d cases, %(losses)s yuan") % {
        "cases": figures.cases,
        "losses": yuan(figures.losses),
    }


def _who(row):
    return row.recorded_by.get_full_name() or row.recorded_by.username


def _when(row):
    return timezone.localtime(row.recorded_at).strftime("%Y-%m-%d %H:%M")


def _by(row):
    return _("%(who)s, %(when)s") % {"who": _who(row), "when": _when(row)}


def _rows(form, stale):
    """The form's rows, each with its conflict when a save was refused as stale."""
    if form is None:
        return []
    conflicts = {c.community.pk: c for c in stale or ()}
    rows = []
    for community, cases, losses, row in form.rows():
        conflict = conflicts.get(community.pk)
        rows.append(
            FormRow(
                community,
                cases,
                losses,
                _who(row) if row else "",
                _when(row) if row else "",
                _("Meanwhile recorded: %(now)s (%(by)s). When you opened this page: %(seen)s.")
                % {
                    "now": _figures_text(figures_of(conflict.now)),
                    "by": _by(conflict.now),
                    "seen": _figures_text(conflict.seen),
                }
                if conflict
                else "",
            )
        )
    return rows


# --- Excel --------------------------------------------------------------------------------


@login_required
@require_GET
def template_xlsx(request, year, month):
    """The month's template: every community, its recorded figures filled in."""
    require_recorder(request.user)
    _month(year, month)
    content = cases_import.template(year, month, _communities(), recorded(year, month))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, cases_import.template_name(year, month)
    )
    return response


@login_required
def import_page(request, year, month):
    """Upload the filled template (POST with a file: the preview, nothing written), then
    confirm it (POST `confirm`: written all or nothing) or go back."""
    require_recorder(request.user)
    _month(year, month)
    if not may_enter(year, month, timezone.localdate()):
        if request.method == "POST":
            messages.error(request, _not_yet(year, month))
        return redirect(month_url(year, month))
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, year, month)
    posted = request.method == "POST"
    form = CasesWorkbookForm(request.POST if posted else None, request.FILES if posted else None)
    context = {"year": year, "month": month, "form": form, "problems": [], "preview": None}
    if posted and form.is_valid():
        communities = _communities()
        upload = form.cleaned_data["file"]
        try:
            reading = cases_import.read_template(upload.read(), year, month, communities)
        except NotAWorkbook as refused:
            form.add_error("file", str(refused))
        else:
            if reading.problems:
                context["problems"] = reading.problems
            else:
                result = cases_import.preview(reading, recorded(year, month))
                context["preview"] = result
                context["file_name"] = upload.name
                context["signed"] = cases_import.signed_plan(year, month, result, request.user)
    if form.is_bound and form.errors:
        context["summary"] = _summary(form)
    return render(request, "duties/cases_import.html", context)


def _confirm(request, year, month):
    signed = cases_import.read_signed(request.POST.get("signed", ""), year, month, request.user)
    if signed is None:
        messages.error(
            request,
            _("The preview could not be read (it is kept a day); please upload the file again."),
        )
        return redirect(reverse("cases:import", args=[year, month]))
    to_write, seen, unchanged = signed
    communities = {c.pk: c for c in Community.objects.filter(pk__in=to_write)}
    figures = {communities[cid]: f for cid, f in to_write.items() if cid in communities}
    try:
        written = record_month(year, month, figures, seen, request.user)
    except StaleFigures as stale:
        names = "、".join(c.community.name for c in stale.conflicts)
        messages.error(
            request,
            _(
                "Nothing was imported: figures of this month were changed by someone else "
                "after the preview (%(names)s). Please look at the month and upload again."
            )
            % {"names": names or "—"},
        )
        return redirect(month_url(year, month))
    _tell(request, year, month, written, unchanged)
    return redirect(year_url(year))
