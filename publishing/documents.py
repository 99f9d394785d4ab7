"""C1: a circular (通报) as a Word document in the layout of Chinese official documents
(GB/T 9704-2012 党政机关公文格式), made from its figures (publishing.figures) only.

The document never reads the scores: everything it shows comes from `figures` and from
the circular's own texts, so an issued circular, re-rendered from the figures it froze,
gives the same bytes again (the zip's dates are the date of issue, not the moment of
writing).

The frame (GB/T 9704): A4, margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right (a
text block of 156 × 225 mm); the issuing office's name (发文机关标志) centred in red, the
document number (文号) under it, a red rule across the text block; the title centred in
方正小标宋简体 二号; the body in 仿宋_GB2312 三号 with a first-line indent of two
characters, headings of sections (一、二、…) in 黑体 and of sub-sections (（一）…) in
楷体_GB2312; at the foot the office and the date of writing (成文日期) on the right, the
date four characters in from the margin and the office centred over it; page numbers
"— 1 —" in 宋体 四号, on the right of odd pages and the left of even ones. The machines
that open it may lack these fonts: their names are set on every run all the same
(w:eastAsia), so the office's Word, which has them, shows the document as meant.

A page holds 28 lines of 28 characters (the section's docGrid says so to Word; the text
is laid out to that grid rather than snapped to it, see CONDENSED). A title too long for
one line breaks after a phrase (_title_lines); the body ends with 特此通报 unless the
office's remarks do, and that last paragraph is kept on the page of the foot.

Contents of a quarter's circular: the opening (the office's, or a standard sentence
naming the quarter), 一、考评结果 (every community's rank, work point, deduction and
reasons), 二、扣分排名前三位 (W2, with the strikes of W3), 三、警告与约谈 (warnings issued
and due), 四、督查情况 (the quarter's inspections, each ranked), then the office's
remarks as 五、工作要求. An inspection's: the opening and 一、督查结果, then the remarks.

Text in the document is Chinese, as official documents are (like reporting.attachment2);
it is not the portal's UI and is not translated.
"""

import io
import math
import zipfile
from datetime import date, datetime, time

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips

from publishing.figures import figures_of
from publishing.models import Circular, CircularKind

# The page (GB/T 9704 5.2): A4 as Word writes it, in twips, and the margins around the
# text block of 156 × 225 mm.
PAGE_WIDTH, PAGE_HEIGHT = Twips(11906), Twips(16838)
TOP, BOTTOM, LEFT, RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TEXT_WIDTH, TEXT_HEIGHT = Mm(156), Mm(225)
# GB/T 9704 itself sets 22 lines of 28 characters a page; issue 14 asked for 28 lines of
# 28 characters, which fits more of a long ranking on each page.
LINES_PER_PAGE = 28
CHARS_PER_LINE = 28
# Sizes (字号) in points: 二号, 三号, 四号, 小四.
TITLE_PT, BODY_PT, PAGE_NUMBER_PT, TABLE_PT = 22, 16, 14, 12
TABLE_LINE_PT = 18
TITLE_LINES = 1.5  # a title of two lines or more reads as one, its lines closer than the body's
ISSUER_MAX_PT = 36  # 小初: the office's name, smaller when a long one needs it to fit a line
# The document grid (文档网格) as Word records it: the line pitch in twips, and the
# character pitch as the 4096ths of a point added to each character of the default size
# (三号), here taken off so that 28 characters fill the 156 mm line.
LINE_PITCH = Twips(TEXT_HEIGHT.twips // LINES_PER_PAGE)
CHAR_SPACE = math.floor((TEXT_WIDTH.pt / CHARS_PER_LINE - BODY_PT) * 4096)
# The text is laid out to that grid rather than snapped to it: LibreOffice gives a line
# two grid lines when its font is taller than the pitch, as the fonts standing in for
# 仿宋_GB2312 on a machine without it are (Noto CJK: 1.45 em, 23.2 pt > 22.75 pt). So no
# paragraph snaps to the grid; lines are exactly a pitch (or two) apart, and characters
# are condensed by whole twentieths of a point to the grid's pitch: 28 lines of 28
# characters in Word and in LibreOffice, whatever fonts the machine has.
CONDENSED = Twips(math.floor((TEXT_WIDTH.pt / CHARS_PER_LINE - BODY_PT) * 20))
INDENT = Pt(2 * BODY_PT)  # two characters of 三号
# The page number's top is 7 mm under the text block (GB/T 9704 7.5): the footer's
# distance from the page's edge is what is left under one line of 四号.
FOOTER_DISTANCE = Mm(35 - 7) - Pt(PAGE_NUMBER_PT * 1.2)

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"  # digits and Latin letters, as official documents set them
RED = RGBColor(0xFF, 0x00, 0x00)
RULE_EIGHTHS = 12  # the red rule: 1.5 pt, in eighths of a point
RULE_GAP_PT = 11  # and about 4 mm under the 文号 (GB/T 9704 7.2.4)

DEFAULT_ISSUER = "罗山街道综治办"
DRAFT_MARK = "（征求意见稿）"
CLOSING = "特此通报。"
TITLE_BREAKS_AFTER = ("关于", "年", "季度", "工作", "督查", "、", "，")
NUMERALS = "一二三四五六七八九十"
# What follows w:spacing (character spacing) in w:rPr, in the schema's order.
RPR_AFTER_SPACING = (
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)
# The elements of w:pPr in the order the schema gives them (python-docx adds only some).
PPR_ORDER = (
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def quarter_title(year, number):
    return f"关于{year}年第{NUMERALS[number - 1]}季度反诈骗宣传工作考评情况的通报"


def inspection_title(title):
    return f"关于{title}情况的通报"


def quarter_draft(plan, quarter):
    """The quarter's circular (a reporting.periods.Quarter of `plan`): the saved one, or a
    new one, not saved, with the standard title and the default issuing office."""
    saved = Circular.objects.filter(
        kind=CircularKind.QUARTER, plan=plan, quarter=quarter.number
    ).first()
    return saved or Circular(
        kind=CircularKind.QUARTER,
        plan=plan,
        quarter=quarter.number,
        title=quarter_title(quarter.year, quarter.number),
        issuer=DEFAULT_ISSUER,
    )


def issue_circular(circular, by, *, at=None, on=None):
    """C1: issue `circular`: its figures drawn as the scores stand at `at` (now), and the
    document made from them, frozen together by Circular.issue."""
    at = at or timezone.now()
    on = on or timezone.localdate(at)
    figures = figures_of(circular, at)
    document = circular_docx(circular, figures, issued_on=on)
    return circular.issue(by, figures=figures, document=document, on=on, at=at)


def circular_docx(circular, figures, *, issued_on=None):
    """The circular as .docx bytes. A draft (neither issued nor being issued: `issued_on`
    is the date of issue of the document Circular.issue is about to freeze) is marked
    征求意见稿 and dated with its date of issue if the office set one, else today."""
    final = circular.is_issued or issued_on is not None
    day = issued_on or circular.issued_on or timezone.localdate()
    if figures["kind"] == "inspection":
        standard_opening, sections = _inspection_opening, _inspection_sections
    else:
        standard_opening, sections = _quarter_opening, _quarter_sections
    writer = OfficialDocument(circular.issuer)
    writer.frame(circular.reference, circular.title, final)
    writer.opening(circular.opening or standard_opening(figures, circular.issuer))
    for number, (heading, write) in enumerate(sections):
        writer.heading(f"{NUMERALS[number]}、{heading}")
        write(writer, figures)
    if circular.remarks.strip():
        writer.heading(f"{NUMERALS[len(sections)]}、工作要求")
        writer.text(circular.remarks)
    if not circular.remarks.strip().rstrip("。").endswith(CLOSING.rstrip("。")):
        writer.paragraph(CLOSING)  # the body ends in text, never a table, kept with the foot
    writer.foot(circular.issuer, day)
    return writer.save(title=circular.title, day=day)


# The sections of a quarter's circular, from its figures.


def _quarter_opening(figures, issuer):
    first, last = figures["months"]
    quarter = NUMERALS[int(figures["quarter"][-1]) - 1]
    return (
        f"根据《{figures['year']}年罗山街道防范电信网络诈骗工作方案》，{issuer}对各社区"
        f"{figures['year']}年第{quarter}季度（{first}月至{last}月）反诈骗宣传工作进行了考评。"
        "现将考评情况通报如下："
    )


def _results(writer, figures):
    if not figures["assessed"]:
        writer.paragraph("本季度不在活动实施阶段，各社区无需报送月报，不作考评。")
        return
    writer.paragraph(
        "考评按《方案》要求：未建立宣讲队伍扣1分，未按时报送情况扣1分，弄虚作假的翻倍扣分，"
        "每季度封顶5分。各社区按扣分由多到少排名如下："
    )
    writer.table(
        ("名次", "社区", "工作点", "扣分", "扣分原因"),
        (13, 28, 22, 14, 79),
        [
            (row["rank"], row["community"], row["work_point"], row["total"], _reasons(row))
            for row in figures["rows"]
        ],
    )


def _reasons(row):
    """Each deduction on its own line, and the cap (S4) when it took some off."""
    lines = [f"扣{item['points']}分：{item['reason']}" for item in row["items"]]
    deducted = sum(item["points"] for item in row["items"])
    if deducted > row["total"]:
        lines.append(f"合计{deducted}分，封顶扣{row['total']}分")
    return lines or ["无扣分"]


def _worst_three(writer, figures):
    rows = [row for row in figures["rows"] if row["in_top_three"]]
    if not rows:
        writer.paragraph("本季度无扣分社区，无排名前三位的社区。")
        return
    named = "、".join(
        f"{row['community']}（第{row['rank']}名，扣{row['total']}分）" for row in rows
    )
    writer.paragraph(f"本季度扣分排名前三位的社区为：{named}。")
    counted = "；".join(
        f"{row['community']}{row['strikes']}次"
        + ("，已达3次，应予警告并约谈社区主干" if row["warning_due"] else "")
        for row in rows
    )
    writer.paragraph(f"截至本季度，以上社区本年度累计排名前三位的次数为：{counted}。")


def _warnings(writer, figures):
    warned = {warning["community"] for warning in figures["warnings"]}
    for warning in figures["warnings"]:
        placings = [line.strip() for line in warning["strikes"].splitlines() if line.strip()]
        writer.paragraph(
            f"{warning['community']}本年度累计{len(placings)}次排名前三位"
            f"（{'、'.join(placings)}），已于{chinese_date(warning['issued_on'])}予以警告。"
        )
    due = [name for name in figures["warnings_due"] if name not in warned]
    if due:
        writer.paragraph(f"{'、'.join(due)}本年度累计排名前三位已达3次，应予警告并约谈社区主干。")
    if not warned and not due:
        writer.paragraph("本年度至今无累计3次排名前三位的社区，未发出警告。")


def _inspections(writer, figures):
    if not figures["inspections"]:
        writer.paragraph("本季度未开展督查。")
        return
    for number, inspection in enumerate(figures["inspections"], start=1):
        writer.subheading(f"（{chinese_number(number)}）{inspection['title']}")
        writer.paragraph(f"{chinese_date(inspection['held_on'])}开展督查，各社区扣分及排名如下：")
        _inspection_table(writer, inspection)


_quarter_sections = (
    ("考评结果", _results),
    ("扣分排名前三位", _worst_three),
    ("警告与约谈", _warnings),
    ("督查情况", _inspections),
)


# An inspection's circular.


def _inspection_opening(figures, issuer):
    return (
        f"{chinese_date(figures['held_on'])}，{issuer}开展{figures['title']}。"
        "现将督查情况通报如下："
    )


def _inspection_table(writer, inspection):
    writer.table(
        ("名次", "社区", "扣分"),
        (26, 90, 40),
        [(row["rank"], row["community"], row["points"]) for row in inspection["results"]],
    )


_inspection_sections = (("督查结果", _inspection_table),)


# Words of the document.


def chinese_date(day):
    """成文日期 as GB/T 9704 writes it: 2021年7月5日 (from a date or its ISO text)."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_number(n):
    """1 to 99 in Chinese numerals: 一, 十, 十一, 二十一."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else NUMERALS[tens - 1] + "十")
    return head + (NUMERALS[ones - 1] if ones else "")


def _title_lines(title):
    """The title in lines that each fit: one if it does, else two, broken after a word
    that ends a phrase (季度, 工作, …) as near the middle as can be, the first line no
    longer than the second (GB/T 9704 7.3.1: 梯形). Else one, which the editor wraps."""
    per_line = TEXT_WIDTH.pt / (TITLE_PT + CONDENSED.pt)
    if _width(title) <= per_line:
        return [title]
    breaks = [
        index + len(word)
        for word in TITLE_BREAKS_AFTER
        for index in range(len(title))
        if title.startswith(word, index) and index + len(word) < len(title)
    ]
    fitting = [cut for cut in breaks if _width(title[:cut]) <= _width(title[cut:]) <= per_line]
    if not fitting:
        return [title]
    cut = min(fitting, key=lambda cut: abs(_width(title[:cut]) - _width(title) / 2))
    return [title[:cut], title[cut:]]


def _width(text):
    """How many characters of the grid `text` takes: Latin letters and digits half one."""
    return sum(0.5 if ord(char) < 0x2E80 else 1 for char in text)


def _lines(size_pt):
    """The grid lines a line of text of `size_pt` takes, with its leading."""
    return max(1, math.ceil(size_pt * 1.25 / LINE_PITCH.pt))


# The document itself.


class OfficialDocument:
    """A document in the frame of GB/T 9704, written top to bottom: the circulars, and the
    year's summary (publishing/year_document.py)."""

    def __init__(self, issuer):
        self.issuer = issuer
        self.document = Document()
        self._page()
        self._styles()

    def _page(self):
        section = self.document.sections[0]
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = TOP, BOTTOM
        section.left_margin, section.right_margin = LEFT, RIGHT
        section.footer_distance = FOOTER_DISTANCE
        grid = section._sectPr.find(qn("w:docGrid"))
        grid.set(qn("w:type"), "linesAndChars")
        grid.set(qn("w:linePitch"), str(LINE_PITCH.twips))
        grid.set(qn("w:charSpace"), str(CHAR_SPACE))
        # GB/T 9704 7.5: odd pages number on the right, even ones on the left, a
        # character in from the margin.
        self.document.settings.odd_and_even_pages_header_footer = True
        for footer, align in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            self._page_number(footer.paragraphs[0], align)

    def _styles(self):
        """Normal is the body: 仿宋_GB2312 三号 (Word's docGrid counts its character pitch
        from this size), laid out to the grid (CONDENSED)."""
        normal = self.document.styles["Normal"]
        rpr = normal.element.get_or_add_rPr()
        _fonts(rpr, BODY_FONT)
        normal.font.size = Pt(BODY_PT)
        condensed = OxmlElement("w:spacing")
        condensed.set(qn("w:val"), str(CONDENSED.twips))
        rpr.insert_element_before(condensed, *RPR_AFTER_SPACING)
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        _set_property(normal.element.get_or_add_pPr(), snap)
        spacing = normal.paragraph_format
        spacing.space_before = spacing.space_after = Pt(0)
        _line_spacing(spacing, LINE_PITCH.pt)
        defaults = self.document.styles.element.find(qn("w:docDefaults"))
        for lang in defaults.iter(qn("w:lang")):
            lang.set(qn("w:eastAsia"), "zh-CN")

    def _page_number(self, paragraph, align):
        paragraph.alignment = align
        side = "right_indent" if align == WD_ALIGN_PARAGRAPH.RIGHT else "left_indent"
        setattr(paragraph.paragraph_format, side, Pt(PAGE_NUMBER_PT))
        _line_spacing(paragraph.paragraph_format, PAGE_NUMBER_PT * 1.2)
        style = {"font": PAGE_NUMBER_FONT, "size": PAGE_NUMBER_PT, "hint": True}
        _run(paragraph, "— ", **style)
        # A PAGE field: begin, instruction, separate, what shows until it is updated, end.
        for tag, value in (
            ("w:fldChar", "begin"),
            ("w:instrText", " PAGE "),
            ("w:fldChar", "separate"),
            ("", "1"),
            ("w:fldChar", "end"),
        ):
            run = _run(paragraph, "" if tag else value, **style)
            if tag == "w:fldChar":
                field = OxmlElement(tag)
                field.set(qn("w:fldCharType"), value)
                run._r.append(field)
            elif tag == "w:instrText":
                instruction = OxmlElement(tag)
                instruction.set(qn("xml:space"), "preserve")
                instruction.text = value
                run._r.append(instruction)
        _run(paragraph, " —", **style)

    # The head: office, 文号, red rule, title.

    def frame(self, reference, title, final, *, mark=DRAFT_MARK):
        """The head; a draft (not `final`) says so under the title (`mark`)."""
        issuer = self.issuer
        size = min(ISSUER_MAX_PT, math.floor(TEXT_WIDTH.pt / max(_width(issuer), 1)))
        head = self._centred(issuer, TITLE_FONT, size, lines=_lines(size), color=RED)
        ruled = head
        if reference:
            ruled = self._centred(reference, BODY_FONT, BODY_PT, lines=1)
            ruled.paragraph_format.space_before = LINE_PITCH
        _rule_under(ruled)
        heading = self._centred("", TITLE_FONT, TITLE_PT, lines=TITLE_LINES)
        heading.paragraph_format.space_before = Twips(2 * LINE_PITCH.twips)
        lines = _title_lines(title)
        for n, line in enumerate(lines, start=1):
            run = _run(heading, line, font=TITLE_FONT, size=TITLE_PT)
            if n < len(lines):
                run.add_break()
        if not final:
            self._centred(mark, SUBHEADING_FONT, BODY_PT, lines=1)
        self.paragraph("", indent=False)  # a line between the title and the body

    def _centred(self, text, font, size, *, lines, color=None):
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _line_spacing(paragraph.paragraph_format, lines * LINE_PITCH.pt)
        if text:
            _run(paragraph, text, font=font, size=size, color=color)
        return paragraph

    # The body.

    def opening(self, text):
        """The office's opening; a first line ending in a colon is the addressee
        (主送机关), set flush left (GB/T 9704 7.3.3)."""
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if lines and lines[0].endswith("：") and len(lines) > 1:
            self.paragraph(lines.pop(0), indent=False)
        for line in lines:
            self.paragraph(line)

    def text(self, text):
        for line in text.splitlines():
            if line.strip():
                self.paragraph(line.strip())

    def paragraph(self, text, *, indent=True, font=BODY_FONT):
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent:
            paragraph.paragraph_format.first_line_indent = INDENT
        if text:
            _run(paragraph, text, font=font)
        return paragraph

    def heading(self, text):
        paragraph = self.paragraph(text, font=HEADING_FONT)
        paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def subheading(self, text):
        paragraph = self.paragraph(text, font=SUBHEADING_FONT)
        paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def table(self, headers, widths_mm, rows):
        """A ruled table across the text block, 仿宋 小四, its header row on every page and
        no row split across two; a cell given a list holds one line for each item."""
        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for cell, header in zip(table.rows[0].cells, headers, strict=True):
            self._cell(cell, [header], font=HEADING_FONT, centred=True)
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                lines = value if isinstance(value, list) else [str(value)]
                self._cell(cell, lines, centred=not isinstance(value, list))
        for n, row in enumerate(table.rows):
            properties = row._tr.get_or_add_trPr()
            properties.append(OxmlElement("w:cantSplit"))
            if n == 0:
                properties.append(OxmlElement("w:tblHeader"))
        for column, width in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(width)  # the grid, which LibreOffice reads
            for cell in column.cells:
                cell.width = Mm(width)  # each cell's, which Word reads
        return table

    def _cell(self, cell, lines, *, font=BODY_FONT, centred=False):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        for n, line in enumerate(lines):
            paragraph = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT
            _line_spacing(paragraph.paragraph_format, TABLE_LINE_PT)
            _run(paragraph, line, font=font, size=TABLE_PT)

    # The foot: office and date on the right (GB/T 9704 7.3.5.2).

    def foot(self, issuer, day):
        dated = chinese_date(day)
        # The foot never stands on a page alone (GB/T 9704 7.3.5.4): the body's last
        # paragraph goes with it.
        self.document.paragraphs[-1].paragraph_format.keep_with_next = True
        for _blank in range(2):  # room for the seal over the office and the date
            self.paragraph("", indent=False).paragraph_format.keep_with_next = True
        signature = self.paragraph(issuer, indent=False)
        # The date four characters in from the right; the office centred over it.
        over = 4 + (_width(dated) - _width(issuer)) / 2
        signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        signature.paragraph_format.right_indent = Pt(max(over, 0) * BODY_PT)
        signature.paragraph_format.keep_with_next = True
        date_line = self.paragraph(dated, indent=False)
        date_line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        date_line.paragraph_format.right_indent = Pt(4 * BODY_PT)

    def save(self, *, title, day):
        """The bytes, the same for the same content: the zip's entries and the document's
        properties are dated `day`, never the moment of writing."""
        properties = self.document.core_properties
        moment = datetime.combine(day, time(0, 0))
        properties.title = title
        properties.author = properties.last_modified_by = self.issuer
        properties.created = properties.modified = moment
        properties.revision = 1
        out = io.BytesIO()
        self.document.save(out)
        return _dated_zip(out.getvalue(), moment)


def _dated_zip(content, moment):
    stamp = moment.timetuple()[:6]
    dated = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(dated, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            copy = zipfile.ZipInfo(entry.filename, date_time=stamp)
            copy.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(copy, source.read(entry.filename))
    return dated.getvalue()


def _run(paragraph, text, *, font=BODY_FONT, size=BODY_PT, color=None, hint=False):
    """A run with its fonts named: Latin, and East Asian (w:eastAsia) as the document
    asks, whether or not this machine has the font."""
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    _fonts(run._r.get_or_add_rPr(), font, hint=hint)
    return run


def _fonts(rpr, east_asian, *, hint=False):
    fonts = rpr.get_or_add_rFonts()
    for name in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(name), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    if hint:  # a dash shared by both scripts: drawn in the East Asian font, full width
        fonts.set(qn("w:hint"), "eastAsia")


def _set_property(ppr, element):
    """Put `element` in the paragraph properties `ppr` where the schema orders it."""
    tag = element.tag
    for old in ppr.findall(tag):
        ppr.remove(old)
    later = PPR_ORDER[[qn(name) for name in PPR_ORDER].index(tag) + 1 :]
    ppr.insert_element_before(element, *later)


def _line_spacing(paragraph_format, line_pt):
    """Lines exactly `line_pt` apart."""
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Pt(line_pt)


def _rule_under(paragraph):
    """The red rule across the text block, under the 文号 (or the office's name)."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (
        ("w:val", "single"),
        ("w:sz", str(RULE_EIGHTHS)),
        ("w:space", str(RULE_GAP_PT)),
        ("w:color", str(RED)),
    ):
        bottom.set(qn(name), value)
    borders.append(bottom)
    _set_property(paragraph._p.get_or_add_pPr(), borders)
