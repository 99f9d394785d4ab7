"""R1: the channels the office configures, and the log that sends each reminder once.

The portal's own banner is always on and needs no row here: it is drawn from the
reports and supervisions as they are (reminders/templatetags/reminders.py). E-mail is
one switch; each WeCom group (企业微信群) has its robot's webhook and the work points
or communities it covers. Every reminder sent, or tried and failed, is a `Reminder`:
one per target, month, kind, occasion and channel (and WeCom group), so nothing goes
twice, and a failure stays pending, with its error, until a later run delivers it.
"""

from datetime import timedelta

from django.core.validators import URLValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import Community, WorkPoint
from reporting.models import Plan


class Kind(models.TextChoices):
    REPORT = "report", _("Monthly report")
    SUPERVISION = "supervision", _("Supervision and work meeting")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal banner")
    EMAIL = "email", _("E-mail")
    WECOM = "wecom", _("WeCom group robot")


class EmailChannel(models.Model):
    """E-mail reminders, on or off: to the e-mail addresses of the target's accounts
    (a community's staff, a work point's head). One row, made by the migration."""

    enabled = models.BooleanField(_("send reminders by e-mail"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("e-mail reminders")
        verbose_name_plural = _("e-mail reminders")

    def __str__(self):
        return str(_("E-mail reminders"))

    @classmethod
    def is_on(cls):
        return cls.objects.filter(enabled=True).exists()


class WeComGroupQuerySet(models.QuerySet):
    def enabled(self):
        return self.filter(enabled=True)


class WeComGroup(models.Model):
    """A WeCom (企业微信) group whose robot posts the reminders of the targets it covers:
    the communities of its work points and those points themselves, and the communities
    named one by one."""

    name = models.CharField(_("group name"), max_length=100, unique=True)
    # The robot's address holds its key: whoever has it can post to the group. It is
    # kept out of the change history and shown shortened in the list.
    webhook_url = models.URLField(
        _("robot webhook URL"),
        max_length=500,
        validators=[URLValidator(schemes=["https"])],
        help_text=_(
            "The group robot's address, from the group's settings: "
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
        ),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    work_points = models.ManyToManyField(
        WorkPoint,
        blank=True,
        related_name="+",
        verbose_name=_("work points covered"),
        help_text=_("The points themselves (supervision) and all their communities (reports)."),
    )
    communities = models.ManyToManyField(
        Community, blank=True, related_name="+", verbose_name=_("communities covered")
    )

    objects = WeComGroupQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["webhook_url"], m2m_fields=[work_points, communities]
    )

    class Meta:
        ordering = ("name",)
        verbose_name = _("WeCom group")
        verbose_name_plural = _("WeCom groups")

    def __str__(self):
        return self.name

    @property
    def webhook_shown(self):
        """The address without most of its key, for lists."""
        base, sep, key = self.webhook_url.partition("key=")
        return f"{base}{sep}{key[:4]}…" if sep else base

    def covers(self, target):
        """Whether reminders for `target` (a Community or a WorkPoint) go to this group.
        Reads the prefetched coverage: no query per target."""
        points = {point.pk for point in self.work_points.all()}
        if isinstance(target, WorkPoint):
            return target.pk in points
        return target.work_point_id in points or any(
            community.pk == target.pk for community in self.communities.all()
        )


class ReminderQuerySet(models.QuerySet):
    def sent(self):
        return self.filter(sent_at__isnull=False)

    def pending(self):
        return self.filter(sent_at__isnull=True)

    def failed(self):
        """Tried and not delivered: retried by the next run while the reminder is due."""
        return self.pending().exclude(last_error="")


class Reminder(models.Model):
    """One reminder to one target through one channel: sent once, or pending with its error.

    The target is the community (kind report) or the work point (kind supervision).
    """

    # A run that died after claiming a reminder leaves it claimed; after this long
    # another run may try it again.
    CLAIM_EXPIRES = timedelta(minutes=10)

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    community = models.ForeignKey(
        Community,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
    )
    work_point = models.ForeignKey(
        WorkPoint,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("work point"),
    )
    plan = models.ForeignKey(Plan, models.CASCADE, related_name="+", verbose_name=_("plan"))
    month = models.PositiveSmallIntegerField(_("month"))
    deadline = models.DateField(_("deadline"))
    # R1's occasion: 3 days before the deadline, 0 on the deadline day (the settings').
    days_before = models.PositiveSmallIntegerField(_("days before the deadline"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    wecom_group = models.ForeignKey(
        WeComGroup,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("WeCom group"),
    )
    recipients = models.TextField(_("sent to"), blank=True)
    created_at = models.DateTimeField(_("due since"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            # Each reminder once. NULL never equals NULL in a unique index, so the
            # side a row does not use (the other target, the group) counts as 0.
            models.UniqueConstraint(
                Coalesce("community", models.Value(0)),
                Coalesce("work_point", models.Value(0)),
                models.F("plan"),
                models.F("month"),
                models.F("kind"),
                models.F("days_before"),
                models.F("channel"),
                Coalesce("wecom_group", models.Value(0)),
                name="each_reminder_once",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind=Kind.REPORT, community__isnull=False, work_point__isnull=True)
                    | models.Q(
                        kind=Kind.SUPERVISION, community__isnull=True, work_point__isnull=False
                    )
                ),
                name="reminder_target_of_its_kind",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(channel=Channel.WECOM, wecom_group__isnull=False)
                    | (~models.Q(channel=Channel.WECOM) & models.Q(wecom_group__isnull=True))
                ),
                name="reminder_group_for_wecom_only",
            ),
        ]

    def __str__(self):
        return f"{self.target} {self.month_label} {self.get_channel_display()}"

    @property
    def target(self):
        return self.community if self.kind == Kind.REPORT else self.work_point

    @property
    def month_label(self):
        return f"{self.plan.year}-{self.month:02d}"

    @property
    def is_sent(self):
        return self.sent_at is not None

    @property
    def has_failed(self):
        return not self.is_sent and bool(self.last_error)

    def claim(self, now):
        """Take this reminder for one run (a conditional update: two runs at once never
        both send it); False if it was sent or another run holds it."""
        taken = (
            Reminder.objects.filter(pk=self.pk, sent_at__isnull=True)
            .filter(
                models.Q(claimed_at__isnull=True)
                | models.Q(claimed_at__lt=now - self.CLAIM_EXPIRES)
            )
            .update(claimed_at=now, attempts=models.F("attempts") + 1)
        )
        return taken == 1

    def mark_sent(self, now, recipients=""):
        self.sent_at, self.recipients, self.last_error, self.claimed_at = now, recipients, "", None
        self.save(update_fields=["sent_at", "recipients", "last_error", "claimed_at"])

    def mark_failed(self, error, recipients=""):
        """Still pending: the next run tries again while the reminder is due."""
        self.last_error, self.recipients, self.claimed_at = error, recipients, None
        self.save(update_fields=["last_error", "recipients", "claimed_at"])
