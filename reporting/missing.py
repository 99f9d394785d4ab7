"""Who has not reported a month: missing, late, or returned and not resubmitted."""

from dataclasses import dataclass

from django.db.models import Case, CharField, Count, FilteredRelation, Q, Value, When, Window
from django.utils.translation import gettext_lazy as _

from communities.models import Community, TeamMember
from reporting.models import MonthlyReport, Plan, ReportState
from reporting.periods import deadline_passed

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


def owing(plan, month):
    """The communities that owe the office something for (plan, month), in the desk's
    order, as one query at any size (to count, or to slice): each with `owes`, a key
    of STATUS_LABELS, and its report of the month joined as `month_report`."""
    report = FilteredRelation("reports", condition=Q(reports__plan=plan, reports__month=month))
    late_from = plan.late_from(month)
    return (
        Community.objects.annotate(month_report=report)
        .annotate(
            owes=Case(
                # No report (the joined row is empty), or one never submitted.
                When(month_report__first_submitted_at__isnull=True, then=Value("missing")),
                When(month_report__state=ReportState.RETURNED, then=Value("returned")),
                # M2, M3 as periods.is_on_time says it: late from `late_from` on.
                When(month_report__first_submitted_at__gte=late_from, then=Value("late")),
                default=None,
                output_field=CharField(),
            )
        )
        .filter(owes__isnull=False)
    )


def missing_reports(plan, month):
    """Every community that owes the office something for (plan, month), with its contact."""
    communities = list(owing(plan, month).select_related("work_point", "month_report"))
    # Their contacts by the same query: a list of their ids would outgrow SQLite's
    # limit of parameters in a province.
    return _rows(communities, owing(plan, month).values("pk"))


def first_missing(plan, month, limit):
    """The first `limit` of missing_reports(plan, month), and how many there are in all,
    counted in the same pass: one query for the communities, one for their contacts."""
    communities = list(
        owing(plan, month)
        .select_related("work_point", "month_report")
        .annotate(owing_in_all=Window(Count("pk")))[:limit]
    )
    total = communities[0].owing_in_all if communities else 0
    return _rows(communities, [c.pk for c in communities]), total


def _rows(communities, community_ids):
    contacts = {
        m.team.community_id: m
        for m in TeamMember.objects.filter(
            is_group_contact=True, team__community__in=community_ids
        ).select_related("team")
    }
    return [
        MissingRow(
            community,
            community.owes,
            # Django sets the joined report only where there is one.
            getattr(community, "month_report", None),
            contacts.get(community.pk),
        )
        for community in communities
    ]
