"""Filing the monthly report as community staff do it on a phone, from the state they
meet: a saved draft, a returned report, a second device. Only what a person can see
and tap is used: the photo buttons open the file chooser, nothing hidden is filled."""

import re
from datetime import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from communities.permissions import grant_office_permissions
from reporting.models import MonthlyReport, ReportState
from tests.browser.conftest import DESKTOP, PHONE, log_in, log_in_to_desk, serious_violations
from tests.conftest import PASSWORD, add_activity, jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# April 2021, before the deadline; ticking, so the browser and the server agree.
IN_APRIL = datetime.fromisoformat("2021-04-28T10:00:00+08:00")
AFTER_THE_RETURN = datetime.fromisoformat("2021-05-12T09:00:00+08:00")
WECHAT = (
    "Mozilla/5.0 (Linux; Android 12; V2183A Build/SP1A.210812.003; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 "
    "XWEB/5061 MMWEBSDK/20230303 MMWEBID/1234 MicroMessenger/8.0.34.2340(0x28002234) "
    "WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture(autouse=True)
def in_april():
    with time_machine.travel(IN_APRIL):
        yield


@pytest.fixture
def photos(tmp_path):
    """Photos as a phone's album holds them."""

    def make(n, prefix="现场"):
        paths = []
        for i in range(n):
            path = tmp_path / f"{prefix}{i + 1}.jpg"
            colour = (30 * i % 255, 90, 160)
            path.write_bytes(jpeg_bytes((1600, 1200), colour, exif_time="2021:04:10 09:31:00"))
            paths.append(str(path))
        return paths

    return make


@pytest.fixture
def draft(april):
    """Alice's April draft, saved earlier with one activity and one photo."""
    return april


def open_report(page, live_server, username="alice"):
    """Log in and open April's report from the home page, as staff do."""
    log_in(page, live_server, username, PASSWORD)
    page.locator(".month-card").filter(has_text="2021年4月").get_by_role("link").click()
    expect(page.get_by_role("heading", name="反诈骗活动开展情况报表（2021年4月）")).to_be_visible()


def card(page, n):
    return page.get_by_role("group", name=re.compile(rf"^活动 {n}\b"))


def pick(page, activity, button, files):
    """Tap 拍照 or 从相册选择 and choose `files` in the phone's picker."""
    with page.expect_file_chooser() as chooser:
        activity.get_by_text(button, exact=True).click()
    chooser.value.set_files(files)


def wait_uploaded(activity, n):
    expect(activity.get_by_text("已上传，尚未保存")).to_have_count(n, timeout=15_000)


def test_a_photo_added_to_a_saved_draft_is_saved(phone, live_server, draft, photos, shoot):
    page = phone
    open_report(page, live_server)
    first = card(page, 1)
    expect(first.locator("[data-count]")).to_have_text("1")
    pick(page, first, "从相册选择", photos(1))
    wait_uploaded(first, 1)
    expect(first.locator("[data-count]")).to_have_text("2")
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    shoot(page, "report-draft-photo-picked-375")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存")).to_be_visible()
    expect(card(page, 1).locator(".photo-tile")).to_have_count(2)
    assert draft.activities.get().photos.count() == 2
    assert draft.activities.count() == 1


def test_the_same_in_wechat(browser, live_server, draft, photos, shoot):
    context = browser.new_context(viewport=PHONE, user_agent=WECHAT, locale="zh-CN")
    page = context.new_page()
    open_report(page, live_server)
    pick(page, card(page, 1), "拍照", photos(1, "微信"))
    wait_uploaded(card(page, 1), 1)
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存")).to_be_visible()
    shoot(page, "report-wechat-375")
    context.close()
    assert draft.activities.get().photos.count() == 2


def test_a_returned_report_gets_its_photo_and_goes_back(
    phone, desktop, live_server, draft, people, photos, shoot
):
    """Six taps at most: 继续, 从相册选择, the photo, the promise, 报送 (five)."""
    draft.submit(people["alice"], truth_confirmed=True)
    with time_machine.travel(AFTER_THE_RETURN):
        draft.return_(people["office"], "请补充一张活动现场照片")
        page = phone
        log_in(page, live_server, "alice", PASSWORD)
        expect(page.get_by_text("请补充一张活动现场照片")).to_be_visible()
        shoot(page, "home-returned-375")
        page.locator(".month-card").filter(has_text="2021年4月").get_by_role("link").click()  # 1
        expect(page.get_by_text("请补充一张活动现场照片").first).to_be_visible()
        pick(page, card(page, 1), "从相册选择", photos(1))  # 2, 3
        wait_uploaded(card(page, 1), 1)
        page.get_by_label("本人承诺所报内容真实").check()  # 4
        shoot(page, "report-returned-fixed-375")
        page.get_by_role("button", name="报送", exact=True).click()  # 5
        expect(page.get_by_text("报表已报送")).to_be_visible()
        page.get_by_text("报表记录").click()
        history = page.locator(".history li")
        expect(history.nth(2)).to_contain_text("退回修改")
        expect(history.nth(4)).to_contain_text("重新报送")
        shoot(page, "report-resubmitted-375")
        log_in(desktop, live_server, "alice", PASSWORD)
        desktop.goto(f"{live_server.url}{draft.get_absolute_url()}")
        shoot(desktop, "report-resubmitted-1280")
    draft.refresh_from_db()
    assert draft.state == ReportState.SUBMITTED
    assert list(draft.events.values_list("action", flat=True)) == [
        "created",
        "submitted",
        "returned",
        "edited",
        "resubmitted",
    ]
    assert draft.activities.get().photos.count() == 2


def test_deleting_a_saved_activity_renumbers_the_rest(phone, live_server, draft, people, shoot):
    for place in ("第二项", "第三项"):
        activity = add_activity(draft, people["alice"])
        activity.place = place
        activity.save()
    page = phone
    open_report(page, live_server)
    expect(card(page, 3).get_by_label("地点")).to_have_value("第三项")
    card(page, 2).get_by_text("删除此活动", exact=True).click()
    expect(page.locator("[data-activity]").nth(2).locator("[data-number]")).to_have_text("2")
    shoot(page, "report-delete-375")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存")).to_be_visible()
    expect(page.get_by_text("系统出错了")).to_have_count(0)
    expect(page.locator("[data-activity]")).to_have_count(2)
    assert list(draft.activities.values_list("place", "position")) == [
        ("社区文化广场", 1),
        ("第三项", 2),
    ]


def test_a_refused_save_keeps_every_photo_and_points_at_the_field(
    phone, desktop, live_server, plan, places, people, photos, shoot
):
    page = phone
    log_in(page, live_server, "alice", PASSWORD)
    page.locator(".month-card").filter(has_text="2021年4月").get_by_role("button").click()
    first = card(page, 1)
    first.get_by_label("时间").fill("2021-04-20T15:00")
    first.get_by_label("地点").fill("社区服务中心")
    first.get_by_label("开展形式").select_option("集中宣讲")
    first.get_by_label("图片说明").fill("民警讲解常见骗局")
    pick(page, first, "从相册选择", photos(3))
    wait_uploaded(first, 3)
    page.get_by_role("button", name="保存草稿").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("活动 1：参加人数不能为空")
    expect(summary).to_be_focused()
    expect(card(page, 1).get_by_text("已上传，尚未保存")).to_have_count(3)
    assert serious_violations(page) == []
    shoot(page, "report-refused-375")
    summary.get_by_role("link", name="活动 1：参加人数不能为空").click()
    expect(card(page, 1).get_by_label("参加人数")).to_be_focused()
    card(page, 1).get_by_label("参加人数").fill("42")
    page.get_by_label("本人承诺所报内容真实").check()
    page.get_by_role("button", name="报送", exact=True).click()
    expect(page.get_by_text("报表已报送")).to_be_visible()
    report = MonthlyReport.objects.get()
    assert report.state == ReportState.SUBMITTED
    assert report.activities.get().photos.count() == 3
    assert report.activities.get().participants == 42


def test_photos_picked_one_by_one_add_up(phone, live_server, plan, places, people, photos, shoot):
    report = MonthlyReport.start(places["a"].pk, plan, 4, by=people["alice"])
    add_activity(report, people["alice"], photos=0)
    page = phone
    open_report(page, live_server)
    first = card(page, 1)
    expect(first.get_by_text("还没有照片")).to_be_visible()
    for path in photos(4):
        pick(page, first, "从相册选择", [path])
    pick(page, first, "拍照", photos(1, "相机"))
    wait_uploaded(first, 5)
    expect(first.locator(".photo-count")).to_have_text("5 / 9")
    expect(first.get_by_text("还没有照片")).to_be_hidden()
    shoot(page, "report-five-photos-375")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存")).to_be_visible()
    assert report.activities.get().photos.count() == 5


def test_two_devices_never_overwrite_each_other(browser, live_server, draft, shoot):
    contexts = [browser.new_context(viewport=size, locale="zh-CN") for size in (PHONE, DESKTOP)]
    phone, laptop = (context.new_page() for context in contexts)
    for page in (phone, laptop):
        open_report(page, live_server)
    card(phone, 1).get_by_label("地点").fill("手机上改的地点")
    phone.get_by_role("button", name="保存草稿").click()
    expect(phone.get_by_text("草稿已保存")).to_be_visible()
    card(laptop, 1).get_by_label("地点").fill("电脑上的旧内容")
    laptop.get_by_role("button", name="保存草稿").click()
    expect(laptop.get_by_role("alert")).to_contain_text("该报表已在其他设备上修改，请刷新后再改")
    expect(card(laptop, 1).get_by_label("地点")).to_have_value("电脑上的旧内容")
    shoot(laptop, "report-stale-1280")
    assert draft.activities.get().place == "手机上改的地点"

    laptop.get_by_role("link", name="载入最新内容").click()
    expect(card(laptop, 1).get_by_label("地点")).to_have_value("手机上改的地点")
    phone.reload()
    for page in (phone, laptop):
        page.get_by_label("本人承诺所报内容真实").check()
    phone.get_by_role("button", name="报送", exact=True).click()
    expect(phone.get_by_text("报表已报送")).to_be_visible()
    laptop.get_by_role("button", name="报送", exact=True).click()
    expect(laptop.get_by_text(re.compile("该报表已于.*报送，您本页的修改没有保存"))).to_be_visible()
    expect(laptop.get_by_text("报表已报送，谢谢")).to_have_count(0)
    assert serious_violations(laptop) == []
    shoot(laptop, "report-double-submit-1280")
    for context in contexts:
        context.close()
    draft.refresh_from_db()
    assert draft.state == ReportState.SUBMITTED
    assert draft.events.filter(action="submitted").count() == 1


def test_the_office_cannot_accept_what_changed_after_it_looked(
    desktop, phone, live_server, draft, people, shoot
):
    grant_office_permissions()
    people["office"].is_staff = True
    people["office"].save()
    draft.submit(people["alice"], truth_confirmed=True)
    draft.return_(people["office"], "请核对参加人数")
    page = desktop
    log_in_to_desk(page, live_server, "office", PASSWORD)
    page.goto(f"{live_server.url}/admin/reporting/monthlyreport/{draft.pk}/change/")
    page.get_by_role("link", name="审核").click()
    expect(page.get_by_role("button", name="审核通过")).to_be_visible()

    open_report(phone, live_server)
    card(phone, 1).get_by_label("参加人数").fill("38")
    phone.get_by_label("本人承诺所报内容真实").check()
    phone.get_by_role("button", name="报送", exact=True).click()
    expect(phone.get_by_text("报表已报送")).to_be_visible()

    page.get_by_role("button", name="审核通过").click()
    # The review page again, as the report is now, saying who changed it.
    expect(page.get_by_role("alert")).to_contain_text("由 alice 重新报送，请查看后再操作")
    expect(page.locator("#report-activities")).to_contain_text("38")
    shoot(page, "admin-review-stale-1280")
    draft.refresh_from_db()
    assert draft.state == ReportState.SUBMITTED
    page.get_by_role("button", name="审核通过").click()  # judged on what it says now
    expect(page.locator(".messagelist")).to_contain_text("审核通过：甲社区 2021年04月。")
    draft.refresh_from_db()
    assert draft.state == ReportState.ACCEPTED


def test_on_a_slow_connection_progress_shows_and_submitting_waits(
    phone, live_server, plan, places, people, photos, shoot
):
    report = MonthlyReport.start(places["a"].pk, plan, 4, by=people["alice"])
    add_activity(report, people["alice"], photos=0)
    page = phone
    held = []
    page.route("**/reports/*/photos/", lambda route: held.append(route))  # held on the way
    open_report(page, live_server)
    pick(page, card(page, 1), "从相册选择", photos(1))
    tile = card(page, 1).locator(".photo-tile")
    expect(tile.get_by_text("正在上传…")).to_be_visible()
    expect(tile.locator("progress")).to_be_visible()
    submit = page.get_by_role("button", name="报送", exact=True)
    expect(submit).to_be_disabled()
    expect(
        page.get_by_text("照片正在上传（还剩 1 张），上传完成后才能保存或报送。")
    ).to_be_visible()
    page.get_by_label("本人承诺所报内容真实").check()
    assert serious_violations(page) == []
    shoot(page, "report-uploading-375")
    held[0].continue_()
    wait_uploaded(card(page, 1), 1)
    expect(submit).to_be_enabled()
    submit.click()
    expect(page.get_by_text("报表已报送")).to_be_visible()
    assert report.activities.get().photos.count() == 1


def fill(activity, place, when):
    activity.get_by_label("时间").fill(when)
    activity.get_by_label("地点").fill(place)
    activity.get_by_label("开展形式").select_option("集中宣讲")
    activity.get_by_label("参加人数").fill("36")
    activity.get_by_label("图片说明").fill(f"{place}宣讲现场")


def test_a_new_report_from_the_first_card_to_submission(
    phone, desktop, live_server, plan, people, photos, shoot
):
    page = phone
    page.goto(live_server.url)
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    shoot(page, "login-375")
    log_in(page, live_server, "alice", PASSWORD)
    expect(page.get_by_role("heading", name="甲社区")).to_be_visible()
    shoot(page, "home-staff-375")
    page.locator(".month-card").filter(has_text="2021年4月").get_by_role("button").click()
    fill(card(page, 1), "社区文化广场", "2021-04-10T09:30")
    pick(page, card(page, 1), "从相册选择", photos(1))
    page.get_by_role("button", name="再添一项活动").click()
    fill(card(page, 2), "辖区企业食堂", "2021-04-18T14:00")
    pick(page, card(page, 2), "拍照", photos(1, "食堂"))
    page.get_by_role("button", name="再添一项活动").click()
    card(page, 3).get_by_label("地点").fill("写错了，不要")
    card(page, 3).get_by_text("删除此活动", exact=True).click()
    card(page, 2).get_by_role("button", name="上移").click()
    wait_uploaded(page.locator("#activities"), 2)
    shoot(page, "report-filling-375")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存")).to_be_visible()
    expect(page.locator(".photo-tile")).to_have_count(2)
    page.get_by_label("本人承诺所报内容真实").check()
    page.get_by_role("button", name="报送", exact=True).click()
    expect(page.get_by_text("报表已报送")).to_be_visible()
    expect(page.locator(".submitted-at")).to_contain_text("报送时间")
    expect(page.get_by_role("button", name="保存草稿")).to_have_count(0)
    shoot(page, "report-submitted-375")

    report = MonthlyReport.objects.get()
    assert report.state == ReportState.SUBMITTED
    assert list(report.activities.values_list("place", "position")) == [
        ("辖区企业食堂", 1),
        ("社区文化广场", 2),
    ]
    assert [a.photos.count() for a in report.activities.all()] == [1, 1]
    log_in(desktop, live_server, "alice", PASSWORD)
    desktop.goto(f"{live_server.url}{report.get_absolute_url()}")
    shoot(desktop, "report-submitted-1280")
    desktop.goto(live_server.url)
    shoot(desktop, "home-staff-1280")


def test_a_failed_upload_says_why_and_can_be_tried_again(
    phone, live_server, draft, photos, tmp_path, shoot
):
    notes = tmp_path / "会议记录.jpg"
    notes.write_text("这不是照片\n" * 50)
    page = phone
    cut = []

    def once_cut(route):
        if not cut:
            cut.append(route)
            route.abort()  # the phone lost its connection on the first try
        else:
            route.continue_()

    page.route("**/reports/*/photos/", once_cut)
    open_report(page, live_server)
    first = card(page, 1)
    pick(page, first, "从相册选择", [*photos(1), str(notes)])
    tiles = first.locator(".photo-tile.is-unsaved")
    expect(tiles.nth(0).get_by_text("网络中断，照片未上传。")).to_be_visible()
    expect(tiles.nth(1).get_by_text("不是照片或文件已损坏")).to_be_visible()
    expect(page.get_by_text("有 2 张照片上传失败，不会被保存：请重试或移除。")).to_be_visible()
    expect(first.locator("[data-count]")).to_have_text("1")  # the saved one only
    assert serious_violations(page) == []
    shoot(page, "report-upload-failed-375")
    tiles.nth(0).get_by_role("button", name="重试").click()
    expect(tiles.nth(0).get_by_text("已上传，尚未保存")).to_be_visible()
    tiles.nth(1).get_by_text("删除").click()
    expect(first.locator(".photo-tile")).to_have_count(2)
    expect(page.get_by_text("上传失败")).to_have_count(0)  # nothing left failing
    expect(first.locator("[data-count]")).to_have_text("2")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存")).to_be_visible()
    assert draft.activities.get().photos.count() == 2


def test_without_javascript_the_plain_form_still_works(browser, live_server, draft, photos, shoot):
    """Photos travel with the form; a card is added by 再添一项活动; deletion by its box."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    open_report(page, live_server)
    pick(page, card(page, 1), "从相册选择", photos(2))
    page.get_by_role("button", name="再添一项活动").click()
    expect(page.get_by_text("草稿已保存")).to_be_visible()
    expect(card(page, 1).locator(".photo-tile")).to_have_count(3)
    second = card(page, 2)
    fill(second, "社区广场", "2021-04-21T09:00")
    second.get_by_label("参加人数").fill("")
    pick(page, second, "拍照", photos(1, "无脚本"))
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("活动 2：参加人数不能为空")).to_be_visible()
    expect(card(page, 2).get_by_text("已上传，尚未保存")).to_be_visible()  # the photo is kept
    shoot(page, "report-no-script-refused-375")
    card(page, 2).get_by_label("参加人数").fill("20")
    card(page, 1).get_by_text("删除此活动", exact=True).click()
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存")).to_be_visible()
    context.close()
    assert list(draft.activities.values_list("place", "position")) == [("社区广场", 1)]
    assert draft.activities.get().photos.count() == 1


def test_typing_survives_a_reload_and_an_expired_login(phone, live_server, draft, shoot):
    """What was typed but not saved is offered back: after 大字模式 reloads the page,
    and after a login that expired before 保存草稿."""
    page = phone
    open_report(page, live_server)
    card(page, 1).get_by_label("地点").fill("社区老年大学")
    page.get_by_role("button", name="大字模式").click()
    expect(page.get_by_role("button", name="标准字号")).to_be_visible()
    expect(card(page, 1).get_by_label("地点")).to_have_value("社区文化广场")
    offer = page.get_by_text("本机保留了您上次在本页填写但尚未保存的内容，要恢复吗？")
    expect(offer).to_be_visible()
    assert serious_violations(page) == []
    shoot(page, "report-restore-offer-375")
    page.get_by_role("button", name="恢复填写内容").click()
    expect(card(page, 1).get_by_label("地点")).to_have_value("社区老年大学")
    expect(offer).to_be_hidden()

    card(page, 1).get_by_label("参加人数").fill("55")
    page.context.clear_cookies(name="sessionid")  # the login expired in a pocket
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_label("用户名").fill("alice")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(offer).to_be_visible()
    page.get_by_role("button", name="恢复填写内容").click()
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存")).to_be_visible()
    expect(offer).to_be_hidden()
    activity = draft.activities.get()
    assert (activity.place, activity.participants) == ("社区老年大学", 55)
    page.reload()
    expect(offer).to_be_hidden()  # saved: nothing left to offer
