"""How the Attachment 2 workbook (reporting/attachment2.py) lays out and prints.

Each test writes the workbook as the desk and `export_month` do, opens the file
with openpyxl and reads what Excel would print.
"""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from core.spreadsheets import LINE_PT
from reporting import attachment2
from reporting.models import MonthlyReport
from reporting.sheets import read_workbook
from tests.conftest import add_activity

pytestmark = pytest.mark.django_db


def sheets(*reports):
    """The saved workbook's sheets for `reports`, in that order."""
    out = io.BytesIO()
    chosen = MonthlyReport.objects.filter(pk__in=[r.pk for r in reports])
    ordered = sorted(
        attachment2.with_photos(chosen), key=lambda r: [x.pk for x in reports].index(r.pk)
    )
    attachment2.workbook(ordered, out)
    out.seek(0)
    return load_workbook(out).worksheets


def report_with(plan, community, by, *, photos=1, month=4, caption=None):
    report = MonthlyReport.start(community.pk, plan, month, by=by)
    activity = add_activity(report, by, photos=photos)
    if caption is not None:
        activity.caption = caption
        activity.save()
    return report


def anchors(sheet):
    """(row, column) of each image's top-left cell, 1-based."""
    return [(i.anchor._from.row + 1, i.anchor._from.col + 1) for i in sheet._images]


def test_nine_photos_wrap_three_to_a_row_and_keep_the_form_width(plan, places, people):
    one = report_with(plan, places["a"], people["alice"], photos=1)
    nine = report_with(plan, places["b"], people["bob"], photos=9)
    one_sheet, nine_sheet = sheets(one, nine)
    placed = anchors(nine_sheet)
    assert len(placed) == 9
    assert {column for _, column in placed} == {7, 8, 9}  # G, H, I: three thumbnails wide
    assert sorted({row for row, _ in placed}) == [4, 5, 6]  # three rows, three each
    assert nine_sheet.max_column == one_sheet.max_column == 9
    assert anchors(one_sheet) == [(4, 7)]
    # The activity's text stands once, merged down beside its three rows of photos.
    assert "A4:A6" in {str(r) for r in nine_sheet.merged_cells.ranges}
    assert "F4:F6" in {str(r) for r in nine_sheet.merged_cells.ranges}
    # The 备注 foot comes after the photo rows, not over them.
    assert str(nine_sheet["A7"].value).startswith("备注")
    for row in (4, 5, 6):
        assert nine_sheet.row_dimensions[row].height >= attachment2.PHOTO_ROW_PT


def test_a_long_caption_wraps_in_a_taller_row(plan, places, people):
    short = report_with(plan, places["a"], people["alice"], caption="集中宣讲现场")
    long = report_with(plan, places["b"], people["bob"], caption="反诈宣传" * 30)
    assert len(long.activities.get().caption) == 120
    short_sheet, long_sheet = sheets(short, long)
    assert long_sheet["F4"].alignment.wrap_text and long_sheet["C4"].alignment.wrap_text
    short_height = short_sheet.row_dimensions[4].height
    long_height = long_sheet.row_dimensions[4].height
    assert short_height == pytest.approx(attachment2.PHOTO_ROW_PT)  # the thumbnail's height
    # 120 CJK characters are 240 widths: about 12 lines in the 22-wide 图片说明 column.
    assert long_height > short_height + 60


def test_prints_a4_landscape_one_page_wide_headers_on_every_page(plan, places, people):
    (sheet,) = sheets(report_with(plan, places["a"], people["alice"], photos=4))
    assert sheet.print_title_rows == "$3:$3"  # row 3, the column headers
    assert [c.value for c in sheet[3]][:7] == [*attachment2.HEADERS, "图片"]
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert int(sheet.page_setup.fitToWidth) == 1
    assert int(sheet.page_setup.fitToHeight) == 0


def test_each_report_prints_its_state_beside_the_submission_time(plan, places, people):
    accepted = report_with(plan, places["a"], people["alice"])
    accepted.submit(people["alice"], truth_confirmed=True)
    accepted.accept(people["office"])
    waiting = report_with(plan, places["b"], people["bob"])
    waiting.submit(people["bob"], truth_confirmed=True)
    returned = report_with(plan, places["c"], people["office"])
    returned.submit(people["office"], truth_confirmed=True)
    returned.return_(people["office"], "请补充照片")
    printed = {}
    for sheet in sheets(accepted, waiting, returned):
        assert str(sheet["D2"].value).startswith("报送时间：20")
        printed[sheet.title] = sheet["G2"].value
    assert printed == {
        "甲社区": "状态：已审核",
        "乙社区": "状态：待审核",
        "丙社区": "状态：退回修改",
    }


def test_a_report_found_falsified_prints_so_until_the_finding_is_withdrawn(plan, places, people):
    """M6: the state stays 已报送, but the form never prints as one waiting for review."""
    report = report_with(plan, places["a"], people["alice"])
    report.submit(people["alice"], truth_confirmed=True)
    finding = report.mark_falsified(people["office"], "照片与上月相同")
    (sheet,) = sheets(report)
    assert sheet["G2"].value == "状态：已认定弄虚作假"
    finding.withdraw(people["office"], "核实为本月照片")
    (sheet,) = sheets(report)
    assert sheet["G2"].value == "状态：待审核"


@pytest.mark.parametrize(
    ("submitted_at", "printed"),
    [
        (lambda plan: plan.late_from(4), "报送时间：2021年05月02日 00:00（逾期）"),
        (
            lambda plan: plan.late_from(4) - timedelta(minutes=1),
            "报送时间：2021年05月01日 23:59",
        ),
    ],
)
def test_a_late_report_prints_late_beside_its_submission_time_on_one_line(
    plan, places, people, submitted_at, printed
):
    """M2, M3: judged on the first submission. The header line stays one line high with
    逾期 and 已认定弄虚作假 both in it: each part fits the columns it spans."""
    report = report_with(plan, places["a"], people["alice"])
    report.submit(people["alice"], truth_confirmed=True, at=submitted_at(plan))
    report.mark_falsified(people["office"], "照片与上月相同")
    (sheet,) = sheets(report)
    assert sheet["D2"].value == printed
    assert sheet["G2"].value == "状态：已认定弄虚作假"
    spans = {str(r) for r in sheet.merged_cells.ranges if r.min_row == 2}
    assert spans == {"A2:C2", "D2:F2", "G2:I2"}
    assert sheet.row_dimensions[2].height is None  # one line: nothing wraps


def test_a_long_community_name_wraps_in_a_taller_header_line(plan, places, people):
    places["a"].name = "罗山街道缺塘社区居民委员会（示例社区名称较长）"
    places["a"].save()
    report = report_with(plan, places["a"], people["alice"])
    (sheet,) = sheets(report)
    assert sheet["A2"].alignment.wrap_text
    assert sheet.row_dimensions[2].height >= 2 * LINE_PT


def test_the_importer_reads_the_month_workbook_back_one_row_per_activity(plan, places, people):
    """The photo rows below an activity are empty to reporting/sheets.py, not extra rows,
    and the header line (社区, 报送时间 with its 逾期, 状态) reads back as written."""
    report = report_with(plan, places["a"], people["alice"], photos=9)
    add_activity(report, people["alice"], photos=2)
    report.submit(people["alice"], truth_confirmed=True, at=plan.late_from(4))
    report.refresh_from_db()
    out = io.BytesIO()
    attachment2.workbook(attachment2.with_photos(MonthlyReport.objects.all()), out)
    assert load_workbook(out).active["D2"].value.endswith("（逾期）")
    [sheet] = read_workbook(out.getvalue())
    assert sheet.problems == []
    assert (sheet.community_name, sheet.submitted_at) == ("甲社区", report.first_submitted_at)
    assert [(r.held_at, r.place) for r in sheet.rows] == [
        (a.held_at, a.place) for a in report.activities.all()
    ]
