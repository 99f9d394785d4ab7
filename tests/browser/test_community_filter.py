"""On a phone, the office finds one community's reports among many by typing part of its
name into the report list's community filter (reporting.admin.CommunityFilter)."""

import pytest
from playwright.sync_api import expect

from communities.models import Community
from communities.permissions import grant_office_permissions
from reporting.admin import CommunityFilter
from reporting.models import MonthlyReport
from tests.browser.conftest import log_in_to_desk, serious_violations
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_finds_a_community_by_part_of_its_name_on_a_phone(
    phone, live_server, plan, places, people, shoot
):
    grant_office_permissions()
    people["office"].is_staff = True
    people["office"].save()
    for n in range(CommunityFilter.MATCHES + 2):
        Community.objects.create(name=f"湖滨第{n:02d}社区（示例）", work_point=places["point"])
    west = Community.objects.create(name="西湖社区", work_point=places["other_point"])
    for community in (west, places["a"]):
        MonthlyReport.start(community.pk, plan, 4, by=people["office"])

    page = phone
    log_in_to_desk(page, live_server, "office", PASSWORD)
    page.goto(f"{live_server.url}/admin/reporting/monthlyreport/?month=4")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    box = page.get_by_label("名称（输入部分即可）")
    box.fill("湖")
    box.press("Enter")
    expect(page.get_by_text("名称含此内容的社区多于所列 10 个，请输入更多字词。")).to_be_visible()
    problems = serious_violations(page)
    wider = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    shoot(page, "admin-community-filter-375")
    assert (problems, wider) == ([], False)
    # The typed words filter the list; a second try names it better, and one is tapped.
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    box = page.get_by_label("名称（输入部分即可）")
    expect(box).to_have_value("湖")
    box.fill("西湖")
    page.get_by_role("button", name="查找").click()
    filters = page.locator("#changelist-filter")
    filters.get_by_role("link", name="西湖社区", exact=True).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list tbody")).to_contain_text("西湖社区")
    assert "month=4" in page.url  # the month chosen before is kept
