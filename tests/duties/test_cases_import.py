"""A month's fraud cases by Excel (duties/cases_import.py through duties/cases.py): the
template lists every community with what is recorded; the filled template comes back as a
preview (new, changed, unchanged) that writes nothing; confirming writes all of it, once;
a wrong file is refused whole, each problem named by its row and cell, nothing written."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from duties.cases_import import COLUMNS, MAX_SIZE
from duties.models import FraudCases
from tests.duties import cases_fixtures
from tests.duties.cases_fixtures import enter

clerk, may, police = cases_fixtures.clerk, cases_fixtures.may, cases_fixtures.police

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("may")]

TEMPLATE = reverse("cases:template", args=[2021, 4])
IMPORT = reverse("cases:import", args=[2021, 4])


@pytest.fixture
def logged_in(client, clerk):
    client.force_login(clerk)
    return client


def download(client, url=TEMPLATE):
    response = client.get(url)
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def as_upload(book, name="发案情况-2021-04.xlsx"):
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def rows_of(sheet):
    """{community name: row number} of the template's lines."""
    names = ((sheet.cell(r, 2).value, r) for r in range(4, sheet.max_row + 1))
    return {name: r for name, r in names if name}


def filled(client, **figures):
    """The template, downloaded, with {community name: (cases, losses)} written in."""
    book = download(client)
    sheet = book.active
    lines = rows_of(sheet)
    for name, (cases, losses) in figures.items():
        sheet.cell(lines[name], 4).value = cases
        sheet.cell(lines[name], 5).value = losses
    return book


def upload(client, book_or_file):
    file = book_or_file if isinstance(book_or_file, SimpleUploadedFile) else as_upload(book_or_file)
    return client.post(IMPORT, {"file": file})


def confirm(client, preview):
    return client.post(IMPORT, {"confirm": "1", "signed": preview.context["signed"]})


def snapshot():
    return (
        sorted(FraudCases.objects.values_list("community__name", "cases", "losses")),
        FraudCases.history.count(),
    )


def test_the_template_lists_every_community_with_what_is_recorded(logged_in, plan, places, clerk):
    enter(plan, 4, clerk, {places["b"]: (2, "3500.5")})
    response = logged_in.get(TEMPLATE)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "%E5%8F%91%E6%A1%88%E6%83%85%E5%86%B5-2021-04.xlsx" in response["Content-Disposition"]
    sheet = download(logged_in).active
    assert (sheet["B2"].value, sheet["D2"].value) == (2021, 4)
    assert [c.value for c in sheet[3]] == list(COLUMNS)
    assert COLUMNS == ("序号", "社区", "工作点", "发案数（起）", "损失金额（元）")
    lines = rows_of(sheet)
    assert set(lines) == {"甲社区", "乙社区", "丙社区"}
    assert sheet.cell(lines["乙社区"], 4).value == 2
    assert sheet.cell(lines["乙社区"], 5).value == 3500.5
    assert sheet.cell(lines["甲社区"], 4).value is None


def test_the_round_trip_previews_then_writes_on_confirmation(logged_in, plan, places, clerk):
    enter(plan, 4, clerk, {places["b"]: (2, "3500.5"), places["c"]: (1, "800")})
    book = filled(logged_in, 甲社区=(3, 12000), 乙社区=(4, "5,000.00"))  # 丙 as recorded
    before = snapshot()
    preview = upload(logged_in, book)
    assert preview.status_code == 200
    result = preview.context["preview"]
    outcomes = {c.community.name: c.outcome for c in result.changes}
    assert outcomes == {"甲社区": "new", "乙社区": "changed", "丙社区": "unchanged"}
    page = preview.content.decode()
    assert "新增1个，更正1个，不变1个，留空0个。" in page and "确认导入" in page
    assert snapshot() == before  # the preview writes nothing
    response = confirm(logged_in, preview)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:year", args=[2021])
    # The message counts 丙, which the file left as recorded, as the preview did.
    said = [str(m) for m in response.wsgi_request._messages]
    assert said == ["已保存2021年4月：新录入1个社区，更正1个，不变1个。"]
    got = {r.community.name: (r.cases, r.losses) for r in FraudCases.objects.all()}
    assert got == {
        "甲社区": (3, Decimal("12000")),
        "乙社区": (4, Decimal("5000")),
        "丙社区": (1, Decimal("800")),
    }
    assert FraudCases.objects.get(community=places["c"]).history.count() == 1  # untouched
    # Confirmed again (a double tap, the back button): nothing changes.
    again = confirm(logged_in, preview)
    assert [str(m) for m in again.wsgi_request._messages][-1].startswith("没有变化")
    assert FraudCases.history.count() == 4


def test_a_community_left_empty_is_kept_as_it_is(logged_in, plan, places, clerk):
    enter(plan, 4, clerk, {places["b"]: (2, "3500")})
    book = filled(logged_in, 甲社区=(1, 100), 乙社区=(None, None))
    preview = upload(logged_in, book)
    outcomes = {c.community.name: c.outcome for c in preview.context["preview"].changes}
    assert outcomes["乙社区"] == outcomes["丙社区"] == "empty"
    confirm(logged_in, preview)
    assert FraudCases.objects.get(community=places["b"]).cases == 2


def test_figures_changed_after_the_preview_are_not_overwritten(
    logged_in, plan, places, clerk, people
):
    preview = upload(logged_in, filled(logged_in, 甲社区=(3, 12000)))
    enter(plan, 4, people["office"], {places["a"]: (5, "9000")})
    response = confirm(logged_in, preview)
    assert response.status_code == 302
    message = [str(m) for m in response.wsgi_request._messages][-1]
    assert message.startswith("未导入：预览后有人修改了本月数字（甲社区）")
    assert FraudCases.objects.get().cases == 5


def test_a_forged_or_someone_elses_preview_is_refused(logged_in, client, plan, places, people):
    preview = upload(logged_in, filled(logged_in, 甲社区=(3, 12000)))
    forged = logged_in.post(IMPORT, {"confirm": "1", "signed": "forged"})
    assert forged.status_code == 302 and forged["Location"] == IMPORT
    client.force_login(people["office"])
    assert confirm(client, preview)["Location"] == IMPORT  # signed for the clerk, not the office
    assert not FraudCases.objects.exists()


def test_the_leadership_cannot_import(client, plan, people):
    client.force_login(people["leader"])
    assert client.post(IMPORT, {"confirm": "1", "signed": "x"}).status_code == 403


# Each wrong file, refused whole with the row and cell named, nothing written.


def wrong_header(book):
    book.active["D3"] = "案件"


def wrong_month(book):
    book.active["D2"] = 5


def month_as_text(book):
    book.active["D2"] = "四月"


def unknown_community(book):
    book.active["B4"] = "丁社区"


def misspelt_community(book):
    book.active["B4"] = "甲社 区x"


def twice(book):
    book.active["B5"] = book.active["B4"].value
    book.active["D4"], book.active["E4"] = 1, 10
    book.active["D5"], book.active["E5"] = 1, 10


def bad_cases(book):
    book.active["D4"], book.active["E4"] = "约3起", 100


def negative_losses(book):
    book.active["D4"], book.active["E4"] = 1, -100


def half_filled(book):
    book.active["D4"], book.active["E4"] = 1, None


def no_name(book):
    book.active["B4"] = None
    book.active["D4"], book.active["E4"] = 1, 100


def date_for_a_number(book):
    book.active["D4"], book.active["E4"] = date(2021, 4, 1), 100


# (what the clerk did to the template, the problem the page names)
BAD_SHEETS = [
    (wrong_header, "第3行，A3:E3单元格：表头应为：序号、社区、工作点、发案数（起）、损失金额"),
    (wrong_month, "第2行，B2、D2单元格：这是2021年5月的模板，不是2021年4月的"),
    (month_as_text, "第2行，D2单元格：“四月”不是模板的年份或月份"),
    (unknown_community, "第4行，B4单元格：“丁社区”不是本街道的社区"),
    (misspelt_community, "是否为“甲社区”"),
    (twice, "第5行，B5单元格：丙社区出现两次（另见第4行）"),
    (bad_cases, "第4行，D4单元格：“约3起”不是案件数"),
    (negative_losses, "第4行，E4单元格：数字不能为负数"),
    (half_filled, "第4行，E4单元格：请同时填写损失金额"),
    (no_name, "第4行，B4单元格：社区名称为空"),
    (date_for_a_number, "第4行，D4单元格："),
]


@pytest.mark.parametrize(("spoil", "problem"), BAD_SHEETS, ids=[b[0].__name__ for b in BAD_SHEETS])
def test_a_wrong_sheet_is_refused_naming_row_and_cell(logged_in, plan, places, spoil, problem):
    book = filled(logged_in, 甲社区=(1, 100), 乙社区=(2, 200), 丙社区=(0, 0))
    spoil(book)
    before = snapshot()
    response = upload(logged_in, book)
    assert response.status_code == 200
    page = response.content.decode()
    assert "未导入：请在Excel中改正以下问题后重新上传。" in page
    assert problem in page
    assert response.context["preview"] is None and "signed" not in response.context
    assert snapshot() == before


# (file, the words beside the file field)
BAD_FILES = [
    (SimpleUploadedFile("发案.xlsx", "社区,发案数".encode()), "不是Excel"),
    (SimpleUploadedFile("发案.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100), "旧版Excel文件（.xls）"),
    (SimpleUploadedFile("发案.xlsx", b"PK" + b"\0" * (MAX_SIZE + 1)), "文件超过1024 KB"),
    (SimpleUploadedFile("发案.xlsx", b""), "所选文件是空的"),
]


@pytest.mark.parametrize(("file", "words"), BAD_FILES, ids=["csv", "xls", "too_large", "empty"])
def test_a_file_that_is_not_a_template_is_refused_beside_the_field(logged_in, plan, file, words):
    response = upload(logged_in, file)
    assert response.status_code == 200
    assert any(words in error for error in response.context["form"].errors["file"])
    assert 'aria-describedby="id_file_error"' in response.content.decode()
    assert not FraudCases.objects.exists()


def test_no_file_at_all_is_refused(logged_in, plan):
    response = logged_in.post(IMPORT, {})
    assert response.context["form"].errors["file"] == ["请选择填好的Excel模板。"]


def test_a_refused_file_is_summed_up_where_the_page_opens(logged_in, plan):
    """The form is sent to #error-summary: refused, the page opens at the summary, which
    links to the field (on a phone the field is below the fold)."""
    form_tag = f'action="{IMPORT}#error-summary"'
    assert form_tag in logged_in.get(IMPORT).content.decode()
    page = logged_in.post(IMPORT, {}).content.decode()
    assert 'id="error-summary"' in page and 'href="#div_id_file"' in page
    assert page.index('id="error-summary"') < page.index(form_tag)


def test_a_file_with_nothing_new_offers_no_confirmation(logged_in, plan, places, clerk):
    enter(plan, 4, clerk, {places["a"]: (1, "100")})
    response = upload(logged_in, download(logged_in))
    page = response.content.decode()
    assert "文件中没有新数字" in page and 'name="confirm"' not in page


def import_queries(client):
    """Queries of the preview and of the confirmation of a template with every community."""
    book = download(client)
    sheet = book.active
    for row in rows_of(sheet).values():
        sheet.cell(row, 4).value, sheet.cell(row, 5).value = 1, 100
    with CaptureQueriesContext(connection) as previewing:
        preview = upload(client, book)
    with CaptureQueriesContext(connection) as confirming:
        confirm(client, preview)
    return len(previewing), len(confirming)


def test_import_queries_do_not_grow_with_the_communities(logged_in, plan, places):
    few = import_queries(logged_in)
    FraudCases.objects.all().delete()
    cases_fixtures.more_communities(places, 20)
    assert import_queries(logged_in) == few
