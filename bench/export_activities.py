"""The admin's 导出Excel of activities (core.spreadsheets.export_list), beside its floor.

    python -m bench.export_activities [--communities 6000] [--rows 100000] [--runs 3] [--quick]

Goals (issue 11): 100,000 activity rows in ≤ 1.2 × the floor's CPU time, measured
in the same run, and in ≤ the floor's memory + 50 MB.

The export is the admin's: ActivityResource's rows and columns, through
export_list, into a temporary file. The synthetic city has about 19 activities a
community, so 6,000 communities hold 113,400; both write the first --rows of them
(by id).

The floor is the least plain openpyxl code that writes the same cells (same
values, same styles): rows from one values_list of the same query, each time
turned into local time and each form into its label by hand, written through ten
styled write-only cells, one a column, made once. Its one-off set-up (column
widths from the first 500 rows, page set-up, heading) is the portal's own, so the
two files can be compared: their sheet and their styles must be the same bytes,
which is checked once, outside the timing. The floor leaves out what the export
does for any data (control characters, text kept as text, wrapping, a row's style
chosen by its values); the synthetic rows need none of it.

Runs alternate floor and export, each in a fresh process (nothing one run kept
in memory helps the next) that first writes 50 rows to pay its lazy imports.
Each is timed in CPU seconds (the machine is shared: wall seconds far above CPU
seconds mean other work took the cores); the ratio is the median of each pair's.
Memory is the process's peak resident size during the run (VmHWM, reset before
it) minus its resident size before it; the median of the runs.
"""

import ctypes
import gc
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from itertools import islice
from pathlib import Path

from bench import common

# Set in the fresh process of one measured run: "floor" or "export", and the last id.
RUN, LAST = os.environ.get("BENCH_EXPORT_RUN"), os.environ.get("BENCH_EXPORT_LAST")


def options(parser):
    parser.add_argument("--rows", type=int, default=100_000, help="activities to export")


if RUN:  # the parent's settings and database, from its environment
    import django

    django.setup()
else:
    args = common.start(__doc__.splitlines()[0], communities=6000, runs=3, extra=options)

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from openpyxl.cell import WriteOnlyCell  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402

from core import spreadsheets  # noqa: E402
from reporting.models import Activity, ActivityForm  # noqa: E402
from reporting.periods import LOCAL  # noqa: E402
from reporting.resources import ActivityResource  # noqa: E402

TITLE, HEADING = "活动", "活动　导出时间：2021-11-01 09:00（北京时间）"
# The floor's columns, as ActivityResource writes them, each with its one style.
FLOOR_COLUMNS = (
    ("社区", "report__community__name", "text"),
    ("年度", "report__plan__year", "number"),
    ("月份", "report__month", "number"),
    ("序号", "position", "number"),
    ("时间", "held_at", "datetime"),
    ("地点", "place", "text"),
    ("开展形式", "form", "text"),
    ("参加人数", "participants", "number"),
    ("图片说明", "caption", "text"),
    ("照片数", "photo_count", "number"),
)
ORDER = ("report__plan__year", "report__month", "report__community", "position", "pk")
WARM_UP_ROWS = 50


def export(activities, out):
    """What the admin's 导出Excel writes, to `out`."""
    with spreadsheets.export_list(ActivityResource, activities, TITLE, HEADING) as written:
        copy(written, out)


def floor(activities, out):
    """The same cells with plain openpyxl write-only code, to `out`."""
    values = (
        activities.annotate(photo_count=Count("photos"))
        .order_by(*ORDER)
        .values_list(*(lookup for _header, lookup, _kind in FLOOR_COLUMNS), "form_other")
    )
    labels = {value: str(label) for value, label in ActivityForm.choices}
    iterator = values.iterator(chunk_size=2000)
    sample = list(islice(iterator, spreadsheets.SAMPLE_ROWS))
    headers = [header for header, _lookup, _kind in FLOOR_COLUMNS]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(TITLE)
    widths = spreadsheets.column_widths(headers, (cells_of(row, labels) for row in sample))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    spreadsheets.print_setup(sheet, len(headers), header_row=2)
    sheet.freeze_panes = "A3"
    sheet.sheet_format.defaultRowHeight = spreadsheets.ROW_PT
    sheet.sheet_format.customHeight = True
    sheet.row_dimensions[1].height = spreadsheets.HEADING_PT
    sheet.append([spreadsheets.cell(sheet, HEADING, font=spreadsheets.HEADING)])
    sheet.row_dimensions[2].height = spreadsheets.text_height(headers, widths)
    sheet.append([styled(sheet, "header", header) for header in headers])
    cells = [styled(sheet, kind) for _header, _lookup, kind in FLOOR_COLUMNS]
    for row in sample:
        write_floor_row(sheet, cells, cells_of(row, labels))
    for row in iterator:
        write_floor_row(sheet, cells, cells_of(row, labels))
    book.save(out)


def cells_of(row, labels):
    community, year, month, position, held_at, place, form, people, caption, photos, other = row
    form = other if form == ActivityForm.OTHER else labels[form]
    held_at = held_at.astimezone(LOCAL).replace(tzinfo=None)
    return community, year, month, position, held_at, place, form, people, caption, photos


def write_floor_row(sheet, cells, values):
    for written, value in zip(cells, values, strict=True):
        written.value = value
    sheet.append(cells)


def styled(sheet, kind, value=None):
    font, _horizontal, _wrapped, number_format = spreadsheets.TABLE_STYLES[kind]
    written = WriteOnlyCell(sheet, value=value)
    written.border = spreadsheets.RULED
    written.alignment = spreadsheets.ALIGNMENTS[kind, "center"]
    if font:
        written.font = font
    if number_format:
        written.number_format = number_format
    return written


def copy(source, target):
    while chunk := source.read(1 << 20):
        target.write(chunk)


WRITERS = {"floor": floor, "export": export}


def first(last):
    """The activities up to id `last`."""
    return Activity.objects.filter(pk__lte=last)


def status_kib(field):
    """VmRSS (resident now) or VmHWM (peak resident) of this process, in KiB."""
    return int(re.search(rf"{field}:\s+(\d+)", Path("/proc/self/status").read_text())[1])


def measure_this_run():
    """In the fresh process: warm up, then one run: CPU s, wall s, peak MB over resident."""
    write = WRITERS[RUN]
    small = Activity.objects.order_by("pk").values_list("pk", flat=True)[WARM_UP_ROWS - 1]
    with tempfile.TemporaryFile() as out:
        write(first(small), out)
    with tempfile.TemporaryFile() as out:
        gc.collect()
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # what the warm-up freed goes back
        Path("/proc/self/clear_refs").write_text("5")  # peak resident size := resident now
        resident = status_kib("VmRSS")
        cpu, wall = time.process_time(), time.perf_counter()
        write(first(int(LAST)), out)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        peak = (status_kib("VmHWM") - resident) / 1024
    print(json.dumps({"cpu": cpu, "wall": wall, "peak": peak}))


def measured(which, last):
    """One run of `which` ("floor" or "export") in a fresh process."""
    env = {**os.environ, "BENCH_EXPORT_RUN": which, "BENCH_EXPORT_LAST": str(last)}
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", __spec__.name],
        cwd=common.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def same_cells(activities):
    """Whether the floor and the export wrote the same sheet with the same styles."""
    parts = ("xl/worksheets/sheet1.xml", "xl/styles.xml")
    written = []
    for write in (floor, export):
        with tempfile.TemporaryFile() as out:
            write(activities, out)
            with zipfile.ZipFile(out) as book:
                written.append([book.read(part) for part in parts])
    return written[0] == written[1]


def main():
    ids = Activity.objects.order_by("pk").values_list("pk", flat=True)
    last = ids[min(args.rows, ids.count()) - 1]
    activities = first(last)
    rows = activities.count()
    assert same_cells(activities), "the floor and the export must write the same cells"
    with CaptureQueriesContext(connection) as queries, tempfile.TemporaryFile() as out:
        export(activities, out)
    runs = {"floor": [], "export": []}
    for _ in range(args.runs):
        for which in runs:
            runs[which].append(measured(which, last))

    def median(which, key):
        return statistics.median(run[key] for run in runs[which])

    paired = zip(runs["floor"], runs["export"], strict=True)
    ratio = statistics.median(e["cpu"] / f["cpu"] for f, e in paired)
    load = Path("/proc/loadavg").read_text().split()[0]
    common.verdict(
        "export_activities",
        round(ratio, 2),
        1.2,
        unit="× floor",
        detail=f"{rows} rows, {len(queries)} queries; CPU {median('export', 'cpu'):.2f} s "
        f"(wall {median('export', 'wall'):.2f} s) vs floor {median('floor', 'cpu'):.2f} s "
        f"(wall {median('floor', 'wall'):.2f} s), medians of {args.runs}; load {load}",
    )
    common.verdict(
        "export_activities memory",
        round(median("export", "peak") - median("floor", "peak"), 1),
        50,
        unit="MB over floor",
        detail=f"peak {median('export', 'peak'):.0f} MB vs floor {median('floor', 'peak'):.0f} MB",
    )
    common.finish()


if RUN:
    measure_this_run()
else:
    main()
