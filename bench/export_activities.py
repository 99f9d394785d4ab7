"""Time and peak memory of the streamed activity export, for 100,000 activities.

    make bench            (or: .venv/bin/python bench/export_activities.py [N])

Builds a throw-away SQLite database under /tmp (never the portal's), fills it
with N activities (default 100,000) and exports them as the admin's
"导出Excel" does: rows read in chunks, written by openpyxl in write-only mode.
Prints rows, seconds, and the process's peak resident size before and after
the export (the export's own growth is what it holds in memory at once).
"""

import os
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="luoshan-bench-")
os.environ.update(
    DJANGO_SETTINGS_MODULE="luoshan.settings",
    DJANGO_DEBUG="1",
    DATABASE_URL=f"sqlite:///{WORKDIR}/bench.sqlite3",
    DJANGO_MEDIA_ROOT=f"{WORKDIR}/media",
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from communities.models import Community, WorkPoint  # noqa: E402
from core.spreadsheets import export_resource  # noqa: E402
from reporting.models import Activity, MonthlyReport, Plan  # noqa: E402
from reporting.periods import LOCAL  # noqa: E402
from reporting.resources import ActivityResource  # noqa: E402


def fill(total):
    call_command("migrate", verbosity=0)
    plan = Plan.objects.create(year=2021, duty_months=list(range(1, 13)))
    point = WorkPoint.objects.first()
    communities = Community.objects.bulk_create(
        Community(name=f"社区{n:03d}", work_point=point) for n in range(400)
    )
    reports = MonthlyReport.objects.bulk_create(
        MonthlyReport(community=c, plan=plan, month=m) for c in communities for m in range(1, 13)
    )
    per_report = -(-total // len(reports))
    batch = []
    for report in reports:
        for n in range(per_report):
            if len(batch) + Activity.objects.count() >= total:
                break
            batch.append(
                Activity(
                    report=report,
                    position=n + 1,
                    held_at=datetime(2021, report.month, 1 + n % 28, 9, tzinfo=LOCAL)
                    + timedelta(hours=n),
                    place='=HYPERLINK("http://x","社区文化广场")' if n == 0 else "社区文化广场",
                    form="集中宣讲",
                    participants=30 + n,
                    caption=f"宣讲现场{n}",
                )
            )
        if len(batch) >= 20000:
            Activity.objects.bulk_create(batch)
            batch = []
    Activity.objects.bulk_create(batch[: max(0, total - Activity.objects.count())])


def main():
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    fill(total)
    rows = Activity.objects.count()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with export_resource(ActivityResource(), ActivityResource.rows(Activity.objects.all())) as out:
        size = out.seek(0, 2)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"activities exported: {rows}")
    print(f"export time: {seconds:.1f} s ({rows / seconds:.0f} rows/s)")
    print(f"file size: {size / 1e6:.1f} MB")
    print(
        f"process peak RSS: {after / 1024:.0f} MB after the export, {before / 1024:.0f} MB before"
    )


if __name__ == "__main__":
    main()
