"""The other pages, seen at phone and desktop width: readable and not cramped."""

from datetime import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from reporting.models import MonthlyReport
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, add_activity

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_work_point_head_reads_the_point_overview(
    phone, desktop, live_server, plan, places, people, shoot
):
    report = MonthlyReport.start(places["a"].pk, plan, 4, by=people["alice"])
    add_activity(report, people["alice"])
    report.submit(people["alice"], truth_confirmed=True)
    for page, width in ((phone, 375), (desktop, 1280)):
        log_in(page, live_server, "head", PASSWORD)
        expect(page.get_by_role("rowheader", name="甲社区")).to_be_visible()
        expect(page.get_by_role("rowheader", name="乙社区")).to_have_count(0)
        shoot(page, f"overview-head-{width}")
    phone.get_by_role("link", name="已报送").click()
    expect(phone.get_by_text("社区文化广场")).to_be_visible()
    expect(phone.get_by_role("button", name="保存草稿")).to_have_count(0)


def test_team_page_and_large_text_on_a_phone(phone, live_server, plan, people, shoot):
    page = phone
    log_in(page, live_server, "alice", PASSWORD)
    page.get_by_role("link", name="宣讲队伍").click()
    page.get_by_label("成立日期").fill("2021-03-25")
    page.get_by_label("姓名").fill("陈主任")
    page.get_by_label("身份").select_option("社区两委")
    page.get_by_label("加入工作群的联系人").check()
    page.get_by_role("button", name="保存宣讲队伍").click()
    expect(page.get_by_text("宣讲队伍已保存")).to_be_visible()
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    shoot(page, "team-375")

    body_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert body_size >= 16
    page.get_by_role("button", name="大字模式").click()
    larger = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert larger > body_size
    page.reload()
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == larger
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    shoot(page, "team-large-text-375")


@time_machine.travel(datetime.fromisoformat("2021-04-28T10:00:00+08:00"))
def test_tap_targets_are_at_least_44_px(phone, live_server, plan, people):
    log_in(phone, live_server, "alice", PASSWORD)
    april = phone.locator(".month-card form:has(input[name=month][value='4'])")
    april.get_by_role("button").click()
    expect(phone.get_by_role("button", name="报送", exact=True)).to_be_visible()
    phone.wait_for_load_state("load")  # the stylesheets too
    small = phone.evaluate(
        """() => [...document.querySelectorAll(
                'a.btn, label.btn, button, select, input:not([type=hidden]):not([type=file])')]
            .filter(el => el.offsetParent !== null)
            .map(el => [el.name || el.textContent.trim(), el.getBoundingClientRect()])
            .filter(([, r]) => r.height < 44 && r.height > 0)
            .filter(([name]) => !/DELETE|remove_photos|unstage|truth_confirmed/.test(name))
            .map(([name, r]) => name + ' ' + Math.round(r.width) + 'x' + Math.round(r.height))"""
    )
    assert small == [], "\n".join(small)
