from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from communities.forms import AssignmentForm
from communities.models import (
    AccessEvent,
    Assignment,
    Community,
    PropagandaTeam,
    TeamMember,
    Unit,
    WorkPoint,
)
from communities.resources import CommunityResource
from core.admin import AuditedAdmin, ExcelExportMixin, ReadOnlyAdmin, yes_no_icon


@admin.register(WorkPoint)
class WorkPointAdmin(AuditedAdmin):
    list_display = ("name", "leader_name", "position")


@admin.register(Community)
class CommunityAdmin(ExcelExportMixin, AuditedAdmin):
    list_display = ("name", "work_point", "position")
    list_filter = ("work_point",)
    list_select_related = ("work_point",)
    search_fields = ("name",)
    change_list_template = "admin/communities/community/change_list.html"
    export_resource_class = CommunityResource
    export_title = "社区与宣讲队伍"


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    """U1: the units the plan gives a duty (section 四), with the duty in the plan's words
    and the count it names. The office adds and changes them (its permissions); it never
    deletes one: a unit's activities are evidence."""

    list_display = ("name", "measure", "short_duty", "position")
    list_filter = ("measure",)
    search_fields = ("name", "duty")
    fields = ("name", "duty", "measure", "position")

    @admin.display(description=_("duty in the plan"))
    def short_duty(self, unit):
        return Truncator(unit.duty).chars(30)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "community", "work_point", "unit")
    list_select_related = ("user", "community", "work_point", "unit")
    autocomplete_fields = ("community",)
    form = AssignmentForm

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.editor = request.user
        return form


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0


@admin.register(PropagandaTeam)
class PropagandaTeamAdmin(AuditedAdmin):
    list_display = ("community", "established_on")
    list_select_related = ("community",)
    # Found by typing its name: a list of every community was a 0.9 MB page in a province.
    autocomplete_fields = ("community",)
    inlines = (TeamMemberInline,)


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockAdmin(AccessAttemptAdmin):
    """登录失败与锁定: whose account, from where, how many failures; deleting a row
    unlocks it (the security log keeps who did). What a phone can read, in Chinese."""

    list_display = ("username", "ip_address", "failures_since_start", "state", "attempt_time")
    list_display_links = ("username",)
    list_filter = ()
    actions = None  # no check boxes: a row is unlocked from its own page
    date_hierarchy = None

    @admin.display(description=_("state"))
    def state(self, attempt):
        left = settings.AXES_FAILURE_LIMIT - attempt.failures_since_start
        if left <= 0:
            return _("Locked")
        return _("%(n)d tries left") % {"n": left}


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    """The security log: read only, never deleted from here."""

    list_display = ("at", "kind", "username", "target", "detail", "address", "succeeded")
    list_filter = ("kind",)
    search_fields = ("username", "target", "address", "detail")
    readonly_fields = (
        "at",
        "kind",
        "user",
        "username",
        "target",
        "detail",
        "address",
        "user_agent",
    )

    @admin.display(description=_("succeeded"))
    def succeeded(self, event):
        return yes_no_icon(event.succeeded)


from communities import admin_users  # noqa: E402, F401 (the accounts' admin, least privilege)
