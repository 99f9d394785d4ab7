"""Excel columns (in Chinese) for the office's exports, with django-import-export."""

from django.db.models import Count
from import_export import fields, resources

from core.spreadsheets import number
from reporting import periods
from reporting.models import ActivityForm


def local(value):
    """Excel keeps no time zone: the local time as a person reads it."""
    return periods.local(value).replace(tzinfo=None) if value else None


class MonthlyReportResource(resources.Resource):
    community = fields.Field(attribute="community__name", column_name="社区")
    work_point = fields.Field(attribute="community__work_point__name", column_name="工作点")
    year = fields.Field(attribute="plan__year", column_name="年度", widget=number())
    month = fields.Field(attribute="month", column_name="月份", widget=number())
    state = fields.Field(column_name="状态")
    first_submitted_at = fields.Field(column_name="首次报送时间")
    timeliness = fields.Field(column_name="是否按时")
    falsified = fields.Field(column_name="弄虚作假")
    submitted_by = fields.Field(column_name="报送人")
    activity_count = fields.Field(attribute="activity_count", column_name="活动数", widget=number())
    return_reason = fields.Field(attribute="return_reason", column_name="退回原因")

    @classmethod
    def rows(cls, queryset):
        return (
            queryset.select_related("community__work_point", "plan", "submitted_by")
            .with_falsified()
            .annotate(activity_count=Count("activities"))
            .order_by("plan__year", "month", "community")
        )

    def dehydrate_state(self, report):
        return report.get_state_display()

    def dehydrate_first_submitted_at(self, report):
        return local(report.first_submitted_at)

    def dehydrate_timeliness(self, report):
        return {True: "按时", False: "逾期", None: "未报送"}[report.is_on_time]

    def dehydrate_falsified(self, report):
        """M6: an active finding; a withdrawn one leaves the cell empty."""
        return "是" if report.is_falsified else ""

    def dehydrate_submitted_by(self, report):
        user = report.submitted_by
        return (user.get_full_name() or user.get_username()) if user else ""


class ActivityResource(resources.Resource):
    community = fields.Field(attribute="report__community__name", column_name="社区")
    year = fields.Field(attribute="report__plan__year", column_name="年度", widget=number())
    month = fields.Field(attribute="report__month", column_name="月份", widget=number())
    position = fields.Field(attribute="position", column_name="序号", widget=number())
    held_at = fields.Field(column_name="时间")
    place = fields.Field(attribute="place", column_name="地点")
    form = fields.Field(column_name="开展形式")
    participants = fields.Field(attribute="participants", column_name="参加人数", widget=number())
    caption = fields.Field(attribute="caption", column_name="图片说明")
    photo_count = fields.Field(attribute="photo_count", column_name="照片数", widget=number())

    @classmethod
    def rows(cls, queryset):
        return (
            queryset.select_related("report__community", "report__plan")
            .annotate(photo_count=Count("photos"))
            .order_by("report__plan__year", "report__month", "report__community", "position", "pk")
        )

    def dehydrate_held_at(self, activity):
        return local(activity.held_at)

    def dehydrate_form(self, activity):
        if activity.form == ActivityForm.OTHER:
            return activity.form_other
        # One translation per form, not one per row (100,000 rows add up).
        if not hasattr(self, "_form_labels"):
            self._form_labels = {value: str(label) for value, label in ActivityForm.choices}
        return self._form_labels.get(activity.form, activity.form)
