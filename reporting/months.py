"""A plan's months as a community's staff see them: state, deadline, days left or late.

The staff home shows this year's plan first; earlier years are folded away,
except for the months that still ask something of the community.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from reporting import periods
from reporting.models import MonthlyReport, Plan

# A month overdue this long or less reads "已逾期3天" (a late report "逾期1天3小时报送")
# and, from an earlier year, stays on this year's page; beyond it the card names
# a date instead of a count nobody can act on ("已逾期2006天").
RECENT_DAYS = 30


@dataclass(frozen=True)
class MonthRow:
    year: int
    month: int
    deadline: date
    report: MonthlyReport | None
    timing: str
    overdue: bool

    @property
    def state_label(self):
        return self.report.get_state_display() if self.report else _("Not started")

    @property
    def state(self):
        return self.report.state if self.report else "none"

    @property
    def needs_action(self):
        return self.report is None or self.report.is_editable

    @property
    def is_returned(self):
        return self.report is not None and self.report.is_returned


@dataclass(frozen=True)
class YearChoice:
    """The year the staff home shows: the one asked for, else this year's,
    which may not be set up yet (then `plan` is None)."""

    this_year: int
    plan: Plan | None
    this_year_plan: Plan | None
    earlier: tuple  # plans before this year, newest first: the folded-away years
    later: tuple  # plans after this year (next year's, set up in advance)

    @property
    def shows_this_year(self):
        return self.plan is self.this_year_plan

    @property
    def shows_earlier_year(self):
        return self.plan in self.earlier

    @property
    def this_year_missing(self):
        return self.this_year_plan is None


def choose_year(plans, wanted_year, today: date):
    """This year's plan first; another year only when asked for (?year=2021)."""
    plans = sorted(plans, key=lambda p: p.year, reverse=True)
    this_year_plan = next((p for p in plans if p.year == today.year), None)
    wanted = next((p for p in plans if str(p.year) == str(wanted_year)), None)
    return YearChoice(
        this_year=today.year,
        plan=wanted or this_year_plan,
        this_year_plan=this_year_plan,
        earlier=tuple(p for p in plans if p.year < today.year),
        later=tuple(p for p in plans if p.year > today.year),
    )


def month_rows(plan, reports, now: datetime):
    """One row per duty month of `plan` (M7); `reports` are one community's reports."""
    by_month = {report.month: report for report in reports if report.plan_id == plan.pk}
    return [_row(plan, month, by_month.get(month), now) for month in plan.months()]


def still_open(choice: YearChoice, reports, now: datetime):
    """The months of earlier years' plans that this year's page keeps in view:
    a report started or returned and not yet submitted (whatever its age), and
    a month not started whose deadline is still to come or recently past
    (December's report falls due in January)."""
    if not choice.shows_this_year:
        return []
    by_month = {(report.plan_id, report.month): report for report in reports}
    rows = []
    for plan in reversed(choice.earlier):
        for month in plan.months():
            report = by_month.get((plan.pk, month))
            if report is not None and not report.is_editable:
                continue
            if report is None and not _is_recent(plan.late_from(month), now):
                continue
            rows.append(_row(plan, month, report, now))
    return rows


def to_do(rows):
    """What the staff home puts first: every report the office returned, then the
    month due next (its deadline still to come, not submitted)."""
    returned = [row for row in rows if row.is_returned]
    due = [row for row in rows if row.needs_action and not row.overdue and not row.is_returned]
    return returned + due[:1]


def _is_recent(late_from, at):
    """`at` is before the month turned late, or at most RECENT_DAYS after."""
    return not periods.deadline_passed(late_from, at) or (
        periods.whole_days(at - late_from) <= RECENT_DAYS
    )


def _row(plan, month, report, now):
    late_from = plan.late_from(month)
    first = report.first_submitted_at if report else None
    if first is not None:
        if periods.is_on_time(first, late_from):
            timing, overdue = _("Submitted on time"), False
        elif _is_recent(late_from, first):
            timing = _("Submitted %(delay)s late") % {
                "delay": periods.describe_duration(first - late_from)
            }
            overdue = True
        else:
            timing = _("Submitted late on %(date)s") % {
                "date": periods.local(first).date().isoformat()
            }
            overdue = True
    elif not periods.deadline_passed(late_from, now):
        timing = _("%(n)d day(s) left") % {"n": periods.whole_days(late_from - now)}
        overdue = False
    elif _is_recent(late_from, now):
        timing = _("%(n)d day(s) overdue") % {"n": max(1, periods.whole_days(now - late_from))}
        overdue = True
    else:
        timing = _("Overdue (due %(date)s)") % {"date": plan.deadline_day_of(month).isoformat()}
        overdue = True
    return MonthRow(
        year=plan.year,
        month=month,
        deadline=plan.deadline_day_of(month),
        report=report,
        timing=timing,
        overdue=overdue,
    )
