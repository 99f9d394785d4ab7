import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import Community
from reporting import periods


def validate_months(value):
    if (
        not isinstance(value, list)
        or not value
        or any(not isinstance(m, int) or not 1 <= m <= 12 for m in value)
    ):
        raise ValidationError(_("List the months as numbers from 1 to 12."), code="months")


class Plan(models.Model):
    """The year's work plan: which months carry the reporting duty, and the deadline day."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    # M7: for 2021 the activity phase, April to October.
    duty_months = models.JSONField(
        _("months with a report due"), default=list, validators=[validate_months]
    )
    # M2: reports are due by the end of this day of the following month.
    deadline_day = models.PositiveSmallIntegerField(
        _("deadline day"), default=1, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("-year",)
        verbose_name = _("year's plan")
        verbose_name_plural = _("years' plans")

    def __str__(self):
        return _("%(year)d plan") % {"year": self.year}

    def months(self):
        return sorted(set(self.duty_months))

    @classmethod
    def pick(cls, wanted_year, today):
        """All plans, and the one a page shows: the year asked for, else the
        latest one not after `today`'s year, else the earliest."""
        plans = list(cls.objects.all())
        chosen = next((p for p in plans if str(p.year) == str(wanted_year)), None)
        if chosen is None:
            chosen = next((p for p in plans if p.year <= today.year), plans[-1] if plans else None)
        return plans, chosen

    def late_from(self, month):
        return periods.late_from(self.year, month, self.deadline_day)

    def deadline_day_of(self, month):
        return periods.deadline_day_of(self.year, month, self.deadline_day)


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for correction")


EDITABLE_STATES = (ReportState.DRAFT, ReportState.RETURNED)


class MonthlyReport(models.Model):
    """Attachment 2 (反诈骗活动开展情况报表) of one community for one month."""

    community = models.ForeignKey(
        Community, models.PROTECT, related_name="reports", verbose_name=_("community")
    )
    plan = models.ForeignKey(Plan, models.PROTECT, related_name="reports", verbose_name=_("plan"))
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    # Set only by the transition methods below (STYLE 3).
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ReportState.choices,
        default=ReportState.DRAFT,
        editable=False,
    )
    # M3: timeliness is judged on this, which a return never changes.
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, editable=False)
    submitted_at = models.DateTimeField(_("last submitted at"), null=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    return_reason = models.TextField(_("reason for return"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("-plan__year", "-month", "community")
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        permissions = [("review_monthlyreport", _("Can accept, return and flag reports"))]
        constraints = [
            models.UniqueConstraint(
                fields=("community", "plan", "month"), name="one_report_per_community_month"
            )
        ]

    def __str__(self):
        return _("%(community)s, %(year)d-%(month)02d") % {
            "community": self.community,
            "year": self.plan.year,
            "month": self.month,
        }

    def get_absolute_url(self):
        return reverse("report", args=[self.pk])

    @property
    def is_editable(self):
        return self.state in EDITABLE_STATES

    @property
    def late_from(self):
        return self.plan.late_from(self.month)

    @property
    def deadline_date(self):
        return self.plan.deadline_day_of(self.month)

    @property
    def is_on_time(self):
        """M2/M3: None until first submitted."""
        if self.first_submitted_at is None:
            return None
        return self.first_submitted_at < self.late_from

    def problems_before_submission(self):
        """M1: what still stops this report from being submitted, in words."""
        activities = list(self.activities.annotate(photo_count=models.Count("photos")))
        if not activities:
            return [_("Add at least one activity: each community holds one a month or more.")]
        return [
            _("Activity %(n)d has no photo yet.") % {"n": n}
            for n, activity in enumerate(activities, start=1)
            if activity.photo_count == 0
        ]

    def _transition(self, allowed, new_state, by, action, note="", changes=None, at=None):
        """Lock the row, check the state, change it and record the event, all or nothing.

        `changes(locked)` returns the other fields to set, or raises ValidationError.
        """
        with transaction.atomic():
            locked = MonthlyReport.objects.select_for_update().get(pk=self.pk)
            if locked.state not in allowed:
                raise ValidationError(
                    _("This report is “%(state)s” and cannot be changed that way.")
                    % {"state": locked.get_state_display()},
                    code="wrong_state",
                )
            fields = {**(changes(locked) if changes else {}), "state": new_state}
            for name, value in fields.items():
                setattr(locked, name, value)
            locked.save(update_fields=list(fields))
            locked.events.create(action=action, actor=by, note=note, at=at or timezone.now())
        for name, value in fields.items():
            setattr(self, name, value)

    def submit(self, by, *, truth_confirmed, at=None):
        """M1, M3, M4: submit a draft or a returned report, recording who and when.

        `at` is for records made after the fact (imports, demo data); pages pass none.
        """
        if not truth_confirmed:
            raise ValidationError(
                _("Please confirm that the content of the report is true."), code="unconfirmed"
            )

        def changes(locked):
            problems = locked.problems_before_submission()
            if problems:
                raise ValidationError(problems, code="incomplete")
            now = at or timezone.now()
            return {
                "first_submitted_at": locked.first_submitted_at or now,
                "submitted_at": now,
                "submitted_by": by,
            }

        self._transition(
            EDITABLE_STATES,
            ReportState.SUBMITTED,
            by,
            ReportEvent.Action.RESUBMITTED
            if self.first_submitted_at
            else ReportEvent.Action.SUBMITTED,
            note=_("Confirmed: I promise the content reported is true."),
            changes=changes,
            at=at,
        )

    def return_(self, by, reason, at=None):
        """M5: the office sends a submitted report back, with its reason."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(_("Please give the reason for returning it."), code="no_reason")
        self._transition(
            (ReportState.SUBMITTED,),
            ReportState.RETURNED,
            by,
            ReportEvent.Action.RETURNED,
            note=reason,
            changes=lambda locked: {"return_reason": reason},
        )

    def accept(self, by, at=None):
        """M5: the office accepts a submitted report."""
        self._transition(
            (ReportState.SUBMITTED,), ReportState.ACCEPTED, by, ReportEvent.Action.ACCEPTED, at=at
        )

    def record_imported(self, by, submitted_at, source):
        """A report e-mailed before the portal, entered as submitted at its 报送时间 (M3).

        Its photos never reached the portal, so M1's photo rule cannot apply;
        the history says where it came from.
        """
        self._transition(
            (ReportState.DRAFT,),
            ReportState.SUBMITTED,
            by,
            ReportEvent.Action.IMPORTED,
            note=_("Imported from %(source)s; submitted by e-mail at %(at)s")
            % {"source": source, "at": timezone.localtime(submitted_at).strftime("%Y-%m-%d %H:%M")},
            changes=lambda locked: {
                "first_submitted_at": submitted_at,
                "submitted_at": submitted_at,
            },
        )

    def mark_falsified(self, by, reason, at=None):
        """M6: the office finds the report falsified. A finding, not a deletion."""
        return Finding.record(by=by, reason=reason, report=self, at=at)

    def edit(self, by, apply):
        """M5: run `apply()` (which saves the changes and describes them) on an
        editable report, locked, and record what it did in the history."""
        with transaction.atomic():
            locked = MonthlyReport.objects.select_for_update().get(pk=self.pk)
            if not locked.is_editable:
                raise ValidationError(
                    _("This report was already submitted; nothing was changed."),
                    code="wrong_state",
                )
            self.events.create(action=ReportEvent.Action.EDITED, actor=by, note=apply())

    @classmethod
    def start(cls, community_id, plan, month, by):
        """The community's report for the month, opened as a draft if there is none yet."""
        with transaction.atomic():
            report, created = cls.objects.get_or_create(
                community_id=community_id, plan=plan, month=month
            )
            if created:
                report.events.create(action=ReportEvent.Action.CREATED, actor=by)
        return report


class ReportEvent(models.Model):
    """One row per change of a report (M5): who, when, what."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        SUBMITTED = "submitted", _("Submitted")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        RETURNED = "returned", _("Returned for correction")
        ACCEPTED = "accepted", _("Accepted")
        IMPORTED = "imported", _("Imported from an e-mailed sheet")
        FALSIFIED = "falsified", _("Found falsified")
        FINDING_WITHDRAWN = "withdrawn", _("Falsification finding withdrawn")

    report = models.ForeignKey(
        MonthlyReport, models.CASCADE, related_name="events", verbose_name=_("report")
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ("at", "pk")
        verbose_name = _("report history entry")
        verbose_name_plural = _("report history")

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class ActivityForm(models.TextChoices):
    """开展形式, the forms the plan names (sections 三 and 四)."""

    TALK = "集中宣讲", _("Group talk")
    DISPLAY_BOARD = "摆放展板", _("Display boards")
    LEAFLETS = "发放材料", _("Handing out materials")
    DOOR_TO_DOOR = "入户走访", _("Door-to-door visits")
    WORKPLACE = "送教上门", _("Talks at workplaces")
    TRAINING = "反诈培训", _("Anti-fraud training")
    LED_BROADCAST = "LED屏/广播", _("LED screens / broadcast")
    SOCIAL_MEDIA = "微信/QQ/微博", _("WeChat / QQ / Weibo")
    EXPERIENCE_HALL = "反诈体验馆", _("Anti-fraud experience hall")
    OTHER = "其他", _("Other")


class Activity(models.Model):
    """One row of Attachment 2: 时间, 地点, 开展形式, 参加人数, 图片说明."""

    report = models.ForeignKey(
        MonthlyReport, models.CASCADE, related_name="activities", verbose_name=_("report")
    )
    position = models.PositiveSmallIntegerField(_("No."), default=0)
    held_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=100)
    form = models.CharField(_("form of activity"), max_length=20, choices=ActivityForm.choices)
    form_other = models.CharField(_("other form"), max_length=50, blank=True)
    participants = models.PositiveIntegerField(
        _("participants"), validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )
    caption = models.CharField(_("photo caption"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ("position", "pk")
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self):
        return f"{self.held_at:%Y-%m-%d} {self.place}"

    @property
    def form_label(self):
        return self.form_other if self.form == ActivityForm.OTHER else self.get_form_display()


def photo_path(instance, filename):
    # Random names: nothing a user typed reaches the file system.
    return f"photos/{timezone.now():%Y/%m}/{uuid.uuid4().hex}/{filename}"


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="photos", verbose_name=_("activity")
    )
    original = models.FileField(_("original"), upload_to=photo_path, max_length=200)
    display = models.FileField(_("display copy"), upload_to=photo_path, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=photo_path, max_length=200)
    content_type = models.CharField(_("content type"), max_length=20)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    sha256 = models.CharField(_("SHA-256 of the original"), max_length=64, db_index=True)
    phash = models.CharField(_("perceptual hash"), max_length=16, db_index=True)
    taken_at = models.DateTimeField(_("taken at (EXIF)"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("pk",)
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.original_name or f"#{self.pk}"

    @classmethod
    def create_from(cls, activity, checked, by):
        """Store a photo checked by reporting.photos.check_photo."""
        photo = cls(
            activity=activity,
            content_type=checked.content_type,
            original_name=checked.original_name,
            size=len(checked.original),
            width=checked.width,
            height=checked.height,
            sha256=checked.sha256,
            phash=checked.phash,
            taken_at=checked.taken_at,
            uploaded_by=by,
        )
        photo.original.save(
            f"original.{checked.extension}", ContentFile(checked.original), save=False
        )
        photo.display.save("display.jpg", ContentFile(checked.display), save=False)
        photo.thumbnail.save("thumbnail.jpg", ContentFile(checked.thumbnail), save=False)
        photo.save()
        return photo


class FindingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)


class Finding(models.Model):
    """弄虚作假: the office's finding that a report, or a team, is false (M6, S3).

    Never deleted: a finding taken back is withdrawn, with its reason, and both
    stay on record.
    """

    report = models.ForeignKey(
        MonthlyReport,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("report"),
    )
    team = models.ForeignKey(
        "communities.PropagandaTeam",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("propaganda team"),
    )
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    objects = FindingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ("-recorded_at", "-pk")
        verbose_name = _("falsification finding")
        verbose_name_plural = _("falsification findings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(report__isnull=True) ^ models.Q(team__isnull=True),
                name="finding_on_report_or_team",
            ),
            models.UniqueConstraint(
                fields=("report",),
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_active_finding_per_report",
            ),
            models.UniqueConstraint(
                fields=("team",),
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_active_finding_per_team",
            ),
        ]

    def __str__(self):
        return f"{self.report or self.team}: {self.reason[:30]}"

    @property
    def is_active(self):
        return self.withdrawn_at is None

    @classmethod
    def record(cls, *, by, reason, report=None, team=None, at=None):
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(_("Please write the reason for the finding."), code="no_reason")
        at = at or timezone.now()
        with transaction.atomic():
            target = report or team
            type(target).objects.select_for_update().get(pk=target.pk)
            if cls.objects.active().filter(report=report, team=team).exists():
                raise ValidationError(
                    _("It is already found falsified; withdraw that finding first."),
                    code="already_found",
                )
            finding = cls.objects.create(
                report=report, team=team, reason=reason, recorded_by=by, recorded_at=at
            )
            if report is not None:
                report.events.create(
                    action=ReportEvent.Action.FALSIFIED, actor=by, at=at, note=reason
                )
        return finding

    def withdraw(self, by, reason, at=None):
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(_("Please write why the finding is withdrawn."), code="no_reason")
        at = at or timezone.now()
        with transaction.atomic():
            locked = Finding.objects.select_for_update().get(pk=self.pk)
            if not locked.is_active:
                raise ValidationError(_("This finding was already withdrawn."), code="withdrawn")
            fields = {"withdrawn_by": by, "withdrawn_at": at, "withdrawal_reason": reason}
            for name, value in fields.items():
                setattr(locked, name, value)
            locked.save(update_fields=list(fields))
            if self.report_id:
                self.report.events.create(
                    action=ReportEvent.Action.FINDING_WITHDRAWN, actor=by, at=at, note=reason
                )
        for name, value in fields.items():
            setattr(self, name, value)
