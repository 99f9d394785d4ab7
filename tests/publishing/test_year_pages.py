"""The year in figures as pages and files (publishing/year_views.py): who may open what,
the page's figures and year picker, and the workbook equal to the page, cell by cell."""

import io
from decimal import Decimal

import lxml.html
import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Community
from reporting.models import Plan
from tests.conftest import add_activity
from tests.duties.conftest import make_unit_staff, record_unit_activity
from tests.publishing import year_data
from tests.publishing.year_data import AT, enter_cases, unit
from tests.scoring import conftest as scoring_conftest
from tests.scoring.conftest import file_report

# Fixtures of other modules, bound here for pytest to find.
year, q2 = year_data.year, scoring_conftest.q2

pytestmark = pytest.mark.django_db

PAGE = reverse("yearbook:year")
XLSX = reverse("yearbook:xlsx", args=[2021])
DOCX = reverse("yearbook:summary", args=[2021])


def page_tables(html):
    """Each table of the page: its caption (the heading that labels its region), then its
    rows of cell texts, header row first."""
    root = lxml.html.fromstring(html)
    tables = []
    for region in root.xpath('//div[@role="region"]'):
        caption = root.get_element_by_id(region.get("aria-labelledby")).text_content()
        rows = [
            [" ".join(cell.text_content().split()) for cell in tr.xpath("th|td")]
            for tr in region.xpath(".//tr")
        ]
        tables.append((caption, rows))
    return tables


def as_shown(value, yuan):
    """A workbook cell as the page prints it (`yuan`: in a column of yuan, a number kept as
    a number in the workbook, whole yuan without ".00" and 元 on the page)."""
    if value is None:
        return ""
    if yuan and isinstance(value, int | float):
        return f"{Decimal(str(value)):,.2f}".removesuffix(".00") + "元"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def workbook_tables(content):
    book = openpyxl.load_workbook(io.BytesIO(content))
    tables = []
    for sheet in book.worksheets:
        heading, header, *rows = sheet.iter_rows(values_only=True)
        caption = heading[0].split("　")[0]  # then the time of export
        yuan = [
            sheet.title == "损失金额" and n > 0 or h == "损失金额" for n, h in enumerate(header)
        ]
        rows = [[as_shown(v, y) for v, y in zip(row, yuan, strict=True)] for row in rows]
        rows = [[" ".join(text.split()) for text in row] for row in rows]  # as page_tables
        tables.append((sheet.title, caption, [list(header), *rows]))
    return tables


@pytest.fixture
def unit_staff(db):
    return make_unit_staff("edu", unit("教育办"))


@pytest.mark.parametrize(
    ("who", "page", "workbook", "summary"),
    [
        ("office", 200, 200, 200),
        (
            "leader",
            200,
            200,
            403,
        ),  # leadership reads and takes the figures; the draft is the office's
        ("alice", 403, 403, 403),  # community staff
        ("head", 403, 403, 403),  # a work point's head
        ("edu", 403, 403, 403),  # a unit's staff
        ("nobody", 403, 403, 403),  # an account without a role
    ],
)
def test_office_and_leadership_only(client, year, people, unit_staff, who, page, workbook, summary):
    user = unit_staff if who == "edu" else people[who]
    client.force_login(user)
    with time_machine.travel(AT, tick=False):
        answers = [client.get(url).status_code for url in (PAGE, XLSX, DOCX)]
    assert answers == [page, workbook, summary]


def test_anonymous_is_sent_to_log_in(client, plan):
    for url in (PAGE, XLSX, DOCX):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_year_without_plan_is_404_for_the_files(client, people, plan):
    client.force_login(people["office"])
    for name in ("yearbook:xlsx", "yearbook:summary"):
        assert client.get(reverse(name, args=[1999])).status_code == 404


def test_no_plan_yet_says_so(client, people):
    client.force_login(people["leader"])
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "尚未" in response.content.decode() or "No year" in response.content.decode()


def open_page(client, user, query=""):
    client.force_login(user)
    with time_machine.travel(AT, tick=False):
        response = client.get(PAGE + query)
    assert response.status_code == 200
    return response


def test_the_page_shows_the_headline_charts_and_tables(client, year, people):
    response = open_page(client, people["leader"])
    html = response.content.decode()
    root = lxml.html.fromstring(html)
    cards = {
        dt.text_content(): [dd.text_content() for dd in dt.itersiblings("dd")]
        for dt in root.xpath('//dl[@class="year-headline"]//dt')
    }
    assert cards == {
        "活动数": ["6", "社区4，单位2"],  # A's three, B's May (June found falsified); two units'
        # In person: A's 120, B's May 40, 教育办's 120; 电信's SMS batch is not people met.
        "参加人数": ["280", "现场参加：社区160，单位120"],
        "短信接收人数": ["50,000", "运营商反诈预警短信，共1批次"],
        "照片": ["7"],
        "及时率": ["44.4%", "应报9份，按时4份"],
        "全年扣分": ["9"],
        "发案数": ["3", "上年同期4起（-1）"],  # April, the one month entered in both years
        # As the cases pages write yuan; April against April.
        "损失金额": ["1,200.50元", "上年同期5,100元（-3,899.50元）"],
    }
    assert len(root.xpath('//figure[@class="chart year-chart"]/svg')) == 2  # activities, cases
    nonce = root.xpath("//style[@nonce]")[0]
    assert nonce.get("nonce") and ".graph" in nonce.text_content()  # the charts' own styles
    assert 'style="' not in html.split("<main")[1]  # no style attribute (CSP)
    captions = [caption for caption, _rows in page_tables(html)]
    assert captions == [
        "2021年各社区",
        "2021年各单位（不计分）",
        "2021年各月",
        "2021年各开展形式",
        "2021年各社区各月发案数",
        "2021年各社区各月损失金额（元）",
    ]
    units = {row[0]: row for row in dict(page_tables(html))["2021年各单位（不计分）"]}
    assert units["单位"][4:6] == ["短信批次", "短信接收人数"]
    # A carrier's batch: its recipients in a column of their own, no participants.
    assert units["电信"][:6] == ["电信", "1", "0", "2", "1", "50,000"]
    assert units["教育办"][:6] == ["教育办", "1", "120", "1", "—", "—"]  # sends no SMS
    assert units["合计"][:6] == ["合计", "2", "120", "3", "1", "50,000"]
    assert "年度工作总结草稿（Word）" not in html  # the leadership is not offered the draft
    assert "年度工作总结草稿（Word）" in open_page(client, people["office"]).content.decode()


def test_the_tables_scroll_in_labelled_focusable_regions(client, year, people):
    root = lxml.html.fromstring(open_page(client, people["leader"]).content)
    regions = root.xpath('//div[@role="region"]')
    assert regions and all(r.get("tabindex") == "0" and r.get("aria-labelledby") for r in regions)
    assert all(r.xpath("table//th[@scope='row']") for r in regions)


def test_the_year_picker_shows_another_year(client, year, people):
    """2020 has a plan (and cases), no reports: its page shows its own figures."""
    html = open_page(client, people["leader"]).content.decode()
    root = lxml.html.fromstring(html)
    years = root.xpath('//nav[@aria-label="年度"]/a')
    assert [(a.text_content(), a.get("href")) for a in years] == [
        ("2021", "?year=2021"),
        ("2020", "?year=2020"),
    ]
    other = open_page(client, people["leader"], "?year=2020").content.decode()
    assert "2020年各社区" in other and "2021年各社区" not in other
    rows = dict((t[0], t[1]) for t in page_tables(other))["2020年各社区各月发案数"]
    a = next(row for row in rows if row[0] == "甲社区")
    assert a[4] == "3" and a[6] == "2" and a[1] == "未录入"
    assert a[-2:] == ["—", "—"]  # no 2019 to compare with


def test_the_workbook_equals_the_page(client, year, people):
    """Every sheet is one of the page's tables, in order: its heading the table's caption,
    its header and its rows the page's, cell by cell."""
    html = open_page(client, people["office"]).content.decode()
    with time_machine.travel(AT, tick=False):
        response = client.get(XLSX)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheets = workbook_tables(b"".join(response.streaming_content))
    assert [title for title, _c, _r in sheets] == [
        "按社区",
        "按单位",
        "按月份",
        "按开展形式",
        "发案数",
        "损失金额",
    ]
    assert [(caption, rows) for _t, caption, rows in sheets] == page_tables(html)


def test_without_cases_entered_the_page_says_so_once(client, plan, places, people):
    response = open_page(client, people["leader"])
    html = response.content.decode()
    assert "本年度尚未录入发案数据。" in html
    assert "各社区各月发案数" not in html  # no grid of 未录入 in every cell
    root = lxml.html.fromstring(html)
    assert len(root.xpath("//figure/svg")) == 1


def page_queries(client):
    with CaptureQueriesContext(connection) as captured:
        client.get(PAGE)
    return len(captured.captured_queries)


def test_the_page_takes_a_fixed_number_of_queries(client, year, places, people):
    client.force_login(people["leader"])
    with time_machine.travel(AT, tick=False):
        page_queries(client)  # the session and the user, read once
        small = page_queries(client)
        plan = year[2021]
        for n in range(5):
            community = Community.objects.create(name=f"新社区{n}", work_point=places["point"])
            report = file_report(community, plan, 5, people["alice"], plan.late_from(5))
            add_activity(report, people["alice"], photos=2)
            enter_cases({"x": community}, people["office"], {(2021, "x", 6): (1, "5")})
        record_unit_activity(unit("司法所"), people["office"], month=6, photos=2)
        Plan.objects.create(year=2019, duty_months=[5])
        assert page_queries(client) == small


def test_the_cases_chart_draws_no_bar_for_a_month_not_entered(client, year, people):
    """2021: April (3) and May (0, entered as none: a bar of height 0); 2020: April and
    June. Four bars, not twenty-four."""
    root = lxml.html.fromstring(open_page(client, people["leader"]).content)
    cases_chart = root.xpath('//figure[@aria-label="每月发案数（本年与上年）"]')[0]
    series = cases_chart.xpath('.//g[contains(@class, "series")]')
    bars = [len(s.xpath('.//rect[contains(@class, "rect")]')) for s in series]
    assert bars[:2] == [2, 2] and sum(bars) == 4  # then the legend's groups, barless


def test_a_year_without_duty_and_nonsense_years_still_open(client, places, people):
    """A plan with no month of duty (nothing due, no quarter), and a year asked for that
    is no number or has no plan: the page opens (the plan picked as Plan.pick picks it)."""
    Plan.objects.create(year=2022, duty_months=[])
    client.force_login(people["office"])
    for query in ("?year=2022", "?year=abc", "?year=1999", "?year="):
        response = client.get(PAGE + query)
        assert response.status_code == 200, query
        assert "2022年各社区" in response.content.decode()
    assert client.get(XLSX.replace("2021", "2022")).status_code == 200
    assert client.get(DOCX.replace("2021", "2022")).status_code == 200


@pytest.mark.parametrize(
    ("who", "offered"),
    [("leader", True), ("office", True), ("head", False)],  # a point head: no year page
)
def test_the_home_overview_offers_the_year_to_those_who_see_all(client, year, people, who, offered):
    """The leadership's home (the reports overview) has a 全年数据 button to the plan's
    year; a work point's head, on the same page, is not offered what would be 403."""
    client.force_login(people[who])
    with time_machine.travel(AT, tick=False):
        html = client.get(reverse("home")).content.decode()
    root = lxml.html.fromstring(html)
    assert root.xpath("//h1")[0].text_content() == "月度报表"  # the overview, for each
    links = [a.get("href") for a in root.xpath("//main//a") if a.text_content() == "全年数据"]
    assert links == ([f"{PAGE}?year=2021"] if offered else [])


def test_a_name_with_markup_is_shown_as_text(client, year, places, people):
    """The tables' rows are written in Python (publishing.year.Table.body): every value is
    escaped, as the template would."""
    places["a"].name = '<b onclick="x()">甲&社区</b>'
    places["a"].save()
    client.force_login(people["leader"])
    page = client.get(reverse("yearbook:year"), {"year": 2021}).content.decode()
    assert "&lt;b onclick=&quot;x()&quot;&gt;甲&amp;社区&lt;/b&gt;" in page
    assert '<b onclick="x()">' not in page
