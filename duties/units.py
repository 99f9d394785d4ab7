"""U1, the units' own duty (plan section 四): a unit's staff record its activities, month
by month, from a phone; the office and the leadership read them. Not scored.

Thin views, as duties/views.py (whose steps they share): communities.access answers who
(404 for another unit's staff, 403 for who reads but never records), UnitActivityForm
checks the fields in Chinese, UnitActivity's `record` or `correct` writes all or nothing,
then back to the month.
"""

from dataclasses import dataclass
from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from communities.access import require_unit_staff, require_unit_view, viewer_of
from communities.models import Measure, Unit
from duties import rules
from duties.forms import UnitActivityForm
from duties.models import UnitActivity
from duties.views import _summary, correction, has_begun, save_new
from reporting.models import Plan

PREFIX = "activity"


def month_url(unit_id, year, month):
    return reverse("duties:unit_month", args=[unit_id, year, month])


def _current_month():
    """The month a unit's pages open at: this month, in the latest plan's year not after
    this one (its December once the year is over); None before any plan is set up."""
    today = timezone.localdate()
    _plans, plan = Plan.pick("", today)
    if plan is None:
        return None
    if plan.year == today.year:
        return plan.year, today.month
    return plan.year, 12 if plan.year < today.year else 1


def _check_month(year, month):
    """404 unless `year` has a plan and `month` is a month."""
    if not 1 <= month <= 12 or not Plan.objects.filter(year=year).exists():
        raise Http404


@login_required
@require_GET
def unit_home(request):
    """A unit's staff go to their unit's month; the office and the leadership get the list
    of units, each linking to its month; anyone else is refused."""
    viewer = viewer_of(request.user)
    current = _current_month()
    if viewer.records_unit_activities and current:
        return redirect(month_url(viewer.unit_id, *current))
    if not (viewer.records_unit_activities or viewer.sees_all):
        raise PermissionDenied
    units = Unit.objects.all()
    if current:
        year, month = current
        units = units.annotate(
            recorded=Count("activities", filter=Q(activities__year=year, activities__month=month)),
            in_year=Count("activities", filter=Q(activities__year=year)),
        )
    return render(request, "duties/unit_list.html", {"units": units, "current": current})


@dataclass(frozen=True)
class MonthTab:
    """A month of the navigation, with how many activities the unit recorded in it."""

    month: int
    recorded: int


def _months(unit, year):
    """The months of `year` up to this one (all twelve of a year gone by)."""
    today = timezone.localdate()
    last = 12 if year < today.year else today.month if year == today.year else 0
    recorded = dict(
        UnitActivity.objects.filter(unit=unit, year=year)
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return [MonthTab(month, recorded.get(month, 0)) for month in range(1, last + 1)]


@dataclass(frozen=True)
class Tally:
    """The sum of the counts of a unit's activities over a stretch of time."""

    label: str
    total: int


def _tallies(unit, year, month):
    """This month's sum of the unit's counts; for 教育办, also its school term's (U1: each
    school, each term, at least once), the term as duties.rules.school_term has it."""
    if not unit.measure:
        return []
    activities = UnitActivity.objects.filter(unit=unit)
    tallies = [
        Tally(
            _("%(y)s-%(m)s") % {"y": year, "m": month},
            activities.of_month(year, month).aggregate(n=Sum("count"))["n"] or 0,
        )
    ]
    if unit.measure == Measure.SCHOOLS:
        term_year, term = rules.school_term(year, month)
        months = Q(pk__in=[])
        for y in (term_year, term_year + 1):
            for m in range(1, 13):
                if rules.school_term(y, m) == (term_year, term):
                    months |= Q(year=y, month=m)
        total = activities.filter(months).aggregate(n=Sum("count"))["n"] or 0
        label = _("%(year)d %(term)s") % {"year": term_year, "term": rules.Term(term).label}
        tallies.append(Tally(label, total))
    return tallies


@login_required
@require_GET
def unit_month(request, unit, year, month):
    """A month of a unit: its duty in the plan's words, its activities; for its own
    staff, the form to add one."""
    unit = get_object_or_404(Unit, pk=unit)
    require_unit_view(request.user, unit)
    _check_month(year, month)
    return _render_month(request, unit, year, month)


def _render_month(request, unit, year, month, bound=None):
    """The month page; `bound` is the form just refused, shown as it was sent."""
    is_staff = viewer_of(request.user).can_record_for_unit(unit.pk)
    may_record = is_staff and has_begun(year, month)
    form = None
    if may_record:
        form = bound or UnitActivityForm(unit=unit, year=year, month=month, prefix=PREFIX)
    activities = (
        UnitActivity.objects.of_month(year, month)
        .filter(unit=unit)
        .select_related("recorded_by")
        .prefetch_related("photos")
    )
    return render(
        request,
        "duties/unit_month.html",
        {
            "unit": unit,
            "year": year,
            "month": month,
            "months": _months(unit, year),
            "tallies": _tallies(unit, year, month),
            # An SMS batch's participants are its recipients (the count): said once.
            "is_sms": unit.measure == Measure.SMS,
            "activities": activities,
            "form": form,
            "summary": _summary(bound) if bound is not None else [],
            "is_staff": is_staff,
            "may_record": may_record,
            "correctable": may_record and rules.correctable(year, month, timezone.localdate()),
        },
    )


@login_required
def add_unit_activity(request, unit, year, month):
    """U1: the unit's staff record an activity of their own unit's month.

    The form posts here; a GET (a login page sending back someone whose session ran out,
    a reload) goes to the month's page, never to a bare 405."""
    if request.method != "POST":
        return redirect(month_url(unit, year, month))
    unit = get_object_or_404(Unit, pk=unit)
    require_unit_staff(request.user, unit)
    _check_month(year, month)
    form = UnitActivityForm(
        request.POST, request.FILES, unit=unit, year=year, month=month, prefix=PREFIX
    )
    return save_new(
        request,
        form,
        partial(UnitActivity.record, unit=unit, year=year, month=month),
        _("Activity recorded."),
        back=month_url(unit.pk, year, month),
        refused=lambda: _render_month(request, unit, year, month, bound=form),
    )


@login_required
def correct_unit_activity(request, pk):
    """The unit's staff correct an activity of the current or previous month
    (rules.correctable); photos are added, never removed."""
    activity = get_object_or_404(UnitActivity.objects.select_related("unit"), pk=pk)
    unit, year, month = activity.unit, activity.year, activity.month
    require_unit_staff(request.user, unit)
    return correction(
        request,
        activity,
        partial(UnitActivityForm, unit=unit, year=year, month=month),
        back=month_url(unit.pk, year, month),
        heading=_("Correct an activity"),
        place=unit,
        year=year,
        photo_view="duties:unit_photo",
    )
