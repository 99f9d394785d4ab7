"""Writing .xlsx safely and in bounded memory.

Text people typed never becomes a formula: openpyxl stores a string that
starts with "=" as a formula unless told otherwise, so such cells are marked
as text. Numbers stay numbers. Rows are written in openpyxl's write-only mode
to a temporary file, so 100,000 rows never sit in memory at once.
"""

import tempfile

from django.http import FileResponse
from import_export import widgets
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font


def cell(sheet, value, bold=False):
    """The value as written: a typed "=…" marked as text; anything else as it is."""
    if not bold and not (isinstance(value, str) and value.startswith("=")):
        return value  # plain values are the fast path of write-only mode
    written = WriteOnlyCell(sheet, value=value)
    if written.data_type == "f":
        written.data_type = "s"
    if bold:
        written.font = Font(bold=True)
    return written


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


def write_rows(headers, rows, title="Sheet1"):
    """An .xlsx in a temporary file (rewound), one header row then `rows`."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    sheet.append([cell(sheet, h, bold=True) for h in headers])
    for row in rows:
        sheet.append([cell(sheet, value) for value in row])
    out = spool()
    book.save(out)
    out.seek(0)
    return out


def export_resource(resource, queryset, title="Sheet1"):
    """A django-import-export resource's rows, streamed from the database."""
    rows = (resource.export_resource(obj) for obj in queryset.iterator(chunk_size=2000))
    return write_rows(resource.get_export_headers(), rows, title)
