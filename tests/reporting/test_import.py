"""Excel in: the Attachment 2 sheets e-mailed before the portal, previewed, then confirmed.

The workbooks are made here the way community clerks made them in Excel (not by
the portal): the seed's header line in one cell or in label and value cells,
full- and half-width brackets, spaced header words, dates typed every way.
Reading is tested sheet by sheet (reporting.sheets); the import as the office
does it, through the admin pages (reporting.imports).
"""

import io
import re
from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from reporting.imports import preview
from reporting.models import Activity, ImportUpload, MonthlyReport, ReportEvent
from reporting.periods import LOCAL
from reporting.sheets import NotAWorkbook, read_workbook
from tests.conftest import add_activity, verified_login

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:reporting_monthlyreport_import")
SEED_HEADER = "社区（盖章）：{community}                  报送时间：{submitted}"
COLUMNS = ["序号", "时间", "地点", "开展形式", "参加人数", "图片说明"]
GOOD_ROWS = [
    [1, datetime(2021, 4, 8, 9, 0), "社区文化广场", "集中宣讲", 45, "宣讲现场"],
    [2, "2021年4月20日 15:00", "辖区企业食堂", "送教上门", "60", "企业员工听讲"],
]


def old_sheet(book, community, submitted, rows, title=None, header=None, columns=COLUMNS):
    """An Attachment 2 as communities filled it in Excel before the portal.

    `header` replaces the seed's header line (one cell) with rows of cells."""
    sheet = book.create_sheet(title or community)
    sheet.append(["反诈骗活动开展情况报表"])
    for line in header or [[SEED_HEADER.format(community=community, submitted=submitted)]]:
        sheet.append(line)
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append(["备注：请各社区于每月1日前将上月开展防诈骗活动情况……报送至街道综治办。"])
    return sheet


def content(book):
    if "Sheet" in book.sheetnames:
        book.remove(book["Sheet"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def one_sheet(*args, **kwargs):
    book = Workbook()
    old_sheet(book, *args, **kwargs)
    return content(book)


def upload(client, data, name="旧报表.xlsx"):
    """Choose the file and press 上传并预览: the preview page (or the form again)."""
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data)}, follow=True)


def confirm(client, page, tick=False):
    """Press the import button on the preview `page`, as the page's form sends it."""
    html = page.content.decode()
    shown = re.search(r'name="shown" value="([^"]*)"', html).group(1)
    data = {"shown": shown, "confirm": ""}
    if tick:
        data["skip_existing"] = "on"
    return client.post(page.redirect_chain[-1][0], data, follow=True)


def text(page):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.content.decode()))


# Reading what clerks wrote -----------------------------------------------------


@pytest.mark.parametrize(
    ("variant", "header", "columns"),
    [
        ("the seed's line in one cell", None, COLUMNS),
        (
            "label and value in their own cells",
            [["社区（盖章）：", "甲社区", None, "报送时间：", "2021年5月1日"]],
            COLUMNS,
        ),
        (
            "half-width brackets and colons",
            [["社区(盖章):甲社区", None, None, "报送时间:2021-05-01"]],
            COLUMNS,
        ),
        (
            "a real date in the cell after the label",
            [["社区（盖章）", "甲社区", "报送时间", datetime(2021, 5, 1)]],
            COLUMNS,
        ),
        (
            "报送时间 with a time, the day not padded",
            [["社区（盖章）：甲社区", None, None, "报送时间：2021-5-1 00:00"]],
            COLUMNS,
        ),
        (
            "spaced labels",
            [["社 区（盖 章）：甲社区", None, None, "报 送 时 间：2021年5月1日"]],
            COLUMNS,
        ),
        (
            "two header lines",
            [["社区（盖章）：甲社区"], [None, None, None, "报送时间：2021年5月1日"]],
            COLUMNS,
        ),
        (
            "spaced header words",
            None,
            ["序  号", "时 间", "地　点", "开展形式", "参加人数", "图片说明"],
        ),
        ("units in the header", None, [*COLUMNS[:4], "参加人数（人）", "图片说明"]),
        (
            "columns in another order",
            None,
            ["序号", "地点", "时间", "开展形式", "图片说明", "参加人数"],
        ),
    ],
)
def test_the_header_is_read_however_the_clerk_wrote_it(variant, header, columns):
    values = dict(zip(COLUMNS, GOOD_ROWS[0], strict=True))
    row = [values[re.sub(r"\s|（人）", "", c)] for c in columns]
    data = one_sheet("甲社区", "2021年5月1日", [row], header=header, columns=columns)
    [sheet] = read_workbook(data)
    assert sheet.problems == [], variant
    assert sheet.community_name == "甲社区", variant
    assert sheet.submitted_at == datetime(2021, 5, 1, tzinfo=LOCAL), variant
    [activity] = sheet.rows
    assert (activity.place, activity.participants, activity.caption) == (
        "社区文化广场",
        45,
        "宣讲现场",
    ), variant


@pytest.mark.parametrize(
    ("written", "submitted", "stored", "day_only"),
    [
        (datetime(2021, 4, 15, 9, 30), "2021年5月1日", datetime(2021, 4, 15, 9, 30), False),
        (date(2021, 4, 15), "2021年5月1日", datetime(2021, 4, 15), True),
        (44301, "2021年5月1日", datetime(2021, 4, 15), True),  # an Excel serial date
        ("2021年4月15日", "2021年5月1日", datetime(2021, 4, 15), True),
        ("2021年4月15日 14:30", "2021年5月1日", datetime(2021, 4, 15, 14, 30), False),
        ("2021.4.18", "2021年5月1日", datetime(2021, 4, 18), True),
        ("2021-04-15 10:00", "2021年5月1日", datetime(2021, 4, 15, 10, 0), False),
        ("2021/4/15", "2021年5月1日", datetime(2021, 4, 15), True),
        ("2021.4.5 10:00", "2021年5月1日", datetime(2021, 4, 5, 10, 0), False),  # not the 51st
        ("2021-4-1 9:30", "2021年5月1日", datetime(2021, 4, 1, 9, 30), False),
        ("4月5日 9点30分", "2021年5月1日", datetime(2021, 4, 5, 9, 30), False),
        ("４月１５日", "2021年5月1日", datetime(2021, 4, 15), True),  # full-width digits
        ("4月15日", "2021年5月1日", datetime(2021, 4, 15), True),  # the year from 报送时间
        ("12月20日", "2022年1月1日", datetime(2021, 12, 20), True),  # reported the next January
    ],
)
def test_dates_are_read_in_every_way_clerks_type_them(written, submitted, stored, day_only):
    data = one_sheet("甲社区", submitted, [[1, written, "广场", "集中宣讲", 20, "说明"]])
    [sheet] = read_workbook(data)
    assert sheet.problems == []
    assert sheet.rows[0].held_at == stored.replace(tzinfo=LOCAL)
    assert sheet.rows[0].day_only is day_only


def test_a_date_without_a_year_takes_the_year_of_the_title():
    book = Workbook()
    sheet = old_sheet(book, "甲社区", "5月1日", [[1, "4月15日", "广场", "集中宣讲", 20, "说明"]])
    sheet["A1"] = "2021年4月反诈骗活动开展情况报表"
    [read] = read_workbook(content(book))
    assert read.rows[0].held_at == datetime(2021, 4, 15, tzinfo=LOCAL)


def test_blank_rows_of_the_form_with_their_numbers_printed_are_not_activities():
    rows = [GOOD_ROWS[0], [2, None, None, None, None, None], [3], [None, "", " "]]
    [sheet] = read_workbook(one_sheet("甲社区", "2021年5月1日", rows))
    assert sheet.problems == []
    assert len(sheet.rows) == 1


def test_a_form_name_outside_the_list_is_kept_as_other_with_its_words():
    rows = [[1, "2021-04-15", "广场", "快板表演", 30, "说明"]]
    [sheet] = read_workbook(one_sheet("甲社区", "2021年5月1日", rows))
    assert (sheet.rows[0].form, sheet.rows[0].form_other) == ("其他", "快板表演")


@pytest.mark.parametrize(
    ("case", "book_maker", "why"),
    [
        ("an empty sheet", lambda book: book.create_sheet("Sheet2"), "空白工作表"),
        (
            "an instructions sheet",
            lambda book: book.create_sheet("填表说明").append(["请按附件2格式填写"]),
            "没有找到表头行",
        ),
        (
            "the blank form",
            lambda book: old_sheet(book, "丙社区", "2021年 月 日", [], title="空表"),
            "没有活动行",
        ),
    ],
)
def test_sheets_that_are_not_a_report_are_skipped_with_why(
    office, plan, places, case, book_maker, why
):
    book = Workbook()
    old_sheet(book, "甲社区", "2021年5月1日", GOOD_ROWS)
    book_maker(book)
    page = upload(office, content(book))
    assert "跳过" in text(page), case
    assert why in text(page), case
    confirm(office, page)
    assert MonthlyReport.objects.get().community == places["a"], case


# What is refused, by sheet, Excel row and column --------------------------------


@pytest.mark.parametrize(
    ("case", "community", "submitted", "rows", "row", "column", "message"),
    [
        (
            "participants with words",
            "甲社区",
            "2021年5月1日",
            [[1, "2021-04-08", "广场", "集中宣讲", "约50人", "说明"]],
            4,
            "参加人数",
            "“约50人”不是人数",
        ),
        (
            "no participants",
            "甲社区",
            "2021年5月1日",
            [[1, "2021-04-08", "广场", "集中宣讲", None, "说明"]],
            4,
            "参加人数",
            "参加人数为空",
        ),
        (
            "a time that is not a date",
            "甲社区",
            "2021年5月1日",
            [[1, "昨天", "广场", "集中宣讲", 10, "说明"]],
            4,
            "时间",
            "“昨天”不是日期",
        ),
        (
            "an impossible date",
            "甲社区",
            "2021年5月1日",
            [[1, "2021年4月31日", "广场", "集中宣讲", 10, "说明"]],
            4,
            "时间",
            "不是日期",
        ),
        (
            "an empty place",
            "甲社区",
            "2021年5月1日",
            [[1, "2021-04-08", None, "集中宣讲", 10, "说明"]],
            4,
            "地点",
            "“地点”为空",
        ),
        (
            "an empty caption on the second row",
            "甲社区",
            "2021年5月1日",
            [GOOD_ROWS[0], [2, "2021-04-09", "广场", "集中宣讲", 10, ""]],
            5,
            "图片说明",
            "“图片说明”为空",
        ),
        (
            "an unknown community",
            "不存在社区",
            "2021年5月1日",
            GOOD_ROWS,
            2,
            "社区（盖章）",
            "“不存在社区”不是本街道的社区",
        ),
        ("no 报送时间", "甲社区", "", GOOD_ROWS, 2, "报送时间", "表头没有报送时间"),
        (
            "报送时间 before the activity",
            "甲社区",
            "2021年4月10日",
            GOOD_ROWS,
            2,
            "报送时间",
            "早于2021-04-20的活动",
        ),
        ("报送时间 in the future", "甲社区", "2031年5月1日", GOOD_ROWS, 2, "报送时间", "晚于今天"),
        (
            "a month without a report due",
            "甲社区",
            "2021年3月1日",
            [[1, "2021-02-08", "广场", "集中宣讲", 10, "说明"]],
            4,
            "时间",
            "2021年2月不需要报送",
        ),
        (
            "two months on one sheet",
            "甲社区",
            "2021年6月1日",
            [GOOD_ROWS[0], [2, "2021-05-09", "广场", "集中宣讲", 10, "说明"]],
            5,
            "时间",
            "一张工作表是一个月的报表",
        ),
    ],
)
def test_a_problem_names_the_sheet_row_and_column_and_nothing_is_written(
    office, plan, places, case, community, submitted, rows, row, column, message
):
    book = Workbook()
    old_sheet(book, "乙社区", "2021年5月1日", GOOD_ROWS, title="好的表")
    old_sheet(book, community, submitted, rows, title="有问题的表")
    page = upload(office, content(book))
    problems = re.search(r'id="import-problems".*?</table>', page.content.decode(), re.S)
    assert problems, case
    cells = [re.sub(r"<[^>]+>|\s", "", c) for c in re.findall(r"<td>(.*?)</td>", problems[0])]
    assert cells[:3] == ["有问题的表", f"第{row}行", column], case
    assert message in cells[3], case
    assert 'name="confirm"' not in page.content.decode(), case
    # Pressing import anyway (an old tab, a forged post) writes nothing either.
    refused = confirm(office, page)
    assert "文件有问题，未导入任何内容" in text(refused), case
    assert MonthlyReport.objects.count() == Activity.objects.count() == 0, case


def test_a_copied_sheet_is_refused_rather_than_imported_twice(office, plan, places):
    book = Workbook()
    old_sheet(book, "甲社区", "2021年5月1日", GOOD_ROWS, title="甲社区")
    old_sheet(book, "甲社区", "2021年5月3日", GOOD_ROWS, title="甲社区 (2)")
    page = upload(office, content(book))
    assert "与工作表“甲社区”是同一社区同一月份" in text(page)
    assert 'name="confirm"' not in page.content.decode()


@pytest.mark.parametrize(
    ("case", "name", "data", "message"),
    [
        ("a photo", "photo.xlsx", b"\xff\xd8\xff\xe0" + b"0" * 100, "不是Excel工作簿"),
        ("an old .xls", "old.xls", b"\xd0\xcf\x11\xe0" + b"0" * 100, "另存为"),
        ("an empty file", "empty.xlsx", b"", "请选择要导入的Excel文件"),
        ("a huge file", "big.xlsx", b"PK" + b"0" * (5 * 1024 * 1024), "大于5 MB"),
    ],
)
def test_a_wrong_file_is_refused_in_words_and_nothing_is_stored(
    office, plan, places, case, name, data, message
):
    page = upload(office, data, name=name)
    assert page.status_code == 200, case
    assert message in text(page).replace(" ", "") or message in text(page), case
    assert ImportUpload.objects.count() == 0, case


# The import as the office does it ------------------------------------------------


def test_the_preview_shows_each_sheet_as_it_will_be_stored_and_confirming_imports_it(
    office, plan, places
):
    book = Workbook()
    old_sheet(book, "甲社区", "2021年5月1日 16:30", GOOD_ROWS)
    old_sheet(
        book, "乙社区", "2021年5月3日", [[1, "2021-04-15 10:00", "广场", "自创形式", 20, "说明"]]
    )
    page = upload(office, content(book))
    shown = text(page)
    for expected in (
        "工作表“甲社区”",
        "2021年4月",
        "2021-05-01 16:30",
        "按时",
        "2021-05-03 · 逾期",
        "辖区企业食堂",
        "自创形式",
        "将导入",
    ):
        assert expected in shown, expected
    assert "import_file" not in page.content.decode()  # no internal field names
    assert MonthlyReport.objects.count() == 0  # the preview writes nothing

    done = confirm(office, page)
    assert "已导入2份报表" in text(done)
    a = MonthlyReport.objects.get(community=places["a"])
    assert a.state == "submitted"
    assert a.first_submitted_at == datetime(2021, 5, 1, 16, 30, tzinfo=LOCAL)
    assert a.is_on_time is True
    assert list(a.activities.values_list("position", "place", "participants")) == [
        (1, "社区文化广场", 45),
        (2, "辖区企业食堂", 60),
    ]
    assert list(a.events.values_list("action", flat=True)) == [
        ReportEvent.Action.CREATED,
        ReportEvent.Action.IMPORTED,
    ]
    assert "旧报表.xlsx" in a.events.last().note
    b = MonthlyReport.objects.get(community=places["b"])
    assert b.is_on_time is False
    assert b.activities.get().form_label == "自创形式"
    assert bytes(ImportUpload.objects.get().content) == b""  # the file is not kept


@pytest.mark.parametrize(
    ("submitted", "on_time"),
    [("2021年5月1日 23:59", True), ("2021年5月2日 00:00", False), ("2021年5月1日", True)],
)
def test_M2_M3_an_imported_report_is_on_time_by_its_sheet_s_report_time(
    office, plan, places, submitted, on_time
):
    page = upload(office, one_sheet("甲社区", submitted, GOOD_ROWS))
    assert ("按时" if on_time else "逾期") in text(page)
    confirm(office, page)
    assert MonthlyReport.objects.get().is_on_time is on_time


def test_a_month_that_already_has_a_report_is_never_merged_into(office, people, plan, places):
    draft = MonthlyReport.start(places["a"].pk, plan, 4, by=people["alice"])
    add_activity(draft, people["alice"])
    book = Workbook()
    old_sheet(book, "甲社区", "2021年5月1日", GOOD_ROWS)
    old_sheet(book, "乙社区", "2021年5月1日", GOOD_ROWS)
    page = upload(office, content(book))
    assert "已有报表，不导入" in text(page)
    assert 'name="skip_existing"' in page.content.decode()

    refused = confirm(office, page)  # without ticking the box
    assert "勾选" in text(refused)
    assert MonthlyReport.objects.count() == 1

    confirm(office, refused, tick=True)
    draft.refresh_from_db()
    assert (draft.state, draft.activities.count(), draft.first_submitted_at) == ("draft", 1, None)
    assert MonthlyReport.objects.get(community=places["b"]).activities.count() == 2


def test_a_report_made_between_preview_and_confirmation_refuses_the_whole_file(
    office, people, plan, places
):
    book = Workbook()
    old_sheet(book, "甲社区", "2021年5月1日", GOOD_ROWS)
    old_sheet(book, "乙社区", "2021年5月1日", GOOD_ROWS)
    first = upload(office, content(book))
    # Meanwhile another file with 乙社区's April is imported.
    second = upload(office, one_sheet("乙社区", "2021年5月2日", GOOD_ROWS[:1]))
    confirm(office, second)
    assert MonthlyReport.objects.count() == 1

    refused = confirm(office, first)
    assert "预览之后情况有变化，未导入任何内容" in text(refused)
    assert "工作表“乙社区”" in text(refused)
    assert MonthlyReport.objects.count() == 1
    assert not MonthlyReport.objects.filter(community=places["a"]).exists()
    assert MonthlyReport.objects.get().activities.count() == 1


def test_a_report_made_in_the_very_same_moment_writes_nothing(
    office, people, plan, places, monkeypatch
):
    """The unique constraint catches what the checks could not see."""
    book = Workbook()
    old_sheet(book, "甲社区", "2021年5月1日", GOOD_ROWS)
    old_sheet(book, "乙社区", "2021年5月1日", GOOD_ROWS)
    page = upload(office, content(book))
    from reporting import imports

    real = imports.create_report

    def racing(sheet_plan, upload, by):
        if sheet_plan.community == places["b"]:
            MonthlyReport.start(places["b"].pk, plan, 4, by=people["bob"])
        return real(sheet_plan, upload, by)

    monkeypatch.setattr(imports, "create_report", racing)
    refused = confirm(office, page)
    assert "未导入任何内容" in text(refused)
    assert not MonthlyReport.objects.filter(community=places["a"]).exists()
    assert Activity.objects.count() == 0


def test_pressing_import_twice_imports_once(office, plan, places):
    page = upload(office, one_sheet("甲社区", "2021年5月1日", GOOD_ROWS))
    confirm(office, page)
    again = confirm(office, page)
    assert "此文件已经导入" in text(again)
    assert (MonthlyReport.objects.count(), Activity.objects.count()) == (1, 2)


def test_discarding_an_upload_deletes_it(office, plan, places):
    page = upload(office, one_sheet("甲社区", "2021年5月1日", GOOD_ROWS))
    discarded = office.post(page.redirect_chain[-1][0], {"discard": "1"}, follow=True)
    assert "已放弃这次上传" in text(discarded)
    assert ImportUpload.objects.count() == 0
    assert MonthlyReport.objects.count() == 0


def test_uploads_not_confirmed_are_deleted_after_a_day(office, plan, places):
    upload(office, one_sheet("甲社区", "2021年5月1日", GOOD_ROWS))
    ImportUpload.objects.update(uploaded_at=timezone.now() - timedelta(hours=23))
    office.get(IMPORT)
    assert ImportUpload.objects.count() == 1
    ImportUpload.objects.update(uploaded_at=timezone.now() - timedelta(hours=25))
    office.get(IMPORT)
    assert ImportUpload.objects.count() == 0


def test_the_purge_command_deletes_old_uploads_without_anyone_visiting(office, plan, places):
    from django.core.management import call_command

    upload(office, one_sheet("甲社区", "2021年5月1日", GOOD_ROWS))
    ImportUpload.objects.update(uploaded_at=timezone.now() - timedelta(days=2))
    call_command("purge_uploads", verbosity=0)
    assert ImportUpload.objects.count() == 0


@pytest.mark.parametrize("who", ["another office user", "community staff", "a forged id"])
def test_an_upload_is_seen_only_by_who_uploaded_it(client, office, people, plan, places, who):
    page = upload(office, one_sheet("甲社区", "2021年5月1日", GOOD_ROWS))
    url = page.redirect_chain[-1][0]
    if who == "another office user":
        from communities.models import Role
        from tests.conftest import make_user

        colleague = make_user("office2", Role.OFFICE)
        colleague.is_staff = True
        colleague.save()
        other = verified_login(client.__class__(), colleague)
    elif who == "community staff":
        other = client.__class__()
        other.force_login(people["alice"])
    else:
        other, url = office, url.replace(url.split("/")[-2], "00000000-0000-0000-0000-000000000000")
    response = other.post(url, {"confirm": ""})
    assert response.status_code in (302, 403, 404), who
    assert MonthlyReport.objects.count() == 0, who


def test_the_reader_is_pure_and_refuses_what_is_not_a_workbook():
    with pytest.raises(NotAWorkbook):
        read_workbook(b"not a workbook")


def test_preview_holds_sheets_against_the_database_in_a_fixed_number_of_queries(
    plan, places, django_assert_max_num_queries
):
    book = Workbook()
    for name in ("甲社区", "乙社区", "丙社区"):
        old_sheet(book, name, "2021年5月1日", GOOD_ROWS)
    sheets = read_workbook(content(book))
    with django_assert_max_num_queries(3):
        result = preview(sheets)
    assert len(result.to_import) == 3


def test_a_line_with_problems_is_shown_as_typed_beside_its_problem(office, plan, places):
    rows = [GOOD_ROWS[0], [2, "2021-04-09", "广场", "集中宣讲", "约50人", "说明"], GOOD_ROWS[1]]
    page = upload(office, one_sheet("甲社区", "2021年5月1日", rows))
    sheet = re.search(r'id="sheet-1".*?</div>\s*(?=<div|<form)', page.content.decode(), re.S)[0]
    lines = re.findall(r"<h3[^>]*>(.*?)</h3>", sheet)
    assert [re.sub(r"\s+", " ", line) for line in lines] == [
        "Excel第4行 · 序号 1",
        "Excel第5行",
        "Excel第6行 · 序号 2",
    ]
    assert "约50人" in sheet
    assert "参加人数：“约50人”不是人数" in text(page)


def test_every_problem_of_the_file_is_named_at_once(office, plan, places):
    """A copied sheet is found even when another sheet has a problem too, and problems
    read in the order of the rows."""
    book = Workbook()
    bad = [
        [1, "2021-04-09", "广场", "集中宣讲", "约50人", "说明"],
        [2, "昨天", "广场", "", 5, "说明"],
    ]
    old_sheet(book, "甲社区", "2021年5月1日", bad, title="甲社区")
    old_sheet(book, "甲社区", "2021年5月1日", GOOD_ROWS, title="甲社区 (2)")
    page = upload(office, content(book))
    problems = re.search(r'id="import-problems".*?</table>', page.content.decode(), re.S)[0]
    rows = [
        [re.sub(r"<[^>]+>|\s", "", c) for c in re.findall(r"<td>(.*?)</td>", tr)][:3]
        for tr in re.findall(r"<tr>(.*?)</tr>", problems, re.S)
    ]
    assert [r for r in rows if r] == [
        ["甲社区", "第4行", "参加人数"],
        ["甲社区", "第5行", "时间"],
        ["甲社区", "第5行", "开展形式"],
        ["甲社区(2)", "第2行", "社区（盖章）"],
    ]


def test_a_misspelt_community_is_named_with_the_one_it_most_likely_is(office, plan, places):
    page = upload(office, one_sheet("申社区", "2021年5月1日", GOOD_ROWS))
    assert "“申社区”不是本街道的社区，是否为“甲社区”？" in text(page)


def test_a_month_that_already_has_a_report_says_its_state_and_links_to_it(
    office, people, plan, places
):
    draft = MonthlyReport.start(places["a"].pk, plan, 4, by=people["alice"])
    page = upload(office, one_sheet("甲社区", "2021年5月1日", GOOD_ROWS))
    assert "甲社区2021年4月在平台中已有报表（草稿），不会合并或覆盖" in text(page)
    assert reverse("admin:reporting_monthlyreport_change", args=[draft.pk]) in page.content.decode()
