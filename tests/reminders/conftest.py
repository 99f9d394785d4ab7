"""Shared data for R1: a stand-in for WeCom's robot on 127.0.0.1, the channels, a run.

No test here reaches another host: every connection but to the loopback address is
refused (`only_loopback`), proxies are ignored, and e-mail goes to Django's locmem
outbox (pytest-django's test environment).
"""

import contextlib
import io
import json
import socket
import threading
import time
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.management import call_command

from duties.models import Supervision, WorkMeeting
from reminders.management.commands.send_reminders import NotDelivered
from reminders.models import EmailChannel, WeComGroup
from reporting.periods import LOCAL

LOOPBACK = ("127.0.0.1", "localhost")
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def only_loopback(monkeypatch):
    """Any connection to a host other than this machine fails the test at once."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    connect = socket.create_connection

    def loopback_only(address, *args, **kwargs):
        assert address[0] in LOOPBACK, f"a test tried to reach {address[0]}"
        return connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", loopback_only)


class Robot:
    """What the stand-in robot received, and what it answers next: (status, body, delay)."""

    def __init__(self):
        self.posts = []
        self.answers = []
        self.url = None

    def answer(self, status=200, body=None, delay=0.0):
        self.answers.append((status, body or {"errcode": 0, "errmsg": "ok"}, delay))

    def contents(self, key=None):
        """The text of each message posted (to the group of `key`, or to any)."""
        return [
            post["json"]["text"]["content"] for post in self.posts if key in (None, post["key"])
        ]

    def webhook(self, key):
        return f"{self.url}/cgi-bin/webhook/send?key={key}"


@pytest.fixture
def robot():
    """WeCom's group robot, as documented: POST JSON to /cgi-bin/webhook/send?key=…,
    answered {"errcode": 0, "errmsg": "ok"} unless told otherwise. Port 0: the system
    picks a free one."""
    robot = Robot()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            query = urlsplit(self.path).query
            robot.posts.append(
                {
                    "path": urlsplit(self.path).path,
                    "key": dict(pair.split("=", 1) for pair in query.split("&") if pair)["key"],
                    "content_type": self.headers.get("Content-Type"),
                    "json": json.loads(body),
                }
            )
            status, answer, delay = robot.answers.pop(0) if robot.answers else (200, None, 0)
            time.sleep(delay)
            payload = json.dumps(answer or {"errcode": 0, "errmsg": "ok"}).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the portal stopped waiting (the timeout case)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    robot.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield robot
    server.shutdown()
    server.server_close()


@pytest.fixture
def groups(robot, places):
    """One WeCom group per work point of the fixtures: 缺塘点 (甲, 丙) and 苏内点 (乙)."""
    first = WeComGroup.objects.create(name="缺塘点反诈群", webhook_url=robot.webhook("first"))
    first.work_points.add(places["point"])
    second = WeComGroup.objects.create(name="苏内点反诈群", webhook_url=robot.webhook("second"))
    second.work_points.add(places["other_point"])
    return {"first": first, "second": second}


@pytest.fixture
def email_on(db):
    EmailChannel.objects.update_or_create(pk=1, defaults={"enabled": True})


def at(text):
    """A local moment: '2021-04-28 09:00' in Asia/Shanghai."""
    return datetime.fromisoformat(text).replace(tzinfo=LOCAL)


def run(*args, clock=None):
    """`manage.py send_reminders *args`, the clock frozen at `clock` if given; its output."""
    out, err = io.StringIO(), io.StringIO()
    # Failures exit 1 (NotDelivered); they are logged, and the tests read the log.
    travel = time_machine.travel(clock, tick=False) if clock else contextlib.nullcontext()
    with contextlib.suppress(NotDelivered), travel:
        call_command("send_reminders", *args, stdout=out, stderr=err)
    return out.getvalue()


def dry_run(clock):
    return json.loads(run("--dry-run", "--format", "json", clock=clock))


def do_supervision(plan, place, head, month=4, meeting=True):
    """P1 held by `place` in `month`: a supervision visit and (if `meeting`) a work meeting,
    written straight with the models."""
    visit = Supervision.objects.create(
        work_point=place,
        plan=plan,
        month=month,
        held_on=date(plan.year, month, 12),
        recorded_by=head,
        checked="检查宣传栏与活动台账",
    )
    if meeting:
        WorkMeeting.objects.create(
            work_point=place,
            plan=plan,
            month=month,
            held_on=date(plan.year, month, 20),
            recorded_by=head,
            attendees="点长、各社区书记",
            case_analysis="本月辖区发生冒充客服诈骗2起",
        )
    return visit
