"""C1: how the office's desk starts a circular, makes its document, and issues it.

A quarter (of an assessed plan) and an inspection each have one circular, started as a
draft the first time the office opens its page, with the standard title and issuing
office (publishing.documents); the opening and the remarks start empty (the document
then has its standard opening, and no section of requirements). Issuing draws the figures
as the scores stand at that moment, makes the document from them, and freezes both
(publishing.documents.issue_circular, Circular.issue), all under the circular's row
lock: the texts issued are the texts saved, and a second issue, or one racing it, is
refused (ValidationError, code "issued") and changes nothing.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from publishing import documents
from publishing.figures import figures_of
from publishing.models import ISSUED_ALREADY, Circular, CircularKind


def quarter_circular(plan, quarter):
    """The circular of `quarter` (a reporting.periods.Quarter) of `plan`: the one there
    is, or a new draft."""
    circular, _created = Circular.objects.get_or_create(
        kind=CircularKind.QUARTER,
        plan=plan,
        quarter=quarter.number,
        defaults={
            "title": documents.quarter_title(quarter.year, quarter.number),
            "issuer": documents.DEFAULT_ISSUER,
        },
    )
    return circular


def inspection_circular(inspection):
    """The circular of `inspection`: the one there is, or a new draft."""
    circular, _created = Circular.objects.get_or_create(
        inspection=inspection,
        defaults={
            "kind": CircularKind.INSPECTION,
            "plan_id": inspection.plan_id,
            "title": documents.inspection_title(inspection.title),
            "issuer": documents.DEFAULT_ISSUER,
        },
    )
    return circular


def document(circular, at):
    """The circular as .docx bytes: as issued once issued, else a draft made from the
    scores as they stand at `at`."""
    if circular.is_issued:
        return bytes(circular.document)
    return documents.circular_docx(circular, figures_of(circular, at))


def issue(circular, by, at=None):
    """C1: issue `circular` as its texts are saved, its figures drawn at `at` (now)."""
    with transaction.atomic():
        locked = Circular.objects.select_for_update().get(pk=circular.pk)
        if locked.is_issued:  # said before the figures are drawn for nothing
            raise ValidationError(ISSUED_ALREADY, code="issued")
        return documents.issue_circular(locked, by, at=at)
