"""The Content-Security-Policy holds on every page of every role, at phone and desktop
width: Chromium reports no violation, neither in the console nor as a
`securitypolicyviolation` event, and every page is sent with the policy.

The policy forbids inline scripts, style attributes and any outside host, so a page
that breaks it would lose its script or its look silently; this test hears it.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from playwright.sync_api import expect

from communities.models import MemberRole, PropagandaTeam, TeamMember
from communities.permissions import grant_office_permissions
from reporting.models import MonthlyReport
from scoring.models import Inspection, InspectionResult
from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.conftest import PASSWORD, add_activity, confirmed_totp_device
from tests.scoring.conftest import file_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every violation the page reports, gathered before any of its own scripts runs.
COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || ""}:${event.lineNumber} (${event.sample || ""})`);
});
"""


def pages_of_every_role(plan, places, people):
    """[(username, [(page name, path)])], over data made the way the portal makes it."""
    alice, office = people["alice"], people["office"]
    grant_office_permissions()
    office.is_staff = True
    office.save()
    team = PropagandaTeam.objects.create(community=places["a"], established_on="2021-03-20")
    TeamMember.objects.create(
        team=team, name="陈主任", role=MemberRole.COMMITTEE, phone="13800000000"
    )
    draft = MonthlyReport.start(places["a"].pk, plan, 4, by=alice)
    add_activity(draft, alice, photos=2)
    submitted = file_report(places["a"], plan, 5, alice, plan.late_from(5) - timedelta(hours=5))
    inspection = Inspection.objects.create(
        plan=plan, held_on=date(2021, 6, 1), title="六月督查", recorded_by=office
    )
    InspectionResult.objects.create(inspection=inspection, community=places["a"], points=1)

    quarter = "2021Q2"
    scores = [
        ("score index", reverse("scoring:index")),
        ("quarter", reverse("scoring:quarter", args=[quarter])),
        ("ledger", reverse("scoring:ledger", args=[quarter, places["a"].pk])),
        ("work points", reverse("scoring:work_points", args=[quarter])),
        ("inspection", reverse("scoring:inspection", args=[inspection.pk])),
    ]
    return [
        (
            "alice",
            [
                ("staff home", reverse("home")),
                ("draft report with photos", draft.get_absolute_url()),
                ("team", reverse("team")),
                ("password change", reverse("password_change")),
            ],
        ),
        ("head", [("overview", reverse("home")), ("report", submitted.get_absolute_url())]),
        ("leader", scores),
        (
            "office",
            [
                ("office home", reverse("home")),
                ("report", submitted.get_absolute_url()),
                *scores,
                ("admin index", reverse("admin:index")),
                ("admin reports", reverse("admin:reporting_monthlyreport_changelist")),
                ("admin report", reverse("admin:reporting_monthlyreport_change", args=[draft.pk])),
                (
                    "admin review",
                    reverse("admin:reporting_monthlyreport_review", args=[submitted.pk]),
                ),
                ("admin month", reverse("admin:reporting_monthlyreport_month") + "?month=2021-5"),
                ("admin users", reverse("admin:auth_user_changelist")),
                (
                    "admin community history",
                    reverse("admin:communities_community_history", args=[places["a"].pk]),
                ),
            ],
        ),
    ]


def watch(page):
    """The page's CSP complaints: console messages now, events via window.__csp."""
    heard = []
    page.add_init_script(COLLECT_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            heard.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return heard


def pass_second_factor(page, live_server, user):
    """The office's second step at the desk: the authenticator app's current code."""
    device = confirmed_totp_device(user)
    page.goto(f"{live_server.url}{reverse('admin:index')}")
    if "/second-factor/" in page.url:
        page.locator('input[name="code"]').fill(f"{TOTP(device.bin_key).token():06d}")
        page.locator('form [type="submit"]').last.click()
        page.wait_for_load_state()


def test_no_page_of_any_role_breaks_the_content_security_policy(
    browser, live_server, plan, places, people
):
    found = []
    for username, pages in pages_of_every_role(plan, places, people):
        # One sign-in per person (an authenticator code is accepted once), both widths.
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        page = context.new_page()
        heard = watch(page)
        log_in(page, live_server, username, PASSWORD)
        expect(page).not_to_have_url(f"{live_server.url}{reverse('login')}")
        if username == "office":
            pass_second_factor(page, live_server, people["office"])
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            for name, path in pages:
                response = page.goto(f"{live_server.url}{path}")
                page.wait_for_load_state("load")
                where = f"{username} · {name} · {viewport['width']}px"
                assert response.status == 200, f"{where}: {response.status} at {page.url}"
                assert page.url == f"{live_server.url}{path}", f"{where}: sent to {page.url}"
                assert "default-src 'self'" in response.headers["content-security-policy"]
                found += [f"{where} · {line}" for line in page.evaluate("window.__csp")]
                found += [f"{where} · console: {line}" for line in heard]
                heard.clear()
        context.close()
    assert not found, f"{len(found)} CSP violations:\n" + "\n".join(found)


def test_the_policy_is_enforced_and_a_violation_is_heard(browser, live_server, people):
    """The check above can fail: a style attribute and an inline script added to a
    page are blocked by the browser, and both complaints reach the test."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    heard = watch(page)
    log_in(page, live_server, "alice", PASSWORD)
    page.evaluate(
        """() => {
          document.body.insertAdjacentHTML("beforeend", '<b id="x" style="color: red">x</b>');
          const script = document.createElement("script");
          script.textContent = "window.__ran = true";
          document.body.append(script);
        }"""
    )
    page.wait_for_timeout(200)
    violations = page.evaluate("window.__csp")
    assert any(line.startswith("style-src") for line in violations), violations
    assert any(line.startswith("script-src") for line in violations), violations
    assert page.evaluate("window.__ran === undefined")
    assert page.evaluate("getComputedStyle(document.getElementById('x')).color") != "rgb(255, 0, 0)"
    assert heard
    context.close()
