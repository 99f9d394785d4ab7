"""Leadership opens a quarter, filters by work point, reads a ledger, follows an item."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.scoring.conftest import file_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_reads_the_quarter_and_follows_an_item(
    phone, desktop, live_server, plan, places, people, shoot
):
    file_report(
        places["a"], plan, 4, people["alice"], plan.late_from(4) + timedelta(days=2, hours=3)
    )
    for page, width in ((desktop, 1280), (phone, 375)):
        log_in(page, live_server, "leader", PASSWORD)
        page.get_by_role("link", name="考评").click()
        page.get_by_role("link", name="排名与扣分").first.click()
        expect(page.get_by_role("heading", name="2021年第2季度考评")).to_be_visible()
        shoot(page, f"quarter-{width}")
        page.get_by_label("工作点").select_option(label="缺塘点")
        page.get_by_role("button", name="显示").click()
        expect(page.locator("tr[data-community]")).to_have_count(2)
        expect(page.locator("tr[data-community='乙社区']")).to_have_count(0)
        page.get_by_role("link", name="甲社区").click()
        expect(page.get_by_role("heading", name="甲社区 · 2021年第2季度")).to_be_visible()
        shoot(page, f"ledger-{width}")
        page.get_by_role("link", name="2021年4月报表逾期2天3小时报送").click()
        expect(
            page.get_by_role("heading", name="反诈骗活动开展情况报表（2021年4月）")
        ).to_be_visible()
        expect(page.locator(".submitted-at")).to_contain_text("逾期")
