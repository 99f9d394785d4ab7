"""The leadership's quarter page (scoring:quarter) at a city's and a province's size.

    python -m bench.quarter_page [--communities 400] [--runs 5] [--quick]

Goals: 400 communities ≤ 100 ms, 20,000 ≤ 300 ms, a fixed number of queries (19
worked out, 14 from the cache, at any size, one of them the page's open evidence
flags, one the quarter's circular (C1): tests/scoring/test_queries.py). Each
view is a logged-in leader's GET through django.test.Client in this process (the
middleware included, no network), median of the views after a first one; at a
province's size that first one works the closed quarter out and caches it
(scoring.gather), so the views measured read it from the cache. Run at the
default size, the script measures 20,000 communities too, in a process of its own
(its own database).
"""

import statistics
import subprocess
import sys
import time

from bench import common

PROVINCE = 20000
GOALS = {400: 0.1, PROVINCE: 0.3}
QUERIES = 19

args = common.start(__doc__.splitlines()[0], communities=400, runs=5)

from django.contrib.auth.models import User  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

client = Client()
client.force_login(User.objects.get(username="leader"))
url = reverse("scoring:quarter", args=["2021Q2"])


def view():
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response


def cpu_seconds(work):
    """Far below the wall-clock seconds, other work took the cores: run again."""
    began = time.process_time()
    work()
    return time.process_time() - began


cache.clear()
began = time.perf_counter()
view()
first = time.perf_counter() - began
# Counted here, not by common.timed: each request empties the connection's query log.
with CaptureQueriesContext(connection) as captured:
    view()
queries = len(captured)
seconds, _queries, response = common.timed(view, args.runs, warmup=0)
cpu = statistics.median(cpu_seconds(view) for _ in range(args.runs))
goal = GOALS[400] if args.communities <= 400 else GOALS[PROVINCE]
common.verdict(
    f"quarter_page {args.communities}",
    seconds,
    goal,
    detail=f"{queries} queries, {len(response.content) // 1024} KB; "
    f"the first view {common.amount(first, 's')}; CPU {common.amount(cpu, 's')} a view",
)
common.verdict(f"quarter_page {args.communities} queries", queries, QUERIES, unit="queries")

if not common.quick and args.communities != PROVINCE and "--communities" not in sys.argv:
    province = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "bench.quarter_page", "--communities", str(PROVINCE)],
        cwd=common.ROOT,
        check=False,
    )
    if province.returncode:
        common.missed.append(f"quarter_page {PROVINCE}")
common.finish()
