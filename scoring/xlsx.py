"""The quarter page as an .xlsx workbook (openpyxl), laid out for printing on A4.

Every value goes through core.spreadsheets.write (no control character, no
formula); each row is as tall as its most wrapped cell, so every deduction prints.
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.page import PageMargins

from core.spreadsheets import FONT, text_height, write
from reporting.periods import local

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WIDTHS = (6, 20, 10, 8, 60, 8, 12)


def put_row(sheet, row, values):
    """`values` in row `row`, each written safely; the cells written."""
    return [
        write(sheet.cell(row=row, column=column), value)
        for column, value in enumerate(values, start=1)
    ]


def quarter_workbook(quarter, scores, at):
    book = Workbook()
    sheet = book.active
    sheet.title = str(quarter)
    title = _("Luoshan anti-fraud quarterly assessment, %(quarter)s") % {"quarter": quarter.label}
    put_row(sheet, 1, [title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(WIDTHS))
    sheet["A1"].font = Font(name=FONT, size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    put_row(sheet, 2, [_("As of %(at)s") % {"at": local(at).strftime("%Y-%m-%d %H:%M")}])
    headers = [
        _("Rank"),
        _("Community"),
        _("Work point"),
        _("Points"),
        _("Items"),
        _("Strikes"),
        _("Warning"),
    ]
    for cell in put_row(sheet, 3, headers):
        cell.font = Font(name=FONT, bold=True)
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row, score in enumerate(scores, start=4):
        deductions = "\n".join(
            f"-{line.points} [{line.rule}] {line.reason}" for line in score.assessment.deductions
        )
        if score.warning:
            warning = _("issued %(day)s") % {"day": score.warning.issued_on}
        elif score.warning_outstanding:
            warning = _("due")
        else:
            warning = ""
        values = [
            score.rank,
            score.community.name,
            score.community.work_point.name,
            score.total,
            deductions,
            len(score.strikes),
            warning,
        ]
        cells = put_row(sheet, row, values)
        for cell in cells:
            cell.border = BOX
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        sheet.row_dimensions[row].height = text_height(values, WIDTHS)
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    sheet.print_title_rows = "3:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.freeze_panes = "A4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
