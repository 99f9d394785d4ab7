"""The office's pages of evidence flags (E1: a reason to look, never a deduction).

A report's own flags are shown on its review page (evidence/review.py, which
prefetches them with `report_flags`); a month's flags on the page here. Plain views,
mounted in the admin site by evidence.admin.ReportAdmin.get_urls(); each asks
communities.access itself, and each costs the same number of queries for 2 flags as
for 2,000.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.db.models import Count, F, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.access import require_review
from evidence.forms import FlagMonthForm, month_label
from evidence.models import Flag, FlagKind, open_condition
from reporting.missing import latest_due_month
from reporting.models import MonthlyReport, Plan

# Shown apart, after the others, and quieter: screenshots, edited copies and some
# phones' uploads carry no capture time (E3), so alone it says little.
WEAK_KINDS = (FlagKind.PHOTO_NO_METADATA,)
SERIOUS_KINDS = tuple(kind for kind in FlagKind if kind not in WEAK_KINDS)

# A month's page lists at most this many flags of each kind (and of reports with photos
# without a capture time), and counts them all.
LISTED = 200


def shown(flags):
    """`flags` with everything the pages print of each, its dismissal's author too."""
    return flags.with_context().select_related("dismissed_by")


def report_flags():
    """A report's flags, most serious first, as `report.flags`: one query for any number."""
    return Prefetch(
        "evidence_flags",
        queryset=shown(Flag.objects.all()).most_serious_first(),
        to_attr="flags",
    )


@dataclass
class ReportFlags:
    """A report's flags as its review page shows them: the weak ones apart."""

    serious: list = field(default_factory=list)
    weak: list = field(default_factory=list)

    @classmethod
    def of(cls, flags):
        grouped = cls()
        for flag in flags:
            flag.is_weak = flag.kind in WEAK_KINDS
            (grouped.weak if flag.is_weak else grouped.serious).append(flag)
        return grouped

    @property
    def open_count(self):
        return sum(flag.is_open for flag in (*self.serious, *self.weak))

    def __bool__(self):
        return bool(self.serious or self.weak)


@dataclass
class KindGroup:
    """The flags of one kind in a month: counted in full, listed up to LISTED (the weak
    ones by report)."""

    kind: str
    label: str
    flags: list
    total: int
    open: int
    more: bool = False


def month_page(request, site, year, month):
    """Every flag of a month's reports: counts by kind at the top, then each kind most
    serious first, then the reports with photos without a capture time; and apart, the
    later reports that reuse this month's photos or texts."""
    require_review(request.user)
    plans = list(Plan.objects.all())
    plan = next((plan for plan in plans if plan.year == year), None)
    if plan is None or not plan.carries_duty(month):
        raise Http404
    of_month = Flag.objects.of_month(year, month)
    counted = {
        row["kind"]: row
        for row in of_month.order_by()
        .values("kind")
        .annotate(total=Count("pk"), open=Count("pk", filter=open_condition()))
    }

    def group(kind, listed):
        listed = list(listed[: LISTED + 1])
        return KindGroup(
            kind=kind,
            label=kind.label,
            flags=listed[:LISTED],
            total=counted.get(kind, {}).get("total", 0),
            open=counted.get(kind, {}).get("open", 0),
            more=len(listed) > LISTED,
        )

    # One query for each kind, whatever the number of flags.
    groups = [
        group(kind, shown(of_month.filter(kind=kind)).most_serious_first())
        for kind in SERIOUS_KINDS
    ]
    weak = [group(kind, weak_by_report(of_month.filter(kind=kind))) for kind in WEAK_KINDS]
    later = list(shown(reused_later(plan, month)).most_serious_first()[: LISTED + 1])
    form = FlagMonthForm(initial={"month": f"{year}-{month:02d}"}, plans=plans)
    return TemplateResponse(
        request,
        "admin/evidence/month.html",
        {
            **site.each_context(request),
            "title": _("Evidence flags of %(month)s") % {"month": month_label(year, month)},
            "form": form,
            "groups": groups,
            "weak_groups": weak,
            "total": sum(group.total for group in (*groups, *weak)),
            "open": sum(group.open for group in (*groups, *weak)),
            "later": later[:LISTED],
            "more_later": len(later) > LISTED,
            "opts": MonthlyReport._meta,
        },
    )


def weak_by_report(flags):
    """Weak flags by report, one line each: the report, how many, how many still open;
    those with the most still open first."""
    return (
        flags.order_by()
        .values(
            "report",
            community=F("report__community__name"),
            version=F("report__version"),
        )
        .annotate(total=Count("pk"), open=Count("pk", filter=open_condition()))
        .order_by("-open", "community", "report")
    )


def reused_later(plan, month):
    """Flags on reports of other months whose matched earlier photo or activity belongs
    to a report of this month: opening April shows April's photo reused in May."""
    here = Q(
        other_photo__activity__report__plan=plan, other_photo__activity__report__month=month
    ) | Q(other_activity__report__plan=plan, other_activity__report__month=month)
    return Flag.objects.filter(here).exclude(report__plan=plan, report__month=month)


def month_url(year, month):
    return reverse("admin:reporting_monthlyreport_evidence", args=[year, month])


def latest_month_page(request, site):
    """The month picked in the picker; without one, the latest month with a flag still
    open, else the month whose deadline passed last."""
    require_review(request.user)
    plans = list(Plan.objects.all())
    form = FlagMonthForm(request.GET or None, plans=plans)
    if form.is_bound and form.is_valid():
        return redirect(month_url(*form.cleaned_data["month"]))
    newest = (
        Flag.objects.open()
        .order_by("-report__plan__year", "-report__month")
        .values_list("report__plan__year", "report__month")
        .first()
    )
    if newest is not None:
        return redirect(month_url(*newest))
    due = latest_due_month(timezone.now())
    if due is not None:
        plan, month = due
        return redirect(month_url(plan.year, month))
    if plans:
        plan = max(plans, key=lambda plan: plan.year)
        return redirect(month_url(plan.year, plan.months()[0]))
    messages.info(request, _("No plan is set up yet: there is no month to show."))
    return redirect(reverse("admin:index", current_app=site.name))
