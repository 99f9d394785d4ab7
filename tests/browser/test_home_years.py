"""This year's plan first on a phone; earlier years folded away; the office's notice."""

from datetime import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from communities.permissions import grant_office_permissions
from reporting.models import MonthlyReport, Plan
from tests.browser.conftest import log_in, log_in_to_desk
from tests.conftest import PASSWORD, add_activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Ticking, so the browser and the server agree on the passing seconds.
IN_MAY_2026 = datetime.fromisoformat("2026-05-20T10:00:00+08:00")
IN_MAY_2021 = datetime.fromisoformat("2021-05-10T10:00:00+08:00")
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_staff_see_this_year_first_and_can_open_a_past_year(
    phone, live_server, plan, places, people, shoot
):
    alice = people["alice"]
    with time_machine.travel(IN_MAY_2021, tick=False):
        report = MonthlyReport.start(places["a"].pk, plan, 4, by=alice)
        add_activity(report, alice)
        report.submit(alice, truth_confirmed=True)
        report.return_(people["office"], "照片看不清，请换一张")
    with time_machine.travel(IN_MAY_2026):
        log_in(phone, live_server, "alice", PASSWORD)
        expect(
            phone.get_by_text("综治办尚未设置本年度的报送月份（年度方案），请联系综治办")
        ).to_be_visible()
        expect(phone.get_by_text("照片看不清，请换一张")).to_be_visible()
        expect(phone.get_by_role("link", name="2021", exact=True)).to_be_hidden()
        assert phone.evaluate(NO_HORIZONTAL_SCROLL)
        shoot(phone, "home-no-plan-375")

        Plan.objects.create(year=2026, duty_months=[3, 4, 5, 6], deadline_day=1)
        phone.reload()
        expect(phone.get_by_role("heading", name="2026年报表")).to_be_visible()
        expect(phone.get_by_text("已逾期（2026-04-01截止）")).to_be_visible()
        expect(phone.get_by_text("已逾期19天", exact=True)).to_be_visible()
        expect(phone.get_by_text("还剩13天", exact=True)).to_be_visible()
        shoot(phone, "home-this-year-375")

        phone.get_by_text("往年报表").click()
        phone.get_by_role("link", name="2021", exact=True).click()
        expect(phone.get_by_text("您正在查看2021年的报表")).to_be_visible()
        expect(phone.locator(".month-card")).to_have_count(7)
        assert phone.evaluate(NO_HORIZONTAL_SCROLL)
        shoot(phone, "home-past-year-375")
        phone.get_by_role("link", name="返回本年度（2026年）").click()
        expect(phone.get_by_role("heading", name="2026年报表")).to_be_visible()


def test_office_is_told_and_sets_up_the_plan_with_month_boxes(
    desktop, live_server, plan, people, shoot
):
    grant_office_permissions()
    people["office"].is_staff = True
    people["office"].save()
    with time_machine.travel(IN_MAY_2026):
        log_in_to_desk(desktop, live_server, "office", PASSWORD)
        notice = desktop.locator("#plan-missing")
        expect(notice).to_contain_text("2026年度方案尚未设置")
        shoot(desktop, "admin-plan-missing-1280")
        notice.get_by_role("link", name="设置2026年度方案").click()
        expect(desktop.get_by_label("年度")).to_have_value("2026")
        expect(desktop.get_by_role("checkbox")).to_have_count(12)
        desktop.get_by_role("button", name="保存", exact=True).click()
        expect(desktop.get_by_text("请至少勾选一个月份。")).to_be_visible()
        for month in ("4月", "5月", "10月"):
            desktop.get_by_label(month, exact=True).check()
        shoot(desktop, "admin-plan-add-1280")
        desktop.get_by_role("button", name="保存", exact=True).click()
        expect(desktop.get_by_text("4月、5月、10月")).to_be_visible()
        desktop.goto(f"{live_server.url}/admin/")
        expect(desktop.locator("#plan-missing")).to_have_count(0)
    assert Plan.objects.get(year=2026).duty_months == [4, 5, 10]
