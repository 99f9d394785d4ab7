"""Gathering the rules' inputs from the database, in a fixed number of queries.

The rules themselves (scoring.rules) never see the ORM: this module reads a plan's
communities, reports, teams, findings and inspections as tuples of the columns the
rules need, filtered by the plan (never model instances, never a list of ids: a
province has 20,000 communities, more than SQLite takes as parameters), asks the
rules, and hands the pages and the command what they show.

A quarter worked out for every community is a `Standing`: plain values, each
distinct ledger line once, ranked. The pages ask for the present (`PlanScores.now`);
a closed quarter's standing (nothing left pending, S5) then changes only when its
facts do, so it is kept in Django's cache with the scores' version, which
scoring.signals renews on every change that can alter a score.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from communities.models import Community, PropagandaTeam, WorkPoint
from reporting.models import Finding, MonthlyReport
from reporting.periods import Quarter, deadline_passed, is_on_time, local
from scoring import rules
from scoring.models import Inspection, InspectionResult, OfficialWarning, ScoresVersion

# Raised whenever a Standing, or a line in it, is made differently: a cache outlives
# a deployment, and a standing of the old make is then never read.
STANDING_MAKE = 1
# Below a city's size a quarter is worked out faster than it is fetched and checked;
# from here on a closed quarter is cached.
CACHE_FROM_COMMUNITIES = 500
# A safety net for a change no signal reports (a bulk update, a change made in the
# database by hand): a cached standing is worked out again at least this often.
KEPT_FOR_SECONDS = 60 * 60
NO_REPORT = (None, None)


def scores_version():
    """The scores' version: a standing is cached with it, and read only under it; a
    change renews it (scoring.signals), so nothing cached before is read again. It
    lives in the database (ScoresVersion), so every process agrees on it."""
    return ScoresVersion.current()


def renew_scores_version():
    ScoresVersion.raise_()


class Place(NamedTuple):
    """A community as the score pages list it: read as a tuple, never a model."""

    pk: int
    name: str
    position: int
    work_point_id: int


@dataclass(frozen=True)
class Placing:
    """A community's result in one ranked event: its rank, and whether it is a strike (W2)."""

    label: str
    rank: int
    in_top_three: bool


# A standing's row, in this order: the community (as Place), then its quarter.
PK, NAME, POSITION, WORK_POINT, TOTAL, RANK, TOP, STRIKES, PLACINGS, LINES = range(10)


@dataclass(frozen=True)
class Standing:
    """A quarter of every community, ranked (S1–S6, W1–W3), in plain values: what is cached.

    `events` names the year's ranked events up to the quarter (W1), in order; `cases`
    holds each distinct ledger line once, without its report. Each row is a
    community's (pk, name, position, work point id, total, rank, in the worst three,
    strikes, placings, lines), in ranking order: placings are (rank, in the worst
    three) for each event in turn, lines (case, report id) for each line in turn.
    """

    quarter: Quarter
    events: tuple
    cases: tuple
    rows: tuple

    def row(self, community_id):
        return next((row for row in self.rows if row[PK] == community_id), None)


class CommunityScore:
    """One community's quarter as the pages read it, from its standing's row: its
    total, rank and strikes at once; its ledger lines, the names of its strikes and
    a model of the community only when they are read (a province has 20,000 rows)."""

    __slots__ = ("_standing", "_row", "work_point", "warning", "_lazy")

    def __init__(self, standing, row, work_point, warning=None):
        self._standing, self._row = standing, row
        self.work_point, self.warning = work_point, warning
        self._lazy = None

    @property
    def place(self):
        row = self._row
        return Place(row[PK], row[NAME], row[POSITION], row[WORK_POINT])

    @property
    def total(self):
        return self._row[TOTAL]

    @property
    def rank(self):
        return self._row[RANK]

    @property
    def top_three(self):
        return self._row[TOP]

    @property
    def strike_count(self):
        return self._row[STRIKES]

    def _once(self, name, make):
        if self._lazy is None:
            self._lazy = {}
        if name not in self._lazy:
            self._lazy[name] = make()
        return self._lazy[name]

    @property
    def community(self):
        """The community as a model instance, made only when asked for."""
        return self._once("community", self._community)

    def _community(self):
        row = self._row
        community = Community.from_db(
            Community.objects.db,
            ["id", "name", "work_point_id", "position"],
            (row[PK], row[NAME], row[WORK_POINT], row[POSITION]),
        )
        community.work_point = self.work_point
        return community

    @property
    def assessment(self):
        return self._once("assessment", self._assessment)

    def _assessment(self):
        cases, codes = self._standing.cases, self._row[LINES]
        lines = []
        for index in range(0, len(codes), 2):
            case = cases[codes[index]]
            lines.append(rules.Line(case.rule, case.month, case.points, case.why, codes[index + 1]))
        return rules.Assessment(assessed=True, lines=tuple(lines))

    @property
    def items(self):
        """What the quarter page lists: the deductions, then what is still pending (S5)."""
        return self._once("items", lambda: self.assessment.deductions + self.assessment.pending)

    @property
    def placings(self):
        """In the year's ranked events up to the quarter (W1, W2)."""
        return self._once("placings", self._placings)

    def _placings(self):
        codes = self._row[PLACINGS]
        return [
            Placing(str(name), codes[2 * n], codes[2 * n + 1])
            for n, name in enumerate(self._standing.events)
        ]

    @property
    def strikes(self):
        """W3: the labels of the placings that count as strikes."""
        return [placing.label for placing in self.placings if placing.in_top_three]

    @property
    def warning_due(self):
        return rules.warning_due(self._row[STRIKES])

    @property
    def warning_outstanding(self):
        """W3: a warning is due and has not been issued yet."""
        return self.warning is None and rules.warning_due(self._row[STRIKES])


class Ranking:
    """A quarter's standing as its page reads it: every row filtered, ordered and
    counted as plain values; only the rows shown are made into CommunityScores."""

    def __init__(self, standing, work_points, warnings):
        self.standing, self.work_points, self.warnings = standing, work_points, warnings
        self.rows = standing.rows  # in ranking order

    def select(self, work_point_id=None, name="", order="rank"):
        """The rows of a work point, or whose name holds `name`, in the order asked for
        ("rank": the ranking's own order, the same on every page)."""
        rows = self.rows
        if work_point_id is not None:
            rows = [row for row in rows if row[WORK_POINT] == work_point_id]
        if name:
            rows = [row for row in rows if name in row[NAME]]
        if order == "rank":
            return list(rows)
        points = self.work_points
        keys = {
            "community": lambda row: row[NAME],
            "work_point": lambda row: (points[row[WORK_POINT]].position, row[RANK]),
            "strikes": lambda row: (-row[STRIKES], row[RANK]),
        }
        return sorted(rows, key=keys[order])

    def scores(self, rows):
        points, warnings = self.work_points, self.warnings
        return [
            CommunityScore(self.standing, row, points[row[WORK_POINT]], warnings.get(row[PK]))
            for row in rows
        ]

    @staticmethod
    def totals(rows):
        return [row[TOTAL] for row in rows]

    @cached_property
    def due_count(self):
        """W3: how many communities are due a warning not issued yet."""
        return sum(
            1
            for row in self.rows
            if rules.warning_due(row[STRIKES]) and row[PK] not in self.warnings
        )


def score_record(score):
    """A community's quarter as plain values (`quarter_scores --format json`, a circular's
    figures): its deductions with their reasons, rank, place in the worst three, strikes."""
    return {
        "community": score.community.name,
        "work_point": score.community.work_point.name,
        "total": score.total,
        "items": [
            {"rule": line.rule, "month": line.month, "points": line.points, "reason": line.reason}
            for line in score.assessment.deductions
        ],
        "rank": score.rank,
        "in_top_three": score.top_three,
        "strikes": len(score.strikes),
        "warning_due": score.warning_due,
    }


@dataclass(frozen=True)
class InspectionRow:
    """A community's line on an inspection's page (W1, W2)."""

    community: Place
    points: int
    rank: int
    in_top_three: bool


def _finding_input(first_name, last_name, username, recorded_at, reason):
    by = f"{first_name} {last_name}".strip() or username  # User.get_full_name, or the username
    return rules.FindingInput(by=by, on=local(recorded_at).date(), reason=reason)


class PlanScores:
    """Everything the scoring of one plan's year needs, each read once, when first needed.

    `cached`: a closed quarter's standing may come from, and go to, the cache (the
    pages, which ask for the present; never a moment in the past).
    """

    def __init__(self, plan, at: datetime, *, cached=False):
        self.plan = plan
        self.at = at
        self.cached = cached
        self._standings = {}  # quarter → Standing
        self._assessed = {}  # quarter → (cases, {community id: (total, lines)})
        self._reports = defaultdict(dict)  # month → {community id: (report id, first submitted)}
        self._months_read = set()
        self._later_facts = False  # a fact dated after `at`: it will change the scores by itself

    @classmethod
    def now(cls, plan):
        """The scores as they stand now, as the pages show them."""
        return cls(plan, timezone.now(), cached=True)

    # The facts, each read with one query.

    @cached_property
    def communities(self):
        rows = Community.objects.order_by().values_list("pk", "name", "position", "work_point_id")
        return [Place(*row) for row in rows]

    @cached_property
    def work_points(self):
        return {point.pk: point for point in WorkPoint.objects.all()}

    def _read_reports(self, months):
        """The reports of `months` (one query for all not read yet), as (id, first submission)."""
        wanted = sorted(set(months) - self._months_read)
        if not wanted:
            return
        rows = (
            MonthlyReport.objects.filter(plan=self.plan, month__in=wanted)
            .order_by()
            .values_list("community_id", "month", "pk", "first_submitted_at")
        )
        at = self.at.astimezone(UTC)  # as the database gives them: compared much quicker
        for community_id, month, pk, first in rows:
            self._reports[month][community_id] = (pk, first)
            if first is not None and first > at:
                self._later_facts = True
        self._months_read.update(wanted)

    @cached_property
    def _findings(self):
        """A1: the findings in force at `at`, by report and by the team's community."""
        rows = (
            Finding.objects.in_force_at(self.at)
            .filter(Q(report__plan=self.plan) | Q(team__isnull=False))
            .order_by("-recorded_at", "-pk")
            .values_list(
                "report_id",
                "team__community_id",
                "recorded_by__first_name",
                "recorded_by__last_name",
                "recorded_by__username",
                "recorded_at",
                "reason",
                "withdrawn_at",
            )
        )
        by_report, by_community = {}, {}
        for report_id, community_id, *finding, withdrawn_at in rows:
            if report_id is not None:
                by_report[report_id] = _finding_input(*finding)
            else:
                by_community[community_id] = _finding_input(*finding)
            if withdrawn_at is not None:
                self._later_facts = True  # withdrawn after `at`: it stops counting then
        return by_report, by_community

    @cached_property
    def _teams(self):
        """Each community's team: the day it was established, if any (S1)."""
        teams = dict(
            PropagandaTeam.objects.order_by().values_list("community_id", "established_on")
        )
        today = local(self.at).date()
        if any(day is not None and day > today for day in teams.values()):
            self._later_facts = True
        return teams

    @cached_property
    def inspections(self):
        return list(Inspection.objects.filter(plan=self.plan, held_on__lte=local(self.at).date()))

    @cached_property
    def inspection_totals(self):
        """Inspection id → {community id: points}; a community not listed lost nothing."""
        totals = defaultdict(dict)
        rows = (
            InspectionResult.objects.filter(
                inspection__plan=self.plan, inspection__held_on__lte=local(self.at).date()
            )
            .order_by()
            .values_list("inspection_id", "community_id", "points")
        )
        for inspection_id, community_id, points in rows:
            totals[inspection_id][community_id] = points
        return totals

    @cached_property
    def warnings(self):
        """W3: the warnings issued this year, by community (few: read as models)."""
        return {w.community_id: w for w in OfficialWarning.objects.filter(plan=self.plan)}

    # The rules, for every community.

    def quarters(self):
        """The plan's assessed quarters (S6)."""
        return rules.assessed_quarters(self.plan.year, self.plan.months())

    def _duty(self, quarter):
        return [month for month in quarter.months if self.plan.carries_duty(month)]

    def _assess_all(self, quarter):
        """S1–S6 for every community: each distinct line (without its report) once, and
        by community its total and its lines as (case, report id) pairs."""
        if quarter in self._assessed:
            return self._assessed[quarter]
        duty = self._duty(quarter)
        self._read_reports(duty)
        by_report, by_community = self._findings
        teams, year = self._teams, self.plan.year
        today = local(self.at).date()
        # The same instants in UTC, as the database gives submissions: comparing times
        # of one time zone is ten times quicker than across two.
        at = self.at.astimezone(UTC)
        deadlines = [
            (month, self.plan.late_from(month).astimezone(UTC), self._reports[month])
            for month in duty
        ]
        cases, assessed, team_inputs = {}, {}, {}
        for place in self.communities:
            months, report_ids = [], [None]  # the team's line is about no report
            for month, late_from, reports in deadlines:
                report_id, first = reports.get(place.pk, NO_REPORT)
                if first is not None and first > at:
                    first = None  # A1: not submitted yet at that moment
                months.append(
                    rules.MonthInput(year, month, late_from, first, by_report.get(report_id))
                )
                report_ids.append(report_id)
            established = teams.get(place.pk)
            if established is not None and established > today:
                established = None  # A1: not established yet at that moment
            facts = (established, by_community.get(place.pk))
            team = team_inputs.get(facts)  # one TeamInput per distinct team: assess_team's cache
            if team is None:
                team = team_inputs[facts] = rules.TeamInput(*facts)
            assessment = rules.assess_quarter(quarter, months, team, at)
            codes = []
            for line, report_id in zip(assessment.lines, report_ids, strict=True):
                case = (line.rule, line.month, line.points, line.why)
                index = cases.get(case)
                if index is None:
                    index = cases[case] = len(cases)
                codes += (index, report_id)
            assessed[place.pk] = (assessment.total, tuple(codes))
        result = (tuple(rules.Line(*case) for case in cases), assessed)
        self._assessed[quarter] = result
        return result

    def _events(self, quarter, totals):
        """W1: the year's quarters up to `quarter` and its inspections up to its last day,
        in order, each as (name, {community id: points}); `totals` are the quarter's own."""
        events = []
        for q in self.quarters():
            if q.number <= quarter.number:
                # The words of Quarter.label, to be said when read.
                name = rules.Words(
                    gettext_noop("%(year)d Q%(n)d"), (("year", q.year), ("n", q.number))
                )
                events.append((name, q.last_day, totals if q == quarter else self._totals(q)))
        for inspection in self.inspections:
            if inspection.held_on <= quarter.last_day:
                name = rules.Words(
                    gettext_noop("Inspection %(day)s %(title)s"),
                    (("day", inspection.held_on), ("title", inspection.title)),
                )
                results = self.inspection_totals[inspection.pk]
                points = {place.pk: results.get(place.pk, 0) for place in self.communities}
                events.append((name, inspection.held_on, points))
        events.sort(key=lambda event: event[1])
        return [(name, points) for name, _day, points in events]

    def _totals(self, quarter):
        known = self._known(quarter)
        if known is not None:
            return {row[PK]: row[TOTAL] for row in known.rows}
        return {pk: total for pk, (total, _lines) in self._assess_all(quarter)[1].items()}

    def _work_out(self, quarter):
        cases, assessed = self._assess_all(quarter)
        totals = {pk: total for pk, (total, _lines) in assessed.items()}
        events = self._events(quarter, totals)
        ranked = rules.rank_all(totals)
        placed = [
            ranked if points is totals else rules.rank_all(points) for _name, points in events
        ]
        rows = []
        for place in self.communities:
            placings = [value for event in placed for value in event[place.pk]]
            rows.append(
                (
                    *place,
                    totals[place.pk],
                    *ranked[place.pk],
                    rules.strikes(placings[1::2]),
                    tuple(placings),
                    assessed[place.pk][1],
                )
            )
        points = self.work_points
        rows.sort(key=lambda r: (r[RANK], points[r[WORK_POINT]].position, r[POSITION], r[NAME]))
        return Standing(quarter, tuple(name for name, _points in events), cases, tuple(rows))

    # Cached standings.

    def _cache_key(self, quarter):
        """Where a closed quarter's standing is kept, or None when it is not to be kept.

        One place per quarter, holding the version it was worked out under: a standing
        of an older version is never read, and is overwritten, never left to pile up.
        """
        if not self.cached:
            return None
        late_froms = [self.plan.late_from(month) for month in self._duty(quarter)]
        if not rules.quarter_closed(quarter, late_froms, self.at):
            return None
        return f"scoring:standing:{STANDING_MAKE}:{self.plan.pk}:{quarter}"

    @cached_property
    def _version(self):
        return scores_version()

    def _known(self, quarter):
        """The standing already worked out here, or cached under the present version."""
        if quarter not in self._standings:
            key = self._cache_key(quarter)
            version, standing = cache.get(key, (None, None)) if key else (None, None)
            if standing is None or version != self._version:
                return None
            self._standings[quarter] = standing
        return self._standings[quarter]

    def standing(self, quarter):
        """The quarter of every community, ranked: from the cache when it can be."""
        standing = self._known(quarter)
        if standing is None:
            standing = self._standings[quarter] = self._work_out(quarter)
            key = self._cache_key(quarter)
            if key and len(standing.rows) >= CACHE_FROM_COMMUNITIES and not self._later_facts:
                cache.set(key, (self._version, standing), KEPT_FOR_SECONDS)
        return standing

    # What the pages and the command show.

    def ranking(self, quarter):
        """The quarter page's rows: every community, ranked (W1–W3)."""
        return Ranking(self.standing(quarter), self.work_points, self.warnings)

    def quarter_scores(self, quarter):
        """Every community's quarter, ranked, with its strikes so far (W1–W3)."""
        ranking = self.ranking(quarter)
        return ranking.scores(ranking.rows)

    def score_of(self, quarter, community_id):
        """One community's quarter (its ledger), or None."""
        ranking = self.ranking(quarter)
        row = ranking.standing.row(community_id)
        return ranking.scores([row])[0] if row else None

    def inspection_scores(self, inspection):
        totals = self.inspection_totals[inspection.pk]
        ranked = rules.rank_all({place.pk: totals.get(place.pk, 0) for place in self.communities})
        return sorted(
            (
                InspectionRow(place, totals.get(place.pk, 0), *ranked[place.pk])
                for place in self.communities
            ),
            key=lambda row: (row.rank, row.community.name),
        )

    def trend(self, community_id):
        """A community's total in each assessed quarter of the year (for its chart)."""
        quarters = self.quarters()
        unknown = [q for q in quarters if self._known(q) is None]
        self._read_reports([month for q in unknown for month in self._duty(q)])
        return [(q, self._totals(q).get(community_id, 0)) for q in quarters]

    def rates(self, quarter):
        """DHIS2 reporting rates per work point and duty month of the quarter.

        Completeness = reports received / reports expected; on time = reports
        received by the deadline / reports expected. Received means first
        submitted by `at`; a month is expected once its deadline has passed.
        """
        standing = self.standing(quarter)
        duty = self._duty(quarter)
        self._read_reports(duty)
        by_point = defaultdict(list)
        for row in standing.rows:
            by_point[row[WORK_POINT]].append(row)
        points = self.work_points
        rows = []
        for point_id in sorted(by_point, key=lambda pk: (points[pk].position, points[pk].name)):
            members = sorted(by_point[point_id], key=lambda row: (row[POSITION], row[NAME]))
            cells = []
            for month in duty:
                late_from, reports = self.plan.late_from(month), self._reports[month]
                firsts = [
                    first
                    for row in members
                    if (first := reports.get(row[PK], NO_REPORT)[1]) and first <= self.at
                ]
                cells.append(
                    RateCell(
                        month=month,
                        due=deadline_passed(late_from, self.at),
                        expected=len(members),
                        received=len(firsts),
                        on_time=sum(1 for first in firsts if is_on_time(first, late_from)),
                    )
                )
            average = sum(row[TOTAL] for row in members) / len(members)
            places = [Place(*row[:4]) for row in members]
            rows.append(PointRates(points[point_id], places, cells, average))
        return rows


@dataclass(frozen=True)
class PointRates:
    """One work point's quarter: its communities, a cell per duty month, their mean deduction."""

    point: object
    members: list
    cells: list
    average_deduction: float


@dataclass(frozen=True)
class RateCell:
    month: int
    due: bool
    expected: int
    received: int
    on_time: int

    @property
    def completeness(self):
        return round(100 * self.received / self.expected) if self.expected else None

    @property
    def timeliness(self):
        return round(100 * self.on_time / self.expected) if self.expected else None
