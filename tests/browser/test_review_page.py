"""The office reviews from the report's own page: what was filed, then one of three
judgements, on a phone and at a desk."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from communities.models import Role
from communities.permissions import grant_office_permissions
from reporting.models import Finding, MonthlyReport
from tests.browser.conftest import log_in_to_desk, serious_violations
from tests.conftest import PASSWORD, add_activity, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON_LABEL = "原因（退回修改或认定弄虚作假时必填）"
CONFIRM_LABEL = "我确认认定为弄虚作假（该月扣分翻倍）"


def _submitted(plan, community, by, activities=2):
    report = MonthlyReport.start(community.pk, plan, 4, by=by)
    for _n in range(activities):
        add_activity(report, by, photos=2)
    report.submit(by, truth_confirmed=True, at=plan.late_from(4) - timedelta(days=1))
    return report


def _open_review(page, live_server, report):
    page.goto(f"{live_server.url}/admin/")
    page.locator("#awaiting-review").get_by_role("link", name=str(report)).click()
    expect(page.locator("#report-activities")).to_be_visible()


def test_office_reviews_three_reports_from_their_review_pages(
    phone, desktop, live_server, plan, places, people, shoot
):
    """Each judgement opens the next report waiting, then the desk. A report found
    falsified leaves 待审核 and is marked in red words on the list. A colleague acting
    first in another tab: the page comes back saying who did what when, the typed reason
    still there."""
    grant_office_permissions()
    people["office"].is_staff = True
    people["office"].save()
    wang = make_user("wang", Role.OFFICE)
    wang.first_name, wang.is_staff = "王某", True
    wang.save()
    returned = _submitted(plan, places["a"], people["alice"])
    falsified = _submitted(plan, places["b"], people["bob"])
    accepted = _submitted(plan, places["c"], people["alice"], activities=1)

    page = phone
    log_in_to_desk(page, live_server, "office", PASSWORD)
    expect(page.locator("#awaiting-review li")).to_have_count(3)
    shoot(page, "admin-awaiting-review-375")
    _open_review(page, live_server, returned)
    photos = page.locator("#report-activities img")
    expect(photos).to_have_count(4)
    page.wait_for_load_state("load")
    for n in range(4):  # loaded, at display size
        assert photos.nth(n).evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.get_by_role("link", name="照片1：查看原图").first).to_be_visible()
    assert serious_violations(page) == []
    shoot(page, "admin-review-375")

    page.get_by_label(REASON_LABEL).fill("   ")
    page.get_by_role("button", name="退回修改").click()
    expect(page.locator(".errorlist")).to_contain_text("请填写退回原因。")
    page.get_by_label(REASON_LABEL).fill("签到表照片缺失")
    page.get_by_role("button", name="退回修改").click()
    # On to the next report waiting, saying which one was returned.
    expect(page.locator(".messagelist")).to_contain_text(f"退回修改：{returned}。")
    expect(page.locator("#report-header h2")).to_have_text(str(falsified))
    returned.refresh_from_db()
    assert returned.state == "returned" and returned.return_reason == "签到表照片缺失"

    page.get_by_label(REASON_LABEL).fill("照片与上月报表相同")
    page.get_by_role("button", name="认定弄虚作假").click()
    expect(page.locator(".errorlist")).to_contain_text("扣分翻倍")
    expect(page.get_by_label(REASON_LABEL)).to_have_value("照片与上月报表相同")
    assert not Finding.objects.exists()
    assert serious_violations(page) == []
    shoot(page, "admin-review-refused-375")
    page.get_by_label(CONFIRM_LABEL).check()
    page.get_by_role("button", name="认定弄虚作假").click()
    expect(page.locator(".messagelist")).to_contain_text(f"认定弄虚作假：{falsified}。")
    expect(page.locator("#report-header h2")).to_have_text(str(accepted))
    assert Finding.objects.active().filter(report=falsified).count() == 1
    # The phone stays on 丙社区's page; 王某 opens it too, at a desk, and accepts it first.

    page = desktop
    log_in_to_desk(page, live_server, "wang", PASSWORD)
    expect(page.locator("#awaiting-review li")).to_have_count(1)  # the falsified is judged
    _open_review(page, live_server, accepted)
    assert serious_violations(page) == []
    shoot(page, "admin-review-1280")
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".messagelist")).to_contain_text(f"审核通过：{accepted}。")
    expect(page.locator("#awaiting-review")).to_contain_text("没有待审核的报表。")
    accepted.refresh_from_db()
    assert accepted.state == "accepted"
    shoot(page, "admin-awaiting-review-1280")
    _the_list_marks_the_falsified_report(page, live_server, falsified, shoot, 1280)

    page = phone  # still on 丙社区's page, opened before 王某 accepted it
    page.get_by_label(REASON_LABEL).fill("活动照片不清晰")
    page.get_by_role("button", name="退回修改").click()
    refusal = page.locator("#review-refusal")
    expect(refusal).to_contain_text("由 王某 审核通过，请查看后再操作")
    expect(refusal).to_be_in_viewport()  # where the page lands, by the form
    expect(page.get_by_label(REASON_LABEL)).to_have_value("活动照片不清晰")
    expect(page.locator("#report-header")).to_contain_text("已审核")  # as it is now
    accepted.refresh_from_db()
    assert accepted.state == "accepted"
    assert serious_violations(page) == []
    shoot(page, "admin-review-stale-375")
    # Pressed again on the page as it is now: judged on that, not refused as stale.
    page.get_by_role("button", name="退回修改").click()
    expect(refusal).to_contain_text("不能进行此操作")
    expect(page.get_by_label(REASON_LABEL)).to_have_value("活动照片不清晰")
    _the_list_marks_the_falsified_report(page, live_server, falsified, shoot, 375)

    # The community resubmits 甲社区's report; 王某 opens it, the phone accepts it first.
    returned.submit(people["alice"], truth_confirmed=True)
    page = desktop
    page.goto(f"{live_server.url}/admin/")
    _open_review(page, live_server, returned)
    phone.goto(f"{live_server.url}/admin/")
    _open_review(phone, live_server, returned)
    phone.get_by_role("button", name="审核通过").click()
    expect(phone.locator("#awaiting-review")).to_contain_text("没有待审核的报表。")
    page.get_by_label(REASON_LABEL).fill("请补充活动签到表")
    page.get_by_label(CONFIRM_LABEL).check()
    page.get_by_role("button", name="认定弄虚作假").click()
    expect(page.locator("#review-refusal")).to_contain_text("由 office 审核通过，请查看后再操作")
    expect(page.get_by_label(REASON_LABEL)).to_have_value("请补充活动签到表")
    expect(page.get_by_label(CONFIRM_LABEL)).not_to_be_checked()  # confirmed again, if so
    assert not Finding.objects.filter(report=returned).exists()
    assert serious_violations(page) == []
    shoot(page, "admin-review-stale-1280")

    # From the desk's front page to the import of the old sheets.
    page.goto(f"{live_server.url}/admin/")
    page.locator("#desk-links").get_by_role("link", name="导入旧报表").click()
    expect(page).to_have_url(re.compile(r"/admin/reporting/monthlyreport/import/$"))


def _the_list_marks_the_falsified_report(page, live_server, falsified, shoot, width):
    """The report list: 弄虚作假 in red words on the falsified report's row, the others
    empty; scrolled to that column on a phone, as a person swipes the table."""
    page.goto(f"{live_server.url}/admin/reporting/monthlyreport/")
    row = page.locator("#result_list tr", has_text=falsified.community.name)
    badge = row.locator("td.field-falsified .desk-falsified")
    expect(badge).to_have_text("弄虚作假")
    expect(page.locator("#result_list td.field-falsified .desk-falsified")).to_have_count(1)
    colour = badge.evaluate("el => getComputedStyle(el).color")
    assert colour == "rgb(186, 33, 33)", colour  # Django's error red, 6.3:1 on white
    badge.scroll_into_view_if_needed()
    expect(badge).to_be_in_viewport()
    assert serious_violations(page) == []
    shoot(page, f"admin-report-list-falsified-{width}")
