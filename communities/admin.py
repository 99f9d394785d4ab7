from django.contrib import admin

from communities.models import Assignment, Community, PropagandaTeam, TeamMember, WorkPoint


@admin.register(WorkPoint)
class WorkPointAdmin(admin.ModelAdmin):
    list_display = ("name", "leader_name", "position")


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("name", "work_point", "position")
    list_filter = ("work_point",)
    list_select_related = ("work_point",)
    search_fields = ("name",)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "community", "work_point")
    list_select_related = ("user", "community", "work_point")
    autocomplete_fields = ("community",)


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0


@admin.register(PropagandaTeam)
class PropagandaTeamAdmin(admin.ModelAdmin):
    list_display = ("community", "established_on")
    list_select_related = ("community",)
    inlines = (TeamMemberInline,)
