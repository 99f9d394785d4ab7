"""C1: what the office publishes from the scores: the quarter's circular (通报) and an
inspection's (督查通报).

A circular is a draft while the office writes its free text (the opening and the remarks);
its figures are drawn from the scores as they stand whenever it is shown. Issuing it
freezes them (`figures`, publishing.figures.snapshot) and the document made from them
(`document`): an issued circular never changes. A later change to the scores (a finding,
a late report judged) is shown beside it ("已发布通报后有变更"), never written into it.
"""

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _
from PIL import Image
from simple_history.models import HistoricalRecords

from duties.models import UnitActivity, UnitActivityPhoto
from reporting.models import Activity, ActivityPhoto, Finding, Plan, ReportState
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


# --- C2: the public 反诈骗 column (栏目文章).
#
# The office writes a post from a month's accepted activities (communities' reports) and
# the units' activities, ticks some of their photos, and publishes it. Publishing makes
# each ticked photo's public copy from its display copy (never the original: no EXIF, no
# GPS) into a storage of its own (STORAGES["column"]), served by the column's photo view
# while the post is published; unpublishing deletes those files. Nothing else of the
# portal is public (DOMAIN.md C2).

POST_TITLE_LIMIT = 64  # the WeChat editor's longest title
POST_TEXT_LIMIT = 5000
POST_PHOTO_LIMIT = 12
PUBLIC_COPY_LONG_EDGE = 1280  # a phone's screen, twice over at most; WeChat's width
PUBLIC_COPY_QUALITY = 82

POST_STALE = _(
    "This post was changed on another device after you opened it; "
    "please open it again and look at what it says now."
)


class PostSentTwice(ValidationError):
    """The new-post page was sent twice: the first sending's draft is `existing`."""

    def __init__(self, existing):
        super().__init__(
            _("This post was already saved (the form was sent twice); it was not saved again."),
            code="sent_twice",
        )
        self.existing = existing


class ColumnStorage(LazyObject):
    """STORAGES["column"], looked up again whenever the setting changes (as Django's own
    default_storage is): the public copies never share a folder with the private photos."""

    def _setup(self):
        self._wrapped = storages["column"]


column_files = ColumnStorage()


@receiver(setting_changed)
def _column_storage_changed(*, setting, **kwargs):
    if setting == "STORAGES":
        column_files._wrapped = empty


def column_storage():
    return column_files


def public_copy_path(instance, filename):
    # Random names: a copy made again after unpublishing is a new file with a new name.
    return f"{instance.post_id}/{uuid.uuid4().hex}.jpg"


class PostState(models.TextChoices):
    DRAFT = "draft", _("Draft (not public)")
    PUBLISHED = "published", _("Published in the column")
    UNPUBLISHED = "unpublished", _("Unpublished (taken out of the column)")


class PostQuerySet(models.QuerySet):
    def published(self):
        """C2: what the public column shows, newest first."""
        return self.filter(state=PostState.PUBLISHED).order_by("-published_at", "-pk")


class Post(models.Model):
    """C2: an article of the public 反诈骗 column, drawn from the activities of one month."""

    title = models.CharField(_("title of the post"), max_length=POST_TITLE_LIMIT)
    # Plain text written by the office: shown as paragraphs, escaped, never as HTML.
    text = models.TextField(_("text of the post"), max_length=POST_TEXT_LIMIT)
    # The month its activities were held in (the desk offers that month's activities).
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    activities = models.ManyToManyField(
        Activity, blank=True, related_name="+", verbose_name=_("communities' activities")
    )
    unit_activities = models.ManyToManyField(
        UnitActivity, blank=True, related_name="+", verbose_name=_("units' activities")
    )
    # Set only by publish() and unpublish() (STYLE 3).
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=PostState.choices,
        default=PostState.DRAFT,
        editable=False,
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        editable=False,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    # Raised by every change: an edit or a publishing built on an older page is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # The new-post page's one-time key: a form sent twice makes one draft.
    submission = models.UUIDField(
        _("form submission"), unique=True, default=uuid.uuid4, editable=False
    )

    objects = PostQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("column post")
        verbose_name_plural = _("column posts")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("column:post", args=[self.pk])

    @property
    def is_published(self):
        return self.state == PostState.PUBLISHED

    @property
    def is_editable(self):
        """A published post is unpublished before it is changed: the public never reads
        a text the office has not previewed."""
        return self.state != PostState.PUBLISHED

    @property
    def month_label(self):
        return f"{self.year}-{self.month:02d}"

    def paragraphs(self):
        """The text as the paragraphs the office wrote (blank lines and line ends alike)."""
        return [line.strip() for line in self.text.splitlines() if line.strip()]

    @classmethod
    def write(
        cls, by, *, year, month, title, text, activities, unit_activities, photos, submission=None
    ):
        """A new draft (see _compose for what is checked); a page sent twice writes once
        (SENT_TWICE, its `existing` the draft written the first time)."""
        post = cls(year=year, month=month, created_by=by, title=title, text=text)
        post.submission = submission or post.submission
        post._history_user = by
        try:
            with transaction.atomic():
                post.save()
                post._compose(activities, unit_activities, photos)
        except IntegrityError:
            if cls.objects.filter(submission=post.submission).exists():
                raise PostSentTwice(cls.objects.get(submission=post.submission)) from None
            raise
        return post

    def edit(self, by, *, version, title, text, activities, unit_activities, photos):
        """A draft's or an unpublished post's new content, under the row's lock; refused
        when published, or changed since the page was opened (`version`)."""
        with transaction.atomic():
            locked = self._locked(version)
            if not locked.is_editable:
                raise ValidationError(
                    _("A published post is not changed: unpublish it first."), code="published"
                )
            locked.title, locked.text = title, text
            locked.version += 1
            locked._history_user = by
            locked.save()
            locked._compose(activities, unit_activities, photos)
        return locked

    def _locked(self, version=None):
        locked = type(self).objects.select_for_update().get(pk=self.pk)
        if version is not None and locked.version != version:
            raise ValidationError(POST_STALE, code="stale")
        return locked

    def _compose(self, activities, unit_activities, photos):
        """C2: the activities (of the post's month: accepted reports, not found falsified,
        and the units') and the photos ticked, each of one of those activities."""
        activities, unit_activities = list(activities), list(unit_activities)
        photos = list(photos)
        allowed = Activity.objects.filter(pk__in=[a.pk for a in activities]).filter(
            chosen_activities(self.year, self.month)
        )
        if allowed.count() != len({a.pk for a in activities}) or any(
            (u.year, u.month) != (self.year, self.month) for u in unit_activities
        ):
            raise ValidationError(
                _(
                    "Only the accepted activities and the units' activities of the post's month "
                    "can be chosen."
                ),
                code="not_allowed",
            )
        if not activities and not unit_activities:
            raise ValidationError(
                _("Choose at least one activity for the post."), code="no_activity"
            )
        if len(photos) > POST_PHOTO_LIMIT:
            raise ValidationError(
                _("A post has at most %(n)d photos.") % {"n": POST_PHOTO_LIMIT},
                code="too_many_photos",
            )
        chosen = {("a", a.pk) for a in activities} | {("u", u.pk) for u in unit_activities}
        if any(owner_key(photo) not in chosen for photo in photos):
            raise ValidationError(
                _("A photo can only be chosen from the post's own activities."),
                code="photo_not_of_post",
            )
        self.activities.set(activities)
        self.unit_activities.set(unit_activities)
        self.photos.all().delete()  # a draft's photos have no public copy yet
        PostPhoto.objects.bulk_create(
            PostPhoto.of(self, photo, position) for position, photo in enumerate(photos)
        )

    def publish(self, by, *, version=None, at=None):
        """C2: make the public copies of the ticked photos and show the post in the column.
        One transaction under the row's lock; a second press changes nothing and says so."""
        made = []
        try:
            with transaction.atomic():
                locked = self._locked()
                if locked.is_published:
                    raise ValidationError(locked.already_published(), code="already_published")
                if version is not None and locked.version != version:
                    raise ValidationError(POST_STALE, code="stale")
                locked.check_still_publishable()
                for photo in locked.photos.select_related("activity_photo", "unit_photo"):
                    photo.make_public_copy()
                    made.append(photo.public_copy.name)
                    photo.save(update_fields=["public_copy", "width", "height"])
                locked.state = PostState.PUBLISHED
                if locked.published_at is None:
                    # Published again (after 撤下, say to mend a typo), it keeps the day it
                    # first appeared and its place in the column; the history says who.
                    locked.published_at = at or timezone.now()
                    locked.published_by = by
                locked.version += 1
                locked._history_user = by
                locked.save()
        except BaseException:
            for name in made:  # rolled back: the copies go too
                column_files.delete(name)
            raise
        return locked

    def unpublish(self, by):
        """C2: take the post out of the column and delete its public copies (after the
        transaction commits: a rollback keeps them). A second press changes nothing."""
        with transaction.atomic():
            locked = self._locked()
            if not locked.is_published:
                raise ValidationError(
                    _("This post is not published: nothing was changed."), code="not_published"
                )
            names = [n for n in locked.photos.values_list("public_copy", flat=True) if n]
            locked.photos.update(public_copy="")
            locked.state = PostState.UNPUBLISHED
            locked.version += 1
            locked._history_user = by
            locked.save()
            transaction.on_commit(lambda: [column_files.delete(name) for name in names])
        return locked

    def already_published(self):
        by = self.published_by
        return _(
            "This post was already published at %(at)s by %(by)s: it was not published again."
        ) % {
            "at": timezone.localtime(self.published_at).strftime("%Y-%m-%d %H:%M"),
            "by": (by.get_full_name() or by.username) if by else "",
        }

    def check_still_publishable(self):
        """Its reports still accepted and not found falsified since it was written."""
        chosen = self.activities.all()
        if chosen.exclude(chosen_activities(self.year, self.month)).exists():
            raise ValidationError(
                _(
                    "An activity of this post is no longer an accepted one (its report was "
                    "found falsified): edit the post before publishing it."
                ),
                code="not_allowed",
            )
        if not chosen.exists() and not self.unit_activities.exists():
            raise ValidationError(
                _("Choose at least one activity for the post."), code="no_activity"
            )


def chosen_activities(year, month):
    """C2: the communities' activities a post of `month` may draw from, as a filter on
    Activity: those of accepted reports of that month, none found falsified (M6)."""
    falsified = Finding.objects.active().filter(report=models.OuterRef("report"))
    return models.Q(
        report__plan__year=year,
        report__month=month,
        report__state=ReportState.ACCEPTED,
    ) & ~models.Q(models.Exists(falsified))


def owner_key(photo):
    """("a", activity id) for a report's photo, ("u", unit activity id) for a unit's."""
    if isinstance(photo, UnitActivityPhoto):
        return ("u", photo.activity_id)
    return ("a", photo.activity_id)


class PostPhoto(models.Model):
    """C2: a photo ticked for a post (a report's or a unit's), and its public copy while
    the post is published."""

    post = models.ForeignKey(
        Post, models.CASCADE, related_name="photos", verbose_name=_("column post")
    )
    # A photo of an accepted report, or of a unit's activity: evidence, never deleted
    # while a post shows it.
    activity_photo = models.ForeignKey(
        ActivityPhoto,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo"),
    )
    unit_photo = models.ForeignKey(
        UnitActivityPhoto,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit activity photo"),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    alt = models.CharField(_("description of the photo"), max_length=200)
    # Made from the display copy when the post is published; deleted when unpublished.
    public_copy = models.FileField(
        _("public copy"),
        storage=column_storage,
        upload_to=public_copy_path,
        max_length=200,
        blank=True,
    )
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)

    class Meta:
        ordering = ("position", "pk")
        verbose_name = _("post photo")
        verbose_name_plural = _("post photos")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(activity_photo__isnull=True) ^ models.Q(unit_photo__isnull=True),
                name="post_photo_of_a_report_or_a_unit",
            ),
            models.UniqueConstraint(
                fields=("post", "activity_photo"), name="post_photo_once_per_post"
            ),
            models.UniqueConstraint(
                fields=("post", "unit_photo"), name="post_unit_photo_once_per_post"
            ),
        ]

    def __str__(self):
        return self.alt

    @classmethod
    def of(cls, post, photo, position):
        """The row of `photo` (an ActivityPhoto or a UnitActivityPhoto) ticked for `post`;
        its description is its activity's photo caption."""
        field = "unit_photo" if isinstance(photo, UnitActivityPhoto) else "activity_photo"
        return cls(post=post, position=position, alt=photo.activity.caption, **{field: photo})

    @property
    def source(self):
        return self.activity_photo or self.unit_photo

    def make_public_copy(self):
        """C2: a new JPEG decoded from the display copy and encoded again, at most
        PUBLIC_COPY_LONG_EDGE px, without any metadata (no EXIF, no GPS, no comment)."""
        with self.source.display.open("rb") as handle, Image.open(handle) as image:
            image = image.convert("RGB")
            image.thumbnail((PUBLIC_COPY_LONG_EDGE, PUBLIC_COPY_LONG_EDGE))
            out = io.BytesIO()
            image.save(out, "JPEG", quality=PUBLIC_COPY_QUALITY, progressive=True, comment=b"")
        self.width, self.height = image.size
        self.public_copy.save("public.jpg", ContentFile(out.getvalue()), save=False)
