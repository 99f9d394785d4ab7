from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import Community
from reporting.models import Plan


class Inspection(models.Model):
    """督查: an ad-hoc inspection by the office, ranked like a quarter (W1)."""

    plan = models.ForeignKey(
        Plan, models.PROTECT, related_name="inspections", verbose_name=_("plan")
    )
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=100)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ("held_on", "pk")
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self):
        return f"{self.held_on} {self.title}"


class InspectionResult(models.Model):
    """One community's deduction in an inspection; communities not listed lost nothing."""

    inspection = models.ForeignKey(
        Inspection, models.CASCADE, related_name="results", verbose_name=_("inspection")
    )
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="inspection_results", verbose_name=_("community")
    )
    points = models.PositiveSmallIntegerField(
        _("points deducted"), validators=[MaxValueValidator(100)]
    )
    note = models.CharField(_("finding"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("-points", "community")
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        constraints = [
            models.UniqueConstraint(
                fields=("inspection", "community"), name="one_result_per_community"
            )
        ]

    def __str__(self):
        return f"{self.community}: {self.points}"


class OfficialWarning(models.Model):
    """W3: a warning (警告) issued, and the interview of the principal leaders (约谈社区主干)."""

    community = models.ForeignKey(
        Community, models.PROTECT, related_name="warnings", verbose_name=_("community")
    )
    plan = models.ForeignKey(Plan, models.PROTECT, related_name="warnings", verbose_name=_("plan"))
    # The placings that made it due, as they stood when it was issued.
    strikes = models.TextField(_("strikes that made it due"))
    issued_on = models.DateField(_("warning issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    interview_held_on = models.DateField(_("interview held on"), null=True, blank=True)
    interviewed = models.CharField(_("who was interviewed, by whom"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("-issued_on", "pk")
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        constraints = [
            models.UniqueConstraint(fields=("community", "plan"), name="one_warning_per_year")
        ]

    def __str__(self):
        return f"{self.community} {self.issued_on}"

    @classmethod
    def issue(cls, *, community, plan, strikes, by, on, notes=""):
        """W3: record the warning; the strikes are copied, so the record stands on its own."""
        return cls.objects.create(
            community=community,
            plan=plan,
            strikes=strikes,
            issued_by=by,
            issued_on=on,
            notes=notes,
        )

    def record_interview(self, *, on, interviewed, notes=""):
        """W3: the interview of the community's principal leaders was held."""
        self.interview_held_on = on
        self.interviewed = interviewed
        if notes:
            self.notes = f"{self.notes}\n{notes}".strip()
        self.save(update_fields=["interview_held_on", "interviewed", "notes"])


class ScoresVersion(models.Model):
    """The scores' version, one row in the database: a cached standing (scoring.gather)
    is read only under the version it was made with, and scoring.signals raises it on
    every change that can alter a score. Kept here, not in the cache, so that every
    process (each gunicorn worker, each app server) sees the same version even when
    each keeps its own local-memory cache."""

    number = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return str(self.number)

    @classmethod
    def current(cls):
        return cls.objects.values_list("number", flat=True).first() or 0

    @classmethod
    def raise_(cls):
        if not cls.objects.update(number=models.F("number") + 1):
            cls.objects.create(number=1)
