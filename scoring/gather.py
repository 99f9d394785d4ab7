"""Gathering the rules' inputs from the database, in a fixed number of queries.

The rules themselves (scoring.rules) never see the ORM: this module turns a
plan's communities, reports, teams, findings and inspections into plain values,
asks the rules, and hands the pages and the command what they show.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _

from communities.models import Community, PropagandaTeam
from reporting.models import Finding, MonthlyReport
from reporting.periods import Quarter, deadline_passed, is_on_time, local
from scoring import rules
from scoring.models import Inspection, InspectionResult, OfficialWarning


@dataclass(frozen=True)
class RankedEvent:
    """One ranked event of the year: a quarter or an inspection (W1)."""

    label: str
    day: date
    totals: dict  # community id → points


@dataclass(frozen=True)
class Placing:
    """A community's result in one ranked event: its rank, and whether it is a strike (W2)."""

    label: str
    rank: int
    in_top_three: bool


@dataclass
class CommunityScore:
    community: Community
    assessment: rules.Assessment
    rank: int = 0
    top_three: bool = False
    placings: list[Placing] = field(default_factory=list)  # in the year's events so far
    warning: OfficialWarning | None = None

    @property
    def total(self):
        return self.assessment.total

    @property
    def strikes(self):
        """W3: the labels of the placings that count as strikes."""
        return [placing.label for placing in self.placings if placing.in_top_three]

    @property
    def warning_due(self):
        return rules.warning_due(rules.strikes(p.in_top_three for p in self.placings))

    @property
    def warning_outstanding(self):
        """W3: a warning is due and has not been issued yet."""
        return self.warning_due and self.warning is None


@dataclass(frozen=True)
class InspectionRow:
    """A community's line on an inspection's page (W1, W2)."""

    community: Community
    points: int
    rank: int
    in_top_three: bool


def _finding_input(finding):
    if finding is None:
        return None
    by = finding.recorded_by.get_full_name() or finding.recorded_by.get_username()
    return rules.FindingInput(by=by, on=local(finding.recorded_at).date(), reason=finding.reason)


class PlanScores:
    """Everything the scoring of one plan's year needs, read once."""

    def __init__(self, plan, at: datetime, communities=None):
        self.plan = plan
        self.at = at
        self._assessments = {}
        self.communities = list(
            (communities if communities is not None else Community.objects.all()).select_related(
                "work_point"
            )
        )
        ids = [c.pk for c in self.communities]
        self.reports = {
            (r.community_id, r.month): r
            for r in MonthlyReport.objects.filter(plan=plan, community_id__in=ids).only(
                "id", "community_id", "month", "first_submitted_at", "plan_id"
            )
        }
        report_findings = (
            Finding.objects.in_force_at(at)
            .filter(report__plan=plan, report__community_id__in=ids)
            .select_related("recorded_by")
        )
        self.report_findings = {f.report_id: f for f in report_findings}
        self.teams = {
            t.community_id: t
            for t in PropagandaTeam.objects.filter(community_id__in=ids).only(
                "id", "community_id", "established_on"
            )
        }
        team_findings = (
            Finding.objects.in_force_at(at)
            .filter(team__community_id__in=ids)
            .select_related("recorded_by", "team")
        )
        self.team_findings = {f.team.community_id: f for f in team_findings}
        self.inspections = list(Inspection.objects.filter(plan=plan, held_on__lte=local(at).date()))
        results = defaultdict(dict)
        for result in InspectionResult.objects.filter(inspection__in=self.inspections):
            results[result.inspection_id][result.community_id] = result.points
        self.inspection_totals = results
        self.warnings = {
            w.community_id: w
            for w in OfficialWarning.objects.filter(plan=plan, community_id__in=ids)
        }

    def quarters(self):
        """The plan's assessed quarters (S6)."""
        return rules.assessed_quarters(self.plan.year, self.plan.months())

    def assess(self, community, quarter):
        """S1–S6 for one community, worked out once per quarter."""
        key = (community.pk, quarter)
        if key not in self._assessments:
            self._assessments[key] = self._assess(community, quarter)
        return self._assessments[key]

    def _assess(self, community, quarter):
        """The plain inputs, then the rules."""
        duty = set(self.plan.months())
        months = []
        for month in quarter.months:
            if month not in duty:
                continue
            report = self.reports.get((community.pk, month))
            first = report.first_submitted_at if report else None
            if first is not None and first > self.at:
                first = None  # evaluated as of `at`: not submitted yet then
            months.append(
                rules.MonthInput(
                    year=self.plan.year,
                    month=month,
                    late_from=self.plan.late_from(month),
                    first_submitted_at=first,
                    finding=_finding_input(self.report_findings.get(report.pk)) if report else None,
                    report_id=report.pk if report else None,
                )
            )
        team = self.teams.get(community.pk)
        established = team.established_on if team else None
        if established is not None and established > local(self.at).date():
            established = None
        team_input = rules.TeamInput(
            established_on=established,
            finding=_finding_input(self.team_findings.get(community.pk)),
        )
        return rules.assess_quarter(quarter, months, team_input, self.at)

    def ranked_events(self, until: Quarter):
        """W1: the year's quarters up to `until` and its inspections up to its last day."""
        events = [
            RankedEvent(
                label=q.label,
                day=q.last_day,
                totals={c.pk: self.assess(c, q).total for c in self.communities},
            )
            for q in self.quarters()
            if q.number <= until.number
        ]
        events += [
            RankedEvent(
                label=_("Inspection %(day)s %(title)s") % {"day": i.held_on, "title": i.title},
                day=i.held_on,
                totals={c.pk: self.inspection_totals[i.pk].get(c.pk, 0) for c in self.communities},
            )
            for i in self.inspections
            if i.held_on <= until.last_day
        ]
        return sorted(events, key=lambda event: event.day)

    def quarter_scores(self, quarter):
        """The quarter page: every community, ranked, with its strikes so far (W1–W3)."""
        scores = {c.pk: CommunityScore(c, self.assess(c, quarter)) for c in self.communities}
        ranked = rules.rank_all({pk: s.total for pk, s in scores.items()})
        for pk, (rank, top) in ranked.items():
            scores[pk].rank, scores[pk].top_three = rank, top
            scores[pk].warning = self.warnings.get(pk)
        for event in self.ranked_events(quarter):
            for pk, (rank, top) in rules.rank_all(event.totals).items():
                scores[pk].placings.append(Placing(event.label, rank, top))
        return sorted(
            scores.values(),
            key=lambda s: (
                s.rank,
                s.community.work_point.position,
                s.community.position,
                s.community.name,
            ),
        )

    def inspection_scores(self, inspection):
        totals = {
            c.pk: self.inspection_totals[inspection.pk].get(c.pk, 0) for c in self.communities
        }
        ranked = rules.rank_all(totals)
        return sorted(
            (InspectionRow(c, totals[c.pk], *ranked[c.pk]) for c in self.communities),
            key=lambda row: (row.rank, row.community.name),
        )

    def trend(self, community):
        """A community's total in each assessed quarter of the year (for its chart)."""
        return [(q, self.assess(community, q).total) for q in self.quarters()]

    def rates(self, quarter):
        """DHIS2 reporting rates per work point and duty month of the quarter.

        Completeness = reports received / reports expected; on time = reports
        received by the deadline / reports expected. Received means first
        submitted by `at`; a month is expected once its deadline has passed.
        """
        duty = [m for m in quarter.months if m in set(self.plan.months())]
        by_point = defaultdict(list)
        for community in self.communities:
            by_point[community.work_point].append(community)
        rows = []
        for point, members in by_point.items():
            cells = []
            for month in duty:
                late_from = self.plan.late_from(month)
                firsts = [
                    r.first_submitted_at
                    for c in members
                    if (r := self.reports.get((c.pk, month)))
                    and r.first_submitted_at
                    and r.first_submitted_at <= self.at
                ]
                expected = len(members)
                cells.append(
                    RateCell(
                        month=month,
                        due=deadline_passed(late_from, self.at),
                        expected=expected,
                        received=len(firsts),
                        on_time=sum(1 for first in firsts if is_on_time(first, late_from)),
                    )
                )
            totals = [self.assess(c, quarter).total for c in members]
            rows.append(PointRates(point, members, cells, sum(totals) / len(totals)))
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
