"""C1: the quarter's circular (通报) as a Word document in the layout of Chinese official
documents (GB/T 9704-2012), opened again with python-docx: the page, the grid, the fonts
of every run, the ranking's figures equal to `quarter_scores`, the worst three, the foot;
a draft marked 征求意见稿 and an issued circular re-made byte for byte from its frozen
figures; the command that writes it; and, slow, the document printed by LibreOffice.

The quarter (Q2 2021, as of 10 July): A files on time and has a team, so loses nothing
and ranks 3rd, outside the worst three (W2). B has no team, misses April and files May
three days late, and May is then found falsified (S3, doubled): 4. C has no team and
files nothing: 4, tied first with B. Two inspections in May and June find C and B
wanting, so each has three strikes (W3); C was warned on 6 July, B not yet.
"""

import io
import itertools
import re
import shutil
import subprocess
import time
from datetime import date, datetime, timedelta

import docx
import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from publishing.documents import (
    BODY_FONT,
    DEFAULT_ISSUER,
    HEADING_FONT,
    SUBHEADING_FONT,
    TITLE_FONT,
    circular_docx,
    inspection_title,
    issue_circular,
    quarter_draft,
)
from publishing.figures import inspection_figures, quarter_figures
from publishing.models import Circular, CircularKind
from reporting.periods import LOCAL, Quarter
from scoring.gather import PlanScores
from scoring.models import Inspection, InspectionResult, OfficialWarning
from tests.browser.conftest import SCREENSHOTS
from tests.scoring.conftest import AFTER_Q2, q2  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

Q2 = Quarter(2021, 2)
AT = AFTER_Q2  # 2021-07-10 00:00 in Luoshan
INSPECTIONS = (
    (date(2021, 5, 20), "5月反诈宣传专项督查"),
    (date(2021, 6, 25), "6月反诈宣传专项督查"),
)
FALSIFIED = "活动照片与4月报表重复使用"
SOFFICE_SECONDS = 120


@pytest.fixture
def quarter(plan, places, people, q2):  # noqa: F811
    """Q2 2021 with a late report, a missing one, missing teams, a falsified report, two
    inspections and a warning (the module's docstring tells the story)."""
    q2["b", 5].mark_falsified(people["office"], FALSIFIED, at=datetime(2021, 6, 3, tzinfo=LOCAL))
    for day, title in INSPECTIONS:
        inspection = Inspection.objects.create(plan=plan, held_on=day, title=title)
        InspectionResult.objects.create(inspection=inspection, community=places["c"], points=3)
        InspectionResult.objects.create(inspection=inspection, community=places["b"], points=1)
    c = next(s for s in PlanScores(plan, AT).quarter_scores(Q2) if s.community.name == "丙社区")
    OfficialWarning.issue(
        community=places["c"],
        plan=plan,
        strikes="\n".join(c.strikes),
        by=people["office"],
        on=date(2021, 7, 6),
    )
    return plan


def opened(content):
    return docx.Document(io.BytesIO(content))


def draft(plan, **texts):
    """The quarter's circular as the command makes it, on 10 July, as a Document."""
    circular = quarter_draft(plan, Q2)
    for name, value in texts.items():
        setattr(circular, name, value)
    with time_machine.travel(AT, tick=False):
        return opened(circular_docx(circular, quarter_figures(plan, Q2, AT)))


def east_asian(run):
    return run._r.rPr.rFonts.get(qn("w:eastAsia"))


def paragraph(document, text):
    return next(p for p in document.paragraphs if p.text == text)


def all_runs(document):
    section = document.sections[0]
    paragraphs = [*document.paragraphs, *section.footer.paragraphs]
    paragraphs += section.even_page_footer.paragraphs
    for table in document.tables:
        paragraphs += [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return [run for p in paragraphs for run in p.runs]


def quarter_scores_json():
    out = io.StringIO()
    call_command("quarter_scores", str(Q2), "--format", "json", "--at", AT.isoformat(), stdout=out)
    import json

    return json.loads(out.getvalue())


def test_page_is_a4_with_the_margins_of_gb_t_9704(quarter):
    section = draft(quarter).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]


def test_grid_holds_28_lines_of_28_characters(quarter):
    """The section's docGrid: lines 455 twips apart, 28 of them in the 225 mm text block;
    characters 15.79 pt apart (16 pt less 848/4096), 28 of them in its 156 mm width."""
    document = draft(quarter)
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    line_pitch, char_space = int(grid.get(qn("w:linePitch"))), int(grid.get(qn("w:charSpace")))
    assert (line_pitch, char_space) == (455, -848)
    assert 28 * line_pitch <= Mm(225).twips < 29 * line_pitch
    char_pitch = 16 + char_space / 4096  # from the default size, Normal's 三号
    assert document.styles["Normal"].font.size == Pt(16)
    assert 28 * char_pitch <= Mm(156).pt < 29 * char_pitch


def test_title_is_centred_in_fangzheng_xiaobiaosong_er_hao(quarter):
    """Too long for one line of 二号, it breaks after a phrase, the shorter line first."""
    document = draft(quarter)
    title = paragraph(document, "关于2021年第二季度\n反诈骗宣传工作考评情况的通报")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert [run.text for run in title.runs] == [
        "关于2021年第二季度\n",  # a line break ends the first line
        "反诈骗宣传工作考评情况的通报",
    ]
    for run in title.runs:
        assert (east_asian(run), run.font.size) == (TITLE_FONT, Pt(22))
    short = draft(quarter, title="关于第二季度反诈骗工作的通报")
    assert "关于第二季度反诈骗工作的通报" in [p.text for p in short.paragraphs]


def test_head_names_the_office_in_red_over_the_document_number(quarter):
    document = draft(quarter, reference="罗综治〔2021〕5号")
    texts = [p.text for p in document.paragraphs]
    assert texts[:2] == [DEFAULT_ISSUER, "罗综治〔2021〕5号"]
    head = document.paragraphs[0]
    assert head.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert str(head.runs[0].font.color.rgb) == "FF0000"
    assert east_asian(head.runs[0]) == TITLE_FONT
    rule = document.paragraphs[1]._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "FF0000"


def test_body_is_fangsong_san_hao_indented_two_characters_and_headings_heiti(quarter):
    document = draft(quarter)
    indented = [p for p in document.paragraphs if p.paragraph_format.first_line_indent]
    assert {p.paragraph_format.first_line_indent for p in indented} == {Pt(32)}
    headings = [p for p in indented if re.match("^[一二三四五六七八九十]、", p.text)]
    assert [p.text for p in headings] == [
        "一、考评结果",
        "二、扣分排名前三位",
        "三、警告与约谈",
        "四、督查情况",
    ]
    subheadings = [p for p in indented if re.match("^（[一二三四五六七八九十]+）", p.text)]
    assert [p.text for p in subheadings] == [
        f"（{n}）{title}" for n, (_, title) in zip("一二", INSPECTIONS, strict=True)
    ]
    body = [p for p in indented if p.text[:1] not in "一二三四（"]
    assert len(body) >= 6  # the opening, and the text of each section
    for paragraphs, font in (
        (body, BODY_FONT),
        (headings, HEADING_FONT),
        (subheadings, SUBHEADING_FONT),
    ):
        for run in (run for p in paragraphs for run in p.runs):
            assert (east_asian(run), run.font.size) == (font, Pt(16)), run.text


def test_every_run_names_its_east_asian_font(quarter):
    """Even on a machine without the fonts, Word finds each run's font by its name."""
    runs = all_runs(draft(quarter))
    assert len(runs) > 50
    assert [run.text for run in runs if not east_asian(run)] == []


def test_ranking_table_equals_quarter_scores_row_by_row(quarter):
    """Rank, community and total as `quarter_scores --format json` gives them, each
    deduction's reason on its own line."""
    scores = quarter_scores_json()
    table = draft(quarter).tables[0]
    header, *rows = table.rows
    assert [c.text for c in header.cells] == ["名次", "社区", "工作点", "扣分", "扣分原因"]
    printed = [(int(r.cells[0].text), r.cells[1].text, int(r.cells[3].text)) for r in rows]
    assert printed == [(s["rank"], s["community"], s["total"]) for s in scores]
    assert printed == [(1, "丙社区", 4), (1, "乙社区", 4), (3, "甲社区", 0)]  # a tie (W1)
    for row, score in zip(rows, scores, strict=True):
        reasons = [p.text for p in row.cells[4].paragraphs]
        expected = [f"扣{i['points']}分：{i['reason']}" for i in score["items"]]
        assert reasons == (expected or ["无扣分"])
    b_reasons = [p.text for p in rows[1].cells[4].paragraphs]
    assert any(FALSIFIED in reason and reason.startswith("扣2分") for reason in b_reasons)


def test_worst_three_are_named_with_their_strikes_and_warnings(quarter):
    """W2: B and C (A lost nothing, so is not named); W3: three strikes each; C warned on
    6 July, B due a warning not issued yet."""
    texts = [p.text for p in draft(quarter).paragraphs]
    section = texts[texts.index("二、扣分排名前三位") + 1 : texts.index("三、警告与约谈")]
    assert section[0] == (
        "本季度扣分排名前三位的社区为：丙社区（第1名，扣4分）、乙社区（第1名，扣4分）。"
    )
    assert "甲社区" not in "".join(section)
    assert "乙社区3次，已达3次，应予警告并约谈社区主干" in section[1]
    warnings = texts[texts.index("三、警告与约谈") + 1 : texts.index("四、督查情况")]
    assert warnings[0].startswith("丙社区本年度累计3次排名前三位")
    assert "已于2021年7月6日予以警告" in warnings[0]
    assert warnings[1] == "乙社区本年度累计排名前三位已达3次，应予警告并约谈社区主干。"


def test_inspections_of_the_quarter_are_listed_ranked(quarter):
    document = draft(quarter)
    texts = [p.text for p in document.paragraphs]
    assert "（一）5月反诈宣传专项督查" in texts
    assert "2021年6月25日开展督查，各社区扣分及排名如下：" in texts
    first = document.tables[1]
    assert [[c.text for c in row.cells] for row in first.rows] == [
        ["名次", "社区", "扣分"],
        ["1", "丙社区", "3"],
        ["2", "乙社区", "1"],
        ["3", "甲社区", "0"],
    ]


def test_foot_is_the_office_and_the_date_on_the_right(quarter):
    """After 特此通报 (kept with the foot, which never stands on a page alone), the office
    centred over the date (成文日期), which stands four characters in from the right."""
    document = draft(quarter, issuer="罗山街道社会治理办", remarks="请各社区对照问题抓好整改。")
    texts = [p.text for p in document.paragraphs]
    assert texts[texts.index("五、工作要求") + 1 :] == [
        "请各社区对照问题抓好整改。",
        "特此通报。",
        "",
        "",
        "罗山街道社会治理办",
        "2021年7月10日",  # a draft: today
    ]
    closing, *_blank, signature, dated = document.paragraphs[-5:]
    assert closing.paragraph_format.keep_with_next
    assert signature.alignment == dated.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert dated.paragraph_format.right_indent == Pt(64)  # 右空四字: 4 × 16 pt
    # Centred over the date: 9 characters over 6.5 (digits take half one each), so the
    # office ends 1.25 characters nearer the margin than the date.
    assert signature.paragraph_format.right_indent == Pt((4 - 1.25) * 16)
    closed = draft(quarter, remarks="请各社区对照问题抓好整改。\n特此通报。")
    assert [p.text for p in closed.paragraphs].count("特此通报。") == 1


def test_opening_and_remarks_are_the_offices_the_addressee_flush_left(quarter):
    document = draft(quarter, opening="各社区：\n现将第二季度考评情况通报如下：")
    addressee = paragraph(document, "各社区：")
    assert addressee.paragraph_format.first_line_indent is None
    assert paragraph(document, "现将第二季度考评情况通报如下：").paragraph_format.first_line_indent
    assert "五、工作要求" not in [p.text for p in document.paragraphs]  # no remarks


def test_a_draft_says_so_and_an_issued_circular_does_not(quarter, people):
    assert "（征求意见稿）" in [p.text for p in draft(quarter).paragraphs]
    circular = quarter_draft(quarter, Q2)
    circular.save()
    issued = issue_circular(circular, people["office"], at=AT + timedelta(hours=9))
    document = opened(bytes(issued.document))
    texts = [p.text for p in document.paragraphs]
    assert not any("征求意见稿" in text for text in texts)
    assert [text for text in texts if text][-1] == "2021年7月10日"


def test_an_issued_circular_remakes_identically_from_its_frozen_figures(quarter, people):
    """C1: the same bytes from the figures it froze, though the scores have changed since."""
    circular = Circular.objects.create(
        kind=CircularKind.QUARTER, plan=quarter, quarter=2, title="通报", issuer=DEFAULT_ISSUER
    )
    issue_circular(circular, people["office"], at=AT)
    circular.refresh_from_db()
    InspectionResult.objects.filter(community__name="乙社区").update(points=0)
    assert quarter_figures(quarter, Q2, AT) != circular.figures
    with time_machine.travel(datetime(2022, 1, 5, tzinfo=LOCAL), tick=False):
        assert circular_docx(circular, circular.figures) == bytes(circular.document)


def test_inspection_circular_has_its_title_and_one_table_of_results(quarter):
    inspection = Inspection.objects.get(title="5月反诈宣传专项督查")
    circular = Circular(
        kind=CircularKind.INSPECTION,
        plan=quarter,
        inspection=inspection,
        title=inspection_title(inspection.title),
        issuer=DEFAULT_ISSUER,
    )
    figures = inspection_figures(inspection, AT)
    document = opened(circular_docx(circular, figures))
    texts = [p.text for p in document.paragraphs]
    assert "关于5月反诈宣传专项督查情况的通报" in texts
    assert "2021年5月20日，罗山街道综治办开展5月反诈宣传专项督查。现将督查情况通报如下：" in texts
    (table,) = document.tables
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert rows == [[str(r["rank"]), r["community"], str(r["points"])] for r in figures["results"]]


def test_a_quarter_without_duty_or_findings_says_so_in_each_section(plan, places):
    """Q1 2021 has no month with a report due (S6): nothing ranked, nobody in the worst
    three, no warning, no inspection; each section says so rather than standing empty."""
    circular = quarter_draft(plan, Quarter(2021, 1))
    figures = quarter_figures(plan, Quarter(2021, 1), AT)
    texts = [p.text for p in opened(circular_docx(circular, figures)).paragraphs]
    sections = ["一、考评结果", "二、扣分排名前三位", "三、警告与约谈", "四、督查情况"]
    assert [texts[texts.index(heading) + 1] for heading in sections] == [
        "本季度不在活动实施阶段，各社区无需报送月报，不作考评。",
        "本季度无扣分社区，无排名前三位的社区。",
        "本年度至今无累计3次排名前三位的社区，未发出警告。",
        "本季度未开展督查。",
    ]
    assert "关于2021年第一季度\n反诈骗宣传工作考评情况的通报" in texts


# The command.


def test_command_writes_a_draft_that_opens(quarter, tmp_path):
    Circular.objects.create(
        kind=CircularKind.QUARTER,
        plan=quarter,
        quarter=2,
        title="关于第二季度反诈骗工作的通报",
        remarks="各社区要举一反三。",
        issuer=DEFAULT_ISSUER,
    )
    path = tmp_path / "2021Q2.docx"
    out = io.StringIO()
    call_command("quarter_circular", "2021Q2", "-o", str(path), "--at", AT.isoformat(), stdout=out)
    document = docx.Document(path)
    texts = [p.text for p in document.paragraphs]
    assert "关于第二季度反诈骗工作的通报" in texts  # the saved texts
    assert "各社区要举一反三。" in texts
    assert "（征求意见稿）" in texts
    assert [[c.text for c in row.cells][:2] for row in document.tables[0].rows[1:]] == [
        ["1", "丙社区"],
        ["1", "乙社区"],
        ["3", "甲社区"],
    ]
    assert str(path) in out.getvalue()


def test_command_writes_an_issued_circular_as_it_was_issued(quarter, people, tmp_path):
    circular = quarter_draft(quarter, Q2)
    circular.save()
    issued = issue_circular(circular, people["office"], at=AT)
    InspectionResult.objects.all().delete()  # the scores change after the issue
    path = tmp_path / "out.docx"
    call_command("quarter_circular", "2021q2", "-o", str(path), stdout=io.StringIO())
    assert path.read_bytes() == bytes(issued.document)


def test_command_writes_a_quarter_not_assessed_and_says_why(plan, places, tmp_path):
    path, err = tmp_path / "q1.docx", io.StringIO()
    call_command("quarter_circular", "2021Q1", "-o", str(path), stdout=io.StringIO(), stderr=err)
    texts = [p.text for p in docx.Document(path).paragraphs]
    assert "本季度不在活动实施阶段，各社区无需报送月报，不作考评。" in texts
    assert "2021Q1" in err.getvalue()


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (["2021Q5"], "2021Q5"),
        (["Q2"], "Q2"),
        (["2020Q2"], "2020"),
        (["2021Q2", "--at", "yesterday"], "yesterday"),
    ],
    ids=["no such quarter", "no year", "no plan", "bad --at"],
)
def test_command_refuses_what_it_cannot_make_with_a_clear_error(
    quarter, tmp_path, arguments, named
):
    path = tmp_path / "out.docx"
    with pytest.raises(CommandError, match=named):
        call_command("quarter_circular", *arguments, "-o", str(path))
    assert not path.exists()


def test_command_says_when_it_cannot_write_the_file(quarter, tmp_path):
    with pytest.raises(CommandError, match="missing"):
        call_command("quarter_circular", "2021Q2", "-o", str(tmp_path / "missing" / "q2.docx"))


# Printed by LibreOffice.

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)<')
TEXT_BOTTOM_PT = Mm(297 - 35).pt  # the foot of the text block; the page number is under it
REQUIREMENT = "{n}．各社区要对照本通报逐项抓好整改。"  # one line of the grid


def lines_of(pdf, page):
    """The lines of text LibreOffice printed on `page` (pdftotext -bbox), top to bottom:
    (top, words) for each, the page number's line last."""
    boxes = subprocess.run(
        [shutil.which("pdftotext"), "-bbox", "-f", str(page), "-l", str(page), pdf, "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = []
    for top, left, word in sorted((float(t), float(x), w) for x, t, w in WORD.findall(boxes)):
        if lines and top - lines[-1][0] < 8:  # less than half a line below: the same line
            lines[-1][1].append((left, word))
        else:
            lines.append((top, [(left, word)]))
    return [(top, "".join(word for _left, word in sorted(words))) for top, words in lines]


@pytest.mark.slow
def test_circular_prints_on_a4_with_28_lines_a_page(quarter, tmp_path):
    """LibreOffice's Writer prints the draft to PDF, with the machine's stand-ins for the
    fonts: every page A4; a page of body text holds 28 lines, 22.75 pt apart; the foot
    (office and date) follows the last line of text on the last page; the pages are
    numbered "— 1 —"…. The first page is drawn to tests/screenshots/circular-page1.png
    for a person to look at."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: `make test` installs it")
    # Forty requirements of one line each: more than a page of body text alone.
    circular = quarter_draft(quarter, Q2)
    circular.remarks = "\n".join(REQUIREMENT.format(n=n) for n in range(1, 41))
    with time_machine.travel(AT, tick=False):
        content = circular_docx(circular, quarter_figures(quarter, Q2, AT))
    source = tmp_path / "circular.docx"
    source.write_bytes(content)
    started = time.monotonic()
    printing = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp_path,
            source,
        ],
        capture_output=True,
        text=True,
        timeout=SOFFICE_SECONDS,
    )
    seconds = time.monotonic() - started
    pdf = tmp_path / "circular.pdf"
    assert pdf.exists(), (
        "LibreOffice printed nothing (`make test` installs libreoffice-writer-nogui): "
        f"{printing.stdout}{printing.stderr}"
    )
    printed = pdf.read_bytes()
    pages = re.findall(rb"/Type\s*/Page\b(?!s)", printed)
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", printed)
    print(f"LibreOffice printed {len(pages)} pages in {seconds:.1f} s")
    # 1: the head, the opening, the ranking; 2: the rest of the sections and the first
    # requirements; 3: a page of requirements; 4: the last ones and the foot.
    assert len(pages) == 4
    assert {(round(float(w)), round(float(h))) for w, h in sizes} == {(595, 842)}  # A4
    if shutil.which("pdftoppm"):
        SCREENSHOTS.mkdir(exist_ok=True)
        subprocess.run(
            [shutil.which("pdftoppm"), "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"]
            + [pdf, SCREENSHOTS / "circular-page1"],
            check=True,
        )
    if shutil.which("pdftotext") is None:
        return
    *text, number = lines_of(pdf, 3)
    assert all(line.endswith("各社区要对照本通报逐项抓好整改。") for _top, line in text)
    assert len(text) == 28
    tops = [top for top, _line in text]
    assert {round(b - a, 1) for a, b in itertools.pairwise(tops)} <= {22.7, 22.8}
    assert number[1] == "—3—"
    *text, number = lines_of(pdf, 4)
    assert [line for _top, line in text[-4:]] == [
        REQUIREMENT.format(n=40),
        "特此通报。",
        DEFAULT_ISSUER,
        "2021年7月10日",
    ]
    assert number[1] == "—4—"
    assert number[0] > TEXT_BOTTOM_PT
