"""The office filters late reports in the admin, returns one; the community sees why."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from communities.permissions import grant_office_permissions
from tests.browser.conftest import log_in, type_desk_code
from tests.conftest import PASSWORD, confirmed_totp_device
from tests.scoring.conftest import file_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_returns_a_late_report_and_staff_see_the_reason(
    desktop, phone, live_server, plan, places, people, shoot
):
    grant_office_permissions()
    people["office"].is_staff = True
    people["office"].save()
    confirmed_totp_device(people["office"])  # the office's phone app, set up earlier
    file_report(places["a"], plan, 4, people["alice"], plan.late_from(4) + timedelta(days=1))
    file_report(places["b"], plan, 4, people["bob"], plan.late_from(4) - timedelta(days=1))

    page = desktop
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("用户名").fill("office")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    type_desk_code(page, "office")
    expect(page.locator("#who-has-not-reported")).to_be_visible()
    shoot(page, "admin-index-1280")
    page.locator("a[href='/admin/reporting/monthlyreport/']").first.click()
    page.locator("#changelist-filter").get_by_role("link", name="逾期", exact=True).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    shoot(page, "admin-late-reports-1280")
    page.locator("#result_list tbody tr a").first.click()
    page.get_by_role("link", name="审核").click()
    page.get_by_label("原因").fill("活动照片与现场不符，请补充签到表照片")
    page.get_by_role("button", name="退回修改").click()
    expect(page.locator(".messagelist")).to_contain_text("退回修改：甲社区 2021年04月。")

    log_in(phone, live_server, "alice", PASSWORD)
    expect(phone.get_by_text("活动照片与现场不符，请补充签到表照片")).to_be_visible()
    shoot(phone, "home-returned-375")
