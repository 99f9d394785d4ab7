"""Exports that print (core.spreadsheets, scoring.xlsx): each list says what it is
and when, its columns fit their content, long text wraps, and it prints on A4
one page wide with its header row on every page, as a ruled table (LibreOffice
prints no gridlines) whose times all read 2021-04-10 09:30."""

import io
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from communities.models import PropagandaTeam, TeamMember
from core.spreadsheets import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    HEADING_PT,
    LINE_PT,
    MAX_WIDTH,
    PADDING_PT,
    ROW_PT,
    SAMPLE_ROWS,
    column_widths,
    display_width,
    line_count,
    write_rows,
)
from reporting.models import Activity
from reporting.periods import LOCAL

LONG_CAPTION = "宣讲现场群众踊跃参与" * 12  # 120 CJK characters: wider than any column


@pytest.mark.parametrize(
    ("value", "width"),
    [
        ("abc", 3),
        ("社区", 4),  # a CJK character counts two
        ("乙社区 13900000000", 18),
        ("ＡＢ", 4),  # fullwidth forms too
        ("短\n长一点的行", 10),  # the widest line
        (40, 2),
        (None, 0),
        (datetime(2021, 4, 10, 9, 30), 16),  # as printed: 2021-04-10 09:30
    ],
)
def test_display_width_counts_cjk_double(value, width):
    assert display_width(value) == width


def test_column_widths_follow_content_within_bounds():
    widths = column_widths(["序号", "社区", "图片说明"], [[1, "甲", LONG_CAPTION]])
    assert widths == [6, 6, MAX_WIDTH]  # header 4+2; at least 6; at most 50


def test_line_count_counts_wrapped_lines():
    assert line_count("-2 [S1]", 60) == 1
    assert line_count("一\n二\n三", 60) == 3
    assert line_count("宣" * 45, 60) == 2  # 90 widths in a 60-wide column


def open_book(response):
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(content))


def assert_prints(sheet, orientation):
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.page_setup.orientation == orientation
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$2:$2"  # the header row on every page
    assert sheet.freeze_panes == "A3"


def widths(sheet):
    return {letter: dim.width for letter, dim in sheet.column_dimensions.items()}


@pytest.mark.django_db
def test_missing_list_names_its_month_fits_its_columns_and_prints(office, places, submitted):  # noqa: F811
    team = PropagandaTeam.objects.create(community=places["b"], established_on="2021-03-01")
    TeamMember.objects.create(
        team=team, name="林联络", role="网格员", phone="13900000000", is_group_contact=True
    )
    url = reverse("admin:reporting_monthlyreport_missing_xlsx") + "?month=2021-04"
    sheet = open_book(office.get(url)).active
    assert sheet["A1"].value == "2021年4月 未报送情况"
    assert sheet["A1"].font.b
    assert [c.value for c in sheet[2]] == ["工作点", "社区", "情况", "工作群联系人", "联系电话"]
    assert all(c.font.b for c in sheet[2])
    assert_prints(sheet, "portrait")  # five columns fit upright
    # 工作群联系人: 6 CJK = 12 (+2); 13900000000: 11 (+2); 乙社区: 6 (+2).
    assert widths(sheet)["D"] == 14
    assert widths(sheet)["E"] == 13
    assert widths(sheet)["B"] == 8


ADMIN_LISTS = {
    "报表": "admin:reporting_monthlyreport_export",
    "活动": "admin:reporting_activity_export",
    "社区与宣讲队伍": "admin:communities_community_export",
}


@pytest.mark.django_db
@pytest.mark.parametrize(("title", "url"), ADMIN_LISTS.items(), ids=ADMIN_LISTS.values())
def test_admin_list_heading_names_the_list_and_the_beijing_time_of_export(
    office,  # noqa: F811
    submitted,  # noqa: F811
    title,
    url,
):
    # 2021-06-01 02:30 UTC is 10:30 in Beijing.
    with time_machine.travel(datetime(2021, 6, 1, 10, 30, tzinfo=LOCAL), tick=False):
        sheet = open_book(office.get(reverse(url))).active
    assert sheet["A1"].value == f"{title}　导出时间：2021-06-01 10:30（北京时间）"
    headers = [c.value for c in sheet[2]]
    assert_prints(sheet, "landscape" if len(headers) > 6 else "portrait")
    assert len(widths(sheet)) == len(headers)
    assert all(6 <= w <= MAX_WIDTH for w in widths(sheet).values())


@pytest.mark.django_db
def test_activity_list_is_landscape_and_wraps_a_long_caption(office, submitted):  # noqa: F811
    Activity.objects.filter(report=submitted, position=2).update(caption=LONG_CAPTION)
    sheet = open_book(office.get(reverse("admin:reporting_activity_export"))).active
    assert_prints(sheet, "landscape")  # ten columns
    headers = [c.value for c in sheet[2]]
    caption = headers.index("图片说明") + 1
    letter = sheet.cell(row=2, column=caption).column_letter
    assert widths(sheet)[letter] == MAX_WIDTH
    cells = {c.value: c for c in sheet[letter][2:]}
    assert cells[LONG_CAPTION].alignment.wrap_text
    assert not cells["集中宣讲现场"].alignment.wrap_text  # short text stays on one line
    assert widths(sheet)["B"] == 6  # 年度: header 4 + 2, numbers narrower


def test_a_long_text_past_the_measured_rows_still_wraps():
    """Widths come from the first SAMPLE_ROWS rows; a longer text after them wraps."""
    rows = [("甲社区", "短")] * SAMPLE_ROWS + [("乙社区", LONG_CAPTION)]
    with write_rows(("社区", "说明"), iter(rows), "测试", "测试清单") as out:
        sheet = load_workbook(out).active
    assert sheet.max_row == SAMPLE_ROWS + 3
    assert widths(sheet)["B"] == 6
    last = sheet.cell(row=sheet.max_row, column=2)
    assert last.value == LONG_CAPTION and last.alignment.wrap_text


def is_ruled(cell):
    sides = (cell.border.left, cell.border.right, cell.border.top, cell.border.bottom)
    return all(side.style == "thin" for side in sides)


def table(sheet, columns):
    """The cells of a list's table: its header row (2) and every row under it."""
    return list(sheet.iter_rows(min_row=2, max_row=sheet.max_row, max_col=columns))


# value: (number format, horizontal alignment, what a program reading the file gets)
WRITTEN = {
    "text": ("甲社区", "General", "left", "甲社区"),
    "typed formula": ('=HYPERLINK("http://x")', "General", "left", '=HYPERLINK("http://x")'),
    "typed error": ("#N/A", "General", "left", "#N/A"),
    "number": (46, "General", "center", 46),
    "decimal": (2.5, "General", "center", 2.5),
    "time with seconds": (
        datetime(2021, 4, 4, 9, 0, 15),
        DATETIME_FORMAT,
        "center",
        datetime(2021, 4, 4, 9, 0, 15),
    ),
    "date": (date(2021, 3, 1), DATE_FORMAT, "center", datetime(2021, 3, 1)),
    "empty": (None, "General", "left", None),
}


@pytest.mark.parametrize(
    ("value", "number_format", "horizontal", "read"), WRITTEN.values(), ids=WRITTEN
)
def test_a_list_cell_is_ruled_and_placed_by_its_kind_of_value(
    value, number_format, horizontal, read
):
    """Text from the left; numbers, dates and times centred (a number set to the right ran
    into the next column's text on paper); times and dates zero-padded, without seconds;
    typed text stays text; every cell ruled, the empty one too."""
    with write_rows(("社区", "值"), [("甲社区", value)], "测试", "测试清单") as out:
        sheet = load_workbook(out).active
    written = sheet["B3"]
    assert (written.value, written.number_format, written.alignment.horizontal) == (
        read,
        number_format,
        horizontal,
    )
    assert written.data_type != "f"
    assert is_ruled(written) and is_ruled(sheet["A3"])


def test_a_list_rules_its_header_and_every_row_and_leaves_its_heading_unruled():
    rows = [("甲社区", n, datetime(2021, 4, 1 + n % 28, 9)) for n in range(SAMPLE_ROWS + 20)]
    rows.append(("乙社区", 1, None))  # past the measured rows, a cell left empty
    with write_rows(("社区", "序号", "时间"), iter(rows), "测试", "测试清单") as out:
        sheet = load_workbook(out).active
    cells = table(sheet, 3)
    assert len(cells) == len(rows) + 1
    assert [c.coordinate for row in cells for c in row if not is_ruled(c)] == []
    assert all(c.font.b and c.alignment.horizontal == "center" for c in cells[0])
    assert not is_ruled(sheet["A1"])  # the heading is a title, not a cell of the table
    assert sheet.row_dimensions[1].height == HEADING_PT  # its 14-point line whole
    # Tall enough for a line of Chinese, which LibreOffice printed across the rule below.
    assert sheet.sheet_format.defaultRowHeight == ROW_PT and sheet.sheet_format.customHeight


def test_a_row_with_wrapped_text_starts_every_cell_at_the_top():
    rows = [("甲社区", 40, LONG_CAPTION), ("乙社区", 30, "短")]
    with write_rows(("社区", "人数", "说明"), rows, "测试", "测试清单") as out:
        sheet = load_workbook(out).active
    tall, short = sheet[3], sheet[4]
    assert [c.alignment.vertical for c in tall] == ["top"] * 3
    assert tall[2].alignment.wrap_text
    assert [c.alignment.vertical for c in short] == ["center"] * 3


# Each list the office exports: its URL, and its columns of dates and of times.
LIST_EXPORTS = {
    "reports": ("admin:reporting_monthlyreport_export", {"首次报送时间": DATETIME_FORMAT}),
    "activities": ("admin:reporting_activity_export", {"时间": DATETIME_FORMAT}),
    "communities": ("admin:communities_community_export", {"宣讲队伍成立日期": DATE_FORMAT}),
    "missing": ("admin:reporting_monthlyreport_missing_xlsx", {}),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "formats"), LIST_EXPORTS.values(), ids=LIST_EXPORTS)
def test_every_list_export_prints_as_a_ruled_table_with_times_alike(
    office,  # noqa: F811
    submitted,  # noqa: F811
    places,
    url,
    formats,
):
    """The four lists of 导出Excel and 未报送: every cell of the table ruled, text from
    the left, numbers kept as numbers and centred, every date and time in one format."""
    team = PropagandaTeam.objects.create(community=places["a"], established_on="2021-03-01")
    TeamMember.objects.create(
        team=team, name="林主任", role="网格员", phone="0595-85600002", is_group_contact=True
    )
    query = "?month=2021-04" if url.endswith("missing_xlsx") else ""
    sheet = open_book(office.get(reverse(url) + query)).active
    headers = [c.value for c in sheet[2]]
    cells = table(sheet, len(headers))
    assert len(cells) >= 2, "the list has rows"
    assert [c.coordinate for row in cells for c in row if not is_ruled(c)] == []
    assert all(c.alignment.horizontal == "center" for c in cells[0])
    timed = {headers.index(header): number_format for header, number_format in formats.items()}
    for row in cells[1:]:
        for index, c in enumerate(row):
            if index in timed and c.value is not None:
                assert isinstance(c.value, datetime) and c.number_format == timed[index], c
                assert c.alignment.horizontal == "center", c
            elif isinstance(c.value, int):
                assert c.alignment.horizontal == "center", c
            elif c.value is not None:
                assert isinstance(c.value, str) and c.alignment.horizontal == "left", c
    assert all(any(row[index].value for row in cells[1:]) for index in timed), "dates are filled"


@pytest.mark.django_db
def test_quarter_sheet_rows_are_as_tall_as_their_deductions(client, people, plan, places):
    """Every deduction line prints: a row's height follows its number of lines."""
    client.force_login(people["leader"])
    with time_machine.travel(datetime(2021, 7, 10, tzinfo=LOCAL), tick=False):
        response = client.get(reverse("scoring:quarter_xlsx", args=["2021Q2"]))
    sheet = open_book(response).active
    assert "2021" in sheet["A1"].value and "季度" in sheet["A1"].value
    assert sheet["A2"].value.endswith("2021-07-10 00:00")  # the "as of", Beijing time
    assert sheet.print_title_rows == "$3:$3"
    rows = list(sheet.iter_rows(min_row=4))
    assert rows
    for row in rows:
        lines = row[4].value.count("\n") + 1
        assert lines >= 2  # nobody reported in Q2: several deductions each
        assert row[4].alignment.wrap_text
        assert sheet.row_dimensions[row[0].row].height == LINE_PT * lines + PADDING_PT
