"""The fraud cases as the police station's clerk enters them: on a 375 px phone, from the
year's overview, the month's form of some twenty communities; a first try with a bad number
is refused beside the field and at the top, nothing saved; corrected, saved, back on the
overview with the figures. Then at a desk, the month's Excel template downloaded, filled in,
uploaded, previewed and confirmed; on the phone again, a corrected file previewed and
confirmed, the year before the campaign's opened from the year switcher. Only what a person
can see and tap is used."""

import io
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from playwright.sync_api import expect

from duties.models import FraudCases
from tests.browser.conftest import DESKTOP, fits_the_width, log_in, serious_violations
from tests.conftest import PASSWORD
from tests.duties import cases_fixtures
from tests.duties.cases_fixtures import enter, more_communities
from tests.duties.conftest import make_unit_staff

police = cases_fixtures.police

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("may_2021"),
]


@pytest.fixture
def may_2021():
    """20 May 2021; the clock ticks, so the browser and the server agree."""
    with time_machine.travel(datetime.fromisoformat("2021-05-20T10:00:00+08:00")):
        yield


def test_a_police_clerk_enters_a_month_on_a_phone_then_imports_one_at_a_desk(
    phone, browser, live_server, plan, places, people, police, snap, tmp_path
):
    more_communities(places, 17)  # twenty communities, as a sub-district has
    make_unit_staff("paichusuo", police)
    page = phone
    log_in(page, live_server, "paichusuo", PASSWORD)
    page.get_by_role("link", name="发案情况").click()  # the menu's button
    expect(page.get_by_role("heading", level=1)).to_have_text("2021年各社区诈骗案件情况")
    expect(page.locator(".cases-table")).to_contain_text("未录入")
    assert fits_the_width(page)
    assert serious_violations(page) == []
    snap(page, "cases-year-375")

    page.get_by_role("link", name="5月 · 已录入0/20").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2021年5月各社区发案情况")
    page.get_by_label("甲社区 发案数（起）").fill("2")
    page.get_by_label("甲社区 损失金额（元）").fill("1.5万")
    page.get_by_label("乙社区 发案数（起）").fill("1")
    page.get_by_label("乙社区 损失金额（元）").fill("3000")
    assert fits_the_width(page)
    assert serious_violations(page) == []
    snap(page, "cases-month-filling-375")
    page.get_by_role("button", name="保存全部社区数字").click()

    # Refused: 1.5万 is not an amount. The page opens at the summary, focused, and the
    # figure is refused beside the field too; nothing saved, everything typed still there.
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("“1.5万”不是金额")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    beside = page.locator(f"#id_losses_{places['a'].pk}_error")
    expect(beside).to_contain_text("请只填写以元为单位的数字")
    expect(page.get_by_label("乙社区 损失金额（元）")).to_have_value("3000")
    assert fits_the_width(page)
    assert serious_violations(page) == []
    snap(page, "cases-month-refused-375")
    assert not FraudCases.objects.exists()

    summary.get_by_role("link").first.click()
    page.get_by_label("甲社区 损失金额（元）").fill("15000")
    page.get_by_role("button", name="保存全部社区数字").click()
    expect(page.get_by_text("已保存2021年5月：新录入2个社区，更正0个，不变0个。")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("2021年各社区诈骗案件情况")
    expect(page.locator(".cases-table")).to_contain_text("15,000元")
    expect(page.get_by_role("link", name="5月 · 已录入2/20")).to_be_visible()
    assert fits_the_width(page)
    assert serious_violations(page) == []
    snap(page, "cases-year-saved-375")
    got = {r.community.name: (r.cases, r.losses) for r in FraudCases.objects.all()}
    assert got == {"甲社区": (2, Decimal("15000")), "乙社区": (1, Decimal("3000"))}

    # At a desk: April by the Excel template.
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", accept_downloads=True)
    desk = context.new_page()
    log_in(desk, live_server, "paichusuo", PASSWORD)
    desk.goto(f"{live_server.url}/cases/")
    desk.get_by_role("link", name="4月 · 已录入0/20").click()
    assert serious_violations(desk) == []
    snap(desk, "cases-month-1280")
    with desk.expect_download() as download:
        desk.get_by_role("link", name="下载Excel模板").click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    assert template.name == "发案情况-2021-04.xlsx"
    book = openpyxl.load_workbook(template)
    sheet = book.active
    for row in range(4, 4 + 20):
        sheet.cell(row, 4).value = 1
        sheet.cell(row, 5).value = 2000
    out = io.BytesIO()
    book.save(out)
    filled = tmp_path / "四月发案情况.xlsx"
    filled.write_bytes(out.getvalue())

    desk.get_by_role("link", name="导入填好的模板").click()
    # First the wrong file: the month's figures as CSV. Refused beside the field.
    wrong = tmp_path / "四月发案情况.csv"
    wrong.write_text("社区,发案数,损失金额\n甲社区,1,2000\n", encoding="utf-8")
    desk.get_by_label("填好的模板（.xlsx）").set_input_files(str(wrong))
    desk.get_by_role("button", name="上传并预览").click()
    expect(desk.locator("#id_file_error")).to_contain_text("不是Excel")
    expect(desk.locator("#error-summary")).to_be_focused()
    assert serious_violations(desk) == []
    snap(desk, "cases-import-refused-1280")
    desk.get_by_label("填好的模板（.xlsx）").set_input_files(str(filled))
    desk.get_by_role("button", name="上传并预览").click()
    expect(desk.get_by_text("新增20个，更正0个，不变0个，留空0个。")).to_be_visible()
    assert not FraudCases.objects.filter(month=4).exists()
    assert serious_violations(desk) == []
    snap(desk, "cases-import-preview-1280")
    desk.get_by_role("button", name="确认导入").click()
    expect(desk.get_by_text("已保存2021年4月：新录入20个社区，更正0个，不变0个。")).to_be_visible()
    assert serious_violations(desk) == []
    snap(desk, "cases-year-1280")
    assert FraudCases.objects.filter(month=4).count() == 20
    context.close()

    # The leadership reads the year at a desk: no month to enter.
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    reader = context.new_page()
    log_in(reader, live_server, "leader", PASSWORD)
    reader.goto(f"{live_server.url}/cases/")
    expect(reader.get_by_text("本页只读")).to_be_visible()
    expect(reader.get_by_role("link", name="4月 · 已录入20/20")).to_have_count(0)
    assert serious_violations(reader) == []
    snap(reader, "cases-year-leader-1280")
    context.close()

    # The import page on the phone too, from the overview: this month's buttons.
    page.goto(f"{live_server.url}/cases/")
    page.get_by_role("link", name="导入2021年5月填好的模板").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("导入2021年5月发案情况")
    assert fits_the_width(page)
    assert serious_violations(page) == []
    snap(page, "cases-import-375")
    # A sheet with a mistake: refused, the page opens at the list of problems.
    sheet["B2"].value = "去年"
    book.save(out := io.BytesIO())
    spoiled = tmp_path / "发案情况-错.xlsx"
    spoiled.write_bytes(out.getvalue())
    page.get_by_label("填好的模板（.xlsx）").set_input_files(str(spoiled))
    page.get_by_role("button", name="上传并预览").click()
    problems = page.locator("#error-summary")
    expect(problems).to_contain_text("不是模板的年份或月份")
    expect(problems).to_be_focused()
    expect(problems).to_be_in_viewport()
    snap(page, "cases-import-problems-375")

    # April corrected for 甲社区 on the phone: one corrected, nineteen unchanged.
    sheet["B2"].value = 2021
    sheet.cell(4, 4).value = 3
    book.save(out := io.BytesIO())
    corrected = tmp_path / "四月发案情况-更正.xlsx"
    corrected.write_bytes(out.getvalue())
    page.goto(f"{live_server.url}/cases/2021/4/import/")
    page.get_by_label("填好的模板（.xlsx）").set_input_files(str(corrected))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_text("新增0个，更正1个，不变19个，留空0个。")).to_be_visible()
    assert fits_the_width(page)
    assert serious_violations(page) == []
    snap(page, "cases-import-preview-375")
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("已保存2021年4月：新录入0个社区，更正1个，不变19个。")).to_be_visible()

    # The year before the campaign, for the comparison: from the year switcher.
    page.get_by_role("navigation", name="年度").get_by_role("link", name="2020").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2020年各社区诈骗案件情况")
    expect(page.get_by_text("2020年是活动开展前一年")).to_be_visible()
    page.get_by_role("link", name="4月 · 已录入0/20").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2020年4月各社区发案情况")
    page.get_by_label("甲社区 发案数（起）").fill("4")
    page.get_by_label("甲社区 损失金额（元）").fill("8000")
    page.get_by_role("button", name="保存全部社区数字").click()
    expect(page.get_by_text("已保存2020年4月：新录入1个社区，更正0个，不变0个。")).to_be_visible()
    assert FraudCases.objects.get(year=2020).cases == 4
    snap(page, "cases-year-before-375")

    # Large text (适老化): the month's form still fits the phone.
    page.goto(f"{live_server.url}/cases/2021/5/")
    page.get_by_role("button", name="大字模式").click()
    expect(page.get_by_label("甲社区 发案数（起）")).to_have_value("2")
    assert fits_the_width(page)
    assert serious_violations(page) == []
    snap(page, "cases-month-large-text-375")


def test_a_clerk_whose_page_is_older_than_the_figures_is_told_so(
    phone, live_server, plan, places, people, police, snap
):
    """The office entered 甲社区's April while the clerk's page was open: the clerk's save
    is refused, saying what is recorded now beside 甲社区; saving again replaces it."""
    make_unit_staff("paichusuo", police)
    page = phone
    log_in(page, live_server, "paichusuo", PASSWORD)
    page.goto(f"{live_server.url}/cases/2021/4/")
    page.get_by_label("甲社区 发案数（起）").fill("3")
    page.get_by_label("甲社区 损失金额（元）").fill("12000")
    enter(plan, 4, people["office"], {places["a"]: (5, "9000")})
    page.get_by_role("button", name="保存全部社区数字").click()
    stale = page.locator("#error-summary")
    expect(stale).to_contain_text("未保存：您打开本页后，有人修改了本月的数字。")
    expect(stale).to_be_focused()
    expect(page.locator(".cases-conflict")).to_contain_text("现已录入：5起，9,000元")
    expect(page.get_by_label("甲社区 发案数（起）")).to_have_value("3")
    assert fits_the_width(page)
    assert serious_violations(page) == []
    snap(page, "cases-month-stale-375")
    assert FraudCases.objects.get().cases == 5
    page.get_by_role("button", name="保存全部社区数字").click()
    expect(page.get_by_text("已保存2021年4月：新录入0个社区，更正1个，不变0个。")).to_be_visible()
    assert FraudCases.objects.get().cases == 3
