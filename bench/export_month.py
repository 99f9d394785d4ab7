"""The month's Attachment 2 workbook (reporting.attachment2), as `manage.py export_month` writes it.

    python -m bench.export_month [--communities 400] [--runs 3] [--month 2021-04] [--quick]

Goals (issue 11): a city of 400 communities, one sheet per report received,
each activity's photo thumbnail in its row, in ≤ 5 s and ≤ 300 MB.

The synthetic city's photo rows share one small file, a flat blue picture whose
thumbnail is 2 KB; a phone photo's is about 30 KB, and the workbook carries
every one. So the bench gives the shared thumbnail that size for its runs: it
makes a photo-like picture (colour fields and grain), passes it through the
portal's own check_photo, and puts that thumbnail, under the shared name, in a
media folder of its own (STORAGES overridden), leaving the city untouched.

The work is the command itself (call_command, to a temporary file); the admin's
month download (desk.month_attachment2) runs the same query and writer. The
machine is shared, so the verdict is on CPU seconds (the median of the runs; the
wall seconds are beside it: far above, other work took the cores). Memory is
measured on the first full run, after a one-report warm-up, so that nothing an
earlier run kept is reused: the peak resident size during it (VmHWM, reset
before it) minus the resident size before it, and the process's whole peak
(Django and the portal loaded) beside it.
"""

import ctypes
import gc
import io
import re
import statistics
import tempfile
import time
import zipfile
from pathlib import Path

from bench import common


def options(parser):
    parser.add_argument("--month", default="2021-04", help="YYYY-MM, a month of the 2021 plan")


args = common.start(__doc__.splitlines()[0], communities=400, runs=3, extra=options)

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from PIL import Image  # noqa: E402

from reporting import attachment2  # noqa: E402
from reporting.models import ActivityPhoto, MonthlyReport  # noqa: E402
from reporting.photos import check_photo  # noqa: E402


def phone_thumbnail():
    """The thumbnail check_photo makes of a photo-like 1600 × 1200 picture."""
    rng = np.random.default_rng(1)
    fields = [
        Image.fromarray(rng.integers(0, 256, (3 * across // 4, across, 3), np.uint8))
        for across in (16, 200)
    ]
    smooth = np.asarray(
        Image.blend(*(f.resize((1600, 1200), Image.Resampling.BICUBIC) for f in fields), 0.35),
        dtype=np.int16,
    )
    grainy = np.clip(smooth + rng.integers(-12, 13, smooth.shape, dtype=np.int16), 0, 255)
    out = io.BytesIO()
    Image.fromarray(grainy.astype(np.uint8)).save(out, "JPEG", quality=92)
    upload = SimpleUploadedFile("phone.jpg", out.getvalue(), "image/jpeg")
    return check_photo(upload).thumbnail


def media_with_phone_thumbnails(folder):
    """STORAGES with `folder` as the media folder, in which the shared thumbnail is a
    phone photo's; and that thumbnail's path."""
    name = ActivityPhoto.objects.values_list("thumbnail", flat=True)[:1].get()
    path = Path(folder) / name
    path.parent.mkdir(parents=True)
    path.write_bytes(phone_thumbnail())
    default = settings.STORAGES["default"]
    options = {**default.get("OPTIONS", {}), "location": folder}
    return {**settings.STORAGES, "default": {**default, "OPTIONS": options}}, path


def export(path):
    """The month's workbook, written by the command to `path`."""
    call_command("export_month", args.month, "-o", str(path), stdout=io.StringIO())


def status_kib(field):
    """VmRSS (resident now) or VmHWM (peak resident) of this process, in KiB."""
    return int(re.search(rf"{field}:\s+(\d+)", Path("/proc/self/status").read_text())[1])


def run(path):
    """(CPU seconds, wall seconds, peak MB over the resident size before, the process's
    peak MB) of one export."""
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)  # what was freed goes back to the system
    Path("/proc/self/clear_refs").write_text("5")  # peak resident size := resident now
    resident = status_kib("VmRSS")
    cpu, wall = time.process_time(), time.perf_counter()
    export(path)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak = status_kib("VmHWM")
    return cpu, wall, (peak - resident) / 1024, peak / 1024


with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as media:
    storages, thumbnail = media_with_phone_thumbnails(media)
    override_settings(STORAGES=storages).enable()  # for the rest of this process
    path = Path(folder) / "month.xlsx"
    one = attachment2.with_photos(MonthlyReport.objects.received())[:1]
    with open(path, "wb") as out:
        attachment2.workbook(one, out)  # the warm-up: lazy imports, the first thumbnail
    first = run(path)
    with zipfile.ZipFile(path) as book:
        parts = book.namelist()
    sheets = sum(part.startswith("xl/worksheets/sheet") for part in parts)
    photos = sum(part.startswith("xl/media/") for part in parts)
    size, thumbnail_size = path.stat().st_size, thumbnail.stat().st_size
    with CaptureQueriesContext(connection) as queries:
        export(path)
    runs = [first] + [run(path) for _ in range(args.runs - 1)]

cpu = statistics.median(r[0] for r in runs)
wall = statistics.median(r[1] for r in runs)
load = Path("/proc/loadavg").read_text().split()[0]
common.verdict(
    "export_month",
    cpu,
    5.0,
    detail=f"{args.month}: {sheets} sheets, {photos} thumbnails of "
    f"{thumbnail_size / 1000:.0f} KB, {size / 1e6:.1f} MB file, "
    f"{len(queries)} queries; CPU seconds, median of {args.runs} "
    f"(wall {common.amount(wall, 's')}); load {load}",
)
common.verdict(
    "export_month memory",
    round(first[2]),
    300,
    unit="MB",
    detail=f"the run's peak over the resident size before it; the process's peak {first[3]:.0f} MB",
)
common.finish()
