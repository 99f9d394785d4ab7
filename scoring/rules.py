"""The quarterly assessment (S1–S6) and the ranking and warnings (W1–W3).

Plain functions over plain values: no ORM, no request. `scoring.gather`
collects the inputs from the database; these functions decide. Every rule
checked is a line of the ledger with its rule, its month, its points (0 when
nothing is deducted) and a reason a person can check by hand.

A reason is kept as `Words` (its English msgid and its values) and put into the
reader's language only when it is read: a province's quarter has some 80,000
lines but few distinct reasons, each worked out once, the same in every
language, so a quarter's lines can be cached and shared.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache

from django.utils.translation import get_language, gettext, gettext_noop

from reporting.periods import Quarter, deadline_passed, describe_duration, is_on_time

CAP = 5  # S4: 封顶5分
TOP = 3  # W2: 前三名
STRIKES_FOR_WARNING = 3  # W3: 累计3次
PENDING = "S5"  # S5: not judged yet


@dataclass(frozen=True)
class Words:
    """Words of a reason, said in the reader's language when read (`str()`).

    `msgid` is the English text with %(name)s placeholders, listed for translation
    with gettext_noop where it is written; `values` are its (name, value) pairs, a
    value that is itself `Words` or a `Delay` being said too.
    """

    msgid: str
    values: tuple = ()

    def __str__(self):
        return _say(get_language(), self)


@dataclass(frozen=True)
class Delay:
    """How late a report came, said as a person checks it ("1天3小时")."""

    span: timedelta

    def __str__(self):
        return describe_duration(self.span)


@lru_cache(maxsize=65536)
def _say(language, words):
    """`words` in `language` (the active one): each distinct reason translated once."""
    text = gettext(words.msgid)
    if not words.values:
        return text
    return text % {
        name: str(value) if isinstance(value, Words | Delay) else value
        for name, value in words.values
    }


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
    deducted) and why; for a month, the report it is about."""

    rule: str
    month: str | None
    points: int
    why: Words
    report_id: int | None = None

    @property
    def reason(self):
        """S4: why, in the reader's language, so the line can be checked by hand."""
        return str(self.why)

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
        """S4: the sum of the deductions (a line that deducts nothing counts 0), capped at 5."""
        return min(CAP, sum([line.points for line in self.lines]))


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


@cache
def month_label(year, month):
    return f"{year}-{month:02d}"


# The reasons, in English: the msgids of their Words, said in the reader's language when read.
REPORT_NAME = gettext_noop("Report of %(year)d-%(month)d")
FINDING = gettext_noop("%(by)s, %(on)s: %(reason)s")
MONTH_PENDING = gettext_noop("%(name)s: deadline not passed yet")
MONTH_FALSIFIED = gettext_noop("%(name)s found falsified (%(finding)s): deduction doubled")
MONTH_MISSING = gettext_noop("%(name)s not submitted")
MONTH_LATE = gettext_noop("%(name)s submitted %(delay)s late")
MONTH_ON_TIME = gettext_noop("%(name)s submitted on time")
TEAM_FALSIFIED = gettext_noop(
    "Propaganda team found to exist only on paper (%(finding)s): deduction doubled"
)
TEAM_ESTABLISHED = gettext_noop("Propaganda team established on %(day)s")
TEAM_LATE = gettext_noop("Propaganda team established only on %(day)s, after the quarter")
NO_TEAM_YET = Words(gettext_noop("No propaganda team yet; the quarter is not over"))
NO_TEAM = Words(gettext_noop("No propaganda team established"))


# Each distinct reason is made once and shared by every line it fits.


@cache
def _report_name(year, month):
    return Words(REPORT_NAME, (("year", year), ("month", month)))


@cache
def _month_words(msgid, year, month):
    return Words(msgid, (("name", _report_name(year, month)),))


@lru_cache(maxsize=4096)
def _finding_words(finding):
    values = (("by", finding.by), ("on", finding.on.isoformat()), ("reason", finding.reason))
    return Words(FINDING, values)


@lru_cache(maxsize=4096)
def _day_words(msgid, day):
    return Words(msgid, (("day", day),))


def assess_month(month: MonthInput, now: datetime) -> Line:
    """S2, S3, S5 for one duty month: a line of 0, 1 or 2 points."""
    year, number, report_id = month.year, month.month, month.report_id
    label = month_label(year, number)
    if not deadline_passed(month.late_from, now):
        return Line(PENDING, label, 0, _month_words(MONTH_PENDING, year, number), report_id)
    if month.finding is not None:
        values = (("name", _report_name(year, number)), ("finding", _finding_words(month.finding)))
        return Line("S3", label, 2, Words(MONTH_FALSIFIED, values), report_id)
    if month.first_submitted_at is None:
        return Line("S2", label, 1, _month_words(MONTH_MISSING, year, number), report_id)
    if not is_on_time(month.first_submitted_at, month.late_from):
        delay = Delay(month.first_submitted_at - month.late_from)
        values = (("name", _report_name(year, number)), ("delay", delay))
        return Line("S2", label, 1, Words(MONTH_LATE, values), report_id)
    return Line("S2", label, 0, _month_words(MONTH_ON_TIME, year, number), report_id)


@lru_cache(maxsize=1024)
def assess_team(team: TeamInput, quarter: Quarter, now: datetime) -> Line:
    """S1 and S3 for the propaganda team: one line for each distinct team and moment
    (most communities' teams share a few dates)."""
    if team.finding is not None:
        why = Words(TEAM_FALSIFIED, (("finding", _finding_words(team.finding)),))
        return Line("S3", None, 2, why)
    if team.established_on is not None and team.established_on <= quarter.last_day:
        return Line("S1", None, 0, _day_words(TEAM_ESTABLISHED, team.established_on))
    if now < quarter.ends_at:
        return Line(PENDING, None, 0, NO_TEAM_YET)
    if team.established_on is not None:
        return Line("S1", None, 1, _day_words(TEAM_LATE, team.established_on))
    return Line("S1", None, 1, NO_TEAM)


def assess_quarter(quarter: Quarter, months, team: TeamInput, now: datetime) -> Assessment:
    """S1–S6: `months` are the duty months of the quarter (M7), in order."""
    if not months:
        return Assessment(assessed=False)  # S6
    lines = (assess_team(team, quarter, now), *(assess_month(m, now) for m in months))
    return Assessment(assessed=True, lines=lines)


def quarter_closed(quarter: Quarter, late_froms, now: datetime) -> bool:
    """S5 no longer applies: the quarter is over and every duty month's deadline
    (`late_froms`) has passed, so its assessment changes only with its facts, not with time."""
    return now >= quarter.ends_at and all(deadline_passed(late, now) for late in late_froms)


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
