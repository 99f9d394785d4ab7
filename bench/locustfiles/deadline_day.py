"""Deadline day as locust drives it: visits arriving at a fixed rate, and a leader.

Run by bench/deadline_day.py (`locust -f bench/locustfiles/deadline_day.py --headless`),
which names its plan in DEADLINE_DAY_PLAN (JSON: the accounts, the month to file,
the rate, the photos) and reads back the file the plan names as `results`.

An open arrival model. Locust's users are closed loops: each one waits for its
answer before its next request, so a slow server slows the load down and hides
its own queue. Here the one `Arrivals` user is the door, not a person: every
1/rate seconds it starts the next visit in a greenlet of its own, whether or not
the earlier visits have finished, each visit with its own cookies (a phone of its
own). A visit is what a community's staff member does on the deadline day: log in,
open home, start the month's report, open it, pick one photo (the page's script
uploads it at once and shows its thumbnail), fill in the card and submit. Meanwhile
`Leader` reloads the quarter page every RELOAD_SECONDS.

Every request is timed by locust (its `request` event) and written to the results
with its kind and its error, if any; so is each visit's outcome: the photo the
server acknowledged (201, its id, the SHA-256 of the bytes sent: each visit sends
one of the plan's pictures, in turn, with its own comment segment, so each photo is
a different file) and
the submission it acknowledged (the redirect after 报送, then the page saying so).
bench/deadline_day.py checks those against the database.
"""

import contextlib
import hashlib
import json
import os
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import gevent
from gevent.pool import Group
from locust import FastHttpUser, User, constant, events, task
from locust.contrib.fasthttp import FastHttpSession
from urllib3.filepost import encode_multipart_formdata

PLAN = json.loads(open(os.environ["DEADLINE_DAY_PLAN"], encoding="utf-8").read())  # noqa: SIM115
PHOTOS = [Path(name).read_bytes() for name in PLAN["photos"]]
RELOAD_SECONDS = 2
TIMEOUT = 60  # seconds a request may take before it counts as failed
requests, visits = [], []
written = False


@events.request.add_listener
def _timed(name, response_time, exception, **_kwargs):
    requests.append([name, response_time / 1000, None if exception is None else str(exception)])


@events.quitting.add_listener
def _write(**_kwargs):
    """The results, once, as locust stops (visits still running then count as unfinished)."""
    global written
    if written:
        return
    written = True
    with open(PLAN["results"], "w", encoding="utf-8") as out:
        json.dump({"requests": requests, "visits": visits}, out, ensure_ascii=False)


class Failed(Exception):
    """A step of a visit went wrong: the visit stops there, as a person would."""


class Arrivals(User):
    """The door: starts a visit for each of PLAN["accounts"], PLAN["rate"] a second,
    then waits for the last ones (at most PLAN["grace"] seconds) and stops the test."""

    fixed_count = 1
    wait_time = constant(0)

    @task
    def arrive(self):
        if visits:  # one round only; the test stops at its end
            gevent.sleep(1)
            return
        group = Group()
        began = time.monotonic()
        for n, username in enumerate(PLAN["accounts"]):
            gevent.sleep(max(0.0, began + n / PLAN["rate"] - time.monotonic()))
            outcome = {"user": username, "lag": time.monotonic() - began - n / PLAN["rate"]}
            visits.append(outcome)
            group.spawn(visit, self.environment, n, username, outcome)
        group.join(timeout=PLAN["grace"])
        group.kill(block=True)
        gevent.spawn(self.environment.runner.quit)  # not from this greenlet: quit() kills it


class Leader(FastHttpUser):
    """Leadership reloading the closed quarter's page through the day."""

    fixed_count = 1
    wait_time = constant(RELOAD_SECONDS)
    network_timeout = TIMEOUT

    def on_start(self):
        session = Session(self.client)
        if not session.log_in(PLAN["leader"], PLAN["password"]):
            raise Failed("the leader could not log in")

    @task
    def reload(self):
        with contextlib.suppress(Failed):  # counted with its request; the leader goes on
            Session(self.client).page(PLAN["quarter"], "quarter page", "score-table")


def visit(environment, n, username, outcome):
    client = FastHttpSession(
        environment.host,
        request_event=environment.events.request,
        user=None,
        network_timeout=TIMEOUT,
        connection_timeout=TIMEOUT,
    )
    session = Session(client)
    try:
        session.file_a_report(n, username, outcome)
    except Failed as failure:  # a request failed, and locust counted it
        outcome["failed"], outcome["request_failed"] = str(failure), True
    except gevent.GreenletExit:
        outcome["failed"] = "unfinished when the test ended"
        raise
    except Exception as error:  # a page not as expected: counted as an error, never fatal
        outcome["failed"] = f"{type(error).__name__}: {error}"


class Session:
    """One person's browser, as far as the deadline needs one."""

    def __init__(self, client):
        self.client = client

    def log_in(self, username, password):
        page = self.page("/accounts/login/", "login page", 'name="password"')
        login = self.send(
            "/accounts/login/",
            "login",
            {
                "csrfmiddlewaretoken": csrf_token(page),
                "username": username,
                "password": password,
            },
            expect=302,
        )
        return login.headers.get("Location", "").endswith("/")

    def file_a_report(self, n, username, outcome):
        year, month = PLAN["year"], PLAN["month"]
        self.log_in(username, PLAN["password"])
        home = self.page("/", "home", f'name="month" value="{month}"')
        started = self.send(
            "/reports/start/",
            "start report",
            {"csrfmiddlewaretoken": csrf_token(home), "year": year, "month": month},
            expect=302,
        )
        report_url = started.headers["Location"]
        outcome["report"] = int(re.search(r"/reports/(\d+)/", report_url).group(1))
        form = report_form(self.page(report_url, "report", 'id="report-form"'))

        # The page's script sends the photo the moment it is picked (static/js/report.js).
        photo = numbered(PHOTOS[n % len(PHOTOS)], f"deadline day visit {n} {username}")
        body, content_type = encode_multipart_formdata(
            [
                ("photo", (f"IMG_{n:04d}.jpg", photo, "image/jpeg")),
                ("version", form.value("version")),
                ("activity", ""),
                ("csrfmiddlewaretoken", form.value("csrfmiddlewaretoken")),
            ]
        )
        with self.client.post(
            form.attrs["data-upload-url"],
            name="upload",
            data=body,
            headers={"Content-Type": content_type, "X-Requested-With": "XMLHttpRequest"},
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 201:
                answer.failure(f"upload: {answer.status_code} {(answer.text or '')[:200]}")
                raise Failed("upload")
            staged = json.loads(answer.text)
        outcome["photo"] = {"id": staged["id"], "sha256": hashlib.sha256(photo).hexdigest()}
        self.image(staged["thumbnail"], "thumbnail")

        held_at = next(name for name in form.names() if name.endswith("-held_at"))
        prefix = held_at.removesuffix("held_at")
        for field, value in (
            ("held_at", f"{year}-{month:02d}-05T09:30"),
            ("place", "社区文化广场"),
            ("form", "集中宣讲"),
            ("participants", "40"),
            ("caption", "截止日集中宣讲反诈知识"),
            ("position", "1"),
            ("staged", str(staged["id"])),
        ):
            form.set(prefix + field, value)
        form.set("truth_confirmed", "on")
        form.set("submit", "1")
        self.send(report_url, "submit", form.fields, expect=302)
        self.page(report_url, "report submitted", "state-submitted")
        outcome["submitted"] = outcome["report"]

    def page(self, path, kind, must_contain):
        with self.client.get(path, name=kind, allow_redirects=False, catch_response=True) as answer:
            if answer.status_code != 200 or must_contain not in (answer.text or ""):
                answer.failure(f"{kind}: {answer.status_code}, {must_contain!r} not on the page")
                raise Failed(kind)
            return answer.text

    def image(self, path, kind):
        with self.client.get(path, name=kind, allow_redirects=False, catch_response=True) as answer:
            if answer.status_code != 200 or answer.headers.get("Content-Type") != "image/jpeg":
                answer.failure(f"{kind}: {answer.status_code}")
                raise Failed(kind)

    def send(self, path, kind, fields, expect):
        body, content_type = encode_multipart_formdata(
            list(fields.items() if isinstance(fields, dict) else fields)
        )
        with self.client.post(
            path,
            name=kind,
            data=body,
            headers={"Content-Type": content_type},
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != expect:
                answer.failure(f"{kind}: {answer.status_code} {(answer.text or '')[:200]}")
                raise Failed(kind)
            return answer


def numbered(jpeg, text):
    """The same JPEG with a comment segment (COM) of its own right after its start:
    another file, the same picture."""
    comment = text.encode()
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def report_form(html):
    reader = FormReader("report-form")
    reader.feed(html)
    if reader.form is None:
        raise Failed("report: no form")
    return reader.form


class Form:
    """A form's fields as the browser would send them, before anyone touches it."""

    def __init__(self, attrs):
        self.attrs = attrs
        self.fields = []

    def names(self):
        return [name for name, _value in self.fields]

    def value(self, name):
        return next(value for field, value in self.fields if field == name)

    def set(self, name, value):
        for index, (field, _old) in enumerate(self.fields):
            if field == name:
                self.fields[index] = (name, value)
                return
        self.fields.append((name, value))


class FormReader(HTMLParser):
    """The controls of the form with id `form_id`, outside its <template>s: hidden and
    text inputs with their values, ticked boxes, each select's selected (or first)
    option, textareas. Buttons and file inputs are left out."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.form, self.inside, self.templates = form_id, None, False, 0
        self.select = self.textarea = None
        self.chosen = False

    def handle_starttag(self, tag, attrs):
        attrs = {key: "" if value is None else value for key, value in attrs}
        if tag == "form" and attrs.get("id") == self.form_id:
            self.form, self.inside = Form(attrs), True
        elif tag == "template":
            self.templates += 1
        elif not self.inside or self.templates or "disabled" in attrs:
            return
        elif tag == "option" and self.select and ("selected" in attrs or not self.chosen):
            self.form.set(self.select, attrs.get("value", ""))
            self.chosen = "selected" in attrs
        elif "name" not in attrs:
            return
        elif tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.form.fields.append((attrs["name"], attrs.get("value", "on")))
            elif kind not in ("file", "submit", "button"):
                self.form.fields.append((attrs["name"], attrs.get("value", "")))
        elif tag == "select":
            self.select, self.chosen = attrs["name"], False
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.form.fields.append((self.textarea, ""))

    def handle_data(self, data):
        if self.textarea:
            self.form.set(self.textarea, data)

    def handle_endtag(self, tag):
        if tag == "template":
            self.templates -= 1
        elif tag == "form" and not self.templates:
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
