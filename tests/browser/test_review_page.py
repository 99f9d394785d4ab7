"""The office reviews from the report's own page: what was filed, then one of three
judgements, on a phone and at a desk."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from communities.permissions import grant_office_permissions
from reporting.models import Finding, MonthlyReport
from tests.browser.conftest import log_in_to_desk, serious_violations
from tests.conftest import PASSWORD, add_activity

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
    grant_office_permissions()
    people["office"].is_staff = True
    people["office"].save()
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
    expect(page.locator(".messagelist")).to_contain_text("退回修改：1 份报表")
    returned.refresh_from_db()
    assert returned.state == "returned" and returned.return_reason == "签到表照片缺失"

    _open_review(page, live_server, falsified)
    page.get_by_label(REASON_LABEL).fill("照片与上月报表相同")
    page.get_by_role("button", name="认定弄虚作假").click()
    expect(page.locator(".errorlist")).to_contain_text("扣分翻倍")
    expect(page.get_by_label(REASON_LABEL)).to_have_value("照片与上月报表相同")
    assert not Finding.objects.exists()
    assert serious_violations(page) == []
    shoot(page, "admin-review-refused-375")
    page.get_by_label(CONFIRM_LABEL).check()
    page.get_by_role("button", name="认定弄虚作假").click()
    expect(page.locator(".messagelist")).to_contain_text("认定弄虚作假：1 份报表")
    assert Finding.objects.active().filter(report=falsified).count() == 1

    page = desktop
    log_in_to_desk(page, live_server, "office", PASSWORD)
    expect(page.locator("#awaiting-review li")).to_have_count(2)  # the falsified stays
    _open_review(page, live_server, accepted)
    assert serious_violations(page) == []
    shoot(page, "admin-review-1280")
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".messagelist")).to_contain_text("审核通过：1 份报表")
    accepted.refresh_from_db()
    assert accepted.state == "accepted"
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("#awaiting-review li")).to_have_count(1)
    shoot(page, "admin-awaiting-review-1280")
