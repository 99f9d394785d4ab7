"""A community's staff member files April's report from a phone, start to end."""

import pytest
from playwright.sync_api import expect

from reporting.models import MonthlyReport, ReportState
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, jpeg_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def fill_activity(page, index, place, when, photo):
    prefix = f"activities-{index}-"
    page.locator(f"[name='{prefix}held_at']").fill(when)
    page.locator(f"[name='{prefix}place']").fill(place)
    page.locator(f"[name='{prefix}form']").select_option("集中宣讲")
    page.locator(f"[name='{prefix}participants']").fill("36")
    page.locator(f"[name='{prefix}caption']").fill(f"{place}宣讲现场")
    page.locator(f"[name='{prefix}photos_album']").set_input_files(str(photo))


def test_staff_files_april_report_on_a_phone(
    phone, desktop, live_server, plan, people, shoot, tmp_path
):
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(jpeg_bytes(size=(1600, 1200), exif_time="2021:04:10 09:31:00"))
    page = phone
    page.goto(live_server.url)
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    shoot(page, "login-375")
    log_in(page, live_server, "alice", PASSWORD)
    expect(page.get_by_role("heading", name="甲社区")).to_be_visible()
    page.goto(f"{live_server.url}/?year=2021")  # the test plan is 2021's; this year comes first
    shoot(page, "home-staff-375")

    page.locator("form:has(input[name=month][value='4'])").get_by_role("button").click()
    expect(page.get_by_role("heading", name="反诈骗活动开展情况报表（2021年4月）")).to_be_visible()
    fill_activity(page, 0, "社区文化广场", "2021-04-10T09:30", photo)
    expect(page.locator("[data-preview] img")).to_have_count(1)
    page.get_by_role("button", name="再添一项活动").click()
    fill_activity(page, 1, "辖区企业食堂", "2021-04-18T14:00", photo)
    page.get_by_role("button", name="再添一项活动").click()
    page.locator("[name='activities-2-place']").fill("写错了，不要")
    page.locator("[data-activity]").nth(2).get_by_text("删除此活动").click()
    page.locator("[data-activity]").nth(1).get_by_role("button", name="上移").click()
    shoot(page, "report-filling-375")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存")).to_be_visible()
    expect(page.locator(".photo-grid img")).to_have_count(2)

    page.get_by_label("本人承诺所报内容真实").check()
    page.get_by_role("button", name="报送", exact=True).click()
    expect(page.get_by_text("报表已报送")).to_be_visible()
    expect(page.locator(".submitted-at")).to_contain_text("报送时间")
    expect(page.get_by_role("button", name="保存草稿")).to_have_count(0)
    shoot(page, "report-submitted-375")

    report = MonthlyReport.objects.get()
    assert report.state == ReportState.SUBMITTED
    assert list(report.activities.values_list("place", flat=True)) == [
        "辖区企业食堂",
        "社区文化广场",
    ]
    assert [a.photos.count() for a in report.activities.all()] == [1, 1]

    log_in(desktop, live_server, "alice", PASSWORD)
    desktop.goto(f"{live_server.url}{report.get_absolute_url()}")
    expect(desktop.locator(".submitted-at")).to_contain_text(
        f"{report.submitted_at.astimezone():%Y}"
    )
    shoot(desktop, "report-submitted-1280")
    desktop.goto(live_server.url)
    shoot(desktop, "home-staff-1280")
