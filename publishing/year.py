"""The year in figures (issue 14, part 4): a plan's year as the office and the leadership
read it, on a page, in a workbook and in the draft of the year's summary.

What was done: the communities' activities (those of the reports the office received, M5,
less any report found falsified, M6: a finding says its activities did not happen as
reported), their participants, forms (开展形式) and photos; the units' activities (U1) the same
way, but a carrier's (Measure.SMS): its activity is a batch of warning SMS, whose
recipients are counted apart (SMS recipients and batches), never as participants, which are
the people reached in person; per community, per unit, per month and per form. How the
reports came in: the share of the due reports first submitted on time (M2, M3), drawn from
the score pages' own rates (scoring.gather.PlanScores.rates) and, per community, from the
same rule as a query (MonthlyReport.objects.on_time()). What it cost: each community's
deduction in each assessed quarter (S1–S6, from PlanScores.ranking) and the year's sum.
Whether fraud falls: the police's monthly cases and losses (duties.FraudCases); a month
with no row is not entered (未录入), never 0, and the year is compared with the last only over
the months entered in both, like with like.

Pure functions over querysets: `year_figures(plan, at)` reads everything in a fixed number
of queries, whatever the number of communities, units, activities and photos, and every
table the page shows is a `Table` of plain values, which the workbook writes as it is.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from html import escape

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from communities.models import Measure, Unit
from duties.cases_rules import yuan
from duties.models import FraudCases, UnitActivity, UnitActivityPhoto
from reporting.models import Activity, ActivityForm, ActivityPhoto, Finding, MonthlyReport
from reporting.periods import deadline_passed
from reporting.resources import labels
from scoring.gather import PK, TOTAL, PlanScores

MONTHS = tuple(range(1, 13))
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Tally:
    """Activities, the people they reached in person (participants) and their photos, how
    many of each form (开展形式), and apart the carriers' warning SMS (Measure.SMS): the
    recipients of their activities, and the batches (an activity with a count, U1)."""

    activities: int = 0
    participants: int = 0
    photos: int = 0
    forms: tuple = ()  # (form value, activities) pairs, most first
    sms_recipients: int = 0
    sms_batches: int = 0

    def __add__(self, other):
        forms = Counter(dict(self.forms)) + Counter(dict(other.forms))
        return Tally(
            self.activities + other.activities,
            self.participants + other.participants,
            self.photos + other.photos,
            _ranked(forms),
            self.sms_recipients + other.sms_recipients,
            self.sms_batches + other.sms_batches,
        )


def _ranked(counter):
    return tuple(sorted(counter.items(), key=lambda pair: (-pair[1], pair[0])))


def _tallies(activity_rows, photo_rows):
    """{(owner id, month): Tally} from rows of (owner, month, form, activities, participants)
    (then, for units, SMS recipients and batches) and of (owner, month, photos)."""
    counts = defaultdict(lambda: [0, 0, Counter(), 0, 0])
    for owner, month, form, activities, participants, *sms in activity_rows:
        entry = counts[owner, month]
        entry[0] += activities
        entry[1] += participants or 0
        entry[2][form] += activities
        if sms:
            entry[3] += sms[0] or 0
            entry[4] += sms[1]
    photos = {(owner, month): n for owner, month, n in photo_rows}
    return {
        key: Tally(activities, participants, photos.get(key, 0), _ranked(forms), *sms)
        for key, (activities, participants, forms, *sms) in counts.items()
    }


def _sum(tallies):
    total = Tally()
    for tally in tallies:
        total = total + tally
    return total


def community_activities(plan):
    """The activities the year's figures count: of the plan's reports the office has
    received (submitted at least once, M5), less those of a report found falsified (M6)."""
    falsified = Finding.objects.active().filter(report=OuterRef("report"))
    return Activity.objects.filter(
        report__plan=plan, report__first_submitted_at__isnull=False
    ).exclude(Exists(falsified))


def _community_tallies(plan):
    activities = community_activities(plan)
    activity_rows = (
        activities.order_by()
        .values_list("report__community_id", "report__month", "form")
        .annotate(Count("pk"), Sum("participants"))
    )
    photo_rows = (
        ActivityPhoto.objects.filter(activity__in=activities.values("pk"))
        .order_by()
        .values_list("activity__report__community_id", "activity__report__month")
        .annotate(Count("pk"))
    )
    return _tallies(activity_rows, photo_rows)


def _unit_tallies(year):
    """A carrier's activity (Measure.SMS) counts its warning SMS: its participants are the
    recipients (about 500,000 a batch), not people reached in person, so they are counted
    as SMS recipients (the activity's count, U1) and never as participants."""
    sms = Q(unit__measure=Measure.SMS)
    activity_rows = (
        UnitActivity.objects.filter(year=year)
        .order_by()
        .values_list("unit_id", "month", "form")
        .annotate(
            activities=Count("pk"),
            in_person=Sum("participants", filter=~sms),
            recipients=Sum("count", filter=sms),
            batches=Count("pk", filter=sms & Q(count__isnull=False)),
        )
    )
    photo_rows = (
        UnitActivityPhoto.objects.filter(activity__year=year)
        .order_by()
        .values_list("activity__unit_id", "activity__month")
        .annotate(Count("pk"))
    )
    return _tallies(activity_rows, photo_rows)


@dataclass(frozen=True)
class Rate:
    """Reports first submitted on time (M2, M3) out of those due (deadline passed, S5)."""

    on_time: int
    due: int

    @property
    def percent(self):
        return round(100 * self.on_time / self.due, 1) if self.due else None

    def __str__(self):
        return "—" if self.percent is None else f"{self.percent:g}%"


@dataclass(frozen=True)
class CaseMonth:
    """A month's fraud cases and losses as the police reported them, or None: not entered."""

    cases: int
    losses: Decimal


@dataclass(frozen=True)
class Comparison:
    """This year against the last over the months entered in both (like with like)."""

    months: tuple
    this_cases: int
    last_cases: int
    this_losses: Decimal
    last_losses: Decimal

    @property
    def change(self):
        return self.this_cases - self.last_cases

    @property
    def signed_change(self):
        return signed(self.change)

    @property
    def losses_change(self):
        return self.this_losses - self.last_losses


def _cases(plan):
    """{year: {(community id, month): CaseMonth}} of the plan's year and the one before."""
    found = {plan.year: {}, plan.year - 1: {}}
    rows = (
        FraudCases.objects.filter(year__in=(plan.year, plan.year - 1))
        .order_by()
        .values_list("year", "community_id", "month", "cases", "losses")
    )
    for year, community_id, month, cases, losses in rows:
        found[year][community_id, month] = CaseMonth(cases, losses)
    return found


def _case_total(entries):
    entries = [entry for entry in entries if entry is not None]
    if not entries:
        return None
    return CaseMonth(sum(e.cases for e in entries), sum((e.losses for e in entries), ZERO))


def _compare(this, last):
    """Comparison of two {month: CaseMonth or None}; None when no month is entered in both."""
    months = tuple(m for m in MONTHS if this.get(m) is not None and last.get(m) is not None)
    if not months:
        return None
    return Comparison(
        months,
        sum(this[m].cases for m in months),
        sum(last[m].cases for m in months),
        sum((this[m].losses for m in months), ZERO),
        sum((last[m].losses for m in months), ZERO),
    )


@dataclass(frozen=True)
class CommunityYear:
    pk: int
    name: str
    work_point: str
    tally: Tally
    by_month: dict  # month → Tally
    rate: Rate
    deductions: tuple  # the points of each assessed quarter, in order
    cases: dict  # month → CaseMonth or None
    last_cases: dict

    @property
    def deducted(self):
        return sum(self.deductions)

    @property
    def cases_total(self):
        return _case_total(self.cases.values())

    @property
    def comparison(self):
        return _compare(self.cases, self.last_cases)


@dataclass(frozen=True)
class UnitYear:
    pk: int
    name: str
    tally: Tally
    by_month: dict
    sends_sms: bool  # a carrier (Measure.SMS): its activities are batches of warning SMS


@dataclass(frozen=True)
class MonthYear:
    month: int
    communities: Tally
    units: Tally
    rate: Rate | None  # None: no report due that month (M7)
    cases: CaseMonth | None  # None: not entered (no community's row)
    entered: int  # communities with a row
    last_cases: CaseMonth | None


@dataclass(frozen=True)
class Table:
    """A table as the page shows it and the workbook writes it: plain values, the first
    column naming the row."""

    key: str
    caption: str
    sheet: str
    headers: tuple
    rows: tuple
    text_columns: tuple = (0,)  # read from the left; the others are figures, centred
    long_column: int | None = None  # a long text (the forms), which wraps

    def _kind(self, n):
        if n == self.long_column:
            return "year-long"
        return "" if n in self.text_columns else "year-figure"

    @property
    def columns(self):
        """Each header, and its column's kind (a CSS class: text, figure or long text)."""
        return [(header, self._kind(n)) for n, header in enumerate(self.headers)]

    @property
    def shown(self):
        """The rows as the page prints them (numbers grouped by thousands, yuan as the
        cases pages write them: "10,279,800元"), each cell with its column's kind."""
        kinds = [self._kind(n) for n in range(len(self.headers))]
        return [[(shown(v), kind) for v, kind in zip(row, kinds, strict=True)] for row in self.rows]

    @property
    def body(self):
        """The rows as the page's <tbody> holds them, every value escaped; the last row is
        the total. Written here rather than by template loops (or format_html per cell):
        at 400 communities the page's tables are some 20,000 cells, which those took a
        third of a second to render (bench/publishing_pages.py)."""
        rows = self.shown
        lines = []
        for n, ((head, _kind), *cells) in enumerate(rows):
            total = ' class="year-total"' if n == len(rows) - 1 else ""
            tds = "".join(
                f'<td class="{escape(kind)}">{escape(v)}</td>' if kind else f"<td>{escape(v)}</td>"
                for v, kind in cells
            )
            lines.append(f'<tr{total}><th scope="row">{escape(head)}</th>{tds}</tr>')
        return mark_safe("\n".join(lines))  # noqa: S308 (every value escaped above)


def shown(value):
    """A number grouped by thousands; yuan (a Decimal) as the cases pages write them,
    whole yuan without ".00", and 元; text as it is."""
    if isinstance(value, Decimal):
        return _("%(amount)s yuan") % {"amount": yuan(value)}
    return f"{value:,}" if isinstance(value, int) else str(value)


def not_entered():
    return _("not entered")


def signed(n):
    """A change as it is read: +3, 0, -1,200.50."""
    return f"+{shown(n)}" if n > 0 else shown(n)


def form_names(forms, names):
    """A row's forms, most first: "集中宣讲 3、发放材料 2", a form never apart from its count."""
    return "、".join(f"{names.get(form, form)}\u00a0{n}" for form, n in forms)


@dataclass(frozen=True)
class YearFigures:
    year: int
    at: object
    quarters: tuple  # the assessed quarters (S6)
    communities: tuple  # CommunityYear, in the communities' order
    units: tuple  # UnitYear, in the units' order
    months: tuple  # MonthYear of each month, January first
    rate: Rate
    has_last_year: bool  # the previous year has cases entered

    # The headline.

    @cached_property
    def community_tally(self):
        return _sum(row.tally for row in self.communities)

    @cached_property
    def unit_tally(self):
        return _sum(row.tally for row in self.units)

    @cached_property
    def tally(self):
        return self.community_tally + self.unit_tally

    @property
    def deducted(self):
        return sum(row.deducted for row in self.communities)

    def quarter_deducted(self, index):
        return sum(row.deductions[index] for row in self.communities)

    @cached_property
    def cases_entered(self):
        """The months with any community's cases entered."""
        return tuple(m.month for m in self.months if m.cases is not None)

    @cached_property
    def cases_total(self):
        return _case_total(m.cases for m in self.months)

    @cached_property
    def last_cases_total(self):
        return _case_total(m.last_cases for m in self.months)

    @cached_property
    def comparison(self):
        return _compare(
            {m.month: m.cases for m in self.months}, {m.month: m.last_cases for m in self.months}
        )

    # The tables, as the page and the workbook show them.

    def tables(self):
        """The page's tables, which the workbook writes one a sheet; the grids of cases and
        losses once any month of this year or the last is entered (else they would say
        未录入 in every cell: the page says it once)."""
        tables = [self.community_table(), self.unit_table(), self.month_table()]
        tables.append(self.form_table())
        if self.cases_entered or self.has_last_year:
            tables += [self.cases_table(), self.losses_table()]
        return tuple(tables)

    def _tally_headers(self):
        return (_("Activities"), _("Participants"), _("Photos"), _("Forms of activity"))

    def _tally_cells(self, tally, names):
        return (tally.activities, tally.participants, tally.photos, form_names(tally.forms, names))

    def community_table(self):
        names = labels(ActivityForm)
        tally_headers = self._tally_headers()
        headers = (
            _("Community"),
            _("Work point"),
            *tally_headers[:3],
            _("Reports on time"),
            _("Reports due"),
            _("On-time rate"),
            *(_("Points deducted, Q%(n)d") % {"n": q.number} for q in self.quarters),
            _("Points deducted in the year"),
            tally_headers[3],  # the forms, long, last
        )
        rows = [
            (
                row.name,
                row.work_point,
                *self._tally_cells(row.tally, names)[:3],
                row.rate.on_time,
                row.rate.due,
                str(row.rate),
                *row.deductions,
                row.deducted,
                self._tally_cells(row.tally, names)[3],
            )
            for row in self.communities
        ]
        rows.append(
            (
                _("Total"),
                "",
                *self._tally_cells(self.community_tally, names)[:3],
                self.rate.on_time,
                self.rate.due,
                str(self.rate),
                *(self.quarter_deducted(n) for n in range(len(self.quarters))),
                self.deducted,
                self._tally_cells(self.community_tally, names)[3],
            )
        )
        caption = _("%(year)d by community") % {"year": self.year}
        forms = len(headers) - 1
        return Table(
            "communities", caption, _("By community"), headers, tuple(rows), (0, 1, forms), forms
        )

    def unit_table(self):
        """Each unit's activities, participants (in person) and photos; the carriers' SMS
        batches and recipients in columns of their own (— for a unit that sends none)."""
        names = labels(ActivityForm)

        def cells(tally, sends_sms):
            *counts, forms = self._tally_cells(tally, names)
            sms = (tally.sms_batches, tally.sms_recipients) if sends_sms else ("—", "—")
            return (*counts, *sms, forms)

        rows = [(row.name, *cells(row.tally, row.sends_sms)) for row in self.units]
        rows.append((_("Total"), *cells(self.unit_tally, True)))
        caption = _("%(year)d by unit (not scored)") % {"year": self.year}
        *counted, forms = self._tally_headers()
        headers = (_("Unit"), *counted, _("SMS batches"), _("SMS recipients"), forms)
        return Table("units", caption, _("By unit"), headers, tuple(rows), (0, 6), 6)

    def month_table(self):
        headers = (
            _("Month"),
            _("Community activities"),
            _("Unit activities"),
            _("Participants"),
            _("Photos"),
            _("On-time rate"),
            _("Fraud cases"),
            _("Losses"),  # each cell says 元
            _("Fraud cases a year before"),
        )
        missing = not_entered()
        rows = []
        for m in self.months:
            both = m.communities + m.units
            rows.append(
                (
                    _("%(m)s mo.") % {"m": m.month},
                    m.communities.activities,
                    m.units.activities,
                    both.participants,
                    both.photos,
                    "—" if m.rate is None else str(m.rate),
                    missing if m.cases is None else m.cases.cases,
                    missing if m.cases is None else m.cases.losses,
                    missing if m.last_cases is None else m.last_cases.cases,
                )
            )
        both = self.tally
        total = self.cases_total
        last = self.last_cases_total
        rows.append(
            (
                _("Total"),
                self.community_tally.activities,
                self.unit_tally.activities,
                both.participants,
                both.photos,
                str(self.rate),
                missing if total is None else total.cases,
                missing if total is None else total.losses,
                missing if last is None else last.cases,
            )
        )
        caption = _("%(year)d by month") % {"year": self.year}
        return Table("months", caption, _("By month"), headers, tuple(rows))

    def form_table(self):
        by_community, by_unit = dict(self.community_tally.forms), dict(self.unit_tally.forms)
        rows = [
            (str(label), by_community.get(form, 0), by_unit.get(form, 0))
            for form, label in ActivityForm.choices
            if by_community.get(form) or by_unit.get(form)
        ]
        rows.append((_("Total"), self.community_tally.activities, self.unit_tally.activities))
        headers = (_("Form of activity"), _("Community activities"), _("Unit activities"))
        caption = _("%(year)d by form of activity") % {"year": self.year}
        return Table("forms", caption, _("By form"), headers, tuple(rows))

    def _case_headers(self, last_label):
        return (
            _("Community"),
            *(_("%(m)s mo.") % {"m": m} for m in MONTHS),
            _("Year so far"),
            last_label,
            _("Change"),
        )

    def cases_table(self):
        """Each community's cases in each month (未录入 where not entered), the year's, the
        last year's over the months entered in both, and the change."""
        return self._case_grid(
            "cases",
            _("%(year)d fraud cases by community and month") % {"year": self.year},
            _("Fraud cases"),
            lambda entry: entry.cases,
            lambda comparison: (comparison.last_cases, signed(comparison.change)),
        )

    def losses_table(self):
        return self._case_grid(
            "losses",
            _("%(year)d losses (yuan) by community and month") % {"year": self.year},
            _("Losses"),
            lambda entry: entry.losses,
            lambda comparison: (comparison.last_losses, signed(comparison.losses_change)),
        )

    def _case_grid(self, key, caption, sheet, value, compared):
        missing = not_entered()

        def cells(by_month, total, comparison):
            last = compared(comparison) if comparison else ("—", "—")  # nothing to compare
            return (
                *(missing if by_month.get(m) is None else value(by_month[m]) for m in MONTHS),
                missing if total is None else value(total),
                *last,
            )

        rows = [
            (row.name, *cells(row.cases, row.cases_total, row.comparison))
            for row in self.communities
        ]
        by_month = {m.month: m.cases for m in self.months}
        rows.append((_("Total"), *cells(by_month, self.cases_total, self.comparison)))
        headers = self._case_headers(_("A year before, same months"))
        return Table(key, caption, sheet, headers, tuple(rows))


def year_figures(plan, at=None):
    """The YearFigures of `plan` as of `at` (now): a fixed number of queries."""
    scores = PlanScores(plan, at) if at else PlanScores.now(plan)
    at = scores.at
    quarters = tuple(scores.quarters())
    points = scores.work_points
    places = sorted(
        scores.communities,
        key=lambda p: (points[p.work_point_id].position, p.position, p.name),
    )
    deductions = {}
    for q in quarters:
        for row in scores.ranking(q).rows:
            deductions.setdefault(row[PK], []).append(row[TOTAL])
    # M2, S5: the months whose deadline has passed; the year's rate as the score pages
    # count it (PlanScores.rates), each community's by the same rule as a query.
    due = [m for m in plan.months() if deadline_passed(plan.late_from(m), at)]
    month_rates = defaultdict(lambda: [0, 0])
    for q in quarters:
        for point in scores.rates(q):
            for cell in point.cells:
                if cell.due:
                    month_rates[cell.month][0] += cell.on_time
                    month_rates[cell.month][1] += cell.expected
    on_time = dict(
        MonthlyReport.objects.filter(plan=plan, month__in=due, first_submitted_at__lte=at)
        .on_time()
        .order_by()
        .values_list("community_id")
        .annotate(Count("pk"))
    )
    tallies = _community_tallies(plan)
    unit_tallies = _unit_tallies(plan.year)
    cases = _cases(plan)
    this_cases, last_cases = cases[plan.year], cases[plan.year - 1]
    communities = tuple(
        CommunityYear(
            pk=place.pk,
            name=place.name,
            work_point=points[place.work_point_id].name,
            tally=_sum(tallies.get((place.pk, m), Tally()) for m in MONTHS),
            by_month={m: tallies.get((place.pk, m), Tally()) for m in MONTHS},
            rate=Rate(on_time.get(place.pk, 0), len(due)),
            deductions=tuple(deductions.get(place.pk, [0] * len(quarters))),
            cases={m: this_cases.get((place.pk, m)) for m in MONTHS},
            last_cases={m: last_cases.get((place.pk, m)) for m in MONTHS},
        )
        for place in places
    )
    units = tuple(
        UnitYear(
            pk=unit.pk,
            name=unit.name,
            tally=_sum(unit_tallies.get((unit.pk, m), Tally()) for m in MONTHS),
            by_month={m: unit_tallies.get((unit.pk, m), Tally()) for m in MONTHS},
            sends_sms=unit.measure == Measure.SMS,
        )
        for unit in Unit.objects.all()
    )
    months = []
    for m in MONTHS:
        entries = [row.cases[m] for row in communities if row.cases[m] is not None]
        rate = month_rates.get(m)
        months.append(
            MonthYear(
                month=m,
                communities=_sum(row.by_month[m] for row in communities),
                units=_sum(row.by_month[m] for row in units),
                rate=Rate(*rate) if rate else None,
                cases=_case_total(entries),
                entered=len(entries),
                last_cases=_case_total(row.last_cases[m] for row in communities),
            )
        )
    rates = list(month_rates.values())
    return YearFigures(
        year=plan.year,
        at=at,
        quarters=quarters,
        communities=communities,
        units=units,
        months=tuple(months),
        rate=Rate(sum(r[0] for r in rates), sum(r[1] for r in rates)),
        has_last_year=bool(last_cases),
    )
