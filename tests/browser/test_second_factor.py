"""The office sets up its phone's authenticator app on a phone and reaches the admin;
next time, on a computer, the admin asks for the app's code."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from communities.permissions import grant_office_permissions
from tests.browser.conftest import DESK_CODE_LABEL, log_in, serious_violations, type_desk_code
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_sets_up_its_phone_and_reaches_the_admin(phone, desktop, live_server, people, shoot):
    grant_office_permissions()
    office = people["office"]
    office.is_staff = True
    office.save()

    page = phone
    log_in(page, live_server, "office", PASSWORD)
    page.get_by_role("link", name="综治办后台").click()
    expect(page.get_by_role("heading", name="开通第二重身份验证")).to_be_visible()
    expect(page.get_by_role("img", name="身份验证器二维码")).to_be_visible()
    assert not serious_violations(page)
    shoot(page, "second-factor-setup-375")

    # What the app does with the key typed by hand (a person reads the code off the phone).
    secret = page.locator("#second-factor-secret").inner_text().replace(" ", "")
    code = f"{TOTP(b32decode(secret)).token():06d}"
    page.get_by_label(DESK_CODE_LABEL).fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="确认验证码").click()
    expect(page.get_by_text("验证码不正确")).to_be_visible()
    assert not TOTPDevice.objects.get(user=office).confirmed
    page.wait_for_timeout(1100)  # one wrong code: the next try waits a second
    page.get_by_label(DESK_CODE_LABEL).fill(code)
    page.get_by_role("button", name="确认验证码").click()

    expect(page.get_by_role("heading", name="第二重身份验证已开通")).to_be_visible()
    codes = page.get_by_role("list", name="恢复码").get_by_role("listitem")
    expect(codes).to_have_count(10)
    assert not serious_violations(page)
    shoot(page, "second-factor-recovery-codes-375")
    page.get_by_role("link", name="我已抄好，进入综治办后台").click()
    expect(page.get_by_role("heading", name="街道综治办")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    shoot(page, "second-factor-admin-375")

    # Another day, on the office's computer: the password, then the app's code.
    log_in(desktop, live_server, "office", PASSWORD)
    desktop.goto(f"{live_server.url}/admin/reporting/monthlyreport/")
    expect(desktop.get_by_role("heading", name="第二重身份验证", exact=True)).to_be_visible()
    expect(desktop.get_by_role("img")).to_have_count(0)  # the key is never shown again
    assert not serious_violations(desktop)
    shoot(desktop, "second-factor-verify-1280")
    type_desk_code(desktop, "office")
    expect(desktop).to_have_url(re.compile(r"/admin/reporting/monthlyreport/$"))
    shoot(desktop, "second-factor-admin-reports-1280")
