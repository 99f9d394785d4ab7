"""Who has not reported a month: missing, late, or returned and not resubmitted."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from communities.models import Community, TeamMember
from reporting.models import MonthlyReport, Plan
from reporting.periods import deadline_passed, is_on_time

STATUS_LABELS = {
    "missing": _("Not submitted"),
    "late": _("Submitted late"),
    "returned": _("Returned, not resubmitted"),
}


@dataclass(frozen=True)
class MissingRow:
    community: Community
    status: str
    report: MonthlyReport | None
    contact: TeamMember | None

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


def latest_due_month(now):
    """The (plan, month) whose deadline passed most recently, or None."""
    due = [
        (plan.late_from(month), plan, month)
        for plan in Plan.objects.all()
        for month in plan.months()
        if deadline_passed(plan.late_from(month), now)
    ]
    if not due:
        return None
    _late_from, plan, month = max(due, key=lambda entry: entry[0])
    return plan, month


def missing_reports(plan, month):
    """Every community that owes the office something for (plan, month), with its contact."""
    late_from = plan.late_from(month)
    reports = {r.community_id: r for r in MonthlyReport.objects.filter(plan=plan, month=month)}
    contacts = {
        m.team.community_id: m
        for m in TeamMember.objects.filter(is_group_contact=True).select_related("team")
    }
    rows = []
    for community in Community.objects.select_related("work_point"):
        report = reports.get(community.pk)
        if report is None or report.first_submitted_at is None:
            status = "missing"
        elif report.is_returned:
            status = "returned"
        elif not is_on_time(report.first_submitted_at, late_from):
            status = "late"
        else:
            continue
        rows.append(MissingRow(community, status, report, contacts.get(community.pk)))
    return rows
