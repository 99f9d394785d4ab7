from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    """The portal's kinds of user; each is a Django group of the same name."""

    COMMUNITY_STAFF = "社区工作人员", _("Community staff")
    WORK_POINT_HEAD = "工作点点长", _("Work-point head")
    UNIT_STAFF = "单位工作人员", _("Unit staff")
    OFFICE = "综治办", _("Governance office")
    LEADERSHIP = "领导小组", _("Leadership")


class WorkPoint(models.Model):
    """工作点: one of the six points of Attachment 1, each led by a 点长."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    leader_name = models.CharField(_("head"), max_length=50, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ("position", "name")
        verbose_name = _("work point")
        verbose_name_plural = _("work points")

    def __str__(self):
        return self.name


class Community(models.Model):
    """社区: files the monthly report and keeps a propaganda team."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    work_point = models.ForeignKey(
        WorkPoint, models.PROTECT, related_name="communities", verbose_name=_("work point")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ("work_point__position", "position", "name")
        verbose_name = _("community")
        verbose_name_plural = _("communities")

    def __str__(self):
        return self.name


class Measure(models.TextChoices):
    """U1: the count a unit's duty names in the plan, recorded beside each activity."""

    NONE = "", _("None")
    # 教育办: each school, each term, educates staff and pupils at least once.
    SCHOOLS = "schools", _("Schools reached")
    # 电信、移动、联通: warning SMS to every phone in the sub-district; an activity with a
    # count is one batch, the count its recipients.
    SMS = "sms", _("SMS recipients")
    # 派出所: anti-fraud responsibility letters signed with landlords.
    LANDLORDS = "landlords", _("Landlord agreements signed")
    # 城管办: property companies brought into the propaganda team.
    PROPERTY = "property", _("Property companies joined")


class Unit(models.Model):
    """单位: an office, station or company the plan (section 四) gives an anti-fraud duty.

    Its staff record the unit's activities (duties.UnitActivity), monthly, not scored.
    The plan's units are made by a migration, each with its duty in the plan's words.
    """

    name = models.CharField(_("name"), max_length=50, unique=True)
    duty = models.TextField(_("duty in the plan"))
    measure = models.CharField(
        _("count recorded"), max_length=20, choices=Measure.choices, blank=True
    )
    # 派出所: its staff enter each month's fraud cases and losses per community (警情).
    reports_cases = models.BooleanField(_("reports fraud cases"), default=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ("position", "name")
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.name


TWO_PLACES = _("A user works for one community, work point or unit, not more.")


class Assignment(models.Model):
    """Binds a user to the one community, work point or unit they work for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="assignment", verbose_name=_("user")
    )
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("community"),
    )
    work_point = models.ForeignKey(
        WorkPoint,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="heads",
        verbose_name=_("work point"),
    )
    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("unit"),
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(community__isnull=True, work_point__isnull=True)
                    | models.Q(community__isnull=True, unit__isnull=True)
                    | models.Q(work_point__isnull=True, unit__isnull=True)
                ),
                name="assignment_one_place",
                violation_error_message=TWO_PLACES,
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.place}"

    @property
    def place(self):
        return self.community or self.work_point or self.unit

    def clean(self):
        if sum(bool(i) for i in (self.community_id, self.work_point_id, self.unit_id)) > 1:
            raise ValidationError(TWO_PLACES, code="two_places")


class PropagandaTeam(models.Model):
    """宣讲队伍: the community's team, built with the police station's officers."""

    community = models.OneToOneField(
        Community, models.CASCADE, related_name="team", verbose_name=_("community")
    )
    established_on = models.DateField(_("date established"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("propaganda team")
        verbose_name_plural = _("propaganda teams")

    def __str__(self):
        return str(self.community)


class MemberRole(models.TextChoices):
    COMMITTEE = "社区两委", _("Community committees")
    GRID_WORKER = "网格员", _("Grid worker")
    POLICE = "民警", _("Police officer")
    VOLUNTEER = "志愿者", _("Volunteer")
    OTHER = "其他", _("Other")


class TeamMember(models.Model):
    team = models.ForeignKey(
        PropagandaTeam, models.CASCADE, related_name="members", verbose_name=_("team")
    )
    name = models.CharField(_("full name"), max_length=50)
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The one person who joins the work group 罗山反诈骗宣传工作群.
    is_group_contact = models.BooleanField(_("work-group contact"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ("-is_group_contact", "pk")
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(
                fields=("team",),
                condition=models.Q(is_group_contact=True),
                name="one_group_contact_per_team",
                violation_error_message=_("A team names only one work-group contact."),
            )
        ]

    def __str__(self):
        return self.name


class AccessEvent(models.Model):
    """The security log (等保 2.0 安全审计): logins, lockouts, passwords, rights and
    exports of personal data; who, when, from where.

    `user` and `username` are who acted (or tried to log in); `target` the account
    acted on, when it is another's; `detail` what was done, in a short sentence.
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGOUT = "logout", _("Logged out")
        FAILED = "failed", _("Failed login")
        LOCKED = "locked", _("Account locked")
        UNLOCKED = "unlocked", _("Account unlocked")
        PASSWORD_CHANGED = "password", _("Changed own password")
        PASSWORD_SET = "pw_set", _("Set another's password")
        RIGHTS = "rights", _("Roles or permissions changed")
        EXPORTED = "export", _("Personal data exported")
        SECOND_FACTOR = "2fa", _("Second factor passed")
        SECOND_FACTOR_FAILED = "2fa_failed", _("Wrong second-factor code")

    kind = models.CharField(_("event"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user name given"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    target = models.CharField(_("account concerned"), max_length=150, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ("-at", "-pk")
        verbose_name = _("security log record")
        verbose_name_plural = _("security log")

    def __str__(self):
        at = timezone.localtime(self.at)
        return f"{at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"

    @property
    def succeeded(self):
        return self.kind not in (self.Kind.FAILED, self.Kind.LOCKED)


class PasswordRecord(models.Model):
    """A password a user had: its hash only, and when it was set (等保 2.0 身份鉴别).

    The newest record is the password in use: its age decides when a change is due,
    and `temporary` marks one someone else set, to be changed at the next login.
    The last few keep a user from going back to an old password (passwords.py).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="password_records",
        verbose_name=_("user"),
    )
    password = models.CharField(_("password hash"), max_length=128)
    changed_at = models.DateTimeField(_("set at"), default=timezone.now)
    temporary = models.BooleanField(_("to be changed at next login"), default=False)

    class Meta:
        ordering = ("-changed_at", "-pk")
        get_latest_by = ("changed_at", "pk")
        verbose_name = _("password record")
        verbose_name_plural = _("password records")

    def __str__(self):
        return f"{self.user} {timezone.localtime(self.changed_at):%Y-%m-%d %H:%M}"
