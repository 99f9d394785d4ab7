"""Deadline day: visits arrive at a fixed rate, each filing a report with a photo.

    python -m bench.deadline_day [--communities 400] [--rate 3] [--seconds 120] [--runs 7]
                                 [--quick]

Goal (issue 11, `deadline_day`): 3 visits a second for 2 minutes, on SQLite and on
PostgreSQL (DATABASE_URL): no error, the 95th percentile of each kind of page
≤ 1 s and of the photo upload ≤ 3 s, and every photo and every submission the
server acknowledged found in the database afterwards.

The server is gunicorn with the portal's own gunicorn.conf.py, on 127.0.0.1, over a
copy of the synthetic city made for the run (every run starts from the same city,
and the city the other scripts read is left as it was), with a photo folder of the
run's. rate × seconds community staff accounts, one per community, share one known
password hashed as the settings hash passwords; each files the month before this
one (a plan for its year is made if the city has none). The leadership's account
gets the same password and reloads the 2021Q2 quarter page throughout. The load is
locust, headless, in a process of its own: bench/locustfiles/deadline_day.py, whose
docstring says how the visits arrive (an open model) and what each one does. The
photos are 12 MP JPEGs of about 2 MB made here, PICTURES different pictures; each
visit sends one of them with a comment of its own, so that every photo is a file of
its own, and each picture comes back every PICTURES visits, as a reused photo
would (the evidence checks run on each submission).

Beside the verdicts: one password check by each of Django's hashers (the median of
--runs, before the load), and what gunicorn's processes, locust and the whole machine
spent in CPU during the run. When the two cores were busy with other work, the
figures say little about the portal: run it again on a quiet machine. Other worker
settings are tried through gunicorn's own GUNICORN_CMD_ARGS (README, 部署), e.g.
GUNICORN_CMD_ARGS="--worker-class gthread --workers 2 --threads 4".

--quick: 1 visit a second for 5 s on the tiny city, only to prove the script runs.
"""

import hashlib
import io
import json
import os
import re
import runpy
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlsplit

from bench import common

PAGE_GOAL, UPLOAD_GOAL = 1.0, 3.0
PASSWORD = "Deadline-day-1st"  # noqa: S105 (the bench's own accounts, in a copy of the city)
CORES = os.cpu_count()
GRACE = 60  # seconds the last visits may take after the last one arrived
PICTURES = 24  # different pictures among the visits' photos (about 0.4 s each to make)
READY_SECONDS = 60
LOCUSTFILE = common.ROOT / "bench" / "locustfiles" / "deadline_day.py"


def options(parser):
    parser.add_argument("--rate", type=float, default=3.0, help="visits arriving per second")
    parser.add_argument("--seconds", type=float, default=120.0, help="how long visits arrive")


args = common.start(__doc__.splitlines()[0], communities=400, runs=7, extra=options)
if common.quick:
    args.rate, args.seconds = 1.0, 5.0

import psutil  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from communities.models import Assignment, Community, Role  # noqa: E402
from reporting.models import ActivityPhoto, MonthlyReport, Plan, ReportState, StagedPhoto  # noqa: E402


def copy_of_the_city(work):
    """Copy the bench database for this run and point Django at the copy.

    Returns its URL and a function that deletes it (a PostgreSQL copy; a SQLite one
    goes with the run's folder)."""
    source = dict(connection.settings_dict)
    connections.close_all()
    if connection.vendor == "sqlite":
        copy = work / "city.sqlite3"
        original, target = sqlite3.connect(source["NAME"]), sqlite3.connect(copy)
        original.backup(target)
        original.close()
        target.close()
        connection.settings_dict["NAME"] = str(copy)
        return f"sqlite:///{copy}", lambda: None
    import psycopg
    from psycopg import sql

    name = f"{source['NAME']}_deadline_day"
    server = {
        "host": source["HOST"] or "127.0.0.1",
        "port": source["PORT"] or 5432,
        "user": source["USER"],
        "password": source["PASSWORD"],
        "dbname": "postgres",
    }

    def drop():
        connections.close_all()
        with psycopg.connect(**server, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    drop()
    with psycopg.connect(**server, autocommit=True) as admin:
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(source["NAME"])
            )
        )
    connection.settings_dict["NAME"] = name
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()
    return url, drop


def prepare(visits):
    """The month everyone files, a plan for it, and the accounts of the run."""
    today = timezone.localdate()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    places = list(Community.objects.order_by("position")[1 : visits + 1])
    if len(places) < visits:
        sys.exit(f"{visits} visits need {visits + 1} communities: give --communities")
    encoded = make_password(PASSWORD)
    with transaction.atomic():
        plan, _created = Plan.objects.get_or_create(
            year=year, defaults={"duty_months": list(range(1, 13)), "deadline_day": 1}
        )
        if not plan.carries_duty(month):
            plan.duty_months = sorted({*plan.duty_months, month})
            plan.save()
        staff = Group.objects.get_or_create(name=Role.COMMUNITY_STAFF)[0]
        accounts = []
        for n, community in enumerate(places):
            user = User.objects.create(username=f"deadline-{n:04d}", password=encoded)
            user.groups.add(staff)
            Assignment.objects.create(user=user, community=community)
            accounts.append(user.username)
        leader = User.objects.get(username="leader")
        leader.password = encoded
        leader.save(update_fields=["password"])
    return {"year": year, "month": month, "accounts": accounts, "leader": leader.username}


def password_checks():
    """One password check by each of Django's hashers (median of --runs, on this idle
    machine before the load): the CPU it costs a login, and its time on the clock
    (Argon2id's lanes run on several cores)."""
    from django.contrib.auth.hashers import (
        Argon2PasswordHasher,
        PBKDF2PasswordHasher,
        ScryptPasswordHasher,
        get_hasher,
    )

    figures = []
    for hasher in (PBKDF2PasswordHasher(), ScryptPasswordHasher(), Argon2PasswordHasher()):
        encoded = hasher.encode(PASSWORD, hasher.salt())
        cpu, wall = [], []
        for _ in range(args.runs):
            began, began_cpu = time.perf_counter(), time.process_time()
            hasher.verify(PASSWORD, encoded)
            wall.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
        figures.append(
            f"{hasher.algorithm} {common.amount(statistics.median(cpu), 's')} CPU "
            f"({common.amount(statistics.median(wall), 's')})"
        )
    first = get_hasher("default").algorithm
    print(f"password check: {', '.join(figures)}; the settings hash with {first}", flush=True)


def phone_photos(count):
    """`count` 12 MP JPEGs of about 2 MB, the same every run: gradients of light and
    sensor noise, each with its own pattern of lighter and darker patches, so that the
    evidence checks (docs/rules.md E2) see `count` different pictures, not one picture
    sent by every community."""
    import numpy as np
    from PIL import Image

    height, width = 3000, 4000
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    x = np.linspace(0, 1, width, dtype=np.float32)[None, :]
    base = np.empty((height, width, 3), np.float32)
    base[..., 0] = 90 + 100 * x + 20 * np.sin(40 * y)
    base[..., 1] = 120 + 60 * y + 20 * np.sin(30 * x + 10 * y)
    base[..., 2] = 170 - 80 * x * y
    rng = np.random.default_rng(2021)
    base += np.tile(rng.normal(0, 8, (600, 800, 3)).astype(np.float32), (5, 5, 1))
    photos = []
    for _ in range(count):
        patches = rng.choice((-35.0, 35.0), (4, 4)).astype(np.float32)
        light = np.kron(patches, np.ones((height // 4, width // 4), np.float32))
        out = io.BytesIO()
        rgb = np.clip(base + light[..., None], 0, 255).astype(np.uint8)
        Image.fromarray(rgb).save(out, "JPEG", quality=85)
        photos.append(out.getvalue())
    return photos


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(database_url, media, log):
    """gunicorn with gunicorn.conf.py on 127.0.0.1; (the process, its address) once it answers."""
    address = f"127.0.0.1:{free_port()}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(  # noqa: S603 (our own command line)
        [sys.executable, "-m", "gunicorn", "--config", str(common.ROOT / "gunicorn.conf.py")]
        + ["--bind", address, "--no-control-socket", "bench.locustfiles.wsgi"],
        cwd=common.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn stopped; see {log.name}")
        try:
            with urllib.request.urlopen(f"http://{address}/accounts/login/", timeout=5):  # noqa: S310
                return process, address
        except (URLError, OSError):
            time.sleep(0.3)
    process.kill()
    sys.exit(f"gunicorn did not answer within {READY_SECONDS} s; see {log.name}")


def workers(log):
    """What gunicorn says it ran: its worker class and how many workers it booted."""
    text = log.read_text()
    kind = re.search(r"Using worker: (\S+)", text)
    booted = len(re.findall(r"Booting worker", text))
    extra = os.environ.get("GUNICORN_CMD_ARGS")
    conf = runpy.run_path(str(common.ROOT / "gunicorn.conf.py"))
    return (
        f"{kind.group(1) if kind else '?'} worker class, {booted} workers booted; "
        f"gunicorn.conf.py: threads {conf.get('threads', 1)}, timeout {conf.get('timeout', 30)} s"
        f"{'; GUNICORN_CMD_ARGS ' + repr(extra) if extra else ''}"
    )


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def cpu_seconds(process):
    """CPU seconds of `process` and its children (gunicorn's workers) so far."""
    total = 0.0
    for each in (process, *process.children(recursive=True)):
        try:
            times = each.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def machine_seconds():
    """CPU seconds the whole machine has spent busy (all processes), from /proc/stat."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")


def drive(address, plan_path, log):
    """Run locust headless; its process, for its CPU time."""
    run_time = int(args.seconds + GRACE + 30)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOCUST_")}
    env["DEADLINE_DAY_PLAN"] = str(plan_path)
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless"]
    command += ["--host", f"http://{address}", "--users", "2", "--spawn-rate", "2"]
    command += ["--run-time", f"{run_time}s", "--stop-timeout", "5", "--only-summary"]
    command += ["--exit-code-on-error", "0", "--loglevel", "WARNING"]
    process = psutil.Popen(command, cwd=common.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    cpu = 0.0
    try:
        while process.poll() is None:
            times = process.cpu_times()
            cpu = times.user + times.system
            time.sleep(0.5)
    except psutil.NoSuchProcess:
        pass
    if process.wait(timeout=run_time + 60) != 0:
        sys.exit(f"locust failed; see {log.name}")
    return cpu


def percentile(values, share):
    """The nearest-rank percentile: the smallest value with `share` of all at or below it."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * share // 100) - 1)]


def lost(visits, media):
    """Acknowledged photos and submissions not found whole in the database (a photo
    with its original file, byte for byte, under the run's `media`)."""
    missing = []
    for visit in visits:
        photo = visit.get("photo")
        if photo:
            found = [
                *ActivityPhoto.objects.filter(sha256=photo["sha256"]),
                *StagedPhoto.objects.filter(sha256=photo["sha256"]),
            ]
            stored = media / found[0].original.name if len(found) == 1 else None
            if stored is None or not stored.is_file() or sha256(stored) != photo["sha256"]:
                missing.append(f"{visit['user']}: photo {photo['id']}")
        if visit.get("submitted"):
            report = MonthlyReport.objects.filter(pk=visit["submitted"]).first()
            submitted = report is not None and report.state == ReportState.SUBMITTED
            if not (
                submitted
                and photo
                and ActivityPhoto.objects.filter(
                    activity__report=report, sha256=photo["sha256"]
                ).exists()
            ):
                missing.append(f"{visit['user']}: submission of report {visit['submitted']}")
    return missing


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def report(results, cpu, engine, load, media):
    requests, visits = results["requests"], results["visits"]
    by_kind = {}
    for kind, seconds, _error in requests:
        by_kind.setdefault(kind, []).append(seconds)
    failures = [f"{kind}: {error}" for kind, _seconds, error in requests if error]
    broken = [v for v in visits if v.get("failed") and not v.get("request_failed")]
    unfinished = [v for v in visits if not v.get("submitted")]
    errors = len(failures) + len(broken)
    missing = lost(visits, media)
    seconds = args.seconds
    print(
        f"{engine}: {len(visits)} visits in {seconds:g} s ({args.rate:g}/s), "
        f"{len(visits) - len(unfinished)} submitted, {len(requests)} requests; "
        f"latest arrival {max((v['lag'] for v in visits), default=0) * 1000:.0f} ms behind; "
        f"load before {load}",
        flush=True,
    )
    for kind, times in by_kind.items():
        goal = UPLOAD_GOAL if kind == "upload" else PAGE_GOAL
        common.verdict(
            f"deadline_day {kind} p95",
            percentile(times, 95),
            goal,
            detail=f"{len(times)} requests, median {common.amount(statistics.median(times), 's')}, "
            f"max {common.amount(max(times), 's')}, {engine}",
        )
    for line in (failures + [f"{v['user']}: {v['failed']}" for v in broken])[:10]:
        print(f"  error: {line}")
    common.verdict("deadline_day errors", errors, 0, unit="errors")
    for line in missing[:10]:
        print(f"  lost: {line}")
    common.verdict(
        "deadline_day lost",
        len(missing),
        0,
        unit="lost",
        detail=f"{sum(1 for v in visits if v.get('photo'))} photos and "
        f"{sum(1 for v in visits if v.get('submitted'))} submissions acknowledged",
    )
    other = cpu["machine"] - cpu["gunicorn"] - cpu["locust"]
    print(
        f"CPU over {cpu['wall']:.0f} s: gunicorn {cpu['gunicorn']:.1f} s "
        f"({cpu['gunicorn'] / max(1, len(visits)):.2f} s a visit), locust {cpu['locust']:.1f} s, "
        f"other processes {other:.1f} s; the cores {cpu['machine'] / cpu['wall'] / CORES:.0%} busy",
        flush=True,
    )


def main():
    work = Path(tempfile.mkdtemp(prefix="luoshan-deadline-day-"))
    logs = work if common.quick else common.OUT / "deadline-day"
    logs.mkdir(parents=True, exist_ok=True)
    drop = lambda: None  # noqa: E731
    try:
        password_checks()
        database_url, drop = copy_of_the_city(work)
        plan = prepare(round(args.rate * args.seconds))
        photos = []
        for n, data in enumerate(phone_photos(2 if common.quick else PICTURES)):
            photos.append(str(work / f"photo-{n}.jpg"))
            Path(photos[-1]).write_bytes(data)
        plan.update(
            password=PASSWORD,
            quarter="/scores/2021Q2/",
            rate=args.rate,
            grace=GRACE,
            photos=photos,
            results=str(work / "results.json"),
        )
        plan_path = work / "plan.json"
        plan_path.write_text(json.dumps(plan))
        connections.close_all()
        engine = "SQLite" if connection.vendor == "sqlite" else "PostgreSQL"
        with (logs / "gunicorn.log").open("w") as server_log:
            server, address = serve(database_url, work / "media", server_log)
            try:
                load = Path("/proc/loadavg").read_text().split()[0]
                gunicorn = psutil.Process(server.pid)
                began = time.monotonic()
                before = {"gunicorn": cpu_seconds(gunicorn), "machine": machine_seconds()}
                with (logs / "locust.log").open("w") as locust_log:
                    cpu = {"locust": drive(address, plan_path, locust_log)}
                cpu["gunicorn"] = cpu_seconds(gunicorn) - before["gunicorn"]
                cpu["machine"] = machine_seconds() - before["machine"]
                cpu["wall"] = time.monotonic() - began
            finally:
                stop(server)
        results = json.loads((work / "results.json").read_text())
        print(f"gunicorn: {workers(logs / 'gunicorn.log')}", flush=True)
        report(results, cpu, engine, load, work / "media")
        if not common.quick:
            print(f"gunicorn's and locust's logs: {logs}", flush=True)
    finally:
        drop()
        shutil.rmtree(work, ignore_errors=True)
    common.finish()


main()
