"""Importing the Attachment 2 sheets communities e-mailed before the portal.

django-import-export does the admin's upload, preview and confirmation; this
module teaches it the plan's form: every sheet of the workbook is one
community's month, with 社区（盖章） and 报送时间 in its header and one row
per activity. Each row is checked (community, time, month with a duty, form,
participants); a row in error is shown with its reason and, as the import
runs in a transaction, nothing is written until the whole file is valid and
the office confirms it.
"""

import io
import re
from datetime import datetime

import openpyxl
import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.formats.base_formats import XLSX

from communities.models import Community
from reporting.models import Activity, ActivityForm, MonthlyReport, Plan
from reporting.periods import LOCAL

COLUMNS = ("工作表", "社区", "报送时间", "序号", "时间", "地点", "开展形式", "参加人数", "图片说明")
WHEN = re.compile(
    r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?(?:\s*(\d{1,2})\s*[:：时]\s*(\d{1,2}))?"
)


def _after_label(text, label):
    text = str(text or "")
    return text.split(label, 1)[1].lstrip("：: ").strip() if label in text else None


def parse_when(value):
    """A time from a cell: a real datetime, or text like 2021年5月1日 10:00."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=LOCAL)
    match = WHEN.search(str(value or ""))
    if not match:
        return None
    year, month, day, hour, minute = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, tzinfo=LOCAL)
    except ValueError:
        return None


class Attachment2Workbook(XLSX):
    """The plan's form, one sheet per community and month, read into plain rows."""

    def get_title(self):
        return "附件2 报表 (xlsx)"

    def create_dataset(self, in_stream):
        book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        dataset = tablib.Dataset(headers=list(COLUMNS))
        for sheet in book.worksheets:
            community = submitted = None
            in_table = False
            for row in sheet.iter_rows(values_only=True):
                cells = [c for c in row if c not in (None, "")]
                if not cells:
                    continue
                first = str(cells[0]).strip()
                if not in_table:
                    for cell in cells:
                        community = _after_label(cell, "社区（盖章）") or community
                        submitted = _after_label(cell, "报送时间") or submitted
                    in_table = first == "序号"
                    continue
                if first.startswith("备注"):
                    break
                values = list(row[:6]) + [None] * (6 - len(row[:6]))
                dataset.append([sheet.title, community, submitted, *values])
        return dataset


class Attachment2Resource(resources.ModelResource):
    """Each row an activity; the preview shows it as the office will see it."""

    # Named apart from the model's fields, which would otherwise replace them.
    report_cell = fields.Field("report_id", "报表编号", widgets.IntegerWidget())
    community_cell = fields.Field("report", "社区及月份", readonly=True)
    position_cell = fields.Field("position", "序号", widgets.IntegerWidget())
    held_at_cell = fields.Field("held_at", "时间", widgets.DateTimeWidget("%Y-%m-%d %H:%M"))
    place_cell = fields.Field("place", "地点")
    form_cell = fields.Field("form", "开展形式")
    form_other_cell = fields.Field("form_other", "其他形式")
    participants_cell = fields.Field("participants", "参加人数", widgets.IntegerWidget())
    caption_cell = fields.Field("caption", "图片说明")

    class Meta:
        model = Activity
        fields = (
            "community_cell",
            "report_cell",
            "position_cell",
            "held_at_cell",
            "place_cell",
            "form_cell",
            "form_other_cell",
            "participants_cell",
            "caption_cell",
        )
        use_transactions = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.reports = {}  # report id → (its 报送时间, the sheet it came from)

    def get_instance(self, instance_loader, row):
        return None  # every row is a new activity

    def before_import_row(self, row, **kwargs):
        """Check the row as the office would, and turn it into an activity's fields."""
        errors = []
        community = Community.objects.filter(name=str(row["社区"] or "").strip()).first()
        if community is None:
            errors.append(
                _("unknown community “%(name)s” (社区（盖章） in the header)")
                % {"name": row["社区"] or ""}
            )
        submitted = parse_when(row["报送时间"])
        if submitted is None:
            errors.append(_("报送时间 in the header is missing or not a date"))
        held_at = parse_when(row["时间"])
        if held_at is None:
            errors.append(_("时间 “%(value)s” is not a date") % {"value": row["时间"] or ""})
        try:
            participants = int(str(row["参加人数"]).strip())
            if participants < 1:
                raise ValueError
        except ValueError:
            errors.append(
                _("参加人数 “%(value)s” is not a number of people")
                % {"value": row["参加人数"] or ""}
            )
        for column in ("地点", "图片说明", "开展形式"):
            if not str(row[column] or "").strip():
                errors.append(_("%(column)s is empty") % {"column": column})
        plan = held_at and Plan.objects.filter(year=held_at.year).first()
        if held_at and (plan is None or not plan.carries_duty(held_at.month)):
            errors.append(
                _("no report is due for %(year)d-%(month)02d")
                % {"year": held_at.year, "month": held_at.month}
            )
        if errors:
            raise ValidationError("；".join(errors))
        report, _created = MonthlyReport.objects.get_or_create(
            community=community, plan=plan, month=held_at.month
        )
        if report.first_submitted_at is not None and report.pk not in self.reports:
            raise ValidationError(
                _("%(report)s was already submitted in the portal; it is not replaced")
                % {"report": report}
            )
        self.reports[report.pk] = (submitted, row["工作表"])
        form = str(row["开展形式"]).strip()
        known = form in ActivityForm.values
        row.update(
            {
                "报表编号": report.pk,
                "序号": int(row["序号"]) if str(row["序号"] or "").isdigit() else 0,
                "时间": held_at.strftime("%Y-%m-%d %H:%M"),
                "地点": str(row["地点"]).strip()[:100],
                "开展形式": form if known else ActivityForm.OTHER,
                "其他形式": "" if known else form[:50],
                "参加人数": participants,
                "图片说明": str(row["图片说明"]).strip()[:200],
            }
        )

    def after_import(self, dataset, result, **kwargs):
        """Each imported report becomes submitted at its 报送时间 (M3), in the same transaction."""
        if result.has_errors() or result.has_validation_errors():
            return
        user = kwargs.get("user")
        for report in MonthlyReport.objects.filter(pk__in=self.reports):
            submitted, sheet = self.reports[report.pk]
            report.record_imported(user, submitted, source=f"Excel「{sheet}」")
