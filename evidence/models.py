"""Evidence of falsification the portal finds by itself: flags for the office.

A flag is a reason to look, never a deduction (M6): only the office's finding
(reporting.Finding) changes a score. Flags are computed when a report is
received (evidence.checks) and can be computed again for a month by command.

Each flag sits on the report it throws doubt on. A reused photo or caption is
a pair: the flag sits on the later of the two (the later month; in one month,
the later upload) and names the earlier one as `other_photo` or
`other_activity`. A flag the office dismissed stays dismissed, with its reason
in the history, however often the checks run again.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.text import refuse_control_characters
from evidence import hashing
from reporting import periods
from reporting.models import Activity, ActivityPhoto, Finding, MonthlyReport


class PhotoHash(models.Model):
    """A photo's perceptual hash cut into indexed bands (evidence.hashing), so that
    the photos near a new one are looked up, not scanned. One row per photo of an
    activity, made when the photo is saved."""

    photo = models.OneToOneField(
        ActivityPhoto,
        models.CASCADE,
        primary_key=True,
        related_name="hash_bands",
        verbose_name=_("photo"),
    )
    value = models.BigIntegerField(_("perceptual hash (signed 64-bit)"))
    band0 = models.PositiveIntegerField(db_index=True)
    band1 = models.PositiveIntegerField(db_index=True)
    band2 = models.PositiveIntegerField(db_index=True)
    band3 = models.PositiveIntegerField(db_index=True)

    class Meta:
        verbose_name = _("photo hash")
        verbose_name_plural = _("photo hashes")

    def __str__(self):
        return self.photo.phash

    @classmethod
    def of(cls, photo):
        """The (unsaved) row for `photo`, from its stored phash."""
        return cls(photo=photo, **hashing.columns(photo.phash))


class TextKey(models.Model):
    """A received activity's caption or place as a digest of its letters
    (evidence.texts), so that the activities repeating it are found through an
    index instead of by reading every caption.

    Why a table: Activity has no normalised column, normalising in the
    database (NFKC, Unicode categories) is not something SQLite and PostgreSQL
    can do alike, and reading 200,000 captions and places into Python on each
    submission takes 2.6 s (bench/evidence_check.py). So the checks write one
    row per text of each activity when its report is received (and again on
    each resubmission), and a lookup is `digest IN (…)` on an index, whatever
    the number of activities. The texts compared are those as received: what
    a returned report changes counts from its resubmission on. A report whose
    check failed has no rows until `evidence_flags YYYY-MM --recheck`.
    """

    class Field(models.TextChoices):
        CAPTION = "caption", _("photo caption")
        PLACE = "place", _("place")

    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="text_keys", verbose_name=_("activity")
    )
    field = models.CharField(_("field"), max_length=8, choices=Field.choices)
    digest = models.BigIntegerField(_("digest of the text"), db_index=True)

    class Meta:
        verbose_name = _("text key")
        verbose_name_plural = _("text keys")
        constraints = [
            models.UniqueConstraint(fields=("activity", "field"), name="one_text_key_per_field")
        ]

    def __str__(self):
        return f"{self.get_field_display()} {self.digest:x}"


class FlagKind(models.TextChoices):
    # In the order of seriousness: a month's page lists them so.
    PHOTO_REUSED = "photo_reused", _("Photo reused")
    CAPTION_REUSED = "caption_reused", _("Caption or place reused")
    PHOTO_DATE_MISMATCH = "photo_date_mismatch", _("Photo taken on another date")
    PHOTO_NO_METADATA = "photo_no_metadata", _("Photo without a capture time")


SERIOUSNESS = {kind: rank for rank, kind in enumerate(FlagKind.values)}


def answered():
    """A flag's report has an active finding of falsification: the office has judged
    what the flag pointed at (M6), so the flag waits for nothing more."""
    return models.Exists(Finding.objects.active().filter(report=models.OuterRef("report")))


def open_condition():
    """E1: a flag still waiting for the office: not dismissed, and not answered by a finding."""
    return models.Q(dismissed_at__isnull=True) & ~models.Q(answered())


class FlagQuerySet(models.QuerySet):
    def open(self):
        """Still waiting for the office (`open_condition`)."""
        return self.filter(open_condition())

    def of_month(self, year, month):
        """The flags on the reports of one month (a pair's flag is on its later report)."""
        return self.filter(report__plan__year=year, report__month=month)

    def involving(self, report, photo_ids, activity_ids):
        """Every flag `report` takes part in: its own, and the pairs whose earlier side
        is one of its photos or activities (`photo_ids`, `activity_ids`)."""
        return self.filter(
            models.Q(report=report)
            | models.Q(other_photo__in=photo_ids)
            | models.Q(other_activity__in=activity_ids)
        )

    def with_context(self):
        """Everything `Flag.detail` and the pages name, in the same query; and whether a
        finding answered each (`Flag.answered`)."""
        return self.annotate(answered=answered()).select_related(
            "report__community__work_point",
            "report__plan",
            "activity",
            "photo",
            "other_photo__activity__report__community",
            "other_photo__activity__report__plan",
            "other_activity__report__community",
            "other_activity__report__plan",
        )

    def most_serious_first(self):
        rank = models.Case(
            *(models.When(kind=kind, then=rank) for kind, rank in SERIOUSNESS.items()),
            output_field=models.IntegerField(),
        )
        return self.annotate(seriousness=rank).order_by(
            "seriousness", models.F("distance").asc(nulls_last=True), "-days", "pk"
        )


class Flag(models.Model):
    """One piece of evidence against one report, for the office to judge."""

    # What makes a flag the same flag when the checks run again:
    # "photo_reused:<photo>:<other photo>", "photo_date_mismatch:<photo>", ….
    key = models.CharField(_("key"), max_length=80, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=24, choices=FlagKind.choices)
    report = models.ForeignKey(
        MonthlyReport, models.CASCADE, related_name="evidence_flags", verbose_name=_("report")
    )
    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="evidence_flags", verbose_name=_("activity")
    )
    photo = models.ForeignKey(
        ActivityPhoto,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence_flags",
        verbose_name=_("photo"),
    )
    # photo_reused: the earlier photo this one matches.
    other_photo = models.ForeignKey(
        ActivityPhoto,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("matching photo"),
    )
    # caption_reused: the earlier activity whose caption or place this one repeats.
    other_activity = models.ForeignKey(
        Activity,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("matching activity"),
    )
    # photo_reused: bits of the perceptual hash that differ (0 to 64).
    distance = models.PositiveSmallIntegerField(_("distance"), null=True, blank=True)
    # photo_reused: the two originals are byte for byte the same file (SHA-256).
    identical = models.BooleanField(_("identical file"), default=False)
    # photo_date_mismatch: capture date minus the activity's date, in days (Asia/Shanghai).
    days = models.IntegerField(_("days apart"), null=True, blank=True)
    # photo_date_mismatch: taken after the report was submitted.
    after_submission = models.BooleanField(_("taken after submission"), default=False)
    # caption_reused: which texts are repeated.
    same_caption = models.BooleanField(_("same caption"), default=False)
    same_place = models.BooleanField(_("same place"), default=False)
    detected_at = models.DateTimeField(_("detected at"), default=timezone.now)
    dismissed_at = models.DateTimeField(_("dismissed at"), null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dismissed by"),
    )
    dismissal_reason = models.TextField(_("reason for dismissal"), blank=True)

    objects = FlagQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ("pk",)
        verbose_name = _("evidence flag")
        verbose_name_plural = _("evidence flags")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.report}"

    # Whether the report was found falsified (M6): read with the flag by
    # `FlagQuerySet.with_context`, which every page uses.
    answered = False

    @property
    def is_open(self):
        """Still waiting for the office: neither dismissed nor answered by a finding."""
        return self.dismissed_at is None and not self.answered

    @property
    def other_report(self):
        """The report of the earlier photo or activity this flag matches, if any."""
        other = self.other_photo.activity if self.other_photo_id else self.other_activity
        return other.report if other is not None else None

    @property
    def detail(self):
        """The evidence in one sentence, as the office and the command line read it."""
        if self.kind == FlagKind.PHOTO_REUSED:
            words = {
                "report": self.other_report,
                "n": self.other_photo.activity.position,
                "name": self.other_photo.original_name,
                "distance": self.distance,
            }
            if self.identical:
                return (
                    _("The same file as photo “%(name)s” of activity %(n)d in %(report)s.") % words
                )
            return (
                _(
                    "The same picture as photo “%(name)s” of activity %(n)d in %(report)s "
                    "(perceptual hashes %(distance)d of 64 bits apart)."
                )
                % words
            )
        if self.kind == FlagKind.CAPTION_REUSED:
            words = {"report": self.other_report, "n": self.other_activity.position}
            if self.same_caption and self.same_place:
                return _("The same caption and place as activity %(n)d in %(report)s.") % words
            if self.same_caption:
                return _("The same caption as activity %(n)d in %(report)s.") % words
            return _("The same place as activity %(n)d in %(report)s.") % words
        if self.kind == FlagKind.PHOTO_DATE_MISMATCH:
            words = {
                "taken": f"{periods.local(self.photo.taken_at):%Y-%m-%d %H:%M}",
                "held": f"{periods.local(self.activity.held_at):%Y-%m-%d}",
                "days": abs(self.days or 0),
            }
            if self.after_submission:
                return (
                    _("Taken at %(taken)s, after the report was submitted (activity on %(held)s).")
                    % words
                )
            return _("Taken at %(taken)s, %(days)d days from the activity on %(held)s.") % words
        return _(
            "The photo carries no capture time (a screenshot, an edited copy, or a "
            "phone that strips it)."
        )

    def dismiss(self, by, reason, at=None):
        """The office judged the flag harmless, and says why; it stays dismissed."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(_("Please write why the flag is dismissed."), code="no_reason")
        refuse_control_characters(reason)
        fields = {
            "dismissed_by": by,
            "dismissed_at": at or timezone.now(),
            "dismissal_reason": reason,
        }
        with transaction.atomic():
            locked = Flag.objects.select_for_update().get(pk=self.pk)
            if not locked.is_open:
                raise ValidationError(_("This flag was already dismissed."), code="dismissed")
            for name, value in fields.items():
                setattr(locked, name, value)
            locked.save(update_fields=list(fields))
        for name, value in fields.items():
            setattr(self, name, value)
