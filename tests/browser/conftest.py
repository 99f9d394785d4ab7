"""Playwright on Debian's chromium (never a downloaded browser), against live_server."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests.conftest import app_code, confirmed_totp_device

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "rules": {
        # WCAG 2.2's 24 px minimum: phones are what most staff file from.
        "target-size": {"enabled": True},
        # Everything of base.html's frame (the user's name, the text-size switch)
        # inside a landmark; axe rates this moderate, but it is on every page.
        "region": {"enabled": True},
    },
    "resultTypes": ["violations"],
}
FAILING_IMPACTS = {"serious", "critical"}
HELD_AT_ANY_IMPACT = {"region"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        # CI runs as root; the closed network refuses Chromium's background calls.
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def shoot():
    """Save a full-page screenshot to tests/screenshots/NAME.png, for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def save(page, name):
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    return save


@pytest.fixture
def snap(shoot):
    """shoot, then back to the top of the page: after Chromium's full-page capture of a
    page scrolled to its end, the next tap can land some 30 px off (seen once: the tap on
    保存活动记录 hit the form around it, and nothing was sent)."""

    def save(page, name):
        shoot(page, name)
        page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")

    return save


def fits_the_width(page):
    """Nothing of the page needs a sideways scroll, measured once its stylesheets are in
    (a page just sent back can be read before they are)."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def csp_complaints(page):
    """Every Content-Security-Policy complaint the page's console makes, kept in a list:
    every story then also proves that what it taps (added cards, uploads) stays within
    the policy."""
    heard = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and heard.append(message.text),
    )
    return heard


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=1)
    page = context.new_page()
    heard = csp_complaints(page)
    yield page
    context.close()
    assert heard == [], heard


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    heard = csp_complaints(page)
    yield page
    context.close()
    assert heard == [], heard


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


DESK_CODE_LABEL = "身份验证器中的6位验证码"


def type_desk_code(page, username):
    """On the second factor's page, what the office types from its phone's app: the code of
    the device set up in the test's data (confirmed_totp_device), computed here."""
    device = confirmed_totp_device(User.objects.get(username=username))
    page.get_by_label(DESK_CODE_LABEL).fill(app_code(device))
    page.get_by_role("button", name="进入综治办后台").click()
    expect(page.get_by_label(DESK_CODE_LABEL)).to_have_count(0)


def log_in_to_desk(page, live_server, username, password):
    """The office signs in for the admin: the password, then the code from its phone."""
    confirmed_totp_device(User.objects.get(username=username))
    log_in(page, live_server, username, password)
    page.goto(f"{live_server.url}/admin/")
    type_desk_code(page, username)


def serious_violations(page):
    """axe's serious and critical violations on the page (and any of the held
    rules), one line per rule with the selectors of every element at fault."""
    # Evaluated through the browser's debugging protocol, which the page's CSP does not
    # govern (add_script_tag would be an inline script, refused without 'unsafe-inline').
    page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        f"{violation['id']} ({violation['impact']}): "
        + " | ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in result["violations"]
        if violation["impact"] in FAILING_IMPACTS or violation["id"] in HELD_AT_ANY_IMPACT
    ]
