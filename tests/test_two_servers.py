"""Two app servers, one database, one media folder: a report filed through both.

A province runs several app servers behind nginx, and nginx may send each request
of one person to any of them. So nothing the portal keeps between requests may
live in a process: the session, the CSRF token, the messages shown after a
redirect, the photos uploaded and not saved yet, the failed logins that lock an
account. This test starts two gunicorn processes on one database and one media
folder and files a community's report through both, each step on the other
server from the one before: log in on A, open the home page on B, start the
report on A, open it on B, upload a photo on A (as the page's script does), see
its thumbnail on B, save the draft on B, submit on A, read the report and its
photo on B. Then two failed logins, one on each server, lock an account on both.
Every request names the one site, as behind nginx (Host portal.test).

What each database proves:

- SQLite (plain `make test`): two processes on one database file, as one city
  server runs several gunicorn workers. Nothing lives in a process, and SQLite's
  one write lock is shared between processes (each writer waits for it,
  `transaction_mode` IMMEDIATE). It says nothing about a database over the network.
- PostgreSQL (`DATABASE_URL=postgres://...`, as in CI): the province's arrangement,
  each server a client of its own to one database server, in a database created
  for this test (CREATE DATABASE with DATABASE_URL's credentials) and dropped after.

Neither proves what differs between machines: the media folder here is one local
folder standing for the shared storage (an NFS mount), and the two servers share
one clock. The cache is not exercised: filing never reads it (only the score pages
of a closed quarter do, from 500 communities; with more than one process that needs
REDIS_URL, see the README's deployment section).
"""

import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode, urlsplit
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener
from uuid import uuid4

import dj_database_url
import pytest
from django.conf import settings
from PIL import Image
from urllib3.filepost import encode_multipart_formdata

pytestmark = pytest.mark.slow

SITE = "portal.test"  # the one name nginx answers to, whichever server it picks
PASSWORD = "Two-servers-1"
STAFF = "sq-two-servers"
LOCKED = "sq-locked-out"
LOCKOUT_FAILURES = 2  # DJANGO_LOCKOUT_FAILURES for the two servers: one failure on each
READY_SECONDS = 30

# Run through `manage.py shell -c` against the test's database, with the portal's own
# models: a 2021 plan, a community of the first work point, its staff member, and a
# second staff member whose account the test locks.
SET_UP = f"""
from django.contrib.auth.models import Group, User
from communities.models import Assignment, Community, Role, WorkPoint
from reporting.models import Plan

Plan.objects.create(year=2021, duty_months=[4, 5, 6, 7, 8, 9, 10], deadline_day=1)
community = Community.objects.create(
    name="双机社区", work_point=WorkPoint.objects.order_by("position").first()
)
for username in ({STAFF!r}, {LOCKED!r}):
    user = User.objects.create_user(username, password={PASSWORD!r})
    user.groups.add(Group.objects.get(name=Role.COMMUNITY_STAFF))
    Assignment.objects.create(user=user, community=community)
"""


# The servers -----------------------------------------------------------------------


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("two-servers")


@pytest.fixture(scope="module")
def database_url(folder):
    """A database of the suite's engine, empty, for this module only."""
    url = os.environ.get("DATABASE_URL", "")
    if dj_database_url.parse(url or "sqlite://")["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{folder / 'portal.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    params = dj_database_url.parse(url)
    name = f"luoshan_two_servers_{uuid4().hex[:12]}"
    server = {
        "host": params["HOST"] or "127.0.0.1",
        "port": params["PORT"] or 5432,
        "user": params["USER"],
        "password": params["PASSWORD"],
        "dbname": "postgres",
    }
    with psycopg.connect(**server, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlsplit(url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(**server, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _environment(database_url, folder):
    """The production settings, the same on both servers (README, 设置 · Settings)."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_DEBUG")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_MEDIA_ROOT=str(folder / "media"),
        DJANGO_STATIC_ROOT=str(folder / "static"),
        DJANGO_SECRET_KEY=f"two-servers-{uuid4().hex}-one-secret-for-both",
        DJANGO_ALLOWED_HOSTS=SITE,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_LOCKOUT_FAILURES=str(LOCKOUT_FAILURES),
        DJANGO_LOG_LEVEL="WARNING",
    )
    return env


def _manage(env, *args):
    """Run a management command as the deployment does, once, from one machine."""
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finish(process):
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 0, f"{' '.join(process.args[1:])} failed:\n{output}"


def _wait_until_ready(process, url, log):
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn at {url} stopped:\n{log.read_text()}")
        try:
            answer = Browser().get(url, "/accounts/login/")
        except OSError:  # not listening yet
            time.sleep(0.2)
            continue
        assert answer.status == 200, f"gunicorn at {url}: {answer.status}\n{log.read_text()}"
        return
    pytest.fail(f"gunicorn at {url} did not answer within {READY_SECONDS} s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def servers(database_url, folder):
    """Two gunicorn processes, one worker each, on one database and one media folder."""
    env = _environment(database_url, folder)
    # collectstatic runs beside migrate and the set-up, which need the database.
    collecting = _manage(env, "collectstatic", "--no-input", "-v0")
    try:
        _finish(_manage(env, "migrate", "--no-input", "-v0"))
        _finish(_manage(env, "shell", "-c", SET_UP))
    finally:
        _finish(collecting)
    started = []
    try:
        for name in ("a", "b"):
            url, log = f"http://127.0.0.1:{_free_port()}", folder / f"gunicorn-{name}.log"
            with log.open("w") as out:
                process = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "luoshan.wsgi", "--workers", "1"]
                    + ["--bind", url.removeprefix("http://")]
                    # Not gunicorn's one control socket per user (~/.gunicorn/): two of them.
                    + ["--no-control-socket"],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            started.append((process, url, log))
        for process, url, log in started:
            _wait_until_ready(process, url, log)
        yield [url for _process, url, _log in started], folder / "media"
    finally:
        for process, _url, _log in started:
            process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        for process, _url, _log in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# A browser, as far as the report page needs one ---------------------------------------


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode()

    def form(self, **wanted):
        """The one form of the page whose attributes or fields match `wanted`."""
        found = [f for f in _forms(self.text) if f.matches(wanted)]
        assert len(found) == 1, f"{len(found)} forms match {wanted}"
        return found[0]


class _KeepRedirects(HTTPRedirectHandler):
    """A redirect is an answer to check, and the next request goes where the test says."""

    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: one cookie jar for the site, whichever server answers."""

    def __init__(self):
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), _KeepRedirects)

    def get(self, server, path):
        return self._open(server + path, headers={"Host": SITE})

    def post(self, server, path, fields, headers=()):
        """POST `fields` (name, value) as a browser does: urlencoded, or multipart when a
        value is a file, (file name, bytes, content type)."""
        if any(isinstance(value, tuple) for _name, value in fields):
            body, content_type = encode_multipart_formdata(fields)
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        sent = {"Host": SITE, "Origin": f"http://{SITE}", "Content-Type": content_type}
        return self._open(server + path, data=body, headers={**sent, **dict(headers)})

    def _open(self, url, **request):
        assert url.startswith("http://127.0.0.1:")
        try:
            with self.opener.open(Request(url, **request), timeout=30) as answer:  # noqa: S310
                return Response(answer.status, answer.headers, answer.read())
        except HTTPError as error:
            with error:
                return Response(error.code, error.headers, error.read())


class Form:
    """A form as the page has it: what a browser would send, before anyone touches it."""

    def __init__(self, attrs):
        self.attrs = attrs
        self.fields = []  # (name, value) of the controls sent as they are, in page order
        self.checkboxes = {}  # name: value of the boxes not ticked
        self.files = []  # names of the file inputs: sent empty when no file is picked
        self.buttons = {}  # name: value of the submit buttons

    def matches(self, wanted):
        return all(
            self.attrs.get(key) == value or (key, value) in self.fields
            for key, value in wanted.items()
        )

    def value(self, name):
        return next(value for field, value in self.fields if field == name)

    def names(self):
        return [name for name, _value in self.fields]

    def set(self, name, value):
        """Type into a field, pick an option, or add a field (as the page's script does)."""
        for index, (field, _old) in enumerate(self.fields):
            if field == name:
                self.fields[index] = (name, value)
                return
        self.fields.append((name, value))

    def tick(self, name):
        self.fields.append((name, self.checkboxes.pop(name)))

    def sent_with(self, button=None):
        """What the browser sends: the fields, the button pressed, each empty file input."""
        pressed = [(button, self.buttons[button])] if button else []
        empty = [(name, ("", b"", "application/octet-stream")) for name in self.files]
        return [*self.fields, *pressed, *empty]


class _FormReader(HTMLParser):
    """The page's forms as a browser sees them; what is inside a <template> is not sent."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.form, self.templates = [], None, 0
        self.select = self.textarea = None
        self.chosen = False

    def handle_starttag(self, tag, attrs):
        attrs = {key: "" if value is None else value for key, value in attrs}
        if tag == "template":
            self.templates += 1
        elif tag == "form" and not self.templates:
            self.form = Form(attrs)
            self.forms.append(self.form)
        elif self.form is None or self.templates or "disabled" in attrs or "name" not in attrs:
            chosen = "selected" in attrs or not self.chosen
            if tag == "option" and self.select and "disabled" not in attrs and chosen:
                self.form.set(self.select, attrs["value"])  # the selected one, else the first
                self.chosen = "selected" in attrs
        elif tag == "input":
            self._input(attrs)
        elif tag == "button" and attrs.get("type", "submit") == "submit":
            self.form.buttons[attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self.select, self.chosen = attrs["name"], False
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.form.fields.append((self.textarea, ""))

    def _input(self, attrs):
        kind, name = attrs.get("type", "text"), attrs["name"]
        if kind == "file":
            self.form.files.append(name)
        elif kind == "submit":
            self.form.buttons[name] = attrs.get("value", "")
        elif kind in ("checkbox", "radio"):
            if "checked" in attrs:
                self.form.fields.append((name, attrs.get("value", "on")))
            else:
                self.form.checkboxes[name] = attrs.get("value", "on")
        else:
            self.form.fields.append((name, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea:
            self.form.set(self.textarea, data)

    def handle_endtag(self, tag):
        if tag == "template":
            self.templates -= 1
        elif tag == "form" and not self.templates:
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def _forms(html):
    reader = _FormReader()
    reader.feed(html)
    return reader.forms


def _jpeg(size=(800, 600)):
    out = io.BytesIO()
    Image.new("RGB", size, (40, 90, 160)).save(out, "JPEG")
    return out.getvalue()


def _log_in(browser, server, username, password):
    form = browser.get(server, "/accounts/login/").form(method="post", next="")
    form.set("username", username)
    form.set("password", password)
    return browser.post(server, "/accounts/login/", form.sent_with())


# The tests --------------------------------------------------------------------------


def test_a_report_filed_through_two_servers_is_whole_on_either(servers):
    """Each step on the other server from the one before, and the report comes out
    submitted, with its photo, on either: the session, the CSRF token, the messages
    and the photo uploaded and not saved yet belong to no process."""
    (a, b), media = servers
    staff = Browser()

    # Log in on A; the session is B's too.
    assert _log_in(staff, a, STAFF, PASSWORD).status == 302
    home = staff.get(b, "/?year=2021")
    assert home.status == 200, "B does not know the session opened on A"

    # Start April's report on A with the form B showed (B's CSRF token).
    start = home.form(action="/reports/start/", month="4")
    started = staff.post(a, "/reports/start/", start.sent_with())
    assert started.status == 302, started.text
    report_url = started.headers["Location"]

    # Open it on B, fill in the new card, and pick a photo: the page's script sends it at
    # once, to A, with the page's version and CSRF token (static/js/report.js, send()).
    page = staff.get(b, report_url).form(id="report-form")
    prefix = next(n for n in page.names() if n.endswith("-held_at")).removesuffix("held_at")
    upload = staff.post(
        a,
        page.attrs["data-upload-url"],
        [
            ("photo", ("宣讲现场.jpg", _jpeg(), "image/jpeg")),
            ("version", page.value("version")),
            ("activity", ""),  # a card not saved yet
            ("csrfmiddlewaretoken", page.value("csrfmiddlewaretoken")),
        ],
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert upload.status == 201, upload.text
    staged = json.loads(upload.body)
    thumbnail = staff.get(b, staged["thumbnail"])
    assert (thumbnail.status, thumbnail.headers["Content-Type"]) == (200, "image/jpeg"), (
        "B cannot show the photo just uploaded to A"
    )

    # Save the draft on B: the script has put the upload's id on the card (arrived()) and
    # numbered the cards (renumber()).
    for field, value in [
        ("held_at", "2021-04-10T09:30"),
        ("place", "社区文化广场"),
        ("form", "集中宣讲"),
        ("participants", "40"),
        ("caption", "两台服务器上报送的宣讲"),
        ("position", "1"),
        ("staged", str(staged["id"])),
    ]:
        page.set(prefix + field, value)
    saved = staff.post(b, report_url, page.sent_with("save"))
    assert (saved.status, saved.headers["Location"]) == (302, report_url), saved.text

    # Submit on A, from A's page, which also shows B's message (a signed cookie).
    reopened = staff.get(a, report_url)
    assert "草稿已保存。" in reopened.text
    page = reopened.form(id="report-form")
    page.tick("truth_confirmed")
    submitted = staff.post(a, report_url, page.sent_with("submit"))
    assert (submitted.status, submitted.headers["Location"]) == (302, report_url), submitted.text

    # On B: submitted, with the one photo, served by B from the shared folder.
    shown = staff.get(b, report_url).text
    assert "报表已报送，谢谢！" in shown
    assert "state-submitted" in shown
    assert 'id="report-form"' not in shown
    photos = set(re.findall(r"/photos/(\d+)/thumbnail/", shown))
    assert len(photos) == 1, shown
    photo = photos.pop()
    stored = {path.read_bytes() for path in media.rglob("*") if path.is_file()}
    for variant in ("thumbnail", "display"):
        served = staff.get(b, f"/photos/{photo}/{variant}/")
        assert (served.status, served.headers["Content-Type"]) == (200, "image/jpeg")
        assert served.body in stored, f"B served a {variant} that is not in the shared folder"
        assert Image.open(io.BytesIO(served.body)).format == "JPEG"


def test_failed_logins_on_two_servers_lock_the_account_on_both(servers):
    """django-axes counts failures in the database: one on A and one on B make the
    limit (DJANGO_LOCKOUT_FAILURES=2 here), and then A refuses the right password."""
    (a, b), _media = servers
    intruder = Browser()
    assert _log_in(intruder, a, LOCKED, "wrong-password-1").status == 200
    assert _log_in(intruder, b, LOCKED, "wrong-password-2").status == 429
    refused = _log_in(intruder, a, LOCKED, PASSWORD)
    assert refused.status == 429
    assert "账号已锁定" in refused.text
    assert intruder.get(b, "/").status == 302, "the locked account got a session"
