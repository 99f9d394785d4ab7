"""A plan's months as a community's staff see them: state, deadline, days left or late."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from reporting import periods
from reporting.models import MonthlyReport, ReportState


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
        return self.report is None or self.report.state in (ReportState.DRAFT, ReportState.RETURNED)


def month_rows(plan, reports, now: datetime):
    """One row per duty month of `plan` (M7); `reports` are one community's reports of it."""
    by_month = {report.month: report for report in reports}
    return [_row(plan, month, by_month.get(month), now) for month in plan.months()]


def _row(plan, month, report, now):
    late_from = plan.late_from(month)
    first = report.first_submitted_at if report else None
    if first is not None:
        if first < late_from:
            timing, overdue = _("Submitted on time"), False
        else:
            timing = _("Submitted %(delay)s late") % {
                "delay": periods.describe_duration(first - late_from)
            }
            overdue = True
    elif now < late_from:
        timing = _("%(n)d day(s) left") % {"n": periods.whole_days(late_from - now)}
        overdue = False
    else:
        timing = _("%(n)d day(s) overdue") % {"n": max(1, periods.whole_days(now - late_from))}
        overdue = True
    return MonthRow(
        year=plan.year,
        month=month,
        deadline=plan.deadline_day_of(month),
        report=report,
        timing=timing,
        overdue=overdue,
    )
