"""U1, the units' own duties as the office reads them: a year's overview per unit (its
activities by month, their participants, the counts its duty names) and per duty (the
units of each Unit.measure, with totals); the page and its workbook, mounted in the admin
site by duties.admin.UnitActivityAdmin.get_urls().

A fixed number of queries at any size (`year_overview`: one for the units, one aggregate
of the year's activities by unit and month). Every unit is shown, one that did nothing
too. Not scored: the plan sets no deduction for units.
"""

from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, Sum
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.access import require_office
from communities.models import Measure, Unit
from core.signals import data_exported
from core.spreadsheets import Column, exported_at, table_values, write_tables, xlsx_response
from duties import rules
from duties.models import UnitActivity
from reporting import periods
from reporting.models import ActivityForm, Plan
from reporting.resources import labels, local

MONTHS = range(1, 13)
# The duties that name a count, in the order the page and the workbook show them; the
# units whose duty names none come last.
MEASURES = (Measure.SCHOOLS, Measure.SMS, Measure.LANDLORDS, Measure.PROPERTY)


@dataclass(frozen=True)
class MonthTotals:
    """A unit's activities of one month, summed."""

    activities: int = 0
    participants: int = 0
    counted: int = 0  # activities that recorded a count (SMS: the batches sent)
    count: int = 0  # the sum of their counts


class Figure(NamedTuple):
    """One count a unit's duty names, summed over the year or a school term of it."""

    label: str
    value: int


@dataclass(frozen=True)
class UnitYear:
    """One unit's year: its activities in each month (January first), their totals, and
    the figures of its duty."""

    unit: Unit
    by_month: tuple
    activities: int
    participants: int
    figures: tuple

    @property
    def measure(self):
        return self.unit.measure

    @property
    def did_nothing(self):
        return self.activities == 0


@dataclass(frozen=True)
class DutyGroup:
    """The units of one measure (or of none) and their totals."""

    measure: str
    label: str
    rows: tuple
    activities: int
    participants: int
    figures: tuple  # each of the measure's counts, summed over the units


@dataclass(frozen=True)
class YearOverview:
    year: int
    rows: tuple  # UnitYear of every unit, in the units' order
    groups: tuple  # DutyGroup of each measure, then the units without one

    @property
    def months(self):
        """The months the page shows: those in which any unit held an activity."""
        return [m for m in MONTHS if any(row.by_month[m - 1] for row in self.rows)]

    @property
    def table(self):
        """[(UnitYear, [(month, its activities)] of each shown month)] for the page."""
        months = self.months
        return [(row, [(m, row.by_month[m - 1]) for m in months]) for row in self.rows]

    @property
    def month_totals(self):
        return [sum(row.by_month[m - 1] for row in self.rows) for m in self.months]

    @property
    def activities(self):
        return sum(row.activities for row in self.rows)

    @property
    def participants(self):
        return sum(row.participants for row in self.rows)


def school_terms(year):
    """[(label, months)] of the school terms the months of `year` fall in (rules.school_term),
    in order: January closes the previous year's autumn term."""
    terms = {}
    for month in MONTHS:
        terms.setdefault(rules.school_term(year, month), []).append(month)
    found = []
    for (term_year, term), months in terms.items():
        span = {"year": year, "first": months[0], "last": months[-1]}
        if len(months) == 1:
            span = _("%(year)d, month %(first)d") % span
        else:
            span = _("%(year)d, months %(first)d to %(last)d") % span
        name = _("%(year)d %(term)s") % {"year": term_year, "term": rules.Term(term).label}
        found.append((_("%(term)s (%(months)s)") % {"term": name, "months": span}, months))
    return found


def duty_figures(measure, year, by_month):
    """U1: the counts `measure` names, from a unit's MonthTotals of `year` ({month: ...}):
    schools reached per school term; SMS batches (activities with a count) and their
    recipients; landlord agreements signed; property companies joined."""

    def total(field, months=MONTHS):
        return sum(getattr(by_month[m], field) for m in months if m in by_month)

    if measure == Measure.SCHOOLS:
        return tuple(
            Figure(_("Schools reached in %(term)s") % {"term": term}, total("count", months))
            for term, months in school_terms(year)
        )
    if measure == Measure.SMS:
        return (
            Figure(_("SMS batches"), total("counted")),
            Figure(str(Measure.SMS.label), total("count")),
        )
    if measure in (Measure.LANDLORDS, Measure.PROPERTY):
        return (Figure(str(Measure(measure).label), total("count")),)
    return ()


def _month_totals(year):
    """{unit id: {month: MonthTotals}} of the units' activities of `year`: one query."""
    found = {}
    rows = (
        UnitActivity.objects.filter(year=year)
        .order_by()  # Meta.ordering would split the groups
        .values_list("unit_id", "month")
        .annotate(Count("pk"), Sum("participants"), Count("count"), Sum("count"))
    )
    for unit_id, month, activities, participants, counted, count in rows:
        found.setdefault(unit_id, {})[month] = MonthTotals(
            activities, participants or 0, counted, count or 0
        )
    return found


def _group(label, rows, measure, year):
    totals = duty_figures(measure, year, {})
    return DutyGroup(
        measure=measure,
        label=label,
        rows=tuple(rows),
        activities=sum(row.activities for row in rows),
        participants=sum(row.participants for row in rows),
        figures=tuple(
            Figure(figure.label, sum(row.figures[n].value for row in rows))
            for n, figure in enumerate(totals)
        ),
    )


def year_overview(year):
    """The YearOverview of `year`: two queries for any number of units and activities."""
    totals = _month_totals(year)
    rows = []
    for unit in Unit.objects.all():
        by_month = totals.get(unit.pk, {})
        rows.append(
            UnitYear(
                unit=unit,
                by_month=tuple(by_month.get(m, MonthTotals()).activities for m in MONTHS),
                activities=sum(month.activities for month in by_month.values()),
                participants=sum(month.participants for month in by_month.values()),
                figures=duty_figures(unit.measure, year, by_month),
            )
        )
    groups = [
        _group(str(measure.label), [r for r in rows if r.unit.measure == measure], measure, year)
        for measure in MEASURES
    ]
    others = [row for row in rows if row.unit.measure not in MEASURES]
    groups.append(_group(_("Duties that name no count"), others, Measure.NONE, year))
    return YearOverview(year, tuple(rows), tuple(groups))


def chosen_year(request, today):
    """The years with a plan or with units' activities (newest first, as the plans' pages
    list theirs), and the one asked for (?year=2021), else the latest not after `today`'s,
    else the earliest; this year when there is none yet."""
    plans = Plan.objects.order_by().values_list("year", flat=True)
    recorded = UnitActivity.objects.order_by().values_list("year", flat=True)
    years = sorted(set(plans.union(recorded)), reverse=True)
    wanted = request.GET.get("year", "")
    if wanted.isdigit() and int(wanted) in years:
        return years, int(wanted)
    return years, next((y for y in years if y <= today.year), years[-1] if years else today.year)


def year_page(request, site):
    require_office(request.user)
    years, year = chosen_year(request, timezone.localdate())
    return TemplateResponse(
        request,
        "duties/admin_units.html",
        {
            **site.each_context(request),
            "title": _("Units' duties by year"),
            "years": years,
            "year": year,
            "overview": year_overview(year),
            "opts": UnitActivity._meta,
        },
    )


# --- The workbook: the overview per unit, per duty, and every activity of the year.


def figure_headers(year):
    """The figures' columns: every count of every measure, in MEASURES' order."""
    return [figure.label for m in MEASURES for figure in duty_figures(m, year, {})]


def figure_cells(measure, figures, year):
    """`figures` (of `measure`) in the figures' columns; the other measures' left empty."""
    cells = []
    for m in MEASURES:
        if m == measure:
            cells += [figure.value for figure in figures]
        else:
            cells += [None] * len(duty_figures(m, year, {}))
    return cells


def count_headers(year):
    """The columns both overview sheets share: activities, participants, every count."""
    return [_("Activities"), _("Participants"), *figure_headers(year)]


def count_cells(item, year):
    """Those columns of a UnitYear or a DutyGroup."""
    return [item.activities, item.participants, *figure_cells(item.measure, item.figures, year)]


def unit_sheet(overview):
    year = overview.year
    months = [_("%(m)s mo.") % {"m": m} for m in MONTHS]
    headers = [_("Unit"), _("Duty in the plan"), _("Count the duty names")]
    rows = [
        (
            row.unit.name,
            row.unit.duty,
            row.unit.get_measure_display() if row.measure else "",
            *count_cells(row, year),
            *row.by_month,
        )
        for row in overview.rows
    ]
    headers += [*count_headers(year), *months]
    heading = _("%(year)d units' duties, by unit (not scored)") % {"year": year}
    return headers, rows, _("By unit"), f"{heading}　{exported_at()}"


def duty_sheet(overview):
    year = overview.year
    headers = [_("Count the duty names"), _("Units"), *count_headers(year)]
    rows = [
        (group.label, "、".join(row.unit.name for row in group.rows), *count_cells(group, year))
        for group in overview.groups
    ]
    heading = _("%(year)d units' duties, by duty (not scored)") % {"year": year}
    return headers, rows, _("By duty"), f"{heading}　{exported_at()}"


def activity_columns():
    forms = labels(ActivityForm)

    def form(value, other):
        return other if value == ActivityForm.OTHER else forms.get(value, value)

    def entered_late(recorded_at, year, month):
        late = rules.recorded_late(recorded_at, periods.month_bounds(year, month)[1])
        return _("Yes") if late else ""

    return (
        Column(_("Unit"), "unit__name"),
        Column(_("Month"), "month"),
        Column(_("Time"), "held_at", value=local),
        Column(_("Place"), "place"),
        Column(_("Form of activity"), "form", "form_other", value=form),
        Column(_("Participants"), "participants"),
        Column(_("Photo caption"), "caption"),
        Column(_("Count"), "count"),
        Column(_("Recorded at"), "recorded_at", value=local),
        Column(_("Entered late"), "recorded_at", "year", "month", value=entered_late),
    )


def activity_sheet(year):
    """Every activity of the year, unit by unit (the units' order), then by time."""
    columns = activity_columns()
    activities = UnitActivity.objects.filter(year=year).order_by(
        "unit__position", "unit__name", "held_at", "pk"
    )
    heading = _("%(year)d units' activities (not scored)") % {"year": year}
    return (
        [column.header for column in columns],
        table_values(columns, activities),
        _("Activity list"),
        f"{heading}　{exported_at()}",
    )


def year_xlsx(request):
    """The page's overview, per unit and per duty, and every activity of the year."""
    require_office(request.user)
    _years, year = chosen_year(request, timezone.localdate())
    overview = year_overview(year)
    # Who did what, where, leaving as a file: the security log says so.
    data_exported.send(
        sender=UnitActivity,
        request=request,
        description=_("Export of the units' duties for %(year)d") % {"year": year},
    )
    return xlsx_response(
        write_tables([unit_sheet(overview), duty_sheet(overview), activity_sheet(year)]),
        f"各单位职责-{year}.xlsx",
    )
