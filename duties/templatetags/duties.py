"""The work-point head's duty on its home page (templates/reporting/home_overview.html):
this month's supervision visit and work meeting, done or not yet (P1).

reporting's templates load this tag; reporting's code never imports duties.
"""

from django import template
from django.utils import timezone

from duties.overview import point_duties
from reporting import periods
from reporting.models import Plan

register = template.Library()


@register.inclusion_tag("duties/_this_month.html", takes_context=True)
def this_month_duty(context):
    """For a work-point head: this month's duty, or why there is none; nothing for others."""
    viewer = context.get("viewer")
    if viewer is None or not viewer.records_supervision:
        return {"shown": False}
    now = timezone.now()
    today = periods.local(now).date()
    plan = Plan.objects.filter(year=today.year).first()
    # This year's plan not set up yet (January to March, often): last year's months,
    # so that the head still finds its records and what it missed.
    past = None if plan else Plan.objects.filter(year__lt=today.year).order_by("-year").first()
    shown_plan = plan or past
    months = point_duties(shown_plan, viewer.work_point_id, now) if shown_plan else []
    duty = next((m for m in months if m.month == today.month), None) if plan else None
    begun = months if past else [m for m in months if m.month <= today.month]
    return {
        "shown": True,
        "work_point_id": viewer.work_point_id,
        "plan": plan,
        "past": past,
        "today": today,
        "duty": duty,
        # Outside the duty months: the latest one begun, to see or complete it.
        "latest": begun[-1] if begun and duty is None else None,
        "missing": [m for m in begun if m.is_missing],
    }
