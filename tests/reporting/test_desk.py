"""The office's desk for a month (reporting/desk.py): who has not reported, and its files.

Through the admin site, everyone but the office is sent to its login
(test_admin.test_only_the_office_reaches_the_admin, every desk page included);
here each view is also called on its own, to show it asks communities.access itself.
"""

import io
import zipfile
from urllib.parse import quote, urlencode

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from communities.models import PropagandaTeam, TeamMember
from reporting import desk
from reporting.models import MonthlyReport
from tests.conftest import add_activity
from tests.reporting.test_admin import admin_urls

pytestmark = pytest.mark.django_db

MONTH_FILES = (
    "admin:reporting_monthlyreport_missing_xlsx",
    "admin:reporting_monthlyreport_month_attachment2",
    "admin:reporting_monthlyreport_photos_zip",
)


def test_who_has_not_reported_with_contacts(office, people, plan, places, submitted):
    team = PropagandaTeam.objects.create(community=places["b"], established_on="2021-03-01")
    TeamMember.objects.create(
        team=team, name="林联络", role="网格员", phone="13900000000", is_group_contact=True
    )
    page = office.get(admin_urls(submitted)["month"]).content.decode()
    assert "乙社区" in page and "丙社区" in page
    # The contact's number is a link a phone can call.
    assert '<span>林联络</span> <a href="tel:13900000000">13900000000</a>' in page
    assert "<td>甲社区</td>" not in page
    response = office.get(reverse("admin:reporting_monthlyreport_missing_xlsx") + "?month=2021-04")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[0][0] == "2021年4月 未报送情况"
    assert rows[1] == ("工作点", "社区", "情况", "工作群联系人", "联系电话")
    assert ("苏内点", "乙社区", "未报送", "林联络", "13900000000") in rows
    index = office.get(reverse("admin:index")).content.decode()
    assert "who-has-not-reported" in index
    assert '<span>林联络</span> <a href="tel:13900000000">13900000000</a>' in index


def test_unknown_month_is_explained(office, submitted):
    page = office.get(reverse("admin:reporting_monthlyreport_month") + "?month=2021-13")
    assert "该月份没有报表任务" in page.content.decode()


def workbook_from(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_attachment2_for_one_report_from_its_admin_page(office, submitted):
    book = workbook_from(office.get(admin_urls(submitted)["attachment2"]))
    assert book.sheetnames == ["甲社区"]
    assert len(book["甲社区"]._images) == 3


def test_month_attachment2_has_a_sheet_per_submitted_report(
    office, people, plan, places, submitted
):
    other = MonthlyReport.start(places["b"].pk, plan, 4, by=people["bob"])
    add_activity(other, people["bob"])
    other.submit(people["bob"], truth_confirmed=True)
    MonthlyReport.start(places["c"].pk, plan, 4, by=people["office"])  # a draft: left out
    url = reverse("admin:reporting_monthlyreport_month_attachment2") + "?month=2021-04"
    book = workbook_from(office.get(url))
    assert book.sheetnames == ["甲社区", "乙社区"]
    assert len(book["甲社区"]._images) == 3


def test_month_zip_names_and_streams(office, submitted, plan, places, people):
    draft = MonthlyReport.start(places["b"].pk, plan, 4, by=people["bob"])
    add_activity(draft, people["bob"])  # a draft's photos stay with the community
    response = office.get(admin_urls(submitted)["zip"])
    assert response.streaming
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''" + quote("2021年4月反诈骗活动照片.zip")
    )
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert names == [
        "缺塘点/甲社区/2021-04/1-集中宣讲现场.jpg",
        "缺塘点/甲社区/2021-04/1-集中宣讲现场-2.jpg",
        "缺塘点/甲社区/2021-04/2-企业宣讲.jpg",
    ]


@pytest.mark.parametrize(
    ("query", "wrong"),
    [
        ("", None),
        ("?month=2021-13", "该月份没有报表任务"),
        ("?month=2021-03", "该月份没有报表任务"),
        ("?month=april", "请填写年份和月份，例如 2021-04。"),
        ("?" + urlencode({"month": "2021年5月5日"}), "请填写年份和月份，例如 2021-04。"),
    ],
)
@pytest.mark.parametrize("url", MONTH_FILES)
def test_a_file_without_a_month_due_goes_back_to_the_month_page_saying_so(
    office, submitted, url, query, wrong
):
    response = office.get(reverse(url) + query)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:reporting_monthlyreport_month") + query
    page = office.get(response["Location"]).content.decode()
    assert "请先选择有报表任务的月份，再导出该月的文件。" in page
    if wrong:  # what was wrong with the month typed
        assert wrong in page


DESK_VIEWS = {
    "month": lambda request, report: desk.month_page(request, site=admin.site),
    "missing": lambda request, report: desk.missing_xlsx(request),
    "month_attachment2": lambda request, report: desk.month_attachment2(request),
    "zip": lambda request, report: desk.photos_zip(request),
    "attachment2": lambda request, report: desk.report_attachment2(request, pk=report.pk),
}


@pytest.mark.parametrize("view", DESK_VIEWS.values(), ids=DESK_VIEWS.keys())
@pytest.mark.parametrize("who", ["alice", "head", "leader", "nobody"])
def test_each_desk_view_refuses_everyone_but_the_office_by_itself(people, submitted, view, who):
    """Called without the admin site around it, the view still asks communities.access."""
    request = RequestFactory().get("/", {"month": "2021-04"})
    request.user = people[who]
    with pytest.raises(PermissionDenied):
        view(request, submitted)


def test_a_desk_view_called_directly_serves_the_office(people, submitted):
    request = RequestFactory().get("/", {"month": "2021-04"})
    request.user = people["office"]
    assert desk.photos_zip(request).status_code == 200
