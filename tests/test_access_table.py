"""The access table: every URL of the portal, every role, the answer each one gets.

The table is built from the URLconf itself (`test_every_url_pattern_is_in_the_table`),
so a new page, or a model newly registered in the admin, fails here until its
answers are written down. Each case's URL is resolved back to its pattern: what a
case covers is what Django routes it to, not what the table claims.

The answers follow the rules of communities/access.py and the admin site:
- anonymous: 302 to the login page (the admin's own login page for the admin);
- a page of a community the user may not read: 404, so an id reveals nothing;
- a page the user may read but not change, or not their role's: 403;
- the admin (the office's desk) opens to the office and superusers past the second
  factor; everyone else is sent to its login page. Inside, the office's rights per
  model are OFFICE_RIGHTS below (communities/permissions.py in words), evidence is
  never added or deleted by hand, the security log never changed;
- views that only take POST answer GET with 405, and a POST without the role is
  refused (403/404/302 to login), never carried out.

Objects of two communities are used: A (alice's, in the head's work point) and B
(bob's, in the other point, other_head's). In the admin the office sees both alike,
so its object pages are asked for A's objects.
"""

import io
import uuid
from datetime import date, datetime
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django_otp.plugins.otp_static.models import StaticDevice
from openpyxl import Workbook
from simple_history.admin import SimpleHistoryAdmin

from communities.models import AccessEvent, Assignment, PropagandaTeam, Role, Unit
from communities.permissions import grant_office_permissions
from duties.models import (
    BoardUpdate,
    FraudCases,
    Phase,
    ScreenKind,
    ScreenUse,
    Supervision,
    UnitActivity,
    WorkMeeting,
)
from evidence.models import FlagKind
from publishing import drafting
from reminders.models import EmailChannel, Reminder, WeComGroup
from reporting.models import ActivityForm, Finding, ImportUpload, MonthlyReport, StagedPhoto
from reporting.periods import LOCAL, Quarter
from reporting.photos import check_photo
from scoring.models import Inspection, InspectionResult, OfficialWarning
from tests.conftest import (
    PASSWORD,
    add_activity,
    confirmed_totp_device,
    jpeg_upload,
    make_user,
    raise_flag,
    verified_login,
)
from tests.duties.phase_files import hand_in_file
from tests.publishing.column_data import post_of

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "alice",
    "bob",
    "head",
    "other_head",
    "leader",
    "office",
    "nobody",
    "superuser",
    "unit",
    "other_unit",
)
LOGGED_IN = ROLES[1:]
DESK = ("office", "superuser")  # the admin's users; a superuser reads as the office
SEES_ALL = ("leader", *DESK)
OWN_STAFF = {"a": "alice", "b": "bob"}
HEADS = {"a": "head", "b": "other_head"}  # the heads of A's and B's work points
POINTS = {"a": "point", "b": "other_point"}
UNIT_STAFF = {"a": "unit", "b": "other_unit"}  # the staff of 教育办 and of 司法所
UNITS = {"a": "教育办", "b": "司法所"}
VIEWERS = {  # who may read a community's pages (communities.access.Viewer.can_view)
    "a": ("alice", "head", *SEES_ALL),
    "b": ("bob", "other_head", *SEES_ALL),
}
QUARTER = "2021Q2"
MONTH = "?month=2021-04"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The office's rights in the admin, per registered model: v(iew) a(dd) c(hange) d(elete).
# A model registered later must be added here (test_every_registered_model_has_its_rights).
OFFICE_RIGHTS = {
    "auth.group": "",
    "auth.user": "vac",  # accounts are made and changed, never deleted (history kept)
    "axes.accessattempt": "vd",  # deleting a locking attempt unlocks the account
    "axes.accesslog": "",  # the office reads one log: the security log below
    "axes.accessfailurelog": "",
    "otp_totp.totpdevice": "",  # second factors are each person's own
    "otp_static.staticdevice": "",
    "communities.workpoint": "vac",
    "communities.community": "vac",
    "communities.assignment": "vacd",
    "communities.propagandateam": "vac",
    "communities.accessevent": "v",  # the security log: read only
    "reporting.plan": "vac",
    "reporting.monthlyreport": "v",  # evidence: judged through review, never edited
    "reporting.activity": "v",
    "reporting.activityphoto": "v",
    "reporting.finding": "v",
    "scoring.inspection": "vac",
    "scoring.officialwarning": "vc",  # issued from the ledger, not added here
    # P1: recorded and corrected by the points' heads on their pages; read here.
    "duties.supervision": "v",
    "duties.workmeeting": "v",
    # B1: recorded by the communities' staff on their page; read here.
    "duties.boardupdate": "v",
    "duties.screenuse": "v",
    # U1: the units are the office's to add and rename (never delete); their activities
    # are recorded by their own staff on their pages, read here.
    "communities.unit": "vac",
    "duties.unitactivity": "v",
    # R1: the e-mail switch (one row, made by the migration) and the WeCom groups are
    # the office's to set; the reminders sent are a log, read only.
    "reminders.emailchannel": "vc",
    "reminders.wecomgroup": "vacd",
    "reminders.reminder": "v",
    # C1: drafts are started on their quarter's or inspection's desk page, not added here;
    # a draft's texts are changed, an issued circular is read only.
    "publishing.circular": "vc",
    # The phases' papers: handed in by their community's or unit's staff; read here.
    "duties.phasedocument": "v",
    # C2: posts are written and published on their own desk pages (the admin's add and
    # change pages send there); a draft never published may be deleted, a published one not.
    "publishing.post": "vac",
    # The monthly fraud cases: entered on their own pages (the police's and the office's);
    # read here with their history.
    "duties.fraudcases": "v",
}
# What not even a superuser does in the admin: evidence and records the portal (or
# django-axes) writes for itself are never added or deleted by hand.
NOBODY_DOES = {
    "communities.accessevent": "ad",
    "reporting.monthlyreport": "ad",
    "reporting.activity": "ad",
    "reporting.activityphoto": "ad",
    "reporting.finding": "ad",
    "duties.supervision": "acd",
    "duties.workmeeting": "acd",
    "duties.boardupdate": "acd",
    "duties.screenuse": "acd",
    "duties.unitactivity": "acd",
    "reminders.emailchannel": "ad",
    "reminders.reminder": "ad",
    "axes.accessattempt": "a",
    "axes.accesslog": "a",
    "axes.accessfailurelog": "a",
    # C1: a circular is started by its desk page; an issued one (the one asked for here)
    # is never deleted.
    "publishing.circular": "ad",
    "duties.phasedocument": "acd",
    "publishing.post": "d",  # the one asked for here is published
    "duties.fraudcases": "acd",
}

# The admin's own pages of a model that has pages of its own: to them, once allowed (302).
SENT_ON = {"publishing.post": ("add", "change")}


# --- The URLconf ---------------------------------------------------------------------


def _join(route, sub):
    """As Django joins a ResolverMatch's route (a nested regex loses its '^')."""
    return route + (sub[1:] if sub.startswith("^") else sub)


def url_patterns(patterns=None, prefix="", namespace=""):
    """Every (route, name) of the URLconf, admin and includes walked through."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = _join(prefix, str(entry.pattern))
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, (namespace, entry.namespace)))
            yield from url_patterns(entry.url_patterns, route, inner)
        else:
            assert isinstance(entry, URLPattern)
            yield route, ":".join(filter(None, (namespace, entry.name or "")))


def pattern_of(url):
    match = resolve(url.split("?")[0])
    return match.route, ":".join(filter(None, (*match.namespaces, match.url_name or "")))


# --- The data ------------------------------------------------------------------------


@pytest.fixture
def world(plan, places, people):
    """Reports, photos, uploads, findings, teams, warnings of A and B; admin objects."""
    grant_office_permissions()
    office = people["office"]
    office.is_staff = True
    office.save()
    people["superuser"] = User.objects.create_superuser("root", password=PASSWORD)
    sides = {}
    for side, staff in OWN_STAFF.items():
        community, user = places[side], people[staff]
        report = MonthlyReport.start(community.pk, plan, 4, by=user)
        activity = add_activity(report, user)
        report.submit(user, truth_confirmed=True)
        draft = MonthlyReport.start(community.pk, plan, 5, by=user)
        upload = StagedPhoto.stage(draft, check_photo(jpeg_upload()), user)
        team = PropagandaTeam.objects.create(community=community, established_on="2021-03-01")
        sides[side] = SimpleNamespace(
            community=community,
            report=report,
            draft=draft,
            activity=activity,
            photo=activity.photos.get(),
            upload=upload,
            team=team,
            finding=Finding.record(by=office, reason="照片重复", report=report),
            warning=OfficialWarning.issue(
                community=community,
                plan=plan,
                strikes="2021Q2",
                by=office,
                on=date(2021, 7, 10),
            ),
        )
    for side, head in HEADS.items():
        work_point, by = places[POINTS[side]], people[head]
        sides[side].visit = Supervision.record(
            work_point=work_point,
            plan=plan,
            month=4,
            by=by,
            submission=uuid.uuid4(),
            communities=[places[side]],
            photos=[check_photo(jpeg_upload())],
            held_on=date(2021, 4, 12),
            checked="检查宣传栏",
        )
        sides[side].meeting = WorkMeeting.record(
            work_point=work_point,
            plan=plan,
            month=4,
            by=by,
            submission=uuid.uuid4(),
            held_on=date(2021, 4, 20),
            attendees="点长、社区书记",
            case_analysis="本月无发案",
        )
    for side, staff in OWN_STAFF.items():
        sides[side].board = BoardUpdate.record(
            community=places[side],
            plan=plan,
            by=people[staff],
            submission=uuid.uuid4(),
            photos=[check_photo(jpeg_upload())],
            held_on=date(2021, 5, 10),
            place="社区广场宣传栏",
        )
        sides[side].screen = ScreenUse.record(
            community=places[side],
            by=people[staff],
            submission=uuid.uuid4(),
            held_on=date(2021, 5, 11),
            kind=ScreenKind.LED,
            place="社区大门电子屏",
            content="反诈宣传标语",
            times=10,
        )
    for side, role in UNIT_STAFF.items():
        unit = Unit.objects.get(name=UNITS[side])
        unit.save()  # its first history record: the migration made the row without one
        people[role] = make_user(role, Role.UNIT_STAFF, unit=unit)
        sides[side].unit_activity = UnitActivity.record(
            unit=unit,
            year=2021,
            month=4,
            by=people[role],
            submission=uuid.uuid4(),
            photos=[check_photo(jpeg_upload())],
            held_at=datetime(2021, 4, 16, 9, 30, tzinfo=LOCAL),
            place="罗山中心小学",
            form=ActivityForm.TALK,
            participants=300,
            caption="防骗宣传教育课",
        )
    for side, s in sides.items():
        # The phases' papers: A's (and B's) community's 实施方案, and its unit's.
        s.community_paper = hand_in_file(plan, Phase.PLAN, places[side], people[OWN_STAFF[side]])
        s.unit_paper = hand_in_file(
            plan, Phase.PLAN, s.unit_activity.unit, people[UNIT_STAFF[side]]
        )
    # C2: a post of A's unit's April activity, published; another, a draft.
    unit_activity = sides["a"].unit_activity
    published_post = post_of(office, unit_activity).publish(office)
    draft_post = post_of(office, unit_activity, title="草稿")
    inspection = Inspection.objects.create(
        plan=plan, held_on=date(2021, 6, 1), title="六月督查", recorded_by=office
    )
    InspectionResult.objects.create(inspection=inspection, community=places["a"], points=1)
    # C1: the quarter's circular, a draft; the inspection's, issued.
    draft_circular = drafting.quarter_circular(plan, Quarter(2021, 2))
    issued_circular = drafting.issue(drafting.inspection_circular(inspection), office)
    a = sides["a"]
    email_switch = EmailChannel.objects.get_or_create()[0]  # gone if a live test flushed
    email_switch.save()  # its first history record: the migration made the row without one
    admin_objects = {
        "auth.group": Group.objects.get(name=Role.OFFICE),
        "auth.user": people["alice"],
        "axes.accessattempt": AccessAttempt.objects.create(
            username="alice", ip_address="10.0.0.9", failures_since_start=1
        ),
        "axes.accesslog": AccessLog.objects.create(username="alice", ip_address="10.0.0.9"),
        "axes.accessfailurelog": AccessFailureLog.objects.create(
            username="alice", ip_address="10.0.0.9"
        ),
        "otp_totp.totpdevice": confirmed_totp_device(office),
        "otp_static.staticdevice": StaticDevice.objects.create(user=office, name="recovery"),
        "communities.workpoint": places["point"],
        "communities.community": places["a"],
        "communities.assignment": Assignment.objects.get(user=people["alice"]),
        "communities.propagandateam": a.team,
        "communities.accessevent": AccessEvent.objects.create(kind="failed", username="x"),
        "reporting.plan": plan,
        "reporting.monthlyreport": a.report,
        "reporting.activity": a.activity,
        "reporting.activityphoto": a.photo,
        "reporting.finding": a.finding,
        "scoring.inspection": inspection,
        "scoring.officialwarning": a.warning,
        "duties.supervision": a.visit,
        "duties.workmeeting": a.meeting,
        "duties.boardupdate": a.board,
        "duties.screenuse": a.screen,
        "communities.unit": a.unit_activity.unit,
        "duties.unitactivity": a.unit_activity,
        "reminders.emailchannel": email_switch,
        "reminders.wecomgroup": WeComGroup.objects.create(
            name="缺塘点反诈群",
            webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=test",
        ),
        "reminders.reminder": Reminder.objects.create(
            kind="report",
            community=places["a"],
            plan=plan,
            month=4,
            deadline=date(2021, 5, 1),
            days_before=3,
            channel="portal",
        ),
        "publishing.circular": issued_circular,
        "duties.phasedocument": a.community_paper,
        "publishing.post": published_post,
        "duties.fraudcases": FraudCases.objects.create(
            year=2021, community=places["a"], month=4, cases=2, losses=5000, recorded_by=office
        ),
    }
    # A workbook the office uploaded for import and has not confirmed yet.
    book = Workbook()
    book.active.append(["社区（盖章）：甲社区", None, "报送时间：2021年5月1日"])
    spooled = io.BytesIO()
    book.save(spooled)
    upload = ImportUpload.objects.create(
        file_name="旧报表.xlsx", content=spooled.getvalue(), uploaded_by=office
    )
    # An evidence flag (E1) on A's report, as the checks would raise it.
    flag = raise_flag(FlagKind.PHOTO_NO_METADATA, photo=a.photo)
    return SimpleNamespace(
        people=people,
        sides=sides,
        inspection=inspection,
        draft_circular=draft_circular,
        issued_circular=issued_circular,
        published_post=published_post,
        draft_post=draft_post,
        admin_objects=admin_objects,
        import_upload=upload,
        flag=flag,
    )


# --- The table -----------------------------------------------------------------------


def answers(default=None, **groups):
    """role -> expected answer: `default` for every role, then role groups over it.

    groups: keyword = an answer's name (see ANSWER_NAMES), value = roles. A role
    left out of every group and without a default is not asked (a POST the role
    may make: it would change the data).
    """
    table = dict.fromkeys(ROLES, default) if default is not None else {}
    for answer, roles in groups.items():
        for role in roles:
            table[role] = ANSWER_NAMES[answer]
    return table


ANSWER_NAMES = {
    "ok": 200,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "redirect": 302,
    "login": "login",
    "admin_login": "admin login",
}


def case(url, expected, method="get", content_type=None):
    return SimpleNamespace(url=url, method=method, expected=expected, content_type=content_type)


def page_for_viewers(url, side, others="not_found", **more):
    """A community's page: its readers 200, others `others`, anonymous to login."""
    return case(
        url,
        answers(
            **{others: [r for r in LOGGED_IN if r not in VIEWERS[side]]},
            ok=VIEWERS[side],
            login=["anonymous"],
            **more,
        ),
    )


def post_only(url, refused):
    """A view that takes POST only: GET is 405 (anonymous to login first), and each
    role in `refused` (answer name -> roles) is refused its POST."""
    get = answers(405, login=["anonymous"])
    post = answers(**refused, login=["anonymous"])
    return [case(url, get), case(url, post, method="post")]


def portal_cases(w):
    """Every page outside the admin, for objects of A and of B."""
    not_office = [r for r in LOGGED_IN if r not in DESK]
    cases = [
        # A unit's staff file no report: their home is their unit's page (U1).
        case(
            reverse("home"),
            answers(
                200, login=["anonymous"], forbidden=["nobody"], redirect=list(UNIT_STAFF.values())
            ),
        ),
        *post_only(
            reverse("start_report"),
            {"forbidden": [r for r in LOGGED_IN if r not in OWN_STAFF.values()]},
        ),
        case(reverse("team"), answers(403, login=["anonymous"], ok=["alice", "bob"])),
        case(
            reverse("scoring:our_ledger") + "?year=2021",
            answers(403, login=["anonymous"], redirect=["alice", "bob"]),
        ),
        case(reverse("scoring:index"), answers(403, login=["anonymous"], ok=SEES_ALL)),
        case(
            reverse("scoring:quarter", args=[QUARTER]),
            answers(403, login=["anonymous"], ok=SEES_ALL),
        ),
        case(
            reverse("scoring:quarter_xlsx", args=[QUARTER]),
            answers(403, login=["anonymous"], ok=SEES_ALL),
            content_type=XLSX,
        ),
        case(
            reverse("scoring:work_points", args=[QUARTER]),
            answers(403, login=["anonymous"], ok=SEES_ALL),
        ),
        case(
            reverse("scoring:inspection", args=[w.inspection.pk]),
            answers(403, login=["anonymous"], ok=SEES_ALL),
        ),
        # The year in figures: the office's and the leadership's; the summary's draft is
        # the office's to finish in Word.
        case(reverse("yearbook:year"), answers(403, login=["anonymous"], ok=SEES_ALL)),
        case(
            reverse("yearbook:xlsx", args=[2021]),
            answers(403, login=["anonymous"], ok=SEES_ALL),
            content_type=XLSX,
        ),
        case(
            reverse("yearbook:summary", args=[2021]),
            answers(403, login=["anonymous"], ok=DESK),
            content_type=DOCX,
        ),
        # A preference remembered in a cookie: anyone may set it, even before logging in.
        case(reverse("text_size"), answers(405)),
        case(reverse("text_size"), answers(302), method="post"),
        case(reverse("login"), answers(302, ok=["anonymous"])),
        case(reverse("logout"), answers(405)),
        case(reverse("password_change"), answers(200, login=["anonymous"])),
        case(reverse("password_change_done"), answers(200, login=["anonymous"])),
        # The second factor is the desk's: a desk account already past it is sent on.
        case(
            reverse("second_factor_setup"),
            answers(403, login=["anonymous"], redirect=DESK),
        ),
        case(
            reverse("second_factor_verify"),
            answers(403, login=["anonymous"], redirect=DESK),
        ),
    ]
    for side, s in w.sides.items():
        others = [r for r in LOGGED_IN if r not in VIEWERS[side]]
        readers_only = [r for r in VIEWERS[side] if r != OWN_STAFF[side]]
        cases += [
            page_for_viewers(reverse("report", args=[s.report.pk]), side),
            page_for_viewers(reverse("report", args=[s.draft.pk]), side),
            # Saving a report: its own staff only; readers 403, others 404.
            case(
                reverse("report", args=[s.draft.pk]),
                answers(login=["anonymous"], not_found=others, forbidden=readers_only),
                method="post",
            ),
            *post_only(
                reverse("upload_photo", args=[s.draft.pk]),
                # Its own staff, posting no photo and no page version, are refused too.
                {"not_found": others, "forbidden": readers_only, "conflict": [OWN_STAFF[side]]},
            ),
            # An upload not saved yet: only who may edit the report sees it.
            case(
                reverse("staged_photo", args=[s.draft.pk, s.upload.pk]),
                answers(404, login=["anonymous"], ok=[OWN_STAFF[side]]),
            ),
            page_for_viewers(reverse("photo", args=[s.photo.pk, "thumbnail"]), side),
            page_for_viewers(reverse("photo", args=[s.photo.pk, "display"]), side),
            # Originals keep their GPS: own staff and the office; other readers 403.
            case(
                reverse("photo", args=[s.photo.pk, "original"]),
                answers(
                    login=["anonymous"],
                    not_found=others,
                    forbidden=["head" if side == "a" else "other_head", "leader"],
                    ok=[OWN_STAFF[side], *DESK],
                ),
            ),
            case(
                reverse("photo", args=[s.photo.pk, "bogus"]),
                answers(404, login=["anonymous"]),
            ),
            *post_only(reverse("report_finding", args=[s.report.pk]), {"forbidden": not_office}),
            *post_only(reverse("withdraw_finding", args=[s.finding.pk]), {"forbidden": not_office}),
            *post_only(reverse("team_finding", args=[s.community.pk]), {"forbidden": not_office}),
            page_for_viewers(reverse("scoring:ledger", args=[QUARTER, s.community.pk]), side),
            *post_only(
                reverse("scoring:issue_warning", args=[QUARTER, s.community.pk]),
                {"forbidden": not_office},
            ),
            *post_only(
                reverse("scoring:record_interview", args=[s.warning.pk]),
                {"forbidden": not_office},
            ),
        ]
    return [
        *cases,
        *duty_cases(w),
        *board_cases(w),
        *unit_cases(w),
        *circular_cases(w),
        *phase_cases(w),
        *column_cases(w),
        *fraud_case_cases(),
    ]


def fraud_case_cases():
    """The monthly fraud cases: entered by the office and the police station's staff (a
    unit's staff whose unit reports cases: neither unit here), read by the leadership too;
    everyone else is refused (403)."""
    not_readers = [r for r in LOGGED_IN if r not in SEES_ALL]
    month = [2021, 4]
    cases = [
        case(
            reverse("cases:home"),
            answers(login=["anonymous"], redirect=SEES_ALL, forbidden=not_readers),
        ),
        case(
            reverse("cases:year", args=[2021]),
            answers(login=["anonymous"], ok=SEES_ALL, forbidden=not_readers),
        ),
        case(
            reverse("cases:template", args=month),
            answers(403, login=["anonymous"], ok=DESK),
            content_type=XLSX,
        ),
        # The year before the plan's is entered too (what 2021 is compared with); the
        # year before that is no year of the campaign's.
        case(
            reverse("cases:year", args=[2020]),
            answers(login=["anonymous"], ok=SEES_ALL, forbidden=not_readers),
        ),
        case(reverse("cases:month", args=[2020, 4]), answers(403, login=["anonymous"], ok=DESK)),
        case(
            reverse("cases:year", args=[2019]),
            answers(login=["anonymous"], not_found=SEES_ALL, forbidden=not_readers),
        ),
    ]
    for name in ("month", "import"):
        url = reverse(f"cases:{name}", args=month)
        cases += [
            case(url, answers(403, login=["anonymous"], ok=DESK)),
            # An empty form, or no file: refused on the page, nothing written.
            case(url, answers(403, login=["anonymous"], ok=DESK), method="post"),
        ]
    return cases


def column_cases(w):
    """C2: the public column. A published post, its page and its photos' public copies are
    read by everyone, logged in or not; a draft's are not there (404), whoever asks."""
    public, draft = w.published_post, w.draft_post
    cases = [case(reverse("column:list"), answers(200))]
    for post, answer in ((public, 200), (draft, 404)):
        photo = post.photos.get()
        cases += [
            case(reverse("column:post", args=[post.pk]), answers(answer)),
            case(reverse("column:photo", args=[post.pk, photo.pk]), answers(answer)),
        ]
    return cases


def phase_cases(w):
    """The phases' papers (实施方案, 总结): a community's or a unit's page and papers are
    read by its own staff, the office and the leadership; another community's or unit's
    staff are told nothing (404); everyone else is refused (403). Only its own staff
    hand one in."""
    staff = [*OWN_STAFF.values(), *UNIT_STAFF.values()]
    cases = [
        # Each one's staff are sent to their own page; the readers get the overview.
        case(
            reverse("phases:home"),
            answers(
                login=["anonymous"],
                ok=SEES_ALL,
                redirect=staff,
                forbidden=["head", "other_head", "nobody"],
            ),
        ),
    ]
    for side, s in w.sides.items():
        for kind, own, paper in (
            ("communities", OWN_STAFF[side], s.community_paper),
            ("units", UNIT_STAFF[side], s.unit_paper),
        ):
            same_kind = OWN_STAFF if kind == "communities" else UNIT_STAFF
            others = [r for r in same_kind.values() if r != own]
            owner = paper.community_id or paper.unit_id
            readers = {
                "ok": [own, *SEES_ALL],
                "not_found": others,
                "forbidden": [r for r in LOGGED_IN if r not in (own, *SEES_ALL, *others)],
            }
            refused = {**readers, "forbidden": [*readers["forbidden"], *SEES_ALL]}
            refused.pop("ok")
            upload = reverse("phases:upload", args=[kind, owner, 2021, "plan"])
            cases += [
                case(
                    reverse("phases:owner", args=[kind, owner]),
                    answers(login=["anonymous"], **readers),
                ),
                case(
                    reverse("phases:download", args=[paper.pk]),
                    answers(login=["anonymous"], **readers),
                ),
                # The form posts here; a GET goes back to the page.
                case(upload, answers(302, login=["anonymous"])),
                # Its own staff, sending no file, are told so on the page (200).
                case(upload, answers(login=["anonymous"], ok=[own], **refused), method="post"),
            ]
    return cases


def circular_cases(w):
    """C1: an issued circular's document, for the office and the leadership; a draft's is
    not served (404), whoever asks."""
    others = [r for r in LOGGED_IN if r not in SEES_ALL]
    return [
        case(
            reverse("publishing:document", args=[w.issued_circular.pk]),
            answers(login=["anonymous"], ok=SEES_ALL, forbidden=others),
            content_type=DOCX,
        ),
        case(
            reverse("publishing:document", args=[w.draft_circular.pk]),
            answers(login=["anonymous"], not_found=SEES_ALL, forbidden=others),
        ),
    ]


def duty_cases(w):
    """P1: a point's month, its forms, corrections and photos. Its head records; the office
    and the leadership read; the other head is told nothing (404); roles that read no
    point's duties are refused (403)."""
    cases = []
    no_points = ["alice", "bob", "nobody", *list(UNIT_STAFF.values())]
    for side, s in w.sides.items():
        head = HEADS[side]
        other_head = HEADS["b" if side == "a" else "a"]
        point = s.visit.work_point_id
        month = reverse("duties:month", args=[point, 2021, 4])
        photo = s.visit.photos.get()
        refused = {"forbidden": [*SEES_ALL, *no_points], "not_found": [other_head]}
        cases += [
            case(
                month,
                answers(
                    login=["anonymous"],
                    ok=[head, *SEES_ALL],
                    forbidden=no_points,
                    not_found=[other_head],
                ),
            ),
        ]
        # The forms post here; a GET (a login after the session ran out) goes to the month.
        for name in ("add_supervision", "add_meeting"):
            url = reverse(f"duties:{name}", args=[point, 2021, 4])
            cases += [
                case(url, answers(302, login=["anonymous"])),
                case(url, answers(**refused, login=["anonymous"]), method="post"),
            ]
        # A 2021 record is no longer corrected: its head is sent back to its month.
        for name, record in (("correct_supervision", s.visit), ("correct_meeting", s.meeting)):
            url = reverse(f"duties:{name}", args=[record.pk])
            cases += [
                case(url, answers(login=["anonymous"], redirect=[head], **refused)),
                case(url, answers(login=["anonymous"], **refused), method="post"),
            ]
        for variant in ("thumbnail", "display"):
            url = reverse("duties:photo", args=[photo.pk, variant])
            cases.append(
                case(
                    url,
                    answers(
                        login=["anonymous"],
                        ok=[head, *SEES_ALL],
                        forbidden=no_points,
                        not_found=[other_head],
                    ),
                )
            )
        # The original keeps its GPS: the point's head and the office.
        cases += [
            case(
                reverse("duties:photo", args=[photo.pk, "original"]),
                answers(
                    login=["anonymous"],
                    ok=[head, *DESK],
                    forbidden=["leader", *no_points],
                    not_found=[other_head],
                ),
            ),
            case(
                reverse("duties:photo", args=[photo.pk, "bogus"]),
                answers(404, login=["anonymous"]),
            ),
        ]
    return cases


def board_cases(w):
    """B1: community staff's boards page (always their own community), its two forms, the
    board photos. Every other role is refused the page (403); a photo is read as its
    community's pages are (404 for who may not read it), its original by its own staff
    and the office."""
    not_staff = ["head", "other_head", "nobody", *SEES_ALL, *list(UNIT_STAFF.values())]
    cases = [
        case(
            reverse("duties:boards"),
            answers(login=["anonymous"], ok=["alice", "bob"], forbidden=not_staff),
        ),
    ]
    # The forms post here; a GET goes back to the page.
    for name in ("add_board_update", "add_screen_use"):
        url = reverse(f"duties:{name}")
        cases += [
            case(url, answers(302, login=["anonymous"])),
            # An empty form from its staff: refused field by field, shown again.
            case(
                url,
                answers(login=["anonymous"], ok=["alice", "bob"], forbidden=not_staff),
                method="post",
            ),
        ]
    for side, s in w.sides.items():
        photo = s.board.photos.get()
        others = [r for r in LOGGED_IN if r not in VIEWERS[side]]
        for variant in ("thumbnail", "display"):
            url = reverse("duties:board_photo", args=[photo.pk, variant])
            cases.append(page_for_viewers(url, side))
        cases += [
            case(
                reverse("duties:board_photo", args=[photo.pk, "original"]),
                answers(
                    login=["anonymous"],
                    ok=[OWN_STAFF[side], *DESK],
                    forbidden=[HEADS[side], "leader"],
                    not_found=others,
                ),
            ),
            case(
                reverse("duties:board_photo", args=[photo.pk, "bogus"]),
                answers(404, login=["anonymous"]),
            ),
        ]
    return cases


def unit_cases(w):
    """U1: a unit's month, its form, corrections and photos. Its own staff record; the
    office and the leadership read; the other unit's staff are told nothing (404); roles
    that read no unit's activities are refused (403)."""
    no_units = ["alice", "bob", "head", "other_head", "nobody"]
    cases = [
        # The unit's staff are sent to their month; the readers get the list of units.
        case(
            reverse("duties:unit_home"),
            answers(
                login=["anonymous"],
                redirect=list(UNIT_STAFF.values()),
                ok=SEES_ALL,
                forbidden=no_units,
            ),
        ),
    ]
    for side, s in w.sides.items():
        own = UNIT_STAFF[side]
        other = UNIT_STAFF["b" if side == "a" else "a"]
        unit = s.unit_activity.unit_id
        refused = {"forbidden": [*SEES_ALL, *no_units], "not_found": [other]}
        readers = {"ok": [own, *SEES_ALL], "forbidden": no_units, "not_found": [other]}
        add = reverse("duties:add_unit_activity", args=[unit, 2021, 4])
        correct = reverse("duties:correct_unit_activity", args=[s.unit_activity.pk])
        photo = s.unit_activity.photos.get()
        cases += [
            case(
                reverse("duties:unit_month", args=[unit, 2021, 4]),
                answers(login=["anonymous"], **readers),
            ),
            # The form posts here; a GET (a login after the session ran out) goes to the month.
            case(add, answers(302, login=["anonymous"])),
            case(add, answers(login=["anonymous"], **refused), method="post"),
            # A 2021 activity is no longer corrected: its staff are sent back to its month.
            case(correct, answers(login=["anonymous"], redirect=[own], **refused)),
            case(correct, answers(login=["anonymous"], **refused), method="post"),
            *(
                case(
                    reverse("duties:unit_photo", args=[photo.pk, variant]),
                    answers(login=["anonymous"], **readers),
                )
                for variant in ("thumbnail", "display")
            ),
            # The original keeps its GPS: the unit's own staff and the office.
            case(
                reverse("duties:unit_photo", args=[photo.pk, "original"]),
                answers(
                    login=["anonymous"],
                    ok=[own, *DESK],
                    forbidden=["leader", *no_units],
                    not_found=[other],
                ),
            ),
            case(
                reverse("duties:unit_photo", args=[photo.pk, "bogus"]),
                answers(404, login=["anonymous"]),
            ),
        ]
    return cases


def desk_page(url, office, superuser=None, content_type=None, others="admin_login"):
    """An admin page: everyone but the desk to the admin's login page."""
    table = answers(ANSWER_NAMES[others])
    table["office"] = office
    table["superuser"] = office if superuser is None else superuser
    return case(url, table, content_type=content_type)


def can(rights, letter):
    return 200 if letter in rights else 403


def model_cases(label, model_admin, obj):
    """The admin's pages of one registered model, from OFFICE_RIGHTS and NOBODY_DOES."""
    office = OFFICE_RIGHTS[label]
    superuser = "".join(r for r in "vacd" if r not in NOBODY_DOES.get(label, ""))
    name = label.replace(".", "_")
    pk = obj.pk

    def page(view, letter, args=()):
        url = reverse(f"admin:{name}_{view}", args=args)
        sent_on = view in SENT_ON.get(label, ())
        office_answer, superuser_answer = (can(rights, letter) for rights in (office, superuser))
        if sent_on:  # allowed, the page sends on to the model's own page
            office_answer, superuser_answer = (
                302 if answer == 200 else answer for answer in (office_answer, superuser_answer)
            )
        return desk_page(url, office_answer, superuser_answer)

    cases = [
        page("changelist", "v"),
        page("add", "a"),
        page("change", "v", [pk]),  # read-only for a viewer: still the page
        page("delete", "d", [pk]),
        page("history", "v", [pk]),
        # The admin's old URL of an object sends on to its change page.
        desk_page(reverse(f"admin:{name}_change", args=[pk]).removesuffix("change/"), 302),
    ]
    if isinstance(model_admin, SimpleHistoryAdmin):
        version = obj.history.order_by("history_id").first().history_id
        cases.append(page("simple_history", "v", [pk, version]))
    if label == "otp_totp.totpdevice":
        # An authenticator's secret is never shown again once set up, not even to a
        # superuser: whoever saw it could pass anyone's second factor
        # (OTP_ADMIN_HIDE_SENSITIVE_DATA).
        for view in ("config", "qrcode"):
            cases.append(desk_page(reverse(f"admin:{name}_{view}", args=[pk]), 403))
    return cases


def admin_cases(w):
    a = w.sides["a"]
    plan = w.admin_objects["reporting.plan"]
    version = plan.history.order_by("history_id").first()
    report_type = ContentType.objects.get_for_model(MonthlyReport)
    dismiss = reverse("admin:reporting_monthlyreport_dismiss_flag", args=[a.report.pk, w.flag.pk])
    issue_url = reverse("admin:publishing_circular_issue", args=[w.issued_circular.pk])
    cases = [
        desk_page(reverse("admin:index"), 200),
        desk_page(reverse("admin:login"), 302, others="ok"),
        # Logging out takes a POST; a GET from outside the desk goes to the admin's index.
        desk_page(reverse("admin:logout"), 405, others="redirect"),
        desk_page(reverse("admin:password_change"), 200),
        desk_page(reverse("admin:password_change_done"), 200),
        desk_page(
            reverse("admin:autocomplete")
            + "?app_label=scoring&model_name=inspectionresult&field_name=community",
            200,
        ),
        desk_page(reverse("admin:jsi18n"), 200),
        desk_page(reverse("admin:view_on_site", args=[report_type.pk, a.report.pk]), 302),
        desk_page(reverse("admin:index") + "no-such-page/", 404),
        desk_page(reverse("admin:reporting_monthlyreport_review", args=[a.report.pk]), 200),
        desk_page(
            reverse("admin:reporting_monthlyreport_attachment2", args=[a.report.pk]),
            200,
            content_type=XLSX,
        ),
        desk_page(reverse("admin:reporting_monthlyreport_month") + MONTH, 200),
        desk_page(
            reverse("admin:reporting_monthlyreport_missing_xlsx") + MONTH, 200, content_type=XLSX
        ),
        desk_page(
            reverse("admin:reporting_monthlyreport_month_attachment2") + MONTH,
            200,
            content_type=XLSX,
        ),
        desk_page(
            reverse("admin:reporting_monthlyreport_photos_zip") + MONTH,
            200,
            content_type="application/zip",
        ),
        desk_page(reverse("admin:reporting_monthlyreport_import"), 200),
        # P1: every point's duty months, and the same as Excel.
        desk_page(reverse("admin:duties_supervision_points") + "?year=2021", 200),
        desk_page(
            reverse("admin:duties_supervision_points_xlsx") + "?year=2021",
            200,
            content_type=XLSX,
        ),
        # B1: every community's board updates by quarter, and the same as Excel.
        desk_page(reverse("admin:duties_boardupdate_quarters") + "?year=2021", 200),
        desk_page(
            reverse("admin:duties_boardupdate_quarters_xlsx") + "?year=2021",
            200,
            content_type=XLSX,
        ),
        # U1: the units' year, by unit and by duty, and the same as Excel.
        desk_page(reverse("admin:duties_unitactivity_year") + "?year=2021", 200),
        desk_page(
            reverse("admin:duties_unitactivity_year_xlsx") + "?year=2021",
            200,
            content_type=XLSX,
        ),
        # C1: the year's circulars; a quarter's and an inspection's page (a draft started
        # on first opening); the .docx, a draft's made now or an issued one's as issued.
        desk_page(reverse("admin:publishing_circular_year") + "?year=2021", 200),
        desk_page(reverse("admin:publishing_circular_quarter", args=[QUARTER]), 200),
        desk_page(reverse("admin:publishing_circular_inspection", args=[w.inspection.pk]), 200),
        *(
            desk_page(
                reverse("admin:publishing_circular_docx", args=[circular.pk]),
                200,
                content_type=DOCX,
            )
            for circular in (w.draft_circular, w.issued_circular)
        ),
        # 发布通报 takes a POST. This one is issued already: back to its page, nothing changed.
        desk_page(issue_url, 405),
        case(issue_url, desk_page(issue_url, 302).expected, method="post"),
        # The phases' papers: who has not handed one in, and a phase's papers as one ZIP.
        desk_page(reverse("admin:duties_phasedocument_phases") + "?year=2021&phase=plan", 200),
        desk_page(
            reverse("admin:duties_phasedocument_phases_zip") + "?year=2021&phase=plan",
            200,
            content_type="application/zip",
        ),
        # C2: a column post's desk pages; the add and change pages of the admin send there.
        desk_page(reverse("admin:publishing_post_new"), 200),
        *(
            desk_page(reverse(f"admin:publishing_post_{view}", args=[post.pk]), 200)
            for view in ("desk", "wechat", "wechat_html")
            for post in (w.published_post, w.draft_post)
        ),
        desk_page(reverse("admin:publishing_post_edit", args=[w.draft_post.pk]), 200),
        # A published post is unpublished before it is changed: back to its desk page.
        desk_page(reverse("admin:publishing_post_edit", args=[w.published_post.pk]), 302),
        # Publishing and unpublishing take a POST. Publishing a published post, or
        # unpublishing a draft, changes nothing: back to its desk page.
        *(
            case_
            for view, post in (("publish", w.published_post), ("unpublish", w.draft_post))
            for url in [reverse(f"admin:publishing_post_{view}", args=[post.pk])]
            for case_ in (desk_page(url, 405), case(url, desk_page(url, 302).expected, "post"))
        ),
        # A month's evidence flags (E1); the bare address opens the month worth looking at.
        desk_page(reverse("admin:reporting_monthlyreport_evidence", args=[2021, 4]), 200),
        desk_page(reverse("admin:reporting_monthlyreport_evidence_latest"), 302),
        # Dismissing a flag takes a POST. This one's report was found falsified, which
        # answered the flag (E1): back to the review page, nothing changed.
        desk_page(dismiss, 405),
        case(dismiss, desk_page(dismiss, 302).expected, method="post"),
        # An upload is seen only by who uploaded it.
        desk_page(
            reverse("admin:reporting_monthlyreport_import_preview", args=[w.import_upload.pk]),
            200,
            404,
        ),
        desk_page(reverse("admin:auth_user_password_change", args=[w.people["alice"].pk]), 200),
        # The office never sees a superuser's account, nor sets its password.
        *(
            desk_page(reverse(f"admin:auth_user_{view}", args=[w.people["superuser"].pk]), 404, 200)
            for view in ("change", "history", "password_change")
        ),
        # The audit trail is never rewritten: a past version is read, never saved back.
        case(
            reverse("admin:reporting_plan_simple_history", args=[plan.pk, version.history_id]),
            answers(403, admin_login=[r for r in ROLES if r not in DESK]),
            method="post",
        ),
    ]
    for label in ("communities.community", "reporting.monthlyreport", "reporting.activity"):
        url = reverse(f"admin:{label.replace('.', '_')}_export")
        cases.append(desk_page(url, can(OFFICE_RIGHTS[label], "v"), content_type=XLSX))
    for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
        visible = any(
            OFFICE_RIGHTS[label] for label in OFFICE_RIGHTS if label.startswith(f"{app_label}.")
        )
        url = reverse("admin:app_list", args=[app_label])
        cases.append(desk_page(url, 200 if visible else 404, 200))
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        cases += model_cases(label, model_admin, w.admin_objects[label])
    return cases


def all_cases(w):
    return [*portal_cases(w), *admin_cases(w)]


# --- The tests -----------------------------------------------------------------------


def test_every_url_pattern_is_in_the_table(world):
    patterns = set(url_patterns())
    covered = {pattern_of(c.url) for c in all_cases(world)}
    assert len(patterns) > 150, "the URLconf walk found too few patterns"
    missing = sorted(patterns - covered)
    assert not missing, f"URL patterns with no row in the access table: {missing}"


def test_every_registered_model_has_its_rights():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(OFFICE_RIGHTS), (
        "write the office's rights for each model registered in the admin: "
        f"missing {sorted(registered - set(OFFICE_RIGHTS))}, "
        f"no longer registered {sorted(set(OFFICE_RIGHTS) - registered)}"
    )


def client_for(role, people):
    client = Client()
    if role == "anonymous":
        return client
    if role in DESK:
        return verified_login(client, people[role])
    client.force_login(people[role])
    return client


def answer_of(response):
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return "admin login"
        if location.startswith(reverse("login")):
            return "login"
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_its_answer_on_every_url(world, role):
    client = client_for(role, world.people)
    wrong = []
    asked = 0
    for c in all_cases(world):
        if role not in c.expected:
            continue
        asked += 1
        response = getattr(client, c.method)(c.url)
        got = answer_of(response)
        if got != c.expected[role]:
            wrong.append(f"{c.method.upper()} {c.url}: expected {c.expected[role]}, got {got}")
        elif c.content_type and got == 200 and response["Content-Type"] != c.content_type:
            wrong.append(f"{c.url}: content type {response['Content-Type']}")
        if response.streaming:
            # Read to its end: the test client then closes it without closing the database.
            b"".join(response.streaming_content)
    assert asked > 100
    assert not wrong, f"{role}: {len(wrong)} wrong answers:\n" + "\n".join(wrong)
