"""What every bench script shares: its database, medians, and the verdict line.

A script is run as a module, `python -m bench.NAME [--communities N] [--runs N]
[--quick]`, and calls `start()` first, before it imports anything of the portal:

- The database is the synthetic one of the size asked for (bench/synth.py),
  built on first use and kept for the next run: SQLite under bench/out/, or,
  when DATABASE_URL names a PostgreSQL server, a database of its own on that
  server (luoshan_bench_<size>), never the portal's.
- `timed()` runs a piece of work a few times after a warm-up and gives the
  median, and the number of queries of one run.
- `verdict()` prints `GOAL name: measured (goal target)` or `MISSED name: …`; the
  script's exit code is 1 when anything was missed.

`--quick` is for the test suite (tests/test_bench.py): a tiny city in a
throw-away SQLite file, one run, and verdicts printed as `CHECKED`, never
missed; it proves that the script still runs, not how fast.
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
QUICK_COMMUNITIES = 12

missed = []
quick = False


def start(description, communities=400, runs=5, extra=None):
    """Parse the arguments, point Django at the bench database, set it up, fill it."""
    global quick
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--communities", type=int, default=communities)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--quick", action="store_true", help="a tiny run for the test suite")
    if extra:
        extra(parser)
    args = parser.parse_args()
    quick = args.quick
    if quick:
        args.communities, args.runs = min(args.communities, QUICK_COMMUNITIES), 1
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshan.settings")
    os.environ.update(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.update(DJANGO_SECURE_SSL_REDIRECT="0", DJANGO_SECURE_COOKIES="0")
    os.environ["DATABASE_URL"] = database_url(args.communities)
    os.environ["DJANGO_MEDIA_ROOT"] = str(media_root())
    import django
    from django.conf import settings

    # Static files as in the test suite: no collected manifest to build first. Set before
    # setup: the models' file fields look their storages up as they are imported.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench import synth

    synth.ensure(args.communities)
    return args


def database_url(communities):
    """The bench's own database for this size, on the server DATABASE_URL names, if any."""
    if quick:
        return f"sqlite:///{tempfile.mkdtemp(prefix='luoshan-bench-')}/bench.sqlite3"
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith("postgres"):
        parts = urlsplit(given)
        name = f"luoshan_bench_{communities}"
        create_postgres_database(given, name)
        return urlunsplit(parts._replace(path=f"/{name}"))
    OUT.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{OUT}/city-{communities}.sqlite3"


def create_postgres_database(url, name):
    """Create the bench's database, connected to the server's maintenance database
    (the one DATABASE_URL names need not exist yet)."""
    import psycopg

    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def media_root():
    if quick:
        return Path(tempfile.mkdtemp(prefix="luoshan-bench-media-"))
    return OUT / "media"


def timed(work, runs, warmup=1):
    """(median seconds, queries of one run, the last result) of `work()`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        work()
    with CaptureQueriesContext(connection) as captured:
        result = work()
    queries = len(captured)  # now: a request empties the log it reads
    seconds = []
    for _ in range(runs):
        began = time.perf_counter()
        result = work()
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds), queries, result


def measure_page(client, url, runs):
    """A GET of `url`: the median wall-clock and CPU seconds of `runs` of them after a
    first one, and of one of them its queries, their seconds (the session's COMMIT
    among them: on SQLite it waits for the disk) and the page's size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def view():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    view()
    # Counted here, not as timed() does: each request empties the connection's query log.
    with CaptureQueriesContext(connection) as captured:
        response = view()
    done = captured.captured_queries  # now: the next request empties the log it reads
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        view()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "queries": len(done),
        "sql": sum(float(query["time"]) for query in done),
        "commit": sum(float(query["time"]) for query in done if query["sql"] == "COMMIT"),
        "kb": len(response.content) // 1024,
    }


def page_detail(measured, size):
    seconds = {key: amount(measured[key], "s") for key in ("cpu", "sql", "commit")}
    return (
        f"CPU {seconds['cpu']}, SQL {seconds['sql']} (COMMIT {seconds['commit']}), "
        f"{measured['queries']} queries, {measured['kb']} KB, {size} communities"
    )


def verdict(name, measured, goal, unit="s", detail=""):
    """Print the line for one goal (measured ≤ goal); remember a miss."""
    shown, target = amount(measured, unit), amount(goal, unit)
    met = measured <= goal
    word = "CHECKED" if quick else ("GOAL" if met else "MISSED")
    if not met and not quick:
        missed.append(name)
    print(f"{word} {name}: {shown} (goal ≤ {target}){' · ' + detail if detail else ''}", flush=True)


def amount(value, unit):
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    return f"{value:g} {unit}"


def finish():
    """Exit 1 when a goal was missed."""
    sys.exit(1 if missed else 0)
