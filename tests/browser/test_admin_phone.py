"""The office's desk on a phone and at a desk: every admin page the governance office
(综治办) opens fits a 375 px screen without scrolling sideways (a wide table scrolls in
its own box), has no serious or critical axe violation at 375 and 1280 px, and shows
no English: the office reads Chinese only.

The import page (admin:reporting_monthlyreport_import) is left out here: it has a
test of its own. The reports' Excel export (admin:reporting_monthlyreport_export) is
a download, not a page.
"""

import re
import uuid
from datetime import date, datetime, timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from communities.models import AccessEvent, Assignment, Measure, PropagandaTeam, Unit
from duties.models import FraudCases, Phase, ScreenKind, ScreenUse, UnitActivity
from evidence.models import Flag, FlagKind
from publishing import drafting
from reminders.models import EmailChannel, Reminder, WeComGroup
from reporting.models import (
    Activity,
    ActivityForm,
    ActivityPhoto,
    Finding,
    MonthlyReport,
    ReportState,
)
from reporting.periods import LOCAL
from reporting.photos import check_photo
from scoring.models import Inspection, OfficialWarning
from tests.browser.conftest import DESKTOP, PHONE, log_in_to_desk, serious_violations
from tests.browser.test_accessibility import portal_pages
from tests.conftest import PASSWORD, jpeg_upload, raise_flag
from tests.duties.conftest import record_board, record_meeting, record_visit
from tests.duties.phase_files import hand_in_file
from tests.publishing.column_data import post_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {375: PHONE, 1280: DESKTOP}

# Elements that stick out past the right edge of the screen, outermost first, unless a
# box that scrolls or clips holds them (a wide table in its own scrolling box is fine).
STICKING_OUT = r"""() => {
  const edge = document.documentElement.clientWidth;
  const held = el => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map(c => "." + c).join("");
  const out = [...document.body.querySelectorAll("*")].filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > edge + 0.5 && !held(el);
  });
  return out.filter(el => !out.includes(el.parentElement)).slice(0, 5).map(
    el => `${name(el)} (right edge ${Math.round(el.getBoundingClientRect().right)} px)`
  );
}"""

# What the office reads: the visible text, the words on buttons and in lists to pick
# from, and what a screen reader or a tooltip says.
WORDS_SHOWN = r"""() => {
  const shown = el => el.getClientRects().length > 0;
  const parts = [document.body.innerText];
  for (const el of document.querySelectorAll("input[type=submit], input[type=button]")) {
    if (shown(el)) parts.push(el.value);
  }
  for (const el of document.querySelectorAll("select")) {
    if (shown(el)) parts.push(...[...el.options].map(o => o.text));
  }
  for (const el of document.querySelectorAll("[placeholder], [aria-label], [title], img[alt]")) {
    for (const attr of ["placeholder", "aria-label", "title", "alt"]) {
      if (el.hasAttribute(attr)) parts.push(el.getAttribute(attr));
    }
  }
  return parts.join("\n");
}"""

# A run of four or more Latin letters standing alone (not part of a name like
# other_head, a hash or a file name): an English word.
ENGLISH_WORD = re.compile(r"(?<![\w.\-/])[A-Za-z]{4,}(?![\w\-/])")

# Words that are right in a Chinese interface: names of products, formats and keys
# ("按住 Control 键或 Mac 上的 Command 键", Django's own Chinese). Compared in capitals:
# Django's styles set some in capitals (导出EXCEL, the user's name).
NOT_ENGLISH = {"EXCEL", "EXIF", "TOTP", "CONTROL", "COMMAND"}

# What a page may show in Latin letters besides, and why.
ALSO_ALLOWED = {
    # The login form's field names, in the POST data django-axes keeps of a failed login.
    "lockouts item": {"USERNAME", "PASSWORD"},
    # A WeCom robot's address, as the office typed it.
    "wecom groups list": {"HTTPS", "TEST"},
    "wecom groups item": {"HTTPS", "TEST"},
}


PHONE_BROWSER = "Mozilla/5.0 (Linux; Android 13) Chrome/120.0 Mobile Safari/537.36"


def office_pages(plan, places, people):
    """The admin pages the office opens, over the accessibility test's data plus a failed
    login (the lockout entry) and a warning: [(page name, path)]."""
    portal_pages(plan, places, people)
    # Someone mistypes alice's password on a phone: the lockout's entry and the security log.
    phone = Client(HTTP_USER_AGENT=PHONE_BROWSER, HTTP_ACCEPT="text/html")
    phone.post(reverse("login"), {"username": "alice", "password": "wrong"})
    OfficialWarning.issue(
        community=places["b"],
        plan=plan,
        strikes="2021Q2 排名后三",
        by=people["office"],
        on=plan.late_from(7).date(),
    )
    submitted = MonthlyReport.objects.filter(state=ReportState.SUBMITTED).first()
    flag = evidence_flags(submitted)
    lockout = AccessAttempt.objects.get()
    review = reverse("admin:reporting_monthlyreport_review", args=[submitted.pk])
    pages = [
        ("desk", reverse("admin:index")),
        ("reporting", reverse("admin:app_list", args=["reporting"])),
        ("report review", review),
        # The falsification finding opened from a flag, its evidence as the reason.
        ("report review from a flag", f"{review}?flag={flag.pk}"),
        ("evidence month", reverse("admin:reporting_monthlyreport_evidence", args=[2021, 6])),
        # May's page, with May's photo reused in June.
        (
            "evidence earlier month",
            reverse("admin:reporting_monthlyreport_evidence", args=[2021, 5]),
        ),
        ("month", reverse("admin:reporting_monthlyreport_month") + "?month=2021-5"),
        ("report history", reverse("admin:reporting_monthlyreport_history", args=[submitted.pk])),
        # Deleting an entry unlocks the account: the office's one action on it.
        ("lockouts delete", reverse("admin:axes_accessattempt_delete", args=[lockout.pk])),
        # P1 and B1: the points' months and the communities' quarters.
        ("duty points", reverse("admin:duties_supervision_points") + "?year=2021"),
        ("boards quarters", reverse("admin:duties_boardupdate_quarters") + "?year=2021"),
        # U1: the units' year, per unit and per duty.
        ("units year", reverse("admin:duties_unitactivity_year") + "?year=2021"),
    ]
    # C1: the year's circulars; the quarter's, a draft; the inspection's, issued.
    inspection = Inspection.objects.get()
    issued = drafting.issue(drafting.inspection_circular(inspection), people["office"])
    pages += [
        ("circulars year", reverse("admin:publishing_circular_year") + "?year=2021"),
        ("circular quarter", reverse("admin:publishing_circular_quarter", args=["2021Q2"])),
        (
            "circular inspection",
            reverse("admin:publishing_circular_inspection", args=[inspection.pk]),
        ),
    ]
    activity = unit_activity()
    post = post_of(people["office"], activity)
    pages += [
        ("phase documents", reverse("admin:duties_phasedocument_phases") + "?year=2021"),
        ("new column post", reverse("admin:publishing_post_new") + "?month=2021-05"),
        ("column post", reverse("admin:publishing_post_desk", args=[post.pk])),
        ("column post wechat", reverse("admin:publishing_post_wechat", args=[post.pk])),
    ]
    # Each list, and the page of one of its records.
    records = {
        "reports": submitted,
        "activities": Activity.objects.filter(report=submitted).first(),
        "photos": ActivityPhoto.objects.first(),
        "findings": Finding.objects.first(),
        "plans": plan,
        "communities": places["a"],
        "work points": places["point"],
        "teams": PropagandaTeam.objects.get(),
        "users": people["alice"],
        "assignments": Assignment.objects.filter(user=people["alice"]).get(),
        "security log": AccessEvent.objects.first(),
        "inspections": inspection,
        "circulars": issued,
        "warnings": OfficialWarning.objects.get(),
        "lockouts": lockout,
        "supervision visits": record_visit(plan, places, people, month=5),
        "work meetings": record_meeting(plan, places, people, month=5),
        "board updates": record_board(plan, places["a"], people["alice"]),
        "screen uses": ScreenUse.record(
            community=places["a"],
            by=people["alice"],
            submission=uuid.uuid4(),
            held_on=date(2021, 5, 11),
            kind=ScreenKind.LED,
            place="社区大门电子屏",
            content="反诈宣传标语",
            times=10,
        ),
        "e-mail reminders": EmailChannel.objects.get_or_create()[0],  # flushed by live tests
        "wecom groups": WeComGroup.objects.create(
            name="缺塘点反诈群",
            webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=test",
        ),
        "units": activity.unit,
        "unit activities": activity,
        "column posts": post,
        "phase documents": hand_in_file(plan, Phase.PLAN, places["a"], people["alice"]),
        "fraud cases": FraudCases.objects.create(
            year=2021,
            community=places["a"],
            month=5,
            cases=2,
            losses=5000,
            recorded_by=people["office"],
        ),
        "reminders sent": Reminder.objects.create(
            kind="report",
            community=places["a"],
            plan=plan,
            month=4,
            deadline=date(2021, 5, 1),
            days_before=3,
            channel="portal",
        ),
    }
    for name, record in records.items():
        admin_name = f"admin:{record._meta.app_label}_{record._meta.model_name}"
        pages.append((f"{name} list", reverse(f"{admin_name}_changelist")))
        pages.append((f"{name} item", reverse(f"{admin_name}_change", args=[record.pk])))
    return pages


def unit_activity():
    """A unit of the plan (made again: an earlier live test flushes the migration's) and an
    activity of its duty with a photo, recorded by its own staff."""
    unit = Unit.objects.update_or_create(
        name="教育办",
        defaults={
            "duty": "教育办要定期督促指导各学校每学期至少对教职工、学生进行1次防骗宣传教育。",
            "measure": Measure.SCHOOLS,
            "position": 8,
        },
    )[0]
    staff = User.objects.create_user("unitstaff", password=PASSWORD)
    Assignment.objects.create(user=staff, unit=unit)
    return UnitActivity.record(
        unit=unit,
        year=2021,
        month=5,
        by=staff,
        submission=uuid.uuid4(),
        photos=[check_photo(jpeg_upload("school.jpg"))],
        held_at=datetime(2021, 5, 12, 9, 30, tzinfo=LOCAL),
        place="罗山中心小学",
        form=ActivityForm.TALK,
        participants=300,
        caption="防骗宣传进校园",
        count=4,
    )


def evidence_flags(report):
    """Flags of every kind on `report` (A's June report), against May's reports: as the
    checks raise them (their own, from the identical test photos, go first), one of them
    dismissed. Returns the reused photo's flag."""
    Flag.objects.all().delete()
    (photo,) = ActivityPhoto.objects.filter(activity__report=report)
    activity = photo.activity
    may = MonthlyReport.objects.filter(month=5).order_by("pk")
    earlier = [ActivityPhoto.objects.filter(activity__report=r).first() for r in may]
    reused = raise_flag(FlagKind.PHOTO_REUSED, photo=photo, other_photo=earlier[0], distance=3)
    raise_flag(
        FlagKind.CAPTION_REUSED,
        activity=activity,
        other_activity=earlier[1].activity,
        same_caption=True,
        same_place=True,
    )
    # A second photo of the activity, taken 12 days before it.
    taken = activity.held_at - timedelta(days=12)
    early = ActivityPhoto.create_from(
        activity,
        check_photo(
            jpeg_upload("p1.jpg", exif_time=f"{taken.astimezone(LOCAL):%Y:%m:%d %H:%M:%S}")
        ),
        report.submitted_by,
    )
    raise_flag(FlagKind.PHOTO_DATE_MISMATCH, photo=early, days=-12).dismiss(
        report.submitted_by, "活动前一周的筹备照片，已电话核实"
    )
    raise_flag(FlagKind.PHOTO_NO_METADATA, photo=photo)
    return reused


def names_in_data():
    """Latin words the test's data puts on the pages (user names, the phone's browser),
    which are not English."""
    names = set(User.objects.values_list("username", flat=True))
    return {word.upper() for word in names | set(re.findall(r"[A-Za-z]+", PHONE_BROWSER))}


def english_on(page, name, allowed):
    words = {word.upper(): word for word in ENGLISH_WORD.findall(page.evaluate(WORDS_SHOWN))}
    return sorted(
        word
        for upper, word in words.items()
        if upper not in allowed | ALSO_ALLOWED.get(name, set())
    )


def test_every_desk_page_fits_a_phone_passes_axe_and_reads_chinese(
    browser, live_server, plan, places, people, shoot
):
    pages = office_pages(plan, places, people)
    allowed = NOT_ENGLISH | names_in_data()
    found = []
    for width, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport, locale="zh-CN", device_scale_factor=1)
        page = context.new_page()
        log_in_to_desk(page, live_server, "office", PASSWORD)
        if width == 375:  # every list the desk's first page links to is among the pages
            listed = page.eval_on_selector_all(
                "#content-main th[scope=row] a", "links => links.map(a => a.pathname)"
            )
            assert set(listed) <= {path for _name, path in pages}, listed
        for name, path in pages:
            page.goto(f"{live_server.url}{path}")
            expect(page.locator("#content")).to_be_visible()
            where = f"{name} · {width}px"
            if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
                found.append(f"{where} · wider than the screen: {page.evaluate(STICKING_OUT)}")
            found += [f"{where} · {line}" for line in serious_violations(page)]
            english = english_on(page, name, allowed)
            if english:
                found.append(f"{where} · English: {english}")
            shoot(page, f"admin-{name.replace(' ', '-')}-{width}")
        context.close()
    assert not found, f"{len(found)} problems:\n" + "\n".join(found)
