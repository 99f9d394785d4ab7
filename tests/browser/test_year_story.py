"""The year in figures as the leadership and the office use it. A leader on a 375 px phone
taps 全年数据 on the home page, reads the headline (people met in person, the carriers'
SMS apart, losses in 元), the charts (drawn on the server, scaled or scrolled within their
box) and the table by community (scrolled sideways in its own labelled box, the page itself
never wider than the phone), then picks the year before. The office, at a desk, downloads
the year's workbook and the draft of the year's summary. Only what a person can see and
tap is used."""

import io

import docx
import openpyxl
import pytest
import time_machine
from playwright.sync_api import expect

from tests.browser.conftest import fits_the_width, log_in, serious_violations
from tests.conftest import PASSWORD
from tests.publishing import year_data
from tests.publishing.year_data import AT
from tests.scoring import conftest as scoring_conftest

# Fixtures of other modules, bound here for pytest to find.
year, q2 = year_data.year, scoring_conftest.q2

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("july_2021"),
]

YEAR_LINK = "全年数据"


@pytest.fixture
def july_2021():
    """10 July 2021, after the second quarter; the clock ticks."""
    with time_machine.travel(AT):
        yield


def test_a_leader_reads_the_year_on_a_phone(phone, live_server, year, people, snap):
    page = phone
    log_in(page, live_server, "leader", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("月度报表")  # the leadership's home
    assert serious_violations(page) == []
    snap(page, "year-home-375")
    page.get_by_role("main").get_by_role("link", name=YEAR_LINK).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(YEAR_LINK)
    headline = page.locator("dl.year-headline")
    expect(headline).to_contain_text("参加人数280")
    expect(headline).to_contain_text("短信接收人数50,000")
    expect(headline).to_contain_text("损失金额1,200.50元")
    expect(headline).to_contain_text("及时率44.4%")
    expect(headline).to_contain_text("发案数3上年同期4起（-1）")
    charts = page.locator("figure.chart")
    expect(charts).to_have_count(2)
    expect(charts.first).to_contain_text("每月活动数")
    expect(charts.nth(1)).to_contain_text("每月发案数")
    # A chart is no wider than its box; a wide one scrolls inside it, never the page.
    box = charts.first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    region = page.get_by_role("region", name="2021年各社区", exact=True)
    expect(region.get_by_role("rowheader", name="乙社区")).to_be_visible()
    expect(region.get_by_role("row", name="乙社区")).to_contain_text("33.3%")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")  # it scrolls sideways
    region.focus()
    page.keyboard.press("ArrowRight")
    assert fits_the_width(page)
    assert serious_violations(page) == []
    snap(page, "year-2021-375")

    page.get_by_role("navigation", name="年度").get_by_role("link", name="2020").click()
    expect(page.get_by_role("region", name="2020年各社区", exact=True)).to_be_visible()
    expect(page.get_by_role("region", name="2020年各社区各月发案数")).to_contain_text("未录入")
    expect(page.locator("dl.year-headline")).to_contain_text("上年同期无数据可比")
    assert fits_the_width(page)
    assert serious_violations(page) == []
    snap(page, "year-2020-375")


def test_the_office_downloads_the_workbook_and_the_summary(
    desktop, live_server, year, people, snap
):
    page = desktop
    log_in(page, live_server, "office", PASSWORD)
    page.goto(f"{live_server.url}/scores/")
    page.get_by_role("link", name=YEAR_LINK).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(YEAR_LINK)
    assert serious_violations(page) == []
    snap(page, "year-2021-1280")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载Excel").click()
    assert download.value.suggested_filename == "全年数据-2021.xlsx"
    with open(download.value.path(), "rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    assert book.sheetnames == ["按社区", "按单位", "按月份", "按开展形式", "发案数", "损失金额"]

    with page.expect_download() as download:
        page.get_by_role("link", name="年度工作总结草稿（Word）").click()
    assert download.value.suggested_filename == "2021年度工作总结（草稿）.docx"
    with open(download.value.path(), "rb") as handle:
        document = docx.Document(io.BytesIO(handle.read()))
    assert "（草稿）" in [p.text for p in document.paragraphs]
    assert "四、主要做法" in [p.text for p in document.paragraphs]
