"""R1 over the database: what is due at a moment, for the command and for the banner.

The timing is reminders.rules'; this gathers the plans' duty months (M7) and the
targets that still owe them: communities without a submitted report (the queries of
reporting.models), work points whose month's supervision is not done
(duties.models.duty_done).
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Q

from communities.models import Community, WorkPoint
from duties.models import duty_done
from reminders.models import Kind
from reminders.rules import due_occasion, supervision_deadline
from reporting import periods
from reporting.models import MonthlyReport, Plan


@dataclass(frozen=True)
class DueMonth:
    """A month of a plan whose `kind` of duty has a reminder due: which one (days before
    its deadline, the occasion) and the deadline itself (a local calendar day)."""

    kind: str
    plan: Plan
    month: int
    deadline: date
    days_before: int

    @property
    def label(self):
        return f"{self.plan.year}-{self.month:02d}"

    @property
    def is_report(self):
        return self.kind == Kind.REPORT


@dataclass(frozen=True)
class Due:
    """One target to remind of one month's duty: a Community (report), a WorkPoint
    (supervision)."""

    month: DueMonth
    target: Community | WorkPoint


@dataclass(frozen=True)
class Banner:
    """What the portal's banner tells a community or a point now: for a community, its
    draft of the month if it has started one; for a point, the point."""

    month: DueMonth
    report: MonthlyReport | None = None
    work_point: WorkPoint | None = None


def deadline_of(kind, plan, month):
    """R1: a report is due on the plan's deadline day (M2, the 1st of the next month by
    default); a point's supervision on the last day of the month itself."""
    if kind == Kind.REPORT:
        return plan.deadline_day_of(month)
    return supervision_deadline(plan.year, month)


def due_months(at):
    """R1, M7: each duty month of each plan with a reminder due at `at` (aware), of
    either kind. Months without the duty are never due. One query."""
    today = periods.local(at).date()
    found = []
    for plan in Plan.objects.all():
        for month in plan.months():  # M7: the duty months only
            for kind in (Kind.REPORT, Kind.SUPERVISION):
                deadline = deadline_of(kind, plan, month)
                occasion = due_occasion(deadline, today, settings.REMINDER_DAYS_BEFORE)
                if occasion is not None:
                    found.append(DueMonth(kind, plan, month, deadline, occasion))
    found.sort(key=lambda m: (not m.is_report, m.plan.year, m.month))
    return found


def due_reminders(at):
    """R1: every target to be reminded at `at`: the communities without a submitted
    report of a due month (a returned report was submitted: it is never reminded), and
    the work points whose supervision of a due month is not done. `at` sets the calendar,
    not the data: the reports and records are read as they stand now (so a dry run `--at`
    a past moment shows what would go today on that date, not what went then)."""
    dues = []
    for month in due_months(at):
        if month.is_report:
            received = MonthlyReport.objects.received().filter(plan=month.plan, month=month.month)
            targets = Community.objects.exclude(pk__in=received.values("community"))
        else:
            targets = [
                point
                for point in WorkPoint.objects.all()
                if not duty_done(point, month.plan, month.month)
            ]
        dues += [Due(month, target) for target in targets]
    return dues


def report_banners(community_id, at):
    """R1 on the staff home: the community's reports within their reminder days and not
    submitted, each with its draft if started. Two queries, however many months."""
    months = [month for month in due_months(at) if month.is_report]
    if not months:
        return []
    of_months = Q(pk__in=[])
    for month in months:
        of_months |= Q(plan=month.plan, month=month.month)
    reports = {
        (report.plan_id, report.month): report
        for report in MonthlyReport.objects.filter(of_months, community_id=community_id)
    }
    banners = [Banner(month, reports.get((month.plan.pk, month.month))) for month in months]
    return [b for b in banners if b.report is None or not b.report.has_been_submitted]


def supervision_banners(work_point_id, at):
    """R1 on a head's home: the point's supervision months within their reminder days
    and not done."""
    months = [month for month in due_months(at) if not month.is_report]
    if not months:
        return []
    point = WorkPoint.objects.get(pk=work_point_id)
    return [
        Banner(month, work_point=point)
        for month in months
        if not duty_done(point, month.plan, month.month)
    ]
