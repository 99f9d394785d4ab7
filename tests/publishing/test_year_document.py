"""The draft of the year's summary (publishing/year_document.py) opened with python-docx:
the official layout of the circulars (GB/T 9704: page, title, fonts of every run), the
year's figures in its prose and tables equal to year_figures, the cases against the year
before, the office's sections headed with a hint of what to write, and numbers as
Chinese documents write them (万 in prose, thousands grouped in tables)."""

import io
import re
from datetime import date
from decimal import Decimal

import docx
import pytest
import time_machine
from django.urls import reverse
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from publishing.documents import BODY_FONT, DEFAULT_ISSUER, HEADING_FONT, TITLE_FONT
from publishing.year import year_figures
from publishing.year_document import grouped, many, summary_docx
from reporting.models import ActivityForm
from tests.duties.conftest import record_unit_activity
from tests.publishing import year_data
from tests.publishing.year_data import AT, unit
from tests.scoring import conftest as scoring_conftest

# Fixtures of other modules, bound here for pytest to find.
year, q2 = year_data.year, scoring_conftest.q2

pytestmark = pytest.mark.django_db

TITLE = "罗山街道2021年度反诈骗宣传工作总结"


@pytest.fixture
def figures(year):
    return year_figures(year[2021], AT)


def opened(figures):
    return docx.Document(io.BytesIO(summary_docx(figures, day=date(2021, 7, 10))))


def east_asian(run):
    return run._r.rPr.rFonts.get(qn("w:eastAsia"))


def texts(document):
    return [p.text for p in document.paragraphs]


def cells(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_layout_is_the_circulars(figures):
    """A4 with GB/T 9704's margins, the office in red, the title in 方正小标宋简体 二号
    marked 草稿, headings in 黑体, the body in 仿宋_GB2312 三号, every run's font named."""
    document = opened(figures)
    section = document.sections[0]
    assert [round(m.mm) for m in (section.top_margin, section.left_margin)] == [37, 28]
    assert texts(document)[0] == DEFAULT_ISSUER
    assert str(document.paragraphs[0].runs[0].font.color.rgb) == "FF0000"
    title = next(p for p in document.paragraphs if p.text.replace("\n", "") == TITLE)
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert {(east_asian(r), r.font.size) for r in title.runs} == {(TITLE_FONT, Pt(22))}
    assert "（草稿）" in texts(document)
    assert document.core_properties.title == "2021年度工作总结（草稿）"
    headings = [p for p in document.paragraphs if re.match("^[一二三四五六七八九十]、", p.text)]
    assert [p.text for p in headings] == [
        "一、宣传活动开展情况",
        "二、月报报送及考评情况",
        "三、发案情况",
        "四、主要做法",
        "五、存在问题",
        "六、下一步工作",
    ]
    assert {east_asian(r) for p in headings for r in p.runs} == {HEADING_FONT}
    body = next(p for p in document.paragraphs if p.text.startswith("全年各社区开展"))
    assert {(east_asian(r), r.font.size) for r in body.runs} == {(BODY_FONT, Pt(16))}
    assert body.paragraph_format.first_line_indent == Pt(32)
    runs = [r for p in document.paragraphs for r in p.runs]
    runs += [
        r
        for t in document.tables
        for row in t.rows
        for c in row.cells
        for p in c.paragraphs
        for r in p.runs
    ]
    assert [r.text for r in runs if not east_asian(r)] == []


def test_the_offices_sections_are_headed_with_a_hint(figures):
    """主要做法, 存在问题, 下一步工作: a heading and a bracketed hint each, saying what the
    office writes there in Word; then the foot (office and date)."""
    document_texts = texts(opened(figures))
    start = document_texts.index("四、主要做法")
    assert document_texts[start:] == [
        "四、主要做法",
        "（请综治办填写：全年宣传工作的主要做法和特色亮点，如组织方式、宣传阵地、部门联动等。）",
        "五、存在问题",
        "（请综治办填写：工作中存在的不足和困难，如月报报送不及时、宣传覆盖不均衡等。）",
        "六、下一步工作",
        "（请综治办填写：下一年度的工作打算和改进措施。）",
        "",
        "",
        DEFAULT_ISSUER,
        "2021年7月10日",
    ]


def test_the_prose_says_the_years_figures(figures):
    document_texts = texts(opened(figures))
    assert (
        "全年各社区开展反诈骗宣传活动4次，参加群众160人次，报送活动照片4张；各相关单位开展"
        "宣传活动2次，参加120人次，照片3张；通信运营商发送反诈预警短信1批次，接收5万人次。"
        "开展形式以集中宣讲（5次）、发放材料（1次）为主。"
    ) in document_texts
    assert "截至目前，各社区应报送月报9份，按时报送4份，按时报送率44.4%。" in document_texts
    assert (
        "按《方案》考评，各社区全年共扣9分，其中2021年第二季度9分、2021年第三季度0分、"
        "2021年第四季度0分。各社区情况如下："
    ) in document_texts
    assert (
        "据派出所警情通报，已录入4—5月发案数据，共发生诈骗案件3起，群众损失1200.50元。"
        "与上年同期（4月）相比，案件减少1起（上年同期4起），损失减少3899.50元。"
    ) in document_texts


def test_the_tables_hold_the_figures(figures):
    communities, units, forms, scores, cases = opened(figures).tables
    by_name = {row.name: row for row in figures.communities}
    header, *rows, total = cells(communities)
    assert header == ["社区", "工作点", "活动次数", "参加人数", "照片"]
    assert [row[0] for row in rows] == [row.name for row in figures.communities]
    for row in rows:
        tally = by_name[row[0]].tally
        assert row[2:] == [str(tally.activities), str(tally.participants), str(tally.photos)]
    assert total == ["合计", "", "4", "160", "4"]
    assert cells(units)[0] == ["单位", "活动次数", "参加人数", "照片", "短信批次", "短信接收人数"]
    by_unit = {row[0]: row[1:] for row in cells(units)}
    assert by_unit["电信"] == ["1", "0", "2", "1", "50,000"]  # a batch: no one met in person
    assert by_unit["教育办"] == ["1", "120", "1", "—", "—"]
    assert cells(units)[-1] == ["合计", "2", "120", "3", "1", "50,000"]
    assert len(cells(units)) == len(figures.units) + 2
    assert cells(forms) == [
        ["开展形式", "社区活动", "单位活动"],
        ["集中宣讲", "4", "1"],
        ["发放材料", "0", "1"],
        ["合计", "4", "2"],
    ]
    header, *rows, total = cells(scores)
    assert header == [
        "社区",
        "按时报送",
        "按时率",
        "第二季度扣分",
        "第三季度扣分",
        "第四季度扣分",
        "全年扣分",
    ]
    assert {row[0]: row[1:] for row in rows} == {
        "甲社区": ["3/3", "100%", "0", "0", "0", "0"],
        "乙社区": ["1/3", "33.3%", "5", "0", "0", "5"],
        "丙社区": ["0/3", "0%", "4", "0", "0", "4"],
    }
    assert total == ["合计", "4/9", "44.4%", "9", "0", "0", "9"]
    header, *months, total = cells(cases)
    assert header == ["月份", "发案数", "损失（元）", "上年发案数", "上年损失（元）"]
    # Yuan as the cases pages write them: grouped, whole yuan without ".00".
    assert months[3] == ["4月", "3", "1,200.50", "4", "5,100"]
    assert months[4] == ["5月", "0", "0", "未录入", "未录入"]  # entered as none: 0
    assert months[5] == ["6月", "未录入", "未录入", "2", "300"]
    assert months[0] == ["1月", "未录入", "未录入", "未录入", "未录入"]
    assert total == ["合计", "3", "1,200.50", "6", "5,400"]


@pytest.mark.parametrize(
    ("number", "prose", "table"),
    [
        (8141, "8141", "8,141"),  # under 10,000: as it is in prose
        (9999, "9999", "9,999"),
        (10000, "1万", "10,000"),
        (1520994, "152.1万", "1,520,994"),  # the demo's people, SMS included
        (99960, "10万", "99,960"),  # rounded to one decimal, ".0" dropped
        (Decimal("10279800"), "1028万", None),  # yuan
        (Decimal("1200.50"), "1200.50", None),
        (Decimal("5000.00"), "5000", None),
    ],
)
def test_numbers_in_prose_use_wan_and_in_tables_thousands(number, prose, table):
    """Prose writes 10,000 and more in 万 (152.1万人次) as official documents do; tables
    write every figure grouped by thousands."""
    assert many(number) == prose
    if table:
        assert grouped(number) == table


def test_other_is_never_named_a_main_form(year, people):
    """其他 is no form: the sentence of the main forms leaves it out even when it is
    among the three most held."""
    for day in (3, 4):
        record_unit_activity(
            unit("司法所"),
            people["office"],
            month=5,
            day=day,
            form=ActivityForm.OTHER,
            form_other="反诈文艺演出",
        )
    figures = year_figures(year[2021], AT)
    assert figures.tally.forms[1] == (ActivityForm.OTHER, 2)  # second most held
    prose = "".join(texts(opened(figures)))
    assert "开展形式以集中宣讲（5次）、发放材料（1次）为主。" in prose
    assert "其他（" not in prose


def test_without_cases_it_says_none_were_entered(plan, places):
    document = opened(year_figures(plan, AT))
    assert "本年度尚未录入发案数据。" in texts(document)
    assert len(document.tables) == 4  # no table of cases


def test_the_office_downloads_it_from_the_year_page(client, year, people):
    client.force_login(people["office"])
    with time_machine.travel(AT, tick=False):
        response = client.get(reverse("yearbook:summary", args=[2021]))
    assert response.status_code == 200
    assert "filename*=utf-8''2021" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    assert "2021年7月10日" in texts(document)
