"""C1: what the office publishes from the scores: the quarter's circular (通报) and an
inspection's (督查通报).

A circular is a draft while the office writes its free text (the opening and the remarks);
its figures are drawn from the scores as they stand whenever it is shown. Issuing it
freezes them (`figures`, publishing.figures.snapshot) and the document made from them
(`document`): an issued circular never changes. A later change to the scores (a finding,
a late report judged) is shown beside it ("已发布通报后有变更"), never written into it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reporting.models import Plan
from scoring.models import Inspection

TEXT_LIMIT = 5000  # the opening or the remarks: a page or two, not a file

ISSUED_ALREADY = _("This circular has been issued: it is kept as it was issued.")


class CircularKind(models.TextChoices):
    QUARTER = "quarter", _("Quarterly circular")
    INSPECTION = "inspection", _("Inspection circular")


class Circular(models.Model):
    """C1: a circular of a quarter's scores, or of an inspection's results."""

    kind = models.CharField(_("kind"), max_length=12, choices=CircularKind.choices)
    plan = models.ForeignKey(Plan, models.PROTECT, related_name="+", verbose_name=_("plan"))
    # A quarterly circular's quarter (1 to 4); an inspection circular's inspection.
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    inspection = models.OneToOneField(
        Inspection,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="circular",
        verbose_name=_("inspection"),
    )
    reference = models.CharField(_("document number (文号)"), max_length=50, blank=True)
    title = models.CharField(_("title"), max_length=100)
    opening = models.TextField(_("opening"), max_length=TEXT_LIMIT, blank=True)
    remarks = models.TextField(_("remarks and requirements"), max_length=TEXT_LIMIT, blank=True)
    issuer = models.CharField(_("issuing office"), max_length=100)
    # Set when issued, never after: the figures as they stood, and the document made of them.
    issued_on = models.DateField(_("date of issue"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    figures = models.JSONField(_("figures as issued"), null=True, blank=True, editable=False)
    document = models.BinaryField(_("document as issued"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["document"])

    class Meta:
        ordering = ("plan__year", "kind", "quarter", "pk")
        verbose_name = _("circular")
        verbose_name_plural = _("circulars")
        constraints = [
            models.UniqueConstraint(
                fields=("plan", "quarter"),
                condition=models.Q(kind="quarter"),
                name="one_circular_per_quarter",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="quarter", quarter__isnull=False, inspection__isnull=True)
                    | models.Q(kind="inspection", quarter__isnull=True, inspection__isnull=False)
                ),
                name="circular_of_a_quarter_or_an_inspection",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_issued(self):
        return self.issued_at is not None

    @property
    def quarter_label(self):
        return f"{self.plan.year}Q{self.quarter}" if self.quarter else ""

    def edit(self, **texts):
        """The office's free text of a draft; an issued circular is refused (C1)."""
        with transaction.atomic():
            locked = type(self).objects.select_for_update().get(pk=self.pk)
            if locked.is_issued:
                raise ValidationError(ISSUED_ALREADY, code="issued")
            for name, value in texts.items():
                setattr(locked, name, value)
            locked.save()
        return locked

    def issue(self, by, *, figures, document, on=None, at=None):
        """C1: freeze the figures and the document as they are now; once only."""
        with transaction.atomic():
            locked = type(self).objects.select_for_update().get(pk=self.pk)
            if locked.is_issued:
                raise ValidationError(ISSUED_ALREADY, code="issued")
            locked.issued_at = at or timezone.now()
            locked.issued_on = on or timezone.localdate(locked.issued_at)
            locked.issued_by = by
            locked.figures = figures
            locked.document = document
            locked._history_user = by
            locked.save()
        return locked
