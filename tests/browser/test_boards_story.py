"""B1 as a community's staff member lives it on a phone: from the home page to 宣传栏与电子屏,
where this year's duty quarters are not yet updated; a first try at recording this
quarter's board update without a photo is refused, saying so at the top and beside the
field, with what was typed kept; then with a photo from the album it is recorded and the
quarter shows as updated; then an LED screen's use is recorded and listed. The same page
at a desk's width. Only what a person can see and tap is used."""

from datetime import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from duties.models import BoardUpdate, ScreenKind, ScreenUse
from tests.browser.conftest import fits_the_width, log_in, serious_violations
from tests.conftest import PASSWORD, jpeg_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("may_2021"),
]

NO_PHOTO = "宣传栏照片：请至少添加一张宣传栏照片。"


@pytest.fixture
def may_2021():
    """20 May 2021, inside the plan's second quarter (April to June, a duty quarter: M7);
    the clock ticks, so the browser and the server agree on what is past."""
    with time_machine.travel(datetime.fromisoformat("2021-05-20T10:00:00+08:00")):
        yield


@pytest.fixture
def board_photo(tmp_path):
    """A photo of the board as a phone's album holds it."""
    path = tmp_path / "宣传栏更新.jpg"
    path.write_bytes(jpeg_bytes((1600, 1200), (200, 40, 40), exif_time="2021:05:12 15:02:00"))
    return str(path)


def quarter_line(page, n):
    """The line of the year's quarter `n` in 各季度宣传栏更新."""
    return page.locator(".duty-items li").filter(has_text=f"2021年第{n}季度")


def open_boards_page(page):
    """From the staff's home page, the one button to the boards page."""
    expect(page.get_by_role("heading", level=1)).to_have_text("甲社区")
    page.get_by_role("link", name="宣传栏与电子屏").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("甲社区：2021年宣传栏与电子屏")


def test_community_staff_record_the_quarters_board_update_and_an_led_screen(
    phone, desktop, live_server, plan, places, people, board_photo, snap
):
    page = phone
    log_in(page, live_server, "alice", PASSWORD)
    open_boards_page(page)
    expect(page.get_by_text("不计分")).to_be_visible()
    expect(page.locator(".duty-items li")).to_have_count(3)  # Q2, Q3, Q4: April to October
    for n in (2, 3, 4):
        expect(quarter_line(page, n)).to_contain_text("尚未更新")
    expect(page.get_by_text("今年尚未登记宣传栏更新。")).to_be_visible()

    # First try: the date and the place, but the photo forgotten.
    board = page.locator("#board-form")
    board.get_by_label("更新日期").fill("2021-05-12")
    board.get_by_label("宣传栏位置").fill("甲社区文化广场平安建设宣传栏")
    expect(board.get_by_label("宣传栏照片")).to_be_visible()
    assert fits_the_width(page)
    assert serious_violations(page) == []
    snap(page, "boards-filling-375")
    board.get_by_role("button", name="登记此次更新").click()

    # Refused, in Chinese, at the top and beside the field; what was typed is still there.
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("尚未保存，请更正以下问题。")
    expect(summary.get_by_role("link", name=NO_PHOTO)).to_be_visible()
    board = page.locator("#board-form")
    expect(
        board.locator(".invalid-feedback").filter(has_text="请至少添加一张宣传栏照片。")
    ).to_be_visible()
    expect(board.get_by_label("更新日期")).to_have_value("2021-05-12")
    expect(board.get_by_label("宣传栏位置")).to_have_value("甲社区文化广场平安建设宣传栏")
    expect(quarter_line(page, 2)).to_contain_text("尚未更新")
    assert fits_the_width(page)
    assert serious_violations(page) == []
    snap(page, "boards-refused-375")
    assert BoardUpdate.objects.count() == 0

    # The summary's line leads to the field; the photo is picked, and the update saved.
    summary.get_by_role("link", name=NO_PHOTO).click()
    photos = board.get_by_label("宣传栏照片")
    expect(photos).to_be_visible()
    photos.set_input_files(board_photo)
    board.get_by_role("button", name="登记此次更新").click()
    expect(page.get_by_text("宣传栏更新已登记。")).to_be_visible()
    expect(quarter_line(page, 2)).to_contain_text("已更新")
    expect(quarter_line(page, 2)).to_contain_text("05-12")
    for n in (3, 4):
        expect(quarter_line(page, n)).to_contain_text("尚未更新")
    card = page.locator("article.duty-record").filter(has_text="宣传栏位置")
    expect(card).to_have_count(1)
    expect(card.get_by_role("heading")).to_have_text("2021-05-12 · 2021年第2季度")
    expect(card).to_contain_text("甲社区文化广场平安建设宣传栏")
    expect(card.get_by_role("img", name="2021-05-12宣传栏更新的第1张照片")).to_be_visible()
    expect(page.get_by_text("今年尚未登记宣传栏更新。")).to_have_count(0)

    # Then the LED screen at the community's gate, played this week.
    expect(page.get_by_text("今年尚未登记电子屏或广播播放。")).to_be_visible()
    screen = page.locator("#screen-form")
    screen.get_by_label("日期").fill("2021-05-18")
    screen.get_by_label("LED电子屏").check()
    screen.get_by_label("地点").fill("甲社区居委会门口")
    screen.get_by_label("播放内容").fill("“冒充客服退款”诈骗提醒短片")
    screen.get_by_label("播放次数").fill("30")
    assert fits_the_width(page)
    screen.get_by_role("button", name="登记此次播放").click()
    expect(page.get_by_text("电子屏/广播播放已登记。")).to_be_visible()
    use = page.locator("article.duty-record").filter(has_text="播放内容")
    expect(use).to_have_count(1)
    expect(use.get_by_role("heading")).to_have_text("2021-05-18 · LED电子屏")
    expect(use).to_contain_text("甲社区居委会门口")
    expect(use).to_contain_text("“冒充客服退款”诈骗提醒短片")
    facts = use.locator("dd")
    expect(facts.nth(2)).to_have_text("30")  # 播放次数
    expect(facts.nth(3)).to_have_text("—")  # 播放时长（分钟）, left out
    expect(page.get_by_text("今年尚未登记电子屏或广播播放。")).to_have_count(0)
    assert fits_the_width(page)
    assert serious_violations(page) == []
    snap(page, "boards-recorded-375")

    update = BoardUpdate.objects.get()
    assert (update.community, update.quarter, update.place) == (
        places["a"],
        2,
        "甲社区文化广场平安建设宣传栏",
    )
    assert update.recorded_by == people["alice"]
    assert [p.original_name for p in update.photos.all()] == ["宣传栏更新.jpg"]
    screen_use = ScreenUse.objects.get()
    assert (screen_use.community, screen_use.kind, screen_use.times, screen_use.minutes) == (
        places["a"],
        ScreenKind.LED,
        30,
        None,
    )

    # The same page at a desk's width.
    wide = desktop
    log_in(wide, live_server, "alice", PASSWORD)
    open_boards_page(wide)
    expect(quarter_line(wide, 2)).to_contain_text("已更新")
    expect(wide.locator("article.duty-record")).to_have_count(2)
    assert serious_violations(wide) == []
    snap(wide, "boards-recorded-1280")
