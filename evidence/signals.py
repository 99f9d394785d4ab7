"""What keeps the evidence current: a photo's hash bands when it is saved, and the
checks when a report is received (submitted, resubmitted or imported).

The checks run once the submission is committed, and a failure there is logged,
never the community's: a flag is for the office, a submission is the community's.
"""

from django.db import transaction
from django.db.models.signals import post_save

from evidence.models import PhotoHash
from reporting.models import ActivityPhoto, ReportEvent

RECEIVED = (
    ReportEvent.Action.SUBMITTED,
    ReportEvent.Action.RESUBMITTED,
    ReportEvent.Action.IMPORTED,
)


def photo_saved(instance, created, **kwargs):
    if created:
        PhotoHash.of(instance).save()


def report_received(instance, created, **kwargs):
    if created and instance.action in RECEIVED:
        report_id = instance.report_id
        transaction.on_commit(lambda: _check(report_id), robust=True)


def _check(report_id):
    from evidence.checks import check_report
    from reporting.models import MonthlyReport

    check_report(MonthlyReport.objects.get(pk=report_id))


post_save.connect(photo_saved, sender=ActivityPhoto, dispatch_uid="evidence-photo-hash")
post_save.connect(report_received, sender=ReportEvent, dispatch_uid="evidence-report-received")
