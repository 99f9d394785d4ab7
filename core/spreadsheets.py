"""Writing .xlsx safely, in bounded memory, and ready to print.

Text people typed never breaks a file nor becomes a formula: every value goes
through `safe` (control characters, which openpyxl refuses, are removed), and
a string that starts with "=" is marked as text. Numbers stay numbers.

The office's lists (`export_list`) are read from the database as values: one
values_list of what their columns (`Column`) read, each column converting its
own, with no model instance built for a row (100,000 rows of instances cost
more than writing the file). Lists are written in openpyxl's write-only mode to
a temporary file, so 100,000 rows never sit in memory at once; their column
widths come from the first rows (`SAMPLE_ROWS`), and a longer text further
down wraps in its cell, in a row tall enough for it: LibreOffice prints a row
without a height one line tall, cutting the rest of the text off.

A list prints as a ruled table: LibreOffice prints no gridlines, and without
them a number set to the right of its cell ran into the next column's text
("46反诈体验馆现场"). Every cell of the table has a thin border; text starts at
the left, numbers, dates and times are centred, and a time reads 2021-04-04
09:00 (Excel's default wrote "9:00:00").
"""

import tempfile
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from itertools import chain, islice
from operator import itemgetter
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.text import without_control_characters

# A font names its face: without one, LibreOffice prints the letters and digits in a serif.
FONT = "Calibri"  # the workbook's own (openpyxl's default)
BOLD = Font(name=FONT, bold=True)
HEADING = Font(name=FONT, bold=True, size=14)
# Points for a line of 11-point text as LibreOffice sets Chinese (Noto Sans CJK is 1.45 em
# high: 16 pt; at Excel's 15 the last line of a tall cell was cut off on paper), and for
# the cell's margins above and below.
LINE_PT, PADDING_PT = 16, 6
SAMPLE_ROWS = 500  # rows held back to measure the columns before anything is written
CHUNK_ROWS = 2000  # rows fetched from the database at a time
MIN_WIDTH, MAX_WIDTH = 6, 50  # in character widths, a CJK character counting two
LANDSCAPE_FROM = 7  # columns: more than six do not fit across an upright A4 page

# A list's table: every cell ruled, each row tall enough for a line of Chinese (at Excel's
# 15 pt LibreOffice printed it across the rule below), and each kind of value in its place.
THIN = Side(style="thin")
RULED = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
ROW_PT = LINE_PT + 2
HEADING_PT = 28  # the list's heading: a 14-point line of Chinese (20 pt) and room below it
DATE_FORMAT, TIME_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "hh:mm", "yyyy-mm-dd hh:mm"
# kind: (font, horizontal alignment, wrapped, number format); None is the workbook's default.
# Text reads from the left; numbers, dates and times stand centred, clear of the text beside.
TABLE_STYLES = {
    "header": (BOLD, "center", True, None),
    "text": (None, "left", False, None),
    "wrapped": (None, "left", True, None),
    "number": (None, "center", False, None),
    "date": (None, "center", False, DATE_FORMAT),
    "time": (None, "center", False, TIME_FORMAT),
    "datetime": (None, "center", False, DATETIME_FORMAT),
}
# A row of one line is centred in its height; in a row made taller by wrapped text every
# cell starts at the top, level with the wrapped text's first line.
ALIGNMENTS = {
    (kind, vertical): Alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrapped)
    for kind, (_font, horizontal, wrapped, _format) in TABLE_STYLES.items()
    for vertical in ("center", "top")
}
KINDS = {
    int: "number",
    float: "number",
    Decimal: "number",
    datetime: "datetime",  # a datetime is a date too: its own type comes first
    date: "date",
    time: "time",
}


def safe(value):
    """A value as a sheet may hold it: text without control characters, the rest as it is."""
    # A control character is never printable: most text needs no search for one.
    if not isinstance(value, str) or value.isprintable():
        return value
    return without_control_characters(value)


def cell(sheet, value, font=None):
    """A write-only cell holding `value` as written: cleaned, typed text kept as text."""
    written = as_typed(WriteOnlyCell(sheet, value=safe(value)))
    if font:
        written.font = font
    return written


def as_typed(written):
    """`written` with its text kept as typed: "=…" is never a formula, "#N/A" never an error."""
    if isinstance(written.value, str) and written.data_type != "s":
        written.data_type = "s"
    return written


def write(target, value):
    """The same for a cell of a normal (not write-only) sheet: `target` holds `value`, safe."""
    target.value = safe(value)
    return as_typed(target)


def value_kind(value, wrap=False):
    """How `value` sits in a table's cell (a key of TABLE_STYLES): as the nearest of its
    types in KINDS says, else as text."""
    for base in type(value).__mro__:
        kind = KINDS.get(base)
        if kind:
            return kind
    return "wrapped" if wrap else "text"


def kinds_of(values, wraps):
    """value_kind of each of a row's `values`; a value whose own type is in KINDS (most
    of them) takes one look-up."""
    return [
        KINDS.get(type(value)) or value_kind(value, wrap)
        for value, wrap in zip(values, wraps, strict=True)
    ]


class TableCells:
    """A write-only sheet's table rows, every cell ruled and aligned for its kind of value.

    Styling a new cell for each of 100,000 rows x 10 columns would look each style up in
    the workbook again every time; instead each column keeps one styled cell per kind of
    value (TABLE_STYLES) and vertical alignment (a row of one line, a row made taller by
    wrapped text), made once and given each row's value just before the row is appended.
    That is safe because write-only mode writes a row out as it is appended, before the
    next row's values are set.
    """

    def __init__(self, sheet, columns):
        self.sheet = sheet
        # For each vertical alignment, each column's cells by kind.
        self.cells = {vertical: [{} for _ in range(columns)] for vertical in ("center", "top")}

    def header(self, headers):
        cells = self.cells["center"]
        return [
            self.holding(cells[column].get("header") or self.styled(column, "header", "center"), h)
            for column, h in enumerate(headers)
        ]

    def row(self, values, wraps):
        vertical = "top" if True in wraps else "center"
        cells, kinds = self.cells[vertical], kinds_of(values, wraps)
        return [
            self.holding(cells[column].get(kind) or self.styled(column, kind, vertical), value)
            for column, (kind, value) in enumerate(zip(kinds, values, strict=True))
        ]

    def holding(self, written, value):
        """`written` given `value`, safe; text stays text."""
        if isinstance(value, str):
            written.value = safe(value)
            return as_typed(written)
        written.value = value
        return written

    def styled(self, column, kind, vertical):
        """The cell of `column` for values of `kind` in a row aligned `vertical`, made once."""
        written = self.cells[vertical][column][kind] = WriteOnlyCell(self.sheet)
        font, _horizontal, _wrapped, number_format = TABLE_STYLES[kind]
        written.border, written.alignment = RULED, ALIGNMENTS[kind, vertical]
        if font:
            written.font = font
        if number_format:
            written.number_format = number_format
        return written


def display_width(value):
    """The character widths a value takes on screen: its widest line, a CJK character as two."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16  # 2021-04-10 09:30 (DATETIME_FORMAT)
    if isinstance(value, date):
        return 10
    return text_width(str(value))


@lru_cache(maxsize=4096)  # a list repeats its names and places on row after row
def text_width(text):
    """display_width of a text."""
    return max(
        sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
        for line in text.split("\n")
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
    return write_tables([(headers, rows, title, heading)])


def write_tables(tables):
    """An .xlsx of several lists, one sheet each, in a temporary file (rewound): `tables`
    holds (headers, rows, title, heading) of each, laid out as write_rows lays out one."""
    book = Workbook(write_only=True)
    for headers, rows, title, heading in tables:
        add_table(book, headers, rows, title, heading)
    out = spool()
    book.save(out)
    out.seek(0)
    return out


def add_table(book, headers, rows, title, heading):
    """One list of write_rows as a sheet of the write-only `book`."""
    rows = iter(rows)
    sample = list(islice(rows, SAMPLE_ROWS))
    widths = column_widths(headers, sample)
    sheet = book.create_sheet(title=safe(title)[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    print_setup(sheet, len(headers), header_row=2)
    sheet.freeze_panes = "A3"
    sheet.sheet_format.defaultRowHeight, sheet.sheet_format.customHeight = ROW_PT, True
    sheet.row_dimensions[1].height = HEADING_PT
    sheet.append([cell(sheet, heading, font=HEADING)])
    table = TableCells(sheet, len(headers))
    # Rows with wrapped text get their height (LibreOffice leaves them one line tall);
    # each is set before its row is written and dropped after it: memory stays bounded.
    sheet.row_dimensions[2].height = text_height(headers, widths)
    sheet.append(table.header(headers))
    for number, row in enumerate(chain(sample, rows), start=3):
        wraps = [needs_wrap(value, width) for value, width in zip(row, widths, strict=True)]
        tall = True in wraps
        if tall:
            sheet.row_dimensions[number].height = text_height(row, widths)
        sheet.append(table.row(row, wraps))
        if tall:
            del sheet.row_dimensions[number]


def exported_at():
    """Now, as a heading says it: Beijing time, whatever the server's clock zone."""
    now = timezone.localtime(timezone.now(), ZoneInfo(settings.TIME_ZONE))
    return f"导出时间：{now:%Y-%m-%d %H:%M}（北京时间）"


class Column:
    """One column of a list: its header, what it reads from the database (`reads`:
    values_list lookups, such as "report__community__name"), and `value`, the function
    that makes the cell's value of what it read; without one, the cell holds the one
    value read, as it is."""

    def __init__(self, header, *reads, value=None):
        self.header, self.reads, self.value = header, reads, value

    def reader(self, lookups):
        """The function from a row of values_list(*lookups) to this column's cell."""
        places = [lookups.index(read) for read in self.reads]
        take, convert = itemgetter(*places), self.value
        if convert is None:
            return take
        if len(places) == 1:
            return lambda row: convert(take(row))
        return lambda row: convert(*take(row))


class ExportedList:
    """A list the office exports (导出Excel, core.admin.ExcelExportMixin).

    `columns()` is called for each export, so that a label is translated into the
    language of the request once, not once a row; `rows(queryset)` is the queryset
    with everything the columns read (annotations) in the list's order.
    """

    @staticmethod
    def columns():
        raise NotImplementedError

    @staticmethod
    def rows(queryset):
        return queryset


def table_values(columns, queryset):
    """Each row of `queryset` as the cells of `columns`: one values_list of everything
    they read, streamed from the database, each column converting its own."""
    lookups = list(dict.fromkeys(read for column in columns for read in column.reads))
    readers = [column.reader(lookups) for column in columns]
    for row in queryset.values_list(*lookups).iterator(chunk_size=CHUNK_ROWS):
        yield [read(row) for read in readers]


def export_list(exported, queryset, title="Sheet1", heading=None):
    """The list `exported` (an ExportedList) of `queryset`, as an .xlsx temporary file.

    The heading defaults to the title and the time of the export.
    """
    columns = exported.columns()
    rows = table_values(columns, exported.rows(queryset))
    heading = heading or f"{title}　{exported_at()}"
    return write_rows([column.header for column in columns], rows, title, heading)
