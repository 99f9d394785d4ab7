"""The office's side of the reminders (R1): the channels it switches on, and every
reminder sent or still pending, failures first to be seen."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import AuditedAdmin, ReadOnlyAdmin, yes_no_icon
from reminders.models import EmailChannel, Reminder, WeComGroup


@admin.register(EmailChannel)
class EmailChannelAdmin(AuditedAdmin):
    """One switch, made by the migration: never a second row, never deleted."""

    list_display = ("__str__", "is_enabled")

    @admin.display(description=EmailChannel._meta.get_field("enabled").verbose_name)
    def is_enabled(self, channel):
        return yes_no_icon(channel.enabled)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not EmailChannel.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WeComGroup)
class WeComGroupAdmin(AuditedAdmin):
    list_display = ("name", "is_enabled", "webhook_shown", "covered")
    list_filter = ("enabled",)
    search_fields = ("name",)
    filter_horizontal = ("work_points", "communities")
    # A robot's address is https (the model refuses others); typed without a scheme,
    # it is read as one (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("work_points", "communities")

    @admin.display(description=WeComGroup._meta.get_field("enabled").verbose_name)
    def is_enabled(self, group):
        return yes_no_icon(group.enabled)

    @admin.display(description=gettext_lazy("robot webhook URL"))
    def webhook_shown(self, group):
        return group.webhook_shown

    @admin.display(description=gettext_lazy("covers"))
    def covered(self, group):
        return "、".join(
            [point.name for point in group.work_points.all()]
            + [community.name for community in group.communities.all()]
        )


class StatusFilter(admin.SimpleListFilter):
    """发送失败: tried and not delivered (retried by the next run while still due)."""

    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return (
            ("failed", _("Failed")),
            ("pending", _("Not sent yet")),
            ("sent", _("Sent")),
        )

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.failed()
        if self.value() == "pending":
            return queryset.pending()
        if self.value() == "sent":
            return queryset.sent()
        return queryset


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    """Written by `manage.py send_reminders` only: read here."""

    list_display = (
        "target",
        "kind",
        "month_shown",
        "deadline",
        "days_before",
        "channel",
        "wecom_group",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    )
    list_filter = (StatusFilter, "kind", "channel", "plan", "wecom_group")
    list_select_related = ("community", "work_point", "plan", "wecom_group")
    search_fields = ("community__name", "work_point__name", "last_error")
    date_hierarchy = "created_at"

    @admin.display(description=gettext_lazy("reminded"))
    def target(self, reminder):
        return reminder.target

    @admin.display(description=gettext_lazy("month"), ordering="month")
    def month_shown(self, reminder):
        return reminder.month_label

    @admin.display(description=gettext_lazy("status"))
    def status(self, reminder):
        if reminder.is_sent:
            return _("Sent")
        return _("Failed") if reminder.has_failed else _("Not sent yet")
