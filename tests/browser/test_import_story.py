"""The office imports the sheets communities e-mailed before the portal, on a phone and
at a desk: a file with a mistake first, then the corrected file, with one month that
already has a report in the portal."""

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from communities.permissions import grant_office_permissions
from reporting.models import MonthlyReport
from tests.browser.conftest import log_in_to_desk, serious_violations
from tests.conftest import PASSWORD, add_activity
from tests.reporting.test_import import GOOD_ROWS, content, old_sheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def workbook(path, participants_of_b):
    book = Workbook()
    old_sheet(book, "甲社区", "2021年5月1日 16:30", GOOD_ROWS)
    old_sheet(
        book,
        "乙社区",
        "2021年5月3日",
        [[1, "2021年4月15日", "乙社区广场", "摆放展板", participants_of_b, "展板前讲解"]],
    )
    old_sheet(book, "丙社区", "2021年5月1日", GOOD_ROWS)
    path.write_bytes(content(book))
    return path


def open_import(page, live_server):
    page.goto(f"{live_server.url}/admin/reporting/monthlyreport/")
    page.get_by_role("link", name="导入旧报表").click()
    expect(page.get_by_role("heading", name="导入旧报表（附件2）")).to_be_visible()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_office_imports_old_sheets_after_correcting_one(
    request, viewport, live_server, plan, places, people, shoot, tmp_path
):
    page = request.getfixturevalue(viewport)
    width = 375 if viewport == "phone" else 1280
    grant_office_permissions()
    people["office"].is_staff = True
    people["office"].save()
    # 丙社区 has started its April report in the portal: it must stay as it is.
    draft = MonthlyReport.start(places["c"].pk, plan, 4, by=people["alice"])
    add_activity(draft, people["alice"])
    log_in_to_desk(page, live_server, "office", PASSWORD)

    open_import(page, live_server)
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator(".errornote")).to_contain_text("请选择要导入的Excel文件")

    page.get_by_label("Excel 工作簿（.xlsx）").set_input_files(
        workbook(tmp_path / "四月.xlsx", "约50人")
    )
    page.get_by_role("button", name="上传并预览").click()
    problems = page.locator("#import-problems")
    expect(problems).to_contain_text("乙社区")
    expect(problems).to_contain_text("第4行")
    expect(problems).to_contain_text("“约50人”不是人数")
    expect(page.get_by_role("button", name="导入")).to_have_count(0)
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot(page, f"admin-import-problems-{width}")
    page.get_by_role("button", name="放弃这次上传").click()
    expect(page.locator(".messagelist")).to_contain_text("已放弃这次上传")

    page.get_by_label("Excel 工作簿（.xlsx）").set_input_files(
        workbook(tmp_path / "四月改.xlsx", 50)
    )
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-summary")).to_contain_text("文件中共3张工作表")
    expect(page.locator(".import-exists")).to_contain_text("已有报表，不导入")
    expect(page.locator(".import-import").first).to_contain_text("按时")
    expect(page.locator(".import-import").nth(1)).to_contain_text("逾期")
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot(page, f"admin-import-preview-{width}")

    page.get_by_role("button", name="导入2份报表").click()
    # The browser asks for the box first: nothing is sent, nothing written.
    assert MonthlyReport.objects.count() == 1
    page.get_by_label("我知道：所属月份已有报表的1张工作表不导入，只导入其余工作表。").check()
    page.get_by_role("button", name="导入2份报表").click()
    expect(page.locator(".messagelist")).to_contain_text("已导入2份报表")
    assert set(MonthlyReport.objects.values_list("community__name", "state")) == {
        ("甲社区", "submitted"),
        ("乙社区", "submitted"),
        ("丙社区", "draft"),
    }
    assert draft.activities.count() == 1
