"""The quarterly assessment (S1–S6) and the ranking and warnings (W1–W3).

Plain functions over plain values: no ORM, no request. `scoring.gather`
collects the inputs from the database; these functions decide. Every rule
checked is a line of the ledger with its rule, its month, its points (0 when
nothing is deducted) and a reason a person can check by hand.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from reporting.periods import Quarter, deadline_passed, describe_duration, is_on_time

CAP = 5  # S4: 封顶5分
TOP = 3  # W2: 前三名
STRIKES_FOR_WARNING = 3  # W3: 累计3次
PENDING = "S5"  # S5: not judged yet


@dataclass(frozen=True)
class FindingInput:
    """A falsification finding (弄虚作假) as the rules read it: who recorded it, when, and why."""

    by: str
    on: date
    reason: str


@dataclass(frozen=True)
class MonthInput:
    """One duty month of one community (M7): its deadline and the report's facts."""

    year: int
    month: int
    late_from: datetime
    first_submitted_at: datetime | None = None
    finding: FindingInput | None = None
    report_id: int | None = None


@dataclass(frozen=True)
class TeamInput:
    established_on: date | None = None
    finding: FindingInput | None = None


@dataclass(frozen=True)
class Line:
    """One line of the ledger: a rule checked, its points (0 when nothing is
    deducted) and its reason; for a month, the report it is about."""

    rule: str
    month: str | None
    points: int
    reason: str
    report_id: int | None = None

    @property
    def is_pending(self):
        """S5: not judged yet (its deadline, or the quarter, has not passed)."""
        return self.rule == PENDING

    @property
    def deducts(self):
        return self.points > 0


@dataclass(frozen=True)
class Assessment:
    """Every line checked for a community in a quarter, deducting or not."""

    assessed: bool
    lines: tuple[Line, ...] = ()

    @property
    def deductions(self):
        """The lines that cost points."""
        return tuple(line for line in self.lines if line.deducts)

    @property
    def pending(self):
        """S5: what cannot be judged yet."""
        return tuple(line for line in self.lines if line.is_pending)

    @property
    def total(self):
        """S4: the sum of the deductions, capped at 5."""
        return min(CAP, sum(line.points for line in self.deductions))


def assessed_quarters(year, duty_months):
    """S6: the quarters of a year that carry at least one duty month."""
    return [q for n in (1, 2, 3, 4) if set((q := Quarter(year, n)).months) & set(duty_months)]


def current_quarter(year, duty_months, today: date):
    """The assessed quarter a community should look at today: the latest one
    begun, or the first one when the year has not reached any yet."""
    quarters = assessed_quarters(year, duty_months)
    begun = [q for q in quarters if q.first_day <= today]
    if begun:
        return begun[-1]
    return quarters[0] if quarters else None


def month_label(year, month):
    return f"{year}-{month:02d}"


def _finding_words(finding):
    return _("%(by)s, %(on)s: %(reason)s") % {
        "by": finding.by,
        "on": finding.on.isoformat(),
        "reason": finding.reason,
    }


def assess_month(month: MonthInput, now: datetime) -> Line:
    """S2, S3, S5 for one duty month: a line of 0, 1 or 2 points."""
    label = month_label(month.year, month.month)
    name = _("Report of %(year)d-%(month)d") % {"year": month.year, "month": month.month}
    if not deadline_passed(month.late_from, now):
        reason = _("%(name)s: deadline not passed yet") % {"name": name}
        return Line(PENDING, label, 0, reason, month.report_id)
    if month.finding is not None:
        reason = _("%(name)s found falsified (%(finding)s): deduction doubled") % {
            "name": name,
            "finding": _finding_words(month.finding),
        }
        return Line("S3", label, 2, reason, month.report_id)
    if month.first_submitted_at is None:
        return Line("S2", label, 1, _("%(name)s not submitted") % {"name": name}, month.report_id)
    if not is_on_time(month.first_submitted_at, month.late_from):
        delay = describe_duration(month.first_submitted_at - month.late_from)
        reason = _("%(name)s submitted %(delay)s late") % {"name": name, "delay": delay}
        return Line("S2", label, 1, reason, month.report_id)
    return Line("S2", label, 0, _("%(name)s submitted on time") % {"name": name}, month.report_id)


def assess_team(team: TeamInput, quarter: Quarter, now: datetime) -> Line:
    """S1 and S3 for the propaganda team."""
    if team.finding is not None:
        reason = _("Propaganda team found to exist only on paper (%(finding)s): deduction doubled")
        return Line("S3", None, 2, reason % {"finding": _finding_words(team.finding)})
    if team.established_on is not None and team.established_on <= quarter.last_day:
        reason = _("Propaganda team established on %(day)s") % {"day": team.established_on}
        return Line("S1", None, 0, reason)
    if now < quarter.ends_at:
        return Line(PENDING, None, 0, _("No propaganda team yet; the quarter is not over"))
    if team.established_on is not None:
        reason = _("Propaganda team established only on %(day)s, after the quarter") % {
            "day": team.established_on
        }
        return Line("S1", None, 1, reason)
    return Line("S1", None, 1, _("No propaganda team established"))


def assess_quarter(quarter: Quarter, months, team: TeamInput, now: datetime) -> Assessment:
    """S1–S6: `months` are the duty months of the quarter (M7), in order."""
    if not months:
        return Assessment(assessed=False)  # S6
    lines = (assess_team(team, quarter, now), *(assess_month(m, now) for m in months))
    return Assessment(assessed=True, lines=lines)


def competition_ranks(totals: dict) -> dict:
    """W1: most deducted first; ties share a rank (1, 2, 2, 4)."""
    ordered = sorted(totals.values(), reverse=True)
    first_place = {}
    for place, total in enumerate(ordered, start=1):
        first_place.setdefault(total, place)
    return {key: first_place[total] for key, total in totals.items()}


def in_top_three(rank: int, total: int) -> bool:
    """W2: ranked 1 to 3 with something deducted (ties at 3 all count)."""
    return rank <= TOP and total > 0


def strikes(placings) -> int:
    """W3: one strike per top-three placing within the year."""
    return sum(1 for placed in placings if placed)


def warning_due(strike_count: int) -> bool:
    """W3: three strikes call for a warning and an interview."""
    return strike_count >= STRIKES_FOR_WARNING


def rank_all(totals: dict) -> dict:
    """W1 and W2 together: key → (rank, in top three)."""
    ranks = competition_ranks(totals)
    return {key: (ranks[key], in_top_three(ranks[key], totals[key])) for key in totals}
