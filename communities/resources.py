"""Excel columns (in Chinese) for the communities and their teams (core.spreadsheets.Column).

The name stays that of the django-import-export resource it replaced (the admin's
`export_resource_class`).
"""

from django.db.models import Count, OuterRef, Subquery

from communities.models import TeamMember
from core.spreadsheets import Column, ExportedList


def text(value):
    """A cell with nothing to say is empty: no team, no work-group contact."""
    return "" if value is None else value


class CommunityResource(ExportedList):
    @staticmethod
    def columns():
        return (
            Column("社区", "name"),
            Column("工作点", "work_point__name"),
            Column("宣讲队伍成立日期", "team__established_on"),
            Column("队伍人数", "member_count"),
            Column("工作群联系人", "contact_name", value=text),
            Column("联系电话", "contact_phone", value=text),
        )

    @staticmethod
    def rows(queryset):
        # The team's one work-group contact, if it has named one.
        contact = TeamMember.objects.filter(team=OuterRef("team"), is_group_contact=True)
        return queryset.annotate(
            member_count=Count("team__members"),
            contact_name=Subquery(contact.values("name")[:1]),
            contact_phone=Subquery(contact.values("phone")[:1]),
        )
