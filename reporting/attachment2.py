"""The official form: 附件2 反诈骗活动开展情况报表, as the plan lays it out, with photos.

One sheet per report: the title, 社区, 报送时间 (逾期 beside it when late) and the
report's state (已认定弄虚作假 under an active finding) in the header, the columns
序号 时间 地点 开展形式 参加人数 图片说明, each activity's photo thumbnails beside it
(three to a row, on as many rows as they need), and the plan's 备注 line at the foot.
Rows are as tall as their wrapped text or thumbnails; printed, it is A4 landscape,
one page wide, the column headers on every page.
"""

import io
import re

from openpyxl import Workbook
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from core.spreadsheets import FONT, LINE_PT, PADDING_PT, print_setup, safe, text_height, write
from reporting import periods
from reporting.models import ReportState

TITLE = "反诈骗活动开展情况报表"
HEADERS = ("序号", "时间", "地点", "开展形式", "参加人数", "图片说明")
NOTE = (
    "备注：请各社区于每月1日前将上月开展防诈骗活动情况（包括时间、地点、开展形式、人数、"
    "图片等）与表格一并报送至街道综治办。"
)
WIDTHS = (6, 17, 18, 14, 9, 22)
PHOTO_COLUMN = len(HEADERS) + 1  # the photo area: columns G to I
PHOTOS_PER_ROW = 3  # further photos go on the activity's next rows, never wider
LAST_COLUMN = len(HEADERS) + PHOTOS_PER_ROW
PHOTO_WIDTH = 16
PHOTO_PX = 110
PHOTO_ROW_PT = PHOTO_PX * 0.78  # a row of thumbnails, with a little margin, in points
HEADER_ROW = 3
STATES = {
    ReportState.ACCEPTED: "已审核",
    ReportState.SUBMITTED: "待审核",
    ReportState.RETURNED: "退回修改",
    ReportState.DRAFT: "未报送",
}
FALSIFIED = "已认定弄虚作假"  # M6: the state stays, but the form must not read as clean
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def sheet_title(name, taken):
    """A sheet name Excel accepts (31 characters, none of []:*?/\\), unique in the book."""
    base = re.sub(r"[\[\]:*?/\\]", "", safe(name))[:28] or "Sheet"
    title, n = base, 2
    while title in taken:
        title, n = f"{base}-{n}", n + 1
    taken.add(title)
    return title


def header_line(report):
    """The three parts of the line under the title: 社区（盖章）, 报送时间, 状态."""
    submitted = report.first_submitted_at
    when = f"{periods.local(submitted):%Y年%m月%d日 %H:%M}" if submitted else "未报送"
    late = "（逾期）" if report.is_on_time is False else ""  # M2, M3
    # Beside 报送时间, so a returned, unreviewed or falsified report never prints like an
    # accepted one.
    state = FALSIFIED if report.is_falsified else STATES.get(report.state, "")
    return (f"社区（盖章）：{report.community.name}", f"报送时间：{when}{late}", f"状态：{state}")


def write_header(sheet, report):
    """The title, then the header line in three merged cells, each wrapping in a row as
    tall as its longest part needs (a long community name, 报送时间 with 逾期)."""
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=LAST_COLUMN)
    write(sheet["A1"], TITLE)
    sheet["A1"].font = Font(name=FONT, size=18, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    # Over 序号–地点, 开展形式–图片说明 and the photos: 报送时间 with 逾期 fits on one line.
    spans = ((1, 3), (4, len(HEADERS)), (PHOTO_COLUMN, LAST_COLUMN))
    widths = (*WIDTHS, *[PHOTO_WIDTH] * PHOTOS_PER_ROW)
    texts = header_line(report)
    for (first, last), text in zip(spans, texts, strict=True):
        cell = write(sheet.cell(row=2, column=first), text)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.merge_cells(start_row=2, start_column=first, end_row=2, end_column=last)
    sheet.cell(row=2, column=PHOTO_COLUMN).font = Font(name=FONT, bold=True)
    height = text_height(texts, [sum(widths[first - 1 : last]) for first, last in spans])
    if height > LINE_PT + PADDING_PT:  # one line fits the row's own height
        sheet.row_dimensions[2].height = height
    for column, header in enumerate([*HEADERS, "图片"], start=1):
        write(sheet.cell(row=HEADER_ROW, column=column), header)
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(name=FONT, bold=True)
        cell.alignment = CENTRE
        cell.border = BOX
    sheet.merge_cells(
        start_row=HEADER_ROW,
        start_column=PHOTO_COLUMN,
        end_row=HEADER_ROW,
        end_column=LAST_COLUMN,
    )


def write_activity(sheet, row, number, activity):
    """The activity from `row` down, its photos three to a row; returns the next free row."""
    photos = list(activity.photos.all())
    rows = max(1, -(-len(photos) // PHOTOS_PER_ROW))
    values = (
        number,
        f"{periods.local(activity.held_at):%Y-%m-%d %H:%M}",
        activity.place,
        activity.form_label,
        activity.participants,
        activity.caption,
    )
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        write(cell, value)
        cell.alignment = CENTRE
        cell.border = BOX
    for line in range(row, row + rows):
        for column in range(PHOTO_COLUMN, LAST_COLUMN + 1):
            sheet.cell(row=line, column=column).border = BOX
    if rows > 1:  # the text stands once, centred beside all its photos
        for column in range(1, len(HEADERS) + 1):
            sheet.merge_cells(
                start_row=row, start_column=column, end_row=row + rows - 1, end_column=column
            )
    # Each row as tall as its thumbnails, or its share of the text if that is taller.
    share = text_height(values, WIDTHS) / rows
    for line in range(row, row + rows):
        sheet.row_dimensions[line].height = max(share, PHOTO_ROW_PT if photos else 0)
    for index, photo in enumerate(photos):
        with photo.thumbnail.open("rb") as handle:
            picture = SheetImage(io.BytesIO(handle.read()))
        scale = PHOTO_PX / max(picture.width, picture.height)
        picture.width, picture.height = picture.width * scale, picture.height * scale
        line, offset = divmod(index, PHOTOS_PER_ROW)
        sheet.add_image(picture, f"{get_column_letter(PHOTO_COLUMN + offset)}{row + line}")
    return row + rows


def fill_sheet(sheet, report):
    """Lay out one report, as `with_photos` gives it.

    The sheet is the form's width whatever the photos: six columns and a photo
    area three thumbnails wide, an activity with more photos taking more rows.
    """
    write_header(sheet, report)
    row = HEADER_ROW + 1
    for number, activity in enumerate(report.activities.all(), start=1):
        row = write_activity(sheet, row, number, activity)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=LAST_COLUMN)
    write(sheet.cell(row=row, column=1), NOTE).alignment = Alignment(wrap_text=True)
    widths = (*WIDTHS, *[PHOTO_WIDTH] * PHOTOS_PER_ROW)
    sheet.row_dimensions[row].height = text_height([NOTE], [sum(widths)])
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    print_setup(sheet, LAST_COLUMN, HEADER_ROW)  # A4 landscape, one page wide


def with_photos(reports):
    """`reports` as the sheets need them: activities, photos, and whether found falsified."""
    return (
        reports.select_related("community__work_point", "plan")
        .prefetch_related("activities__photos")
        .with_falsified()
    )


def workbook(reports, out):
    """One sheet per report (a month: one per community), saved to the file `out`."""
    book = Workbook()
    book.remove(book.active)
    taken = set()
    for report in reports:
        fill_sheet(book.create_sheet(sheet_title(report.community.name, taken)), report)
    if not book.sheetnames:
        book.create_sheet("无报表")
    book.save(out)
