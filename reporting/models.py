import uuid
from dataclasses import dataclass
from datetime import timedelta

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
from core.text import refuse_control_characters
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

    def carries_duty(self, month):
        """M7: whether `month` of this year has a report due."""
        return month in self.duty_months

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

# Refusals of a change built on an old page: the page must be reloaded first.
STALE = _("This report was changed on another device; please reload the page and change it again.")
ACTIVITY_GONE = _(
    "An activity on this page was deleted or changed on another device; "
    "please reload the page and change it again."
)
# The same refusal as the office reads it, acting on a report it opened earlier.
CHANGED_SINCE_SEEN = _(
    "It changed after you opened it (resubmitted or edited by the community); "
    "please open it again and review what it says now."
)
PHOTO_GONE = _(
    "A photo on this page was removed or has expired (photos not saved within a day are "
    "cleared); please reload the page and choose it again."
)


class MonthlyReportQuerySet(models.QuerySet):
    """M2, M3 as queries: `periods.is_on_time` for many reports at once."""

    def on_time(self):
        return self.filter(self._first_submitted_in_time())

    def received(self):
        """What the office has received: submitted at least once (returned and accepted too).
        Only these leave the desk, as workbooks or photos."""
        return self.filter(first_submitted_at__isnull=False)

    def late(self):
        return self.received().exclude(self._first_submitted_in_time())

    def not_submitted(self):
        return self.filter(first_submitted_at__isnull=True)

    def with_falsified(self):
        """Each report with `is_falsified`: whether it has an active finding (M6). A
        finding changes no state, but a report found falsified has been judged."""
        active = Finding.objects.active().filter(report=models.OuterRef("pk"))
        return self.annotate(is_falsified=models.Exists(active))

    @staticmethod
    def _first_submitted_in_time():
        in_time = models.Q(pk__in=[])
        for plan in Plan.objects.all():
            for month in plan.months():
                late_from = plan.late_from(month)
                in_time |= models.Q(plan=plan, month=month, first_submitted_at__lt=late_from)
        return in_time


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
    # Raised by every change of content or state: a page, an upload or a review
    # built on an older version is refused rather than overwriting what it never saw.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MonthlyReportQuerySet.as_manager()
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
    def is_returned(self):
        return self.state == ReportState.RETURNED

    @property
    def has_been_submitted(self):
        """Submitted at least once (returned and accepted reports too): open to a finding (M6)."""
        return self.state != ReportState.DRAFT

    @property
    def late_from(self):
        return self.plan.late_from(self.month)

    @property
    def deadline_date(self):
        return self.plan.deadline_day_of(self.month)

    @property
    def is_on_time(self):
        """M2, M3: None until first submitted."""
        return periods.is_on_time(self.first_submitted_at, self.late_from)

    def problems_before_submission(self):
        """M1: what still stops this report from being submitted, each naming its activity."""
        # An aggregate drops Meta.ordering: the order is said again, as the page numbers them.
        activities = list(
            self.activities.annotate(photo_count=models.Count("photos")).order_by("position", "pk")
        )
        if not activities:
            return [
                ValidationError(
                    _("Add at least one activity: each community holds one a month or more."),
                    code="no_activity",
                )
            ]
        return [
            ValidationError(
                _("Activity %(n)d: no photo yet."),
                code="no_photo",
                params={"n": n, "activity": activity.pk},
            )
            for n, activity in enumerate(activities, start=1)
            if activity.photo_count == 0
        ]

    def is_current(self, version):
        """Whether a page built on `version` saw the report as it is (None: no page involved)."""
        return version is None or version == self.version

    def _check_version(self, version, refusal=STALE):
        if not self.is_current(version):
            raise ValidationError(refusal, code="stale")

    def _transition(
        self,
        allowed,
        new_state,
        by,
        action,
        note="",
        changes=None,
        at=None,
        version=None,
        stale=STALE,
    ):
        """Lock the row, check the state and the version, change it and record the event,
        all or nothing.

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
            locked._check_version(version, stale)
            fields = {
                **(changes(locked) if changes else {}),
                "state": new_state,
                "version": locked.version + 1,
            }
            for name, value in fields.items():
                setattr(locked, name, value)
            locked.save(update_fields=list(fields))
            locked.events.create(action=action, actor=by, note=note, at=at or timezone.now())
        for name, value in fields.items():
            setattr(self, name, value)

    def submit(self, by, *, truth_confirmed, at=None, version=None):
        """M1, M3, M4: submit a draft or a returned report, recording who and when.

        `at` is for records made after the fact (imports, demo data); pages pass none.
        """
        if not truth_confirmed:
            raise ValidationError(
                _("Please confirm that the content of the report is true."),
                code="unconfirmed",
                params={"field": "truth_confirmed"},
            )

        def changes(locked):
            problems = locked.problems_before_submission()
            if problems:
                raise ValidationError(problems)
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
            version=version,
        )

    def return_(self, by, reason, at=None, version=None):
        """M5: the office sends a submitted report back, with its reason."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(_("Please give the reason for returning it."), code="no_reason")
        refuse_control_characters(reason)
        self._transition(
            (ReportState.SUBMITTED,),
            ReportState.RETURNED,
            by,
            ReportEvent.Action.RETURNED,
            note=reason,
            changes=lambda locked: {"return_reason": reason},
            at=at,
            version=version,
            stale=CHANGED_SINCE_SEEN,
        )

    def accept(self, by, at=None, version=None):
        """M5: the office accepts a submitted report."""
        self._transition(
            (ReportState.SUBMITTED,),
            ReportState.ACCEPTED,
            by,
            ReportEvent.Action.ACCEPTED,
            at=at,
            version=version,
            stale=CHANGED_SINCE_SEEN,
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
            % {"source": source, "at": periods.local(submitted_at).strftime("%Y-%m-%d %H:%M")},
            changes=lambda locked: {
                "first_submitted_at": submitted_at,
                "submitted_at": submitted_at,
            },
        )

    def mark_falsified(self, by, reason, at=None, version=None):
        """M6: the office finds the report falsified. A finding, not a deletion."""
        return Finding.record(by=by, reason=reason, report=self, at=at, version=version)

    def revise(self, by, *, version, revision, submit=False, truth_confirmed=False):
        """M5: apply what the user changed on the report page, and submit it if asked.

        One transaction: lock the report, check that it is editable and still at
        `version` (the version the page was built on), apply `revision`, raise
        the version and record one event; then submit (M1, M4) if asked.
        Raises ValidationError when nothing was saved. Returns None, or the
        ValidationError that stopped the submission of the saved draft.
        """
        refusal = None
        with transaction.atomic():
            locked = MonthlyReport.objects.select_for_update().get(pk=self.pk)
            if not locked.is_editable:
                raise ValidationError(locked.already_submitted_message(), code="wrong_state")
            locked._check_version(version)
            notes = locked._apply(revision)
            if notes:
                locked.version += 1
                locked.save(update_fields=["version"])
                locked.events.create(
                    action=ReportEvent.Action.EDITED, actor=by, note="; ".join(map(str, notes))
                )
            if submit:
                try:
                    with transaction.atomic():
                        locked.submit(by, truth_confirmed=truth_confirmed, version=locked.version)
                except ValidationError as error:
                    refusal = error
        self.refresh_from_db()
        return refusal

    def _apply(self, revision):
        """Apply `revision` to this locked report; return what changed, in words."""
        existing = {
            activity.pk: activity for activity in self.activities.prefetch_related("photos")
        }
        named = [c.activity_id for c in revision.activities if c.activity_id]
        if len(set(named)) != len(named) or set(named) & revision.deleted_ids:
            raise ValidationError(ACTIVITY_GONE, code="gone")  # a page no form could make
        if not (set(named) | revision.deleted_ids) <= existing.keys():
            raise ValidationError(ACTIVITY_GONE, code="gone")
        wanted = [pk for c in revision.activities for pk in c.staged_ids]
        uploads = {
            upload.pk: upload
            for upload in self.staged_photos.filter(
                models.Q(pk__in={*wanted, *revision.discarded_staged_ids})
                | models.Q(activity_id__in=revision.deleted_ids)
            )
        }
        if len(set(wanted)) != len(wanted) or not set(wanted) <= uploads.keys():
            raise ValidationError(PHOTO_GONE, code="photo_gone")

        notes = []
        for upload in [u for u in uploads.values() if u.activity_id in revision.deleted_ids]:
            if upload.pk not in wanted:
                uploads.pop(upload.pk).discard()  # picked for an activity now deleted
        for pk in sorted(revision.deleted_ids):
            existing[pk].delete()  # its photo rows go too; the files stay in storage
            notes.append(_("removed activity “%(place)s”") % {"place": existing[pk].place})
        kept_before = [a.pk for a in existing.values() if a.pk not in revision.deleted_ids]
        kept_after = [c.activity_id for c in revision.activities if c.activity_id]
        if kept_before != kept_after:
            notes.append(_("changed the order of the activities"))
        for n, change in enumerate(revision.activities, start=1):
            activity = existing.get(change.activity_id) or Activity(report=self)
            photos = list(activity.photos.all()) if activity.pk else []
            removed = [photo for photo in photos if photo.pk in change.removed_photo_ids]
            added = [uploads.pop(pk) for pk in change.staged_ids]
            if len(removed) != len(change.removed_photo_ids):
                raise ValidationError(PHOTO_GONE, code="photo_gone")
            if len(photos) - len(removed) + len(added) > settings.PHOTOS_PER_ACTIVITY:
                raise ValidationError(
                    _("Activity %(n)d has more than %(max)d photos; remove some first.")
                    % {"n": n, "max": settings.PHOTOS_PER_ACTIVITY},
                    code="too_many_photos",
                )
            changed = [
                name for name, value in change.values.items() if getattr(activity, name) != value
            ]
            for name in changed:
                setattr(activity, name, change.values[name])
            if activity.pk is None:
                activity.position = n
                activity.save()
                notes.append(
                    _("added activity %(n)d “%(place)s”") % {"n": n, "place": activity.place}
                )
            elif changed or activity.position != n:  # 序号 follows the order shown
                activity.position = n
                activity.save(update_fields=[*changed, "position"])
                if changed:
                    notes.append(
                        _("changed activity %(n)d: %(fields)s")
                        % {
                            "n": n,
                            "fields": "、".join(
                                str(Activity._meta.get_field(name).verbose_name) for name in changed
                            ),
                        }
                    )
            for photo in removed:
                photo.delete()  # the row goes; the original file stays in storage as evidence
                notes.append(
                    _("removed photo %(name)s (SHA-256 %(sha)s) from activity %(n)d")
                    % {"name": photo.original_name, "sha": photo.sha256[:12], "n": n}
                )
            for upload in added:
                upload.claim(activity)
            if added:
                notes.append(
                    _("added %(count)d photo(s) to activity %(n)d") % {"count": len(added), "n": n}
                )
        for upload in uploads.values():
            upload.discard()
        return notes

    def already_submitted_message(self):
        if self.submitted_at is None:
            return _("This report can no longer be changed; nothing was changed.")
        return _(
            "This report was already submitted at %(at)s by %(who)s; "
            "the changes on your page were not saved."
        ) % {
            "at": periods.local(self.submitted_at).strftime("%Y-%m-%d %H:%M"),
            "who": self.submitted_by.get_full_name() or self.submitted_by.username
            if self.submitted_by
            else "—",
        }

    @classmethod
    def start(cls, community_id, plan, month, by):
        """The community's report for the month, opened as a draft if there is none yet."""
        if not plan.carries_duty(month):
            raise ValidationError(_("No report is due for that month."), code="no_duty")
        with transaction.atomic():
            report, created = cls.objects.get_or_create(
                community_id=community_id, plan=plan, month=month
            )
            if created:
                report.events.create(action=ReportEvent.Action.CREATED, actor=by)
        return report


@dataclass(frozen=True)
class ActivityChange:
    """One activity as the report page left it: its Attachment 2 values and its photos."""

    values: dict
    activity_id: int | None = None  # None for an activity added on the page
    staged_ids: tuple = ()  # photos uploaded for it and not saved yet
    removed_photo_ids: frozenset = frozenset()


@dataclass(frozen=True)
class Revision:
    """What the report page asks to save: its activities in the order shown."""

    activities: tuple = ()
    deleted_ids: frozenset = frozenset()
    discarded_staged_ids: frozenset = frozenset()


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
        return f"{self.get_action_display()} {periods.local(self.at):%Y-%m-%d %H:%M}"


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


class ActivityFields(models.Model):
    """What an activity records, as Attachment 2 has it: 时间, 地点, 开展形式, 参加人数,
    图片说明. A community's activity (Activity) and a unit's (duties.UnitActivity)."""

    held_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=100)
    form = models.CharField(_("form of activity"), max_length=20, choices=ActivityForm.choices)
    form_other = models.CharField(_("other form"), max_length=50, blank=True)
    participants = models.PositiveIntegerField(
        _("participants"), validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )
    caption = models.CharField(_("photo caption"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{periods.local(self.held_at):%Y-%m-%d} {self.place}"

    @staticmethod
    def check_held_at(year, month, held_at):
        """An activity of a month's record took place in that month (Asia/Shanghai), and
        not in the future."""
        start, end = periods.month_bounds(year, month)
        if not start <= held_at < end:
            raise ValidationError(
                _("The activity must have taken place in %(year)d-%(month)02d.")
                % {"year": year, "month": month},
                code="wrong_month",
                params={"field": "held_at"},
            )
        if held_at > timezone.now():
            raise ValidationError(
                _("The activity cannot be in the future."),
                code="future",
                params={"field": "held_at"},
            )

    @property
    def form_label(self):
        return self.form_other if self.form == ActivityForm.OTHER else self.get_form_display()


class Activity(ActivityFields):
    """One row of a community's Attachment 2."""

    report = models.ForeignKey(
        MonthlyReport, models.CASCADE, related_name="activities", verbose_name=_("report")
    )
    position = models.PositiveSmallIntegerField(_("No."), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ("position", "pk")
        verbose_name = _("activity")
        verbose_name_plural = _("activities")


def photo_path(instance, filename):
    # Random names: nothing a user typed reaches the file system.
    return f"photos/{timezone.now():%Y/%m}/{uuid.uuid4().hex}/{filename}"


class PhotoFiles(models.Model):
    """A photo checked by reporting.photos.check_photo: its files and what was read from it."""

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
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name or f"#{self.pk}"

    def store(self, checked, by):
        """Fill in `checked` and write its three files; the caller saves the row."""
        self.content_type = checked.content_type
        self.original_name = checked.original_name
        self.size = len(checked.original)
        self.width, self.height = checked.width, checked.height
        self.sha256, self.phash = checked.sha256, checked.phash
        self.taken_at = checked.taken_at
        self.uploaded_by = by
        self.original.save(
            f"original.{checked.extension}", ContentFile(checked.original), save=False
        )
        self.display.save("display.jpg", ContentFile(checked.display), save=False)
        self.thumbnail.save("thumbnail.jpg", ContentFile(checked.thumbnail), save=False)


PHOTO_FILE_FIELDS = ("original", "display", "thumbnail")


class ActivityPhoto(PhotoFiles):
    """A photo of an activity, kept as evidence: removing it deletes the row, never the files."""

    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="photos", verbose_name=_("activity")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("pk",)
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    @classmethod
    def create_from(cls, activity, checked, by):
        """Store a photo checked by reporting.photos.check_photo on `activity`."""
        photo = cls(activity=activity)
        photo.store(checked, by)
        photo.save()
        return photo


class StagedPhotoQuerySet(models.QuerySet):
    def expired(self):
        return self.filter(uploaded_at__lt=StagedPhoto.kept_since())

    def pending_for(self, user):
        """What `user` uploaded and has not saved yet, still kept."""
        return self.filter(uploaded_by=user, uploaded_at__gte=StagedPhoto.kept_since())

    def purge(self):
        """Forget these uploads and delete their files; return how many."""
        uploads = list(self)
        for upload in uploads:
            upload.discard()
        return len(uploads)


class StagedPhoto(PhotoFiles):
    """A photo uploaded from the report page the moment it was picked, not saved yet.

    Saving the report claims it for its activity (as an ActivityPhoto, the same
    files); one nobody claims within LIFETIME is deleted with its files.
    """

    LIFETIME = timedelta(days=1)

    report = models.ForeignKey(
        MonthlyReport, models.CASCADE, related_name="staged_photos", verbose_name=_("report")
    )
    # The saved activity it was picked for; None when picked for an activity not saved yet.
    activity = models.ForeignKey(
        Activity,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="staged_photos",
        verbose_name=_("activity"),
    )

    objects = StagedPhotoQuerySet.as_manager()

    class Meta:
        ordering = ("pk",)
        verbose_name = _("photo not saved yet")
        verbose_name_plural = _("photos not saved yet")

    @classmethod
    def kept_since(cls):
        """Uploads older than this were not saved within LIFETIME: they are forgotten."""
        return timezone.now() - cls.LIFETIME

    @classmethod
    def stage(cls, report, checked, by, activity=None):
        """Keep a checked photo for `report` until it is saved; clear out expired ones."""
        cls.objects.expired().purge()
        upload = cls(report=report, activity=activity)
        upload.store(checked, by)
        upload.save()
        return upload

    def claim(self, activity):
        """Make this upload a photo of `activity`: the same files, now evidence."""
        photo = ActivityPhoto(
            activity=activity,
            **{f.name: getattr(self, f.name) for f in PhotoFiles._meta.get_fields()},
        )
        photo.save()
        self.delete()
        return photo

    def discard(self):
        for name in PHOTO_FILE_FIELDS:
            getattr(self, name).delete(save=False)
        self.delete()


class FindingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)

    def in_force_at(self, at):
        """A1: recorded at or before `at`, and not withdrawn at or before it."""
        return self.filter(recorded_at__lte=at).exclude(withdrawn_at__lte=at)


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
    def record(cls, *, by, reason, report=None, team=None, at=None, version=None):
        """Record a finding; on a report, refused if it changed since `version`."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(_("Please write the reason for the finding."), code="no_reason")
        refuse_control_characters(reason)
        at = at or timezone.now()
        with transaction.atomic():
            target = report or team
            locked = type(target).objects.select_for_update().get(pk=target.pk)
            if report is not None:
                locked._check_version(version, CHANGED_SINCE_SEEN)
                if not locked.has_been_submitted:
                    raise ValidationError(
                        _("A draft cannot be found falsified: it has not been submitted."),
                        code="not_submitted",
                    )
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
        refuse_control_characters(reason)
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


class ImportUpload(models.Model):
    """An old Attachment 2 workbook uploaded for import, kept from its preview to its
    confirmation: the confirmation reads the same bytes again, never a file in /tmp.

    Kept a day at most (`purge`); once imported, its content is dropped and the row
    only answers a second press of the button.
    """

    KEPT_FOR = timedelta(days=1)
    MAX_SIZE = 5 * 1024 * 1024

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file_name = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("content"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("uploaded workbook")
        verbose_name_plural = _("uploaded workbooks")

    def __str__(self):
        return self.file_name

    @classmethod
    def purge(cls, now=None):
        """Delete every upload older than a day, confirmed or not."""
        return cls.objects.filter(uploaded_at__lt=(now or timezone.now()) - cls.KEPT_FOR).delete()
