"""P1 as a work point's head lives it on a phone: home says this month's 督导 and 工作会
are not done yet; the head records a supervision visit with two photos and a work meeting;
home says both are done. At a desk, the office sees it on its page of every point's months.
Only what a person can see and tap is used."""

from datetime import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from communities.permissions import grant_office_permissions
from duties.models import Supervision, WorkMeeting
from tests.browser.conftest import (
    AXE,
    AXE_OPTIONS,
    FAILING_IMPACTS,
    log_in,
    log_in_to_desk,
    serious_violations,
)
from tests.conftest import PASSWORD, jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# May 2021, while the month runs; ticking, so the browser and the server agree.
IN_MAY = datetime.fromisoformat("2021-05-20T10:00:00+08:00")
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture(autouse=True)
def in_may():
    with time_machine.travel(IN_MAY):
        yield


@pytest.fixture
def photos(tmp_path):
    """Two photos as a phone's album holds them."""
    paths = []
    for n, colour in enumerate(((30, 90, 160), (180, 60, 40)), start=1):
        path = tmp_path / f"督导现场{n}.jpg"
        path.write_bytes(jpeg_bytes((1600, 1200), colour, exif_time="2021:05:12 09:31:00"))
        paths.append(str(path))
    return paths


def duty_box(page):
    return page.locator("section.duty-home")


def serious_violations_in(page, selector):
    """serious_violations for the part of the page `selector` names: the head's home is
    reporting's overview page, whose table (.table-responsive, scrolled sideways on a
    phone, not focusable) axe rates serious; that is reporting's to fix, not this box's."""
    page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate(
        "([context, options]) => axe.run(context, options)", [selector, AXE_OPTIONS]
    )
    return [
        f"{violation['id']} ({violation['impact']}): "
        + " | ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in result["violations"]
        if violation["impact"] in FAILING_IMPACTS
    ]


def test_the_head_records_the_months_duty_and_the_office_sees_it(
    phone, desktop, live_server, plan, places, people, photos, shoot
):
    page = phone
    log_in(page, live_server, "head", PASSWORD)
    box = duty_box(page)
    expect(box.get_by_role("heading", name="本月工作点督导与工作会")).to_be_visible()
    expect(box.get_by_text("尚未完成", exact=True)).to_have_count(2)
    expect(box).to_contain_text("不计分")
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    assert serious_violations_in(page, "section.duty-home") == []
    shoot(page, "duty-home-not-done-375")

    box.get_by_role("link", name="记录督导或工作会").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("缺塘点 2021年5月督导与工作会")
    visit = page.locator("#visit-form")
    visit.get_by_label("督导日期").fill("2021-05-12")
    visit.get_by_label("甲社区").check()
    visit.get_by_label("丙社区").check()
    visit.get_by_label("检查内容").fill("检查宣传栏更新和活动台账")
    visit.get_by_label("发现的问题").fill("丙社区宣传栏内容未更新")
    visit.get_by_label("整改落实情况").fill("已要求一周内更新并拍照报点")
    visit.get_by_label("督导照片").set_input_files(photos)
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    assert serious_violations(page) == []
    shoot(page, "duty-month-filling-375")
    visit.get_by_role("button", name="保存督导记录").click()
    expect(page.get_by_text("督导已记录。")).to_be_visible()
    record = page.locator("article.duty-record").first
    expect(record).to_contain_text("丙社区、甲社区")
    expect(record.get_by_role("img")).to_have_count(2)

    meeting = page.locator("#meeting-form")
    meeting.get_by_label("会议日期").fill("2021-05-18")
    meeting.get_by_label("参会人员").fill("点长、各社区书记、派出所社区民警")
    meeting.get_by_label("发案情况研判").fill("本月辖区发生冒充客服诈骗2起，受害人均为老年人")
    meeting.get_by_label("议定事项").fill("下月重点开展老年人入户宣传")
    meeting.get_by_role("button", name="保存工作会记录").click()
    expect(page.get_by_text("工作会已记录。")).to_be_visible()
    expect(page.locator(".report-head").get_by_text("已完成", exact=True)).to_have_count(2)
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    assert serious_violations(page) == []
    shoot(page, "duty-month-done-375")

    page.get_by_role("link", name="首页").click()
    expect(duty_box(page).get_by_text("已完成", exact=True)).to_have_count(2)
    expect(duty_box(page).get_by_text("尚未完成")).to_have_count(0)
    shoot(page, "duty-home-done-375")

    visit_record = Supervision.objects.get()
    assert [p.original_name for p in visit_record.photos.all()] == [
        "督导现场1.jpg",
        "督导现场2.jpg",
    ]
    assert set(visit_record.communities.values_list("name", flat=True)) == {"甲社区", "丙社区"}
    assert WorkMeeting.objects.get().case_analysis.startswith("本月辖区发生冒充客服诈骗2起")

    # The office, at its desk.
    grant_office_permissions()
    people["office"].is_staff = True
    people["office"].save()
    desk = desktop
    log_in_to_desk(desk, live_server, "office", PASSWORD)
    desk.locator("#desk-links").get_by_role("link", name="工作点督导与工作会").click()
    table = desk.get_by_role("table")
    point_row = table.get_by_role("row").filter(has_text="缺塘点")
    cells = point_row.get_by_role("cell")
    expect(cells.nth(0)).to_contain_text("缺失：督导、工作会")  # April, over, nothing held
    expect(cells.nth(1)).to_contain_text("已完成")  # May
    expect(cells.nth(1)).to_contain_text("05-12")
    expect(cells.nth(2)).to_contain_text("未到期")
    other_row = table.get_by_role("row").filter(has_text="苏内点")
    expect(other_row.get_by_role("cell").nth(1)).to_contain_text("未到期")
    expect(desk.get_by_text("不计分")).to_be_visible()
    assert serious_violations(desk) == []
    shoot(desk, "duty-office-points-1280")
    cells.nth(1).get_by_role("link", name="05-12").click()
    expect(desk.locator("#content")).to_contain_text("检查宣传栏更新和活动台账")
    expect(desk.locator("img.desk-thumb")).to_have_count(2)
    shoot(desk, "duty-office-visit-1280")

    # The head's month page at a desk's width.
    head_desk = desktop.context.browser.new_context(viewport={"width": 1280, "height": 900})
    wide = head_desk.new_page()
    log_in(wide, live_server, "head", PASSWORD)
    duty_box(wide).get_by_role("link", name="查看本月督导与工作会记录").click()
    expect(wide.locator("article.duty-record")).to_have_count(2)
    assert serious_violations(wide) == []
    shoot(wide, "duty-month-done-1280")
    head_desk.close()


def test_a_refused_visit_says_why_and_a_record_is_corrected(
    phone, live_server, plan, places, people, photos, tmp_path, shoot
):
    notes = tmp_path / "会议纪要.jpg"
    notes.write_text("这不是照片\n" * 50)
    page = phone
    log_in(page, live_server, "head", PASSWORD)
    duty_box(page).get_by_role("link", name="记录督导或工作会").click()
    visit = page.locator("#visit-form")
    visit.get_by_label("督导日期").fill("2021-05-12")
    visit.get_by_label("检查内容").fill("检查宣传栏")
    visit.get_by_label("督导照片").set_input_files([photos[0], str(notes)])
    visit.get_by_role("button", name="保存督导记录").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("请至少勾选一个督导社区")
    expect(summary).to_contain_text("“会议纪要.jpg”不是照片或文件已损坏")
    expect(summary).to_contain_text("照片没有保留，请重新选择")
    expect(page.locator("#visit-form").get_by_label("检查内容")).to_have_value("检查宣传栏")
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    assert serious_violations(page) == []
    shoot(page, "duty-visit-refused-375")
    assert Supervision.objects.count() == 0

    visit = page.locator("#visit-form")
    visit.get_by_label("甲社区").check()
    visit.get_by_label("督导照片").set_input_files(photos[:1])
    visit.get_by_role("button", name="保存督导记录").click()
    expect(page.get_by_text("督导已记录。")).to_be_visible()
    page.get_by_role("link", name="更正此记录").click()
    page.get_by_label("检查内容").fill("检查宣传栏和活动台账")
    page.get_by_label("丙社区").check()
    assert serious_violations(page) == []
    shoot(page, "duty-visit-correct-375")
    page.get_by_role("button", name="保存更正").click()
    expect(page.get_by_text("更正已保存。")).to_be_visible()
    expect(page.locator("article.duty-record")).to_contain_text("检查宣传栏和活动台账")
    expect(page.locator("article.duty-record")).to_contain_text("丙社区、甲社区")
    assert Supervision.objects.get().version == 2
