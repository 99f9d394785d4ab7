"""U1 as a unit's staff member lives it on a phone: a 教育办 clerk logs in and lands on the
unit's month, reads the unit's duty in the plan's words, records an activity with two
photos from the album and the schools reached (a first try without the place is refused,
saying so at the top and beside the field), sees the card, then corrects it, adding a
photo taken with the camera. The leadership reads the same month at a desk. Only what a
person can see and tap is used."""

from datetime import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from communities.models import Unit
from duties.models import UnitActivity
from tests.browser.conftest import fits_the_width, log_in, serious_violations
from tests.conftest import PASSWORD, jpeg_bytes
from tests.duties.conftest import PLAN_UNITS, make_unit_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("may_2021"),
]


@pytest.fixture
def may_2021():
    """20 May 2021, while the month runs; the clock ticks, so the browser and the server
    agree on what is past."""
    with time_machine.travel(datetime.fromisoformat("2021-05-20T10:00:00+08:00")):
        yield


@pytest.fixture
def schools_office(db):
    """教育办 as the plan words its duty (its count: the schools reached), and its clerk."""
    # The migration's rows, or (on a database flushed by an earlier browser test) the same.
    for position, name in ((5, "司法所"), (8, "教育办")):
        measure, duty = PLAN_UNITS[name]
        Unit.objects.get_or_create(
            name=name, defaults={"measure": measure, "duty": duty, "position": position}
        )
    unit = Unit.objects.get(name="教育办")
    make_unit_staff("jiaoyu", unit)
    return unit


@pytest.fixture
def photos(tmp_path):
    """Three photos as a phone's album and camera hold them."""
    paths = []
    for n, colour in enumerate(((30, 90, 160), (180, 60, 40), (40, 150, 70)), start=1):
        path = tmp_path / f"法制教育课{n}.jpg"
        path.write_bytes(jpeg_bytes((1600, 1200), colour, exif_time="2021:05:12 09:31:00"))
        paths.append(str(path))
    return paths


def test_a_schools_office_clerk_records_and_corrects_an_activity(
    phone, desktop, live_server, plan, people, schools_office, photos, snap
):
    page = phone
    log_in(page, live_server, "jiaoyu", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("教育办 2021年5月反诈骗宣传活动")
    expect(page.get_by_text("不计分")).to_be_visible()
    page.get_by_text("本单位在方案中的职责").click()
    expect(page.get_by_text("每学期至少对教职工、学生进行1次防骗宣传教育")).to_be_visible()

    form = page.locator("#activity-form")
    form.get_by_label("时间").fill("2021-05-12T09:30")
    form.get_by_label("开展形式").select_option(label="集中宣讲")
    form.get_by_label("参加人数").fill("320")
    form.get_by_label("图片说明").fill("罗山中心小学反诈骗法制教育课")
    form.get_by_label("覆盖学校（所）").fill("3")
    expect(form.get_by_text("本次到达的学校数")).to_be_visible()
    form.get_by_label("从相册选择").set_input_files(photos[:2])
    assert fits_the_width(page)
    assert serious_violations(page) == []
    snap(page, "unit-month-filling-375")
    form.get_by_role("button", name="保存活动记录").click()

    # Refused: the place was left out. Said at the top and beside the field; what was
    # typed is still there, the photos are to be chosen again.
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("地点不能为空")
    expect(summary).to_contain_text("照片没有保留，请重新选择")
    form = page.locator("#activity-form")
    expect(form.locator(".invalid-feedback").filter(has_text="地点不能为空")).to_be_visible()
    expect(form.get_by_label("图片说明")).to_have_value("罗山中心小学反诈骗法制教育课")
    assert fits_the_width(page)
    assert serious_violations(page) == []
    snap(page, "unit-month-refused-375")
    assert UnitActivity.objects.count() == 0

    summary.get_by_role("link", name="地点不能为空").click()
    form.get_by_label("地点").fill("罗山中心小学")
    form.get_by_label("从相册选择").set_input_files(photos[:2])
    form.get_by_role("button", name="保存活动记录").click()
    expect(page.get_by_text("活动已记录。")).to_be_visible()
    card = page.locator("article.duty-record")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("2021-05-12 09:30 · 罗山中心小学")
    expect(card).to_contain_text("集中宣讲")
    expect(card).to_contain_text("罗山中心小学反诈骗法制教育课")
    expect(card.get_by_role("img")).to_have_count(2)
    expect(page.locator(".unit-tallies")).to_contain_text("2021年5月覆盖学校（所）合计：3")
    expect(page.get_by_role("link", name="5月 · 1项")).to_be_visible()
    assert fits_the_width(page)
    assert serious_violations(page) == []
    snap(page, "unit-month-recorded-375")

    # A correction: more pupils came than counted, and one more photo from the camera.
    card.get_by_role("link", name="更正此记录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("更正活动记录")
    page.get_by_label("参加人数").fill("360")
    page.get_by_label("拍照").set_input_files(photos[2])
    assert fits_the_width(page)
    assert serious_violations(page) == []
    snap(page, "unit-activity-correct-375")
    page.get_by_role("button", name="保存更正").click()
    expect(page.get_by_text("更正已保存。")).to_be_visible()
    expect(card.get_by_role("img")).to_have_count(3)
    expect(card).to_contain_text("360")

    activity = UnitActivity.objects.get()
    assert (activity.participants, activity.count, activity.version) == (360, 3, 2)
    assert [p.original_name for p in activity.photos.all()] == [
        "法制教育课1.jpg",
        "法制教育课2.jpg",
        "法制教育课3.jpg",
    ]

    # The leadership, at a desk: the list of units, then 教育办's month, read only.
    desk = desktop
    log_in(desk, live_server, "leader", PASSWORD)
    desk.get_by_role("link", name="单位活动").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("各单位反诈骗宣传活动")
    assert serious_violations(desk) == []
    snap(desk, "unit-list-1280")
    desk.get_by_role("link", name="教育办").click()
    expect(desk.locator("article.duty-record")).to_contain_text("罗山中心小学反诈骗法制教育课")
    expect(desk.get_by_text("本页只读")).to_be_visible()
    expect(desk.locator("#activity-form")).to_have_count(0)
    assert serious_violations(desk) == []
    snap(desk, "unit-month-read-1280")

    # The clerk's own page at a desk's width.
    clerk_desk = desktop.context.browser.new_context(viewport={"width": 1280, "height": 900})
    wide = clerk_desk.new_page()
    log_in(wide, live_server, "jiaoyu", PASSWORD)
    expect(wide.locator("article.duty-record")).to_have_count(1)
    wide.get_by_text("记录一项活动").click()
    assert serious_violations(wide) == []
    snap(wide, "unit-month-1280")
    clerk_desk.close()
