"""Excel columns (in Chinese) for the office's lists of reports and activities.

Each list declares its columns (core.spreadsheets.Column): the header, the values
it reads from the database and how they become the cell. The names stay those of
the django-import-export resources they replaced (the admin's
`export_resource_class`).
"""

from django.db.models import Count

from core.spreadsheets import Column, ExportedList
from reporting import periods
from reporting.models import ActivityForm, ReportState


def local(value):
    """Excel keeps no time zone: the local time as a person reads it."""
    return periods.local(value).replace(tzinfo=None) if value else None


def labels(choices):
    """Each choice's label, translated once for an export (100,000 rows add up)."""
    return {value: str(label) for value, label in choices.choices}


def timeliness(first_submitted_at, year, month, deadline_day):
    """是否按时 (M2, M3), as MonthlyReport.is_on_time says it."""
    late_from = periods.late_from(year, month, deadline_day)
    return {True: "按时", False: "逾期", None: "未报送"}[
        periods.is_on_time(first_submitted_at, late_from)
    ]


def falsified(found):
    """M6: an active finding; a withdrawn one leaves the cell empty."""
    return "是" if found else ""


def person(username, first_name, last_name):
    """报送人: the full name (as User.get_full_name makes it), else the username."""
    if username is None:
        return ""
    return f"{first_name} {last_name}".strip() or username


class MonthlyReportResource(ExportedList):
    @staticmethod
    def columns():
        states = labels(ReportState)
        return (
            Column("社区", "community__name"),
            Column("工作点", "community__work_point__name"),
            Column("年度", "plan__year"),
            Column("月份", "month"),
            Column("状态", "state", value=lambda state: states.get(state, state)),
            Column("首次报送时间", "first_submitted_at", value=local),
            Column(
                "是否按时",
                *("first_submitted_at", "plan__year", "month", "plan__deadline_day"),
                value=timeliness,
            ),
            Column("弄虚作假", "is_falsified", value=falsified),
            Column(
                "报送人",
                *("submitted_by__username", "submitted_by__first_name", "submitted_by__last_name"),
                value=person,
            ),
            Column("活动数", "activity_count"),
            Column("退回原因", "return_reason"),
        )

    @staticmethod
    def rows(queryset):
        return (
            queryset.with_falsified()
            .annotate(activity_count=Count("activities"))
            .order_by("plan__year", "month", "community")
        )


class ActivityResource(ExportedList):
    @staticmethod
    def columns():
        forms = labels(ActivityForm)

        def form(value, other):
            """开展形式 as Activity.form_label says it."""
            return other if value == ActivityForm.OTHER else forms.get(value, value)

        return (
            Column("社区", "report__community__name"),
            Column("年度", "report__plan__year"),
            Column("月份", "report__month"),
            Column("序号", "position"),
            Column("时间", "held_at", value=local),
            Column("地点", "place"),
            Column("开展形式", "form", "form_other", value=form),
            Column("参加人数", "participants"),
            Column("图片说明", "caption"),
            Column("照片数", "photo_count"),
        )

    @staticmethod
    def rows(queryset):
        return queryset.annotate(photo_count=Count("photos")).order_by(
            "report__plan__year", "report__month", "report__community", "position", "pk"
        )
