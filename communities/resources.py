"""Excel columns (in Chinese) for the communities and their teams, with django-import-export."""

from django.db.models import Count, Prefetch
from import_export import fields, resources

from communities.models import TeamMember
from core.spreadsheets import number


class CommunityResource(resources.Resource):
    name = fields.Field(attribute="name", column_name="社区")
    work_point = fields.Field(attribute="work_point__name", column_name="工作点")
    established_on = fields.Field(column_name="宣讲队伍成立日期")
    member_count = fields.Field(attribute="member_count", column_name="队伍人数", widget=number())
    contact = fields.Field(column_name="工作群联系人")
    phone = fields.Field(column_name="联系电话")

    @classmethod
    def rows(cls, queryset):
        return (
            queryset.select_related("work_point", "team")
            .annotate(member_count=Count("team__members"))
            .prefetch_related(
                Prefetch(
                    "team__members",
                    TeamMember.objects.filter(is_group_contact=True),
                    to_attr="contacts",
                )
            )
        )

    def dehydrate_established_on(self, community):
        team = getattr(community, "team", None)
        return team.established_on if team else None

    def _contact(self, community):
        team = getattr(community, "team", None)
        contacts = getattr(team, "contacts", []) if team else []
        return contacts[0] if contacts else None

    def dehydrate_contact(self, community):
        contact = self._contact(community)
        return contact.name if contact else ""

    def dehydrate_phone(self, community):
        contact = self._contact(community)
        return contact.phone if contact else ""
