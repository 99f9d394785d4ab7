"""Writing .xlsx safely, in bounded memory, and ready to print.

Text people typed never breaks a file nor becomes a formula: every value goes
through `safe` (control characters, which openpyxl refuses, are removed), and
a string that starts with "=" is marked as text. Numbers stay numbers. Lists
are written in openpyxl's write-only mode to a temporary file, so 100,000 rows
never sit in memory at once; their column widths come from the first rows
(`SAMPLE_ROWS`), and a longer text further down wraps in its cell, in a row
tall enough for it: LibreOffice prints a row without a height one line tall,
cutting the rest of the text off.
"""

import tempfile
import unicodedata
from datetime import date, datetime
from itertools import chain, islice
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from import_export import widgets
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.text import without_control_characters

# A font names its face: without one, LibreOffice prints the letters and digits in a serif.
FONT = "Calibri"  # the workbook's own (openpyxl's default)
BOLD = Font(name=FONT, bold=True)
HEADING = Font(name=FONT, bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")  # the other cells of a row made taller by wrapped text
# Points for a line of 11-point text as LibreOffice sets Chinese (Noto Sans CJK is 1.45 em
# high: 16 pt; at Excel's 15 the last line of a tall cell was cut off on paper), and for
# the cell's margins above and below.
LINE_PT, PADDING_PT = 16, 6
SAMPLE_ROWS = 500  # rows held back to measure the columns before anything is written
MIN_WIDTH, MAX_WIDTH = 6, 50  # in character widths, a CJK character counting two
LANDSCAPE_FROM = 7  # columns: more than six do not fit across an upright A4 page


def safe(value):
    """A value as a sheet may hold it: text without control characters, the rest as it is."""
    return without_control_characters(value) if isinstance(value, str) else value


def cell(sheet, value, bold=False, wrap=False, font=None, top=False):
    """A write-only value as written: cleaned, a typed "=…" marked as text, styled if asked."""
    value = safe(value)
    styled = bold or wrap or font or top
    if not styled and not (isinstance(value, str) and value.startswith("=")):
        return value  # plain values are the fast path of write-only mode
    written = WriteOnlyCell(sheet, value=value)
    if written.data_type == "f":
        written.data_type = "s"
    if bold or font:
        written.font = font or BOLD
    if wrap:
        written.alignment = WRAP
    elif top:
        written.alignment = TOP
    return written


def write(target, value):
    """The same for a cell of a normal (not write-only) sheet: `target` holds `value`, safe."""
    target.value = safe(value)
    if target.data_type == "f":
        target.data_type = "s"  # typed text, never a formula
    return target


def display_width(value):
    """The character widths a value takes on screen: its widest line, a CJK character as two."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 19  # 2021-04-10 09:30:00
    if isinstance(value, date):
        return 10
    lines = str(value).split("\n")
    return max(
        sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line) for line in lines
    )


def line_count(text, width):
    """The lines `text` takes in a wrapping column `width` characters wide."""
    return sum(max(1, -(-display_width(line) // width)) for line in str(text).split("\n"))


def column_widths(headers, rows):
    """Each column wide enough for its header and values, within MIN_WIDTH..MAX_WIDTH."""
    widest = [display_width(h) for h in headers]
    for row in rows:
        for index, value in enumerate(row[: len(widest)]):
            widest[index] = max(widest[index], display_width(value))
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widest]


def text_height(values, widths):
    """The points a row needs for the tallest of `values`, each wrapped in its column
    (`widths` in character widths, of which the cell's margins take about one)."""
    lines = max(
        line_count(safe(value), max(1, width - 1))
        for value, width in zip(values, widths, strict=True)
    )
    return lines * LINE_PT + PADDING_PT


def needs_wrap(value, width):
    if not isinstance(value, str):
        return False
    return "\n" in value or (2 * len(value) > width and display_width(value) > width)


def print_setup(sheet, columns, header_row):
    """A4, landscape for a wide list, one page wide, the header row on every page."""
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if columns >= LANDSCAPE_FROM else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"


def number():
    """A django-import-export column whose numbers stay numbers in the sheet, not text."""
    return widgets.IntegerWidget(coerce_to_string=False)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(handle, filename):
    """A download of an .xlsx file that FileResponse streams, then closes."""
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


def spool():
    """A temporary file for a download; FileResponse closes (and so deletes) it."""
    return tempfile.TemporaryFile()  # noqa: SIM115


def write_rows(headers, rows, title, heading):
    """An .xlsx list in a temporary file (rewound), laid out for printing.

    Row 1 says what the list is and when (`heading`), row 2 holds the headers
    (repeated on every printed page), then `rows`. Write-only mode writes the
    column widths before the first row, so the first SAMPLE_ROWS rows are read
    ahead to measure them; the rest stream through.
    """
    rows = iter(rows)
    sample = list(islice(rows, SAMPLE_ROWS))
    widths = column_widths(headers, sample)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=safe(title)[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    print_setup(sheet, len(headers), header_row=2)
    sheet.freeze_panes = "A3"
    sheet.append([cell(sheet, heading, font=HEADING)])
    # Rows with wrapped text get their height (LibreOffice leaves them one line tall);
    # each is set before its row is written and dropped after it: memory stays bounded.
    sheet.row_dimensions[2].height = text_height(headers, widths)
    sheet.append([cell(sheet, h, bold=True, wrap=True) for h in headers])
    for number, row in enumerate(chain(sample, rows), start=3):
        wraps = [needs_wrap(value, width) for value, width in zip(row, widths, strict=True)]
        if not any(wraps):
            sheet.append([cell(sheet, value) for value in row])
            continue
        sheet.row_dimensions[number].height = text_height(row, widths)
        sheet.append(
            [
                cell(sheet, value, wrap=wrap, top=True)
                for value, wrap in zip(row, wraps, strict=True)
            ]
        )
        del sheet.row_dimensions[number]
    out = spool()
    book.save(out)
    out.seek(0)
    return out


def exported_at():
    """Now, as a heading says it: Beijing time, whatever the server's clock zone."""
    now = timezone.localtime(timezone.now(), ZoneInfo(settings.TIME_ZONE))
    return f"导出时间：{now:%Y-%m-%d %H:%M}（北京时间）"


def export_resource(resource, queryset, title="Sheet1", heading=None):
    """A django-import-export resource's rows, streamed from the database.

    The heading defaults to the title and the time of the export.
    """
    rows = (resource.export_resource(obj) for obj in queryset.iterator(chunk_size=2000))
    heading = heading or f"{title}　{exported_at()}"
    return write_rows(resource.get_export_headers(), rows, title, heading)
