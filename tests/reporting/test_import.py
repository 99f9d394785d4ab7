"""Excel in: the Attachment 2 sheets e-mailed before the portal, previewed, then confirmed."""

import io
import re
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from reporting.models import Activity, MonthlyReport
from reporting.periods import LOCAL

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:reporting_monthlyreport_import")


def old_sheet(book, community, submitted, rows, title=None):
    """An Attachment 2 as communities filled it in Excel before the portal."""
    sheet = book.create_sheet(title or community)
    sheet.append(["反诈骗活动开展情况报表"])
    sheet.append([f"社区（盖章）：{community}", None, None, None, f"报送时间：{submitted}"])
    sheet.append(["序号", "时间", "地点", "开展形式", "参加人数", "图片说明"])
    for row in rows:
        sheet.append(row)
    sheet.append(["备注：请各社区于每月1日前将上月开展防诈骗活动情况……报送至街道综治办。"])


def upload(client, book):
    out = io.BytesIO()
    book.remove(book["Sheet"])
    book.save(out)
    data = {"format": "0", "import_file": SimpleUploadedFile("old.xlsx", out.getvalue())}
    return client.post(IMPORT, data)


def confirm(client, preview):
    page = preview.content.decode()
    fields = dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', page))
    keep = ("import_file_name", "original_file_name", "format", "resource")
    data = {k: v for k, v in fields.items() if k in keep}
    data["csrfmiddlewaretoken"] = fields.get("csrfmiddlewaretoken", "")
    return client.post(reverse("admin:reporting_monthlyreport_process_import"), data, follow=True)


GOOD_ROWS = [
    [1, datetime(2021, 4, 8, 9, 0), "社区文化广场", "集中宣讲", 45, "宣讲现场"],
    [2, "2021年4月20日 15:00", "辖区企业食堂", "送教上门", "60", "企业员工听讲"],
]


def test_a_valid_sheet_creates_the_report_with_its_submission_time(office, plan, places):
    book = Workbook()
    old_sheet(book, "甲社区", "2021年5月1日 16:30", GOOD_ROWS)
    old_sheet(
        book, "乙社区", "2021年5月3日", [[1, "2021-04-15 10:00", "广场", "自创形式", 20, "说明"]]
    )
    preview = upload(office, book)
    assert preview.status_code == 200
    assert "甲社区" in preview.content.decode()
    assert MonthlyReport.objects.count() == 0  # the preview writes nothing
    confirm(office, preview)
    a = MonthlyReport.objects.get(community=places["a"])
    assert a.state == "submitted"
    assert a.first_submitted_at == datetime(2021, 5, 1, 16, 30, tzinfo=LOCAL)
    assert a.is_on_time is True
    assert list(a.activities.values_list("place", "participants")) == [
        ("社区文化广场", 45),
        ("辖区企业食堂", 60),
    ]
    assert a.events.last().action == "imported"
    b = MonthlyReport.objects.get(community=places["b"])
    assert b.is_on_time is False
    assert b.activities.get().form_label == "自创形式"


@pytest.mark.parametrize(
    ("case", "rows", "community", "submitted", "message"),
    [
        ("unknown community", GOOD_ROWS, "不存在社区", "2021年5月1日", "社区“不存在社区”不存在"),
        ("no submission time", GOOD_ROWS, "甲社区", "", "报送时间"),
        (
            "bad participants",
            [[1, "2021-04-08 09:00", "广场", "集中宣讲", "很多", "说明"]],
            "甲社区",
            "2021年5月1日",
            "参加人数",
        ),
        (
            "month without duty",
            [[1, "2021-02-08 09:00", "广场", "集中宣讲", 10, "说明"]],
            "甲社区",
            "2021年3月1日",
            "2021-02",
        ),
        (
            "bad time",
            [[1, "昨天", "广场", "集中宣讲", 10, "说明"]],
            "甲社区",
            "2021年5月1日",
            "时间",
        ),
    ],
)
def test_a_bad_row_writes_nothing_and_is_named(
    office,
    plan,
    places,
    case,
    rows,
    community,
    submitted,
    message,
):
    book = Workbook()
    old_sheet(book, "甲社区", "2021年5月1日", GOOD_ROWS, title="good")
    old_sheet(book, community, submitted, rows, title="bad")
    preview = upload(office, book)
    page = preview.content.decode()
    assert message in page, case
    assert "process_import" not in page or "confirm" not in page.lower()
    assert MonthlyReport.objects.count() == 0
    assert Activity.objects.count() == 0


def test_a_report_already_filed_in_the_portal_is_not_replaced(office, people, plan, places):
    from tests.conftest import add_activity

    report = MonthlyReport.start(places["a"].pk, plan, 4, by=people["alice"])
    add_activity(report, people["alice"])
    report.submit(people["alice"], truth_confirmed=True)
    book = Workbook()
    old_sheet(book, "甲社区", "2021年5月1日", GOOD_ROWS)
    page = upload(office, book).content.decode()
    assert "已在平台报送，不会被覆盖" in page
    assert report.activities.count() == 1
