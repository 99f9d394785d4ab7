"""A new scores' version on every change that can alter a cached standing (scoring.gather).

One global version, renewed once the change is committed (a reader that saw the old
data then keeps it under the old, unreachable version): a finding recorded or
withdrawn, an inspection or its results, a report first submitted after its quarter
closed, a team, a community, a work point (the ranking's order), the plan's months or
deadline. A warning is read afresh on every page, so it needs none.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from communities.models import Community, PropagandaTeam, WorkPoint
from reporting.models import Finding, MonthlyReport, Plan
from reporting.periods import Quarter
from scoring import rules
from scoring.gather import renew_scores_version
from scoring.models import Inspection, InspectionResult

ALWAYS = (Finding, Inspection, InspectionResult, PropagandaTeam, Community, WorkPoint, Plan)


def changed(**kwargs):
    transaction.on_commit(renew_scores_version)


def report_saved(instance, update_fields=None, **kwargs):
    """Only a first submission counts, and only once its quarter is closed: before, no
    standing of that quarter or a later one is cached (on deadline day, none is renewed)."""
    if instance.first_submitted_at is None:
        return
    if update_fields is not None and "first_submitted_at" not in update_fields:
        return
    plan = instance.plan
    quarter = Quarter(plan.year, (instance.month - 1) // 3 + 1)
    late_froms = [plan.late_from(m) for m in quarter.months if plan.carries_duty(m)]
    if rules.quarter_closed(quarter, late_froms, timezone.now()):
        changed()


for model in ALWAYS:
    post_save.connect(changed, sender=model, dispatch_uid=f"scores-saved-{model.__name__}")
    post_delete.connect(changed, sender=model, dispatch_uid=f"scores-deleted-{model.__name__}")
post_save.connect(report_saved, sender=MonthlyReport, dispatch_uid="scores-report-saved")
post_delete.connect(changed, sender=MonthlyReport, dispatch_uid="scores-report-deleted")
