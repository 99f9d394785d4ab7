"""The plan's duties beyond the communities' monthly report (docs/rules.md P1 …).

P1: every month of the activity phase (the plan's duty months, M7), each work point
holds at least one supervision visit (督导) in its communities and one work meeting
(工作会) that reviews the point's fraud cases (发案情况研判). The point's head records
them; the office sees which are done or missing. Nothing here is scored: the plan
sets no deduction for points.

A record is written by `record` and corrected by `correct` (the current or the
previous month only, duties.rules.correctable), each in one transaction; nothing else
changes it, and simple-history keeps every version. A record is never deleted.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import Community, Unit, WorkPoint
from duties import rules
from reporting import periods
from reporting.models import PHOTO_FILE_FIELDS, ActivityFields, PhotoFiles, Plan

TEXT_LIMIT = 2000  # characters of any one text: a page of notes, not a file
COUNT_LIMIT = 10_000_000  # a count a unit records: every phone of a city, not a typo beyond

# Refusals, each naming what to do.
SENT_TWICE = _("This was already recorded (the form was sent twice); it was not recorded again.")
STALE = _("This record was changed on another device; please reload the page and correct it again.")
CLOSED = _(
    "A record can be corrected only in its own month and the month after; "
    "this one is kept as the office saw it."
)


def refuse_a_day_to_come(day):
    """A record is of a day that has come (local time): never of one in the future."""
    if day > timezone.localdate():
        raise ValidationError(
            _("The date cannot be in the future."),
            code="future",
            params={"field": "held_on"},
        )


class CountsPhotos:
    """A record with 1 to PHOTOS_PER_ACTIVITY photos, as an activity has (docs/rules.md);
    NO_PHOTO and TOO_MANY_PHOTOS say so in the record's own words."""

    NO_PHOTO = TOO_MANY_PHOTOS = None

    @classmethod
    def check_photo_count(cls, kept, photos):
        """`kept` photos already saved, `photos` chosen now."""
        if kept + len(photos) == 0:
            raise ValidationError(cls.NO_PHOTO, code="no_photo", params={"field": "photos"})
        if kept + len(photos) > settings.PHOTOS_PER_ACTIVITY:
            raise ValidationError(
                cls.TOO_MANY_PHOTOS % {"n": settings.PHOTOS_PER_ACTIVITY},
                code="too_many_photos",
                params={"field": "photos"},
            )


class SentOnce(models.Model):
    """A record written from a page: who, when, and the page's one-time key, so a form
    sent twice (a double tap, a resent page) records once (`save_once`)."""

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    submission = models.UUIDField(
        _("form submission"), unique=True, default=uuid.uuid4, editable=False
    )

    class Meta:
        abstract = True

    def save_once(self):
        """Save the new row (inside the caller's transaction); a second sending of the same
        page is refused (SENT_TWICE) and nothing more is written."""
        self._history_user = self.recorded_by  # the history names who, from a page or a command
        try:
            with transaction.atomic():
                self.save()
        except IntegrityError:
            if type(self).objects.filter(submission=self.submission).exists():
                raise ValidationError(SENT_TWICE, code="sent_twice") from None
            raise


class Correctable(SentOnce):
    """A record its author corrects in its own month and the next (rules.correctable),
    from a page built on its current `version`."""

    # Raised by every correction: a page built on an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def is_correctable(self, today=None):
        return rules.correctable(self.year_of_record, self.month, today or timezone.localdate())

    def _locked_for_correction(self, version, by):
        """The row locked, still correctable and at the `version` the page was built on."""
        locked = type(self).objects.select_for_update().get(pk=self.pk)
        if not locked.is_correctable():
            raise ValidationError(CLOSED, code="closed")
        if locked.version != version:
            raise ValidationError(STALE, code="stale")
        locked._history_user = by
        return locked

    def _set(self, values):
        for name, value in values.items():
            setattr(self, name, value)
        self.version += 1
        self.save()


class PointDutyQuerySet(models.QuerySet):
    def of_month(self, plan, month):
        return self.filter(plan=plan, month=month)


class PointDuty(Correctable):
    """What a supervision visit and a work meeting share: whose, which month, who wrote it."""

    work_point = models.ForeignKey(
        WorkPoint, models.PROTECT, related_name="+", verbose_name=_("work point")
    )
    plan = models.ForeignKey(Plan, models.PROTECT, related_name="+", verbose_name=_("plan"))
    month = models.PositiveSmallIntegerField(_("month"))
    held_on = models.DateField(_("date"))

    objects = PointDutyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ("held_on", "pk")
        indexes = [
            models.Index(fields=("plan", "work_point", "month"), name="%(class)s_point_month"),
        ]

    def __str__(self):
        return f"{self.work_point} {self.held_on:%Y-%m-%d} {self._meta.verbose_name}"

    @property
    def year_of_record(self):
        return self.plan.year

    @property
    def month_label(self):
        return f"{self.plan.year}-{self.month:02d}"

    @property
    def ends_at(self):
        """The first local instant after the record's month (P1: missing from then on)."""
        return periods.month_bounds(self.plan.year, self.month)[1]

    @property
    def recorded_late(self):
        """Entered after its month ended (补录)."""
        return rules.recorded_late(self.recorded_at, self.ends_at)

    @staticmethod
    def check_held_on(plan, month, held_on):
        """A record of a duty month (M7) is of a day of that month, and not a day to come."""
        if not plan.carries_duty(month):
            raise ValidationError(
                _("%(year)d-%(month)02d carries no duty in the plan.")
                % {"year": plan.year, "month": month},
                code="no_duty",
            )
        start, end = periods.month_bounds(plan.year, month)
        if not start.date() <= held_on < end.date():
            raise ValidationError(
                _("The date must be in %(year)d-%(month)02d.")
                % {"year": plan.year, "month": month},
                code="wrong_month",
                params={"field": "held_on"},
            )
        refuse_a_day_to_come(held_on)

    @classmethod
    def _create(cls, *, work_point, plan, month, by, submission, at, values):
        """The new row, inside the caller's transaction; a second sending of the same
        page is refused before anything else is written."""
        cls.check_held_on(plan, month, values["held_on"])
        duty = cls(
            work_point=work_point,
            plan=plan,
            month=month,
            recorded_by=by,
            recorded_at=at or timezone.now(),
            submission=submission,
            **values,
        )
        duty.save_once()
        return duty

    def _apply(self, values):
        self.check_held_on(self.plan, self.month, values["held_on"])
        self._set(values)


class Supervision(CountsPhotos, PointDuty):
    """督导: a visit of the point to its communities, to check their anti-fraud work."""

    NO_PHOTO = _("Add at least one photo of the visit.")
    TOO_MANY_PHOTOS = _("A visit has at most %(n)d photos.")

    communities = models.ManyToManyField(
        Community, related_name="supervisions", verbose_name=_("communities visited")
    )
    checked = models.TextField(_("what was checked"), max_length=TEXT_LIMIT)
    problems = models.TextField(_("problems found"), max_length=TEXT_LIMIT, blank=True)
    follow_up = models.TextField(_("follow-up"), max_length=TEXT_LIMIT, blank=True)

    history = HistoricalRecords(m2m_fields=[communities])

    class Meta(PointDuty.Meta):
        verbose_name = _("supervision visit")
        verbose_name_plural = _("supervision visits")

    @classmethod
    def record(
        cls, *, work_point, plan, month, by, submission, communities, photos, at=None, **values
    ):
        """P1: a visit with the communities visited and its photos (checked by
        reporting.photos.check_photo), all or nothing.

        `at` is for records made after the fact (demo data); pages pass none.
        """
        cls.check_communities(work_point, communities)
        cls.check_photo_count(0, photos)
        stored = []
        try:
            with transaction.atomic():
                visit = cls._create(
                    work_point=work_point,
                    plan=plan,
                    month=month,
                    by=by,
                    submission=submission,
                    at=at,
                    values=values,
                )
                visit.communities.set(communities)
                for checked in photos:
                    stored.append(SupervisionPhoto.create_from(visit, checked, by))
        except BaseException:
            for photo in stored:  # rolled back: their files go too
                photo.delete_files()
            raise
        return visit

    def correct(self, by, *, version, communities, photos=(), **values):
        """The head's correction (current or previous month): the texts, the date, the
        communities; photos may be added, never removed (they are evidence)."""
        self.check_communities(self.work_point, communities)
        stored = []
        try:
            with transaction.atomic():
                locked = self._locked_for_correction(version, by)
                self.check_photo_count(locked.photos.count(), photos)
                locked._apply(values)
                locked.communities.set(communities)
                for checked in photos:
                    stored.append(SupervisionPhoto.create_from(locked, checked, by))
        except BaseException:
            for photo in stored:
                photo.delete_files()
            raise
        return locked

    @staticmethod
    def check_communities(work_point, communities):
        if not communities:
            raise ValidationError(
                _("Tick at least one community visited."),
                code="no_community",
                params={"field": "communities"},
            )
        if any(community.work_point_id != work_point.pk for community in communities):
            raise ValidationError(
                _("Only the point's own communities can be visited."),
                code="other_point",
                params={"field": "communities"},
            )


class WorkMeeting(PointDuty):
    """工作会: the point's meeting on its anti-fraud work, reviewing its fraud cases."""

    attendees = models.TextField(_("attendees"), max_length=TEXT_LIMIT)
    case_analysis = models.TextField(
        _("analysis of the fraud cases (发案情况研判)"), max_length=TEXT_LIMIT
    )
    decisions = models.TextField(_("decisions"), max_length=TEXT_LIMIT, blank=True)

    history = HistoricalRecords()

    class Meta(PointDuty.Meta):
        verbose_name = _("work meeting")
        verbose_name_plural = _("work meetings")

    @classmethod
    def record(cls, *, work_point, plan, month, by, submission, at=None, **values):
        """P1: a work meeting of the point (`at`: as Supervision.record)."""
        with transaction.atomic():
            return cls._create(
                work_point=work_point,
                plan=plan,
                month=month,
                by=by,
                submission=submission,
                at=at,
                values=values,
            )

    def correct(self, by, *, version, **values):
        """The head's correction (current or previous month)."""
        with transaction.atomic():
            locked = self._locked_for_correction(version, by)
            locked._apply(values)
        return locked


class DutyPhoto(PhotoFiles):
    """A photo of a duty's record, checked as a report's photos are
    (reporting.photos.check_photo) and kept as evidence: never removed by a person.
    `OWNER` names the field of the record it belongs to."""

    OWNER = None

    class Meta:
        abstract = True

    @classmethod
    def create_from(cls, owner, checked, by):
        photo = cls(**{cls.OWNER: owner})
        photo.store(checked, by)
        photo._history_user = by
        try:
            photo.save()
        except BaseException:
            photo.delete_files()
            raise
        return photo

    def delete_files(self):
        """The files of a photo whose row was never kept (its transaction rolled back)."""
        for name in PHOTO_FILE_FIELDS:
            field = getattr(self, name)
            if field.name:
                field.storage.delete(field.name)


class SupervisionPhoto(DutyPhoto):
    """A photo of a supervision visit."""

    OWNER = "supervision"

    supervision = models.ForeignKey(
        Supervision, models.CASCADE, related_name="photos", verbose_name=_("supervision visit")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("pk",)
        verbose_name = _("supervision photo")
        verbose_name_plural = _("supervision photos")


def duties_held(work_point_id, plan, month):
    """(supervised, met): whether the point held a supervision visit, and a work meeting,
    in `month` of `plan`."""
    return (
        Supervision.objects.of_month(plan, month).filter(work_point_id=work_point_id).exists(),
        WorkMeeting.objects.of_month(plan, month).filter(work_point_id=work_point_id).exists(),
    )


def duty_done(work_point, plan, month):
    """P1: whether the point held both a supervision visit and a work meeting that month."""
    return (
        Supervision.objects.of_month(plan, month).filter(work_point=work_point).exists()
        and WorkMeeting.objects.of_month(plan, month).filter(work_point=work_point).exists()
    )


# --- B1: the communities' public boards (平安建设宣传栏) and their LED screens and broadcasts.


def quarter_of(day):
    """The quarter (1 to 4) of a local date."""
    return (day.month - 1) // 3 + 1


class BoardUpdate(CountsPhotos, SentOnce):
    """B1: a community updated the anti-fraud content of a public board (宣传栏), with
    1 to PHOTOS_PER_ACTIVITY photos. Recorded by the community's own staff with `record`;
    never changed nor deleted by a person (simple-history keeps it). Not scored."""

    NO_PHOTO = _("Add at least one photo of the board.")
    TOO_MANY_PHOTOS = _("A board update has at most %(n)d photos.")

    community = models.ForeignKey(
        Community, models.PROTECT, related_name="+", verbose_name=_("community")
    )
    plan = models.ForeignKey(Plan, models.PROTECT, related_name="+", verbose_name=_("plan"))
    # Derived from held_on (quarter_of), never typed in.
    quarter = models.PositiveSmallIntegerField(_("quarter"), editable=False)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ("held_on", "pk")
        verbose_name = _("board update")
        verbose_name_plural = _("board updates")
        indexes = [
            models.Index(fields=("plan", "community", "quarter"), name="boardupdate_quarter"),
        ]

    def __str__(self):
        return f"{self.community} {self.held_on:%Y-%m-%d} {self._meta.verbose_name}"

    @property
    def quarter_label(self):
        return periods.Quarter(self.plan.year, self.quarter).label

    @staticmethod
    def check_held_on(plan, held_on):
        """B1 (decision): a day of the plan's year, in a quarter that carries a duty month
        (M7), and not a day to come."""
        if held_on.year != plan.year:
            raise ValidationError(
                _("The date must be in %(year)d.") % {"year": plan.year},
                code="wrong_year",
                params={"field": "held_on"},
            )
        if not rules.quarter_carries_duty(plan.months(), quarter_of(held_on)):
            raise ValidationError(
                _("%(quarter)s carries no duty month in the plan.")
                % {"quarter": periods.Quarter(plan.year, quarter_of(held_on)).label},
                code="no_duty",
                params={"field": "held_on"},
            )
        refuse_a_day_to_come(held_on)

    @classmethod
    def record(cls, *, community, plan, by, submission, photos, held_on, place, at=None):
        """B1: the update and its photos (checked by reporting.photos.check_photo), all or
        nothing; a second sending of the same page is refused (SENT_TWICE)."""
        cls.check_held_on(plan, held_on)
        cls.check_photo_count(0, photos)
        update = cls(
            community=community,
            plan=plan,
            quarter=quarter_of(held_on),
            held_on=held_on,
            place=place,
            recorded_by=by,
            recorded_at=at or timezone.now(),
            submission=submission,
        )
        stored = []
        try:
            with transaction.atomic():
                update.save_once()
                for checked in photos:
                    stored.append(BoardPhoto.create_from(update, checked, by))
        except BaseException:
            for photo in stored:  # rolled back: their files go too
                photo.delete_files()
            raise
        return update


class BoardPhoto(DutyPhoto):
    """A photo of a board update."""

    OWNER = "board_update"

    board_update = models.ForeignKey(
        BoardUpdate, models.CASCADE, related_name="photos", verbose_name=_("board update")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("pk",)
        verbose_name = _("board photo")
        verbose_name_plural = _("board photos")


class ScreenKind(models.TextChoices):
    LED = "led", _("LED screen")
    BROADCAST = "broadcast", _("Broadcast")


class ScreenUse(SentOnce):
    """B1: a community played anti-fraud content on an LED screen or a broadcast, so many
    times or for so long. Recorded by its own staff with `record`; not scored."""

    community = models.ForeignKey(
        Community, models.PROTECT, related_name="+", verbose_name=_("community")
    )
    held_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=ScreenKind.choices)
    place = models.CharField(_("place"), max_length=200)
    content = models.TextField(_("content"), max_length=TEXT_LIMIT)
    times = models.PositiveIntegerField(_("times played"), null=True, blank=True)
    minutes = models.PositiveIntegerField(_("duration in minutes"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("held_on", "pk")
        verbose_name = _("LED screen or broadcast use")
        verbose_name_plural = _("LED screen and broadcast uses")

    def __str__(self):
        return f"{self.community} {self.held_on:%Y-%m-%d} {self.get_kind_display()}"

    @staticmethod
    def check_values(held_on, times, minutes):
        refuse_a_day_to_come(held_on)
        if not times and not minutes:
            raise ValidationError(
                _("Give the number of times played or the duration in minutes."),
                code="no_amount",
                params={"field": "times"},
            )

    @classmethod
    def record(cls, *, community, by, submission, at=None, **values):
        """B1: one use of a screen or a broadcast; a page sent twice records once."""
        cls.check_values(values["held_on"], values.get("times"), values.get("minutes"))
        use = cls(
            community=community,
            recorded_by=by,
            recorded_at=at or timezone.now(),
            submission=submission,
            **values,
        )
        use.save_once()
        return use


# --- U1: the units' own activities (职责分工).


class UnitActivityQuerySet(models.QuerySet):
    def of_month(self, year, month):
        return self.filter(year=year, month=month)


class UnitActivity(CountsPhotos, ActivityFields, Correctable):
    """U1: an activity of a unit's duty, recorded by its own staff in the month's page:
    Attachment 2's fields, 1 to PHOTOS_PER_ACTIVITY photos, and the count the unit's duty
    names (Unit.measure: schools reached, SMS recipients of one batch, landlord agreements
    signed, property companies joined), when it has one. Monthly, not scored.

    Written by `record`, corrected by `correct` in its own month and the next
    (rules.correctable); never deleted (simple-history keeps every version).
    """

    NO_PHOTO = _("Add at least one photo of the activity.")
    TOO_MANY_PHOTOS = _("An activity has at most %(n)d photos.")

    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="activities", verbose_name=_("unit")
    )
    # The month of the page it was recorded on; held_at is within it (check_held_at).
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    month = models.PositiveSmallIntegerField(_("month"), editable=False)
    count = models.PositiveIntegerField(
        _("count"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(COUNT_LIMIT)],
    )

    objects = UnitActivityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ("held_at", "pk")
        verbose_name = _("unit activity")
        verbose_name_plural = _("unit activities")
        indexes = [models.Index(fields=("unit", "year", "month"), name="unitactivity_month")]

    def __str__(self):
        return f"{self.unit} {super().__str__()}"

    @property
    def year_of_record(self):
        return self.year

    @property
    def ends_at(self):
        return periods.month_bounds(self.year, self.month)[1]

    @property
    def recorded_late(self):
        """Entered after its month ended (补录)."""
        return rules.recorded_late(self.recorded_at, self.ends_at)

    @staticmethod
    def check_count(unit, count):
        """U1: a count only where the unit's duty names one."""
        if count is not None and not unit.measure:
            raise ValidationError(
                _("This unit's duty names no count; leave it empty."),
                code="no_measure",
                params={"field": "count"},
            )

    @classmethod
    def record(cls, *, unit, year, month, by, submission, photos, at=None, **values):
        """U1: the activity and its photos (checked by reporting.photos.check_photo), all
        or nothing; a page sent twice records once. `at` is for demo data."""
        cls.check_held_at(year, month, values["held_at"])
        cls.check_count(unit, values.get("count"))
        cls.check_photo_count(0, photos)
        activity = cls(
            unit=unit,
            year=year,
            month=month,
            recorded_by=by,
            recorded_at=at or timezone.now(),
            submission=submission,
            **values,
        )
        stored = []
        try:
            with transaction.atomic():
                activity.save_once()
                for checked in photos:
                    stored.append(UnitActivityPhoto.create_from(activity, checked, by))
        except BaseException:
            for photo in stored:  # rolled back: their files go too
                photo.delete_files()
            raise
        return activity

    def correct(self, by, *, version, photos=(), **values):
        """The unit's correction (current or previous month): the fields; photos may be
        added, never removed (they are evidence)."""
        self.check_held_at(self.year, self.month, values["held_at"])
        self.check_count(self.unit, values.get("count"))
        stored = []
        try:
            with transaction.atomic():
                locked = self._locked_for_correction(version, by)
                self.check_photo_count(locked.photos.count(), photos)
                locked._set(values)
                for checked in photos:
                    stored.append(UnitActivityPhoto.create_from(locked, checked, by))
        except BaseException:
            for photo in stored:
                photo.delete_files()
            raise
        return locked


class UnitActivityPhoto(DutyPhoto):
    """A photo of a unit's activity."""

    OWNER = "activity"

    activity = models.ForeignKey(
        UnitActivity, models.CASCADE, related_name="photos", verbose_name=_("unit activity")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("pk",)
        verbose_name = _("unit activity photo")
        verbose_name_plural = _("unit activity photos")


# --- The plan's phases: each community's and unit's 实施方案 (March) and 总结 (year end).


class Phase(models.TextChoices):
    """The two phases of the plan whose papers every community and unit hands in."""

    # 动员部署 (March): each makes its own implementation plan.
    PLAN = "plan", _("Implementation plan (实施方案)")
    # 总结巩固 (November to December): each sums up its year.
    SUMMARY = "summary", _("Year-end summary (总结)")


def document_path(instance, filename):
    # Random names, as photos have: nothing a user typed reaches the file system.
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}/{filename}"


class PhaseDocument(SentOnce):
    """A community's or a unit's paper for a phase of the year's plan: a .docx or a PDF,
    checked by its content, private (its own staff, the office and leadership).

    A newer upload for the same phase replaces it as the current one; the earlier ones
    are kept (nothing handed in is lost), and the office sees every version.
    """

    plan = models.ForeignKey(Plan, models.PROTECT, related_name="+", verbose_name=_("plan"))
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices)
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="phase_documents",
        verbose_name=_("community"),
    )
    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="phase_documents",
        verbose_name=_("unit"),
    )
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)

    history = HistoricalRecords()

    class Meta:
        ordering = ("plan__year", "phase", "-recorded_at", "-pk")
        verbose_name = _("phase document")
        verbose_name_plural = _("phase documents")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(community__isnull=False, unit__isnull=True)
                    | models.Q(community__isnull=True, unit__isnull=False)
                ),
                name="phase_document_of_a_community_or_a_unit",
            ),
        ]
        indexes = [models.Index(fields=("plan", "phase"), name="phasedocument_phase")]

    def __str__(self):
        return f"{self.community or self.unit} {self.get_phase_display()} {self.original_name}"


# --- The aim: fraud cases falling. The police (派出所) report each month's cases and losses
# per community from its 警情通报; the office may enter them too.

LOSS_LIMIT = 10**12  # yuan: more than the sub-district's whole economy, so surely a typo


class FraudCases(models.Model):
    """A community's fraud cases (发案数) and losses (损失金额, yuan) in a month, as the police
    reported them: of a plan's year, or of the year before one (what the first campaign year
    is compared with), so a year, not a plan. Corrected by entering the month again;
    simple-history keeps every version."""

    year = models.PositiveSmallIntegerField(_("year"))
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="fraud_cases", verbose_name=_("community")
    )
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    cases = models.PositiveIntegerField(
        _("fraud cases"), validators=[MaxValueValidator(COUNT_LIMIT)]
    )
    losses = models.DecimalField(
        _("losses (yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(LOSS_LIMIT)],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ("year", "month", "community__position", "community__name")
        verbose_name = _("fraud cases of a month")
        verbose_name_plural = _("fraud cases")
        constraints = [
            models.UniqueConstraint(
                fields=("year", "community", "month"), name="one_fraud_count_per_month"
            ),
        ]

    def __str__(self):
        return f"{self.community} {self.year}-{self.month:02d}"
