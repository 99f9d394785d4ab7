"""The official form: 附件2 反诈骗活动开展情况报表, as the plan lays it out, with photos.

One sheet per report: the title, 社区 and 报送时间 in the header, the columns
序号 时间 地点 开展形式 参加人数 图片说明, each activity's photo thumbnails in
its row, and the plan's 备注 line at the foot.
"""

import io
import re

from openpyxl import Workbook
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from core.spreadsheets import safe, write
from reporting import periods

TITLE = "反诈骗活动开展情况报表"
HEADERS = ("序号", "时间", "地点", "开展形式", "参加人数", "图片说明")
NOTE = (
    "备注：请各社区于每月1日前将上月开展防诈骗活动情况（包括时间、地点、开展形式、人数、"
    "图片等）与表格一并报送至街道综治办。"
)
WIDTHS = (6, 17, 18, 14, 9, 22)
PHOTO_COLUMN = len(HEADERS) + 1  # photos from column G on, one per column
PHOTO_PX = 110
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


def fill_sheet(sheet, report):
    """Lay out one report; its activities and photos must be prefetched."""
    activities = list(report.activities.all())
    most_photos = max((len(a.photos.all()) for a in activities), default=0)
    last_column = len(HEADERS) + max(1, most_photos)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_column)
    write(sheet["A1"], TITLE)
    sheet["A1"].font = Font(size=18, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    submitted = report.first_submitted_at
    write(sheet["A2"], f"社区（盖章）：{report.community.name}")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=4)
    write(
        sheet["E2"],
        "报送时间："
        + (f"{periods.local(submitted):%Y年%m月%d日 %H:%M}" if submitted else "未报送"),
    )
    sheet.merge_cells(start_row=2, start_column=5, end_row=2, end_column=last_column)
    for column, header in enumerate([*HEADERS, "图片"], start=1):
        write(sheet.cell(row=3, column=column), header)
    sheet.merge_cells(start_row=3, start_column=PHOTO_COLUMN, end_row=3, end_column=last_column)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = CENTRE
        cell.border = BOX
    for number, activity in enumerate(activities, start=1):
        row = 3 + number
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
        sheet.row_dimensions[row].height = PHOTO_PX * 0.78
        for offset, photo in enumerate(activity.photos.all()):
            with photo.thumbnail.open("rb") as handle:
                picture = SheetImage(io.BytesIO(handle.read()))
            scale = PHOTO_PX / max(picture.width, picture.height)
            picture.width, picture.height = picture.width * scale, picture.height * scale
            sheet.add_image(picture, f"{get_column_letter(PHOTO_COLUMN + offset)}{row}")
    foot = 4 + len(activities)
    sheet.merge_cells(start_row=foot, start_column=1, end_row=foot, end_column=last_column)
    write(sheet.cell(row=foot, column=1), NOTE).alignment = Alignment(wrap_text=True)
    sheet.row_dimensions[foot].height = 36
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    for column in range(PHOTO_COLUMN, last_column + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToHeight = 0


def with_photos(reports):
    return reports.select_related("community__work_point", "plan").prefetch_related(
        "activities__photos"
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
