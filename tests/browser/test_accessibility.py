"""axe-core on every portal page of every role, at phone and desktop width, in
normal and large text (大字模式): no serious or critical violation of WCAG 2.1 AA,
nor of target-size, and nothing outside a landmark.

axe-core comes from the npm registry (package.json, installed by `make test`
with `npm ci`) and is injected into each page by Playwright: nothing is loaded
from another host.
"""

import uuid
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from communities.context_processors import LARGE_TEXT_COOKIE
from communities.models import Measure, MemberRole, PropagandaTeam, Role, TeamMember, Unit
from communities.permissions import grant_office_permissions
from duties.models import FraudCases, Phase, UnitActivity
from reporting.models import ActivityForm, MonthlyReport
from reporting.periods import LOCAL
from reporting.photos import check_photo
from scoring.models import Inspection, InspectionResult
from tests.browser.conftest import (
    AXE,
    DESKTOP,
    PHONE,
    log_in,
    log_in_to_desk,
    serious_violations,
)
from tests.conftest import PASSWORD, add_activity, jpeg_upload, make_user
from tests.duties.phase_files import hand_in_file
from tests.publishing.column_data import post_of
from tests.scoring.conftest import file_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {375: PHONE, 1280: DESKTOP}

# Pages whose colours were changed to pass, saved for a person to look at.
SHOTS = {"staff home", "draft report", "office quarter", "office ledger", "admin reports"}


def portal_pages(plan, places, people):
    """Each role's pages, over data made the way the portal makes it:
    (username or None for nobody logged in, [(page name, path)])."""
    alice, office = people["alice"], people["office"]
    grant_office_permissions()
    office.is_staff = True
    office.save()
    team = PropagandaTeam.objects.create(community=places["a"], established_on="2021-03-20")
    TeamMember.objects.create(
        team=team,
        name="陈主任",
        role=MemberRole.COMMITTEE,
        phone="13800000000",
        is_group_contact=True,
    )

    draft = MonthlyReport.start(places["a"].pk, plan, 4, by=alice)
    add_activity(draft, alice)
    returned = file_report(places["a"], plan, 5, alice, plan.late_from(5) + timedelta(days=2))
    returned.return_(office, "活动照片与现场不符，请补充签到表照片")
    submitted = file_report(places["a"], plan, 6, alice, plan.late_from(6) - timedelta(hours=5))
    falsified = file_report(
        places["b"], plan, 5, people["bob"], plan.late_from(5) + timedelta(days=3)
    )
    falsified.mark_falsified(office, "照片系从网上下载")
    inspection = Inspection.objects.create(
        plan=plan, held_on=date(2021, 6, 1), title="六月督查", recorded_by=office
    )
    for community, points in ((places["a"], 1), (places["b"], 2), (places["c"], 3)):
        InspectionResult.objects.create(inspection=inspection, community=community, points=points)

    # U1: a unit (the live server's database has no migration rows) and its activity.
    unit = Unit.objects.get_or_create(
        name="教育办",
        defaults={
            "duty": "教育办要组织、督促辖区内中小学开展法制教育课",
            "measure": Measure.SCHOOLS,
        },
    )[0]
    unit_staff = make_user("dw", Role.UNIT_STAFF, unit=unit)
    unit_activity = UnitActivity.record(
        unit=unit,
        year=2021,
        month=4,
        by=unit_staff,
        submission=uuid.uuid4(),
        photos=[check_photo(jpeg_upload())],
        held_at=datetime(2021, 4, 16, 9, 30, tzinfo=LOCAL),
        place="罗山中心小学",
        form=ActivityForm.TALK,
        participants=300,
        caption="防骗宣传教育课",
        count=1,
    )
    unit_month = reverse("duties:unit_month", args=[unit.pk, 2021, 4])
    # C2: a published post of the column; the phases' papers; the police's fraud cases.
    post = post_of(office, unit_activity).publish(office)
    hand_in_file(plan, Phase.PLAN, places["a"], alice)
    hand_in_file(plan, Phase.PLAN, unit, unit_staff)
    FraudCases.objects.create(
        year=2021, community=places["a"], month=4, cases=2, losses=5000, recorded_by=office
    )
    year = reverse("yearbook:year") + "?year=2021"
    cases_year = reverse("cases:year", args=[2021])
    quarter = "2021Q2"
    scores = [
        ("scores", reverse("scoring:index")),
        ("quarter", reverse("scoring:quarter", args=[quarter])),
        ("work points", reverse("scoring:work_points", args=[quarter])),
        ("ledger", reverse("scoring:ledger", args=[quarter, places["a"].pk])),
    ]
    return [
        (
            None,
            [
                ("login", reverse("login")),
                ("404", "/no-such-page/"),
                ("column", reverse("column:list")),
                ("column post", post.get_absolute_url()),
            ],
        ),
        (
            "alice",
            [
                ("staff home", reverse("home")),
                ("draft report", draft.get_absolute_url()),
                ("returned report", returned.get_absolute_url()),
                ("submitted report", submitted.get_absolute_url()),
                ("team", reverse("team")),
                ("boards", reverse("duties:boards")),
                ("phases", reverse("phases:owner", args=["communities", places["a"].pk])),
                ("password change", reverse("password_change")),
                ("404 logged in", "/no-such-page/"),
            ],
        ),
        (
            "head",
            [
                ("head home", reverse("home")),
                ("head report", submitted.get_absolute_url()),
                ("head month", reverse("duties:month", args=[places["point"].pk, 2021, 4])),
            ],
        ),
        (
            "dw",
            [
                ("unit month", unit_month),
                ("unit phases", reverse("phases:owner", args=["units", unit.pk])),
            ],
        ),
        (
            "office",
            [
                ("office home", reverse("home")),
                ("office report", submitted.get_absolute_url()),
                ("office falsified report", falsified.get_absolute_url()),
                *[(f"office {name}", path) for name, path in scores],
                ("inspection", reverse("scoring:inspection", args=[inspection.pk])),
                ("admin index", reverse("admin:index")),
                ("admin reports", reverse("admin:reporting_monthlyreport_changelist")),
                (
                    "admin report",
                    reverse("admin:reporting_monthlyreport_change", args=[submitted.pk]),
                ),
                (
                    "admin review",
                    reverse("admin:reporting_monthlyreport_review", args=[submitted.pk]),
                ),
                (
                    "admin month",
                    reverse("admin:reporting_monthlyreport_month") + "?month=2021-4",
                ),
                ("admin units", reverse("admin:duties_unitactivity_year") + "?year=2021"),
                ("office year", year),
                ("office cases month", reverse("cases:month", args=[2021, 4])),
                ("office cases import", reverse("cases:import", args=[2021, 4])),
            ],
        ),
        (
            "leader",
            [
                ("leader home", reverse("home")),
                *scores,
                ("units", reverse("duties:unit_home")),
                ("leader unit month", unit_month),
                ("leader year", year),
                ("leader cases", cases_year),
                ("leader phases", reverse("phases:home")),
            ],
        ),
    ]


def test_no_page_has_a_serious_accessibility_violation(
    browser, live_server, plan, places, people, shoot
):
    assert AXE.exists(), f"{AXE} is missing: run `npm ci` (make test does)"
    found = []
    for username, pages in portal_pages(plan, places, people):
        for width, viewport in VIEWPORTS.items():
            context = browser.new_context(viewport=viewport, locale="zh-CN")
            page = context.new_page()
            if username == "office":  # the admin's pages are among the office's
                log_in_to_desk(page, live_server, username, PASSWORD)
            elif username:
                log_in(page, live_server, username, PASSWORD)
                expect(page).not_to_have_url(f"{live_server.url}{reverse('login')}")
            for mode in ("normal", "large text"):
                if mode == "large text":
                    # What the 大字模式 button in base.html sets.
                    large = {"name": LARGE_TEXT_COOKIE, "value": "1", "url": live_server.url}
                    context.add_cookies([large])
                for name, path in pages:
                    page.goto(f"{live_server.url}{path}")
                    where = f"{name} · {width}px · {mode}"
                    found += [f"{where} · {line}" for line in serious_violations(page)]
                    if mode == "normal" and name in SHOTS:
                        shoot(page, f"a11y-{name.replace(' ', '-')}-{width}")
            context.close()
    assert not found, f"{len(found)} serious or critical violations:\n" + "\n".join(found)
