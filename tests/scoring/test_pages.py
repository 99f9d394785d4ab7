"""The score pages as each role sees them, their query count, and the office's actions."""

import io
import json
import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from communities.models import Community, PropagandaTeam
from reporting.models import MonthlyReport
from reporting.periods import LOCAL
from scoring.models import OfficialWarning
from tests.scoring.conftest import AFTER_Q2

pytestmark = pytest.mark.django_db

QUARTER = reverse("scoring:quarter", args=["2021Q2"])
PAGES = {
    "index": reverse("scoring:index"),
    "quarter": QUARTER,
    "xlsx": reverse("scoring:quarter_xlsx", args=["2021Q2"]),
    "work_points": reverse("scoring:work_points", args=["2021Q2"]),
}


@pytest.fixture(autouse=True)
def after_q2():
    with time_machine.travel(AFTER_Q2, tick=False):
        yield


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [("office", 200), ("leader", 200), ("alice", 403), ("head", 403), ("nobody", 403)],
)
def test_quarter_pages_by_role(client, people, q2, page, who, status):
    client.force_login(people[who])
    assert client.get(PAGES[page]).status_code == status


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, q2, page):
    response = client.get(PAGES[page])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "community", "status"),
    [
        ("alice", "a", 200),
        ("alice", "b", 404),
        ("bob", "a", 404),
        ("head", "a", 200),
        ("head", "b", 404),
        ("office", "b", 200),
        ("leader", "c", 200),
    ],
)
def test_ledger_by_role(client, people, places, q2, who, community, status):
    client.force_login(people[who])
    url = reverse("scoring:ledger", args=["2021Q2", places[community].pk])
    assert client.get(url).status_code == status


def test_quarter_without_duty_is_not_found(client, people, q2):
    client.force_login(people["leader"])
    assert client.get(reverse("scoring:quarter", args=["2021Q1"])).status_code == 404
    assert client.get("/scores/2021Q5/").status_code == 404


def test_quarter_page_says_who_is_worst_and_why(client, people, q2):
    client.force_login(people["leader"])
    page = client.get(QUARTER).content.decode()
    assert page.index("丙社区") < page.index("乙社区") < page.index("甲社区")
    assert "2021年5月报表逾期3天报送" in page
    assert "未建立宣讲队伍" in page
    assert "前三名" in page
    assert "<svg" in page
    # The chart is drawn here, nothing loaded from another host (a nonce may spell "cdn").
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_filter_by_work_point_and_sort(client, people, places, q2):
    client.force_login(people["leader"])
    page = client.get(QUARTER, {"point": places["other_point"].pk}).content.decode()
    assert "乙社区" in page and "丙社区" not in page
    page = client.get(QUARTER, {"sort": "community"}).content.decode()
    names = sorted(["甲社区", "乙社区", "丙社区"])
    assert [page.index(n) for n in names] == sorted(page.index(n) for n in names)
    assert client.get(QUARTER, {"point": "999", "sort": "bogus"}).status_code == 200


def test_staff_see_their_ledger_from_home(client, people, places, q2):
    client.force_login(people["alice"])
    home = client.get(reverse("home")).content.decode()
    link = f"{reverse('scoring:our_ledger')}?year=2021"
    assert link in home
    # On 10 July the current quarter is Q3: everything in it still pending.
    current = reverse("scoring:ledger", args=["2021Q3", places["a"].pk])
    assert client.get(link).url == current
    assert "待定" in client.get(current).content.decode()
    page = client.get(reverse("scoring:ledger", args=["2021Q2", places["a"].pk])).content.decode()
    assert f'href="{current}"' in page  # the year's other quarters, a tap away
    assert "宣讲队伍于2021-03-20建立" in page
    assert reverse("report", args=[q2["a", 4].pk]) in page  # each item links to its report


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_quarter_page_uses_a_fixed_number_of_queries_for_400_communities(
    client, people, plan, places, q2
):
    client.force_login(people["office"])
    few = queries(client, QUARTER)
    point = places["point"]
    communities = Community.objects.bulk_create(
        Community(name=f"社区{n:03d}", work_point=point) for n in range(397)
    )
    PropagandaTeam.objects.bulk_create(
        PropagandaTeam(community=c, established_on=date(2021, 3, 1)) for c in communities[::2]
    )
    for month in (4, 5, 6):
        MonthlyReport.objects.bulk_create(
            MonthlyReport(community=c, plan=plan, month=month) for c in communities[::3]
        )
    assert Community.objects.count() == 400
    many = queries(client, QUARTER)
    assert many == few
    assert many <= 20
    print(f"quarter page: {many} queries for 400 communities")


def test_xlsx_is_the_quarter_page_laid_out_for_printing(client, people, q2):
    client.force_login(people["leader"])
    response = client.get(PAGES["xlsx"])
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "季度考评" in sheet["A1"].value
    assert [c.value for c in sheet[3]] == [
        "排名",
        "社区",
        "工作点",
        "扣分",
        "扣分明细",
        "累计次数",
        "警告",
    ]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert [r[1] for r in rows] == ["丙社区", "乙社区", "甲社区"]
    assert rows[1][3] == 3 and isinstance(rows[1][3], int)
    assert "2021年5月报表逾期3天报送" in rows[1][4]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$3:$3"


def test_xlsx_keeps_typed_text_as_text(client, people, q2):
    q2["a", 5].mark_falsified(people["office"], '=HYPERLINK("http://x","y")')
    Community.objects.filter(pk=q2["a", 5].community_id).update(name="=1+1")
    client.force_login(people["office"])
    sheet = load_workbook(io.BytesIO(client.get(PAGES["xlsx"]).content)).active
    cells = [c for row in sheet.iter_rows(min_row=4) for c in row]
    assert any(c.value == "=1+1" and c.data_type == "s" for c in cells)
    assert all(c.data_type != "f" for c in cells)


def test_command_json_has_exactly_the_agreed_keys_and_agrees_with_the_page(client, people, q2):
    out = io.StringIO()
    call_command("quarter_scores", "2021Q2", "--format", "json", stdout=out)
    records = json.loads(out.getvalue())
    assert [set(r) for r in records] == [
        {
            "community",
            "work_point",
            "total",
            "items",
            "rank",
            "in_top_three",
            "strikes",
            "warning_due",
        }
    ] * 3
    b = next(r for r in records if r["community"] == "乙社区")
    assert b["total"] == 3 and b["rank"] == 2 and b["in_top_three"] and b["strikes"] == 1
    assert b["items"][0] == {"rule": "S1", "month": None, "points": 1, "reason": "未建立宣讲队伍"}
    assert [i["month"] for i in b["items"]] == [None, "2021-04", "2021-05"]
    client.force_login(people["leader"])
    page = client.get(QUARTER).content.decode()
    for record in records:
        for item in record["items"]:
            assert item["reason"] in page


def test_command_at_shows_pending_months(q2):
    out = io.StringIO()
    call_command(
        "quarter_scores",
        "2021Q2",
        "--format",
        "json",
        "--at",
        "2021-07-01T23:59:59+08:00",
        stdout=out,
    )
    b = next(r for r in json.loads(out.getvalue()) if r["community"] == "乙社区")
    assert [i["month"] for i in b["items"]] == [None, "2021-04", "2021-05"]
    out = io.StringIO()
    call_command(
        "quarter_scores", "2021Q2", "--format", "json", "--at", "2021-05-01T12:00+08:00", stdout=out
    )
    assert all(r["total"] == 0 for r in json.loads(out.getvalue()))


def test_command_table_and_errors(q2):
    out = io.StringIO()
    call_command("quarter_scores", "2021Q2", stdout=out)
    assert "丙社区" in out.getvalue() and "未建立宣讲队伍" in out.getvalue()
    from django.core.management.base import CommandError

    for bad in (["2021Q9"], ["2030Q2"], ["2021Q2", "--at", "yesterday"]):
        with pytest.raises(CommandError):
            call_command("quarter_scores", *bad, stdout=io.StringIO())


@pytest.mark.parametrize("who", ["alice", "head", "leader"])
def test_only_the_office_issues_warnings(client, people, places, q2, who):
    """The findings' side of this is in tests/reporting/test_findings.py."""
    client.force_login(people[who])
    url = reverse("scoring:issue_warning", args=["2021Q2", places["c"].pk])
    assert client.post(url, {"issued_on": "2021-07-05"}).status_code == 403
    assert not OfficialWarning.objects.exists()


def test_office_issues_a_due_warning_and_records_the_interview(client, people, plan, places, q2):
    from scoring.models import Inspection, InspectionResult

    for day in (date(2021, 5, 20), date(2021, 6, 25)):
        inspection = Inspection.objects.create(plan=plan, held_on=day, title="督查")
        InspectionResult.objects.create(inspection=inspection, community=places["c"], points=2)
    client.force_login(people["office"])
    assert "有1个社区应予警告" in client.get(QUARTER).content.decode()
    url = reverse("scoring:issue_warning", args=["2021Q2", places["b"].pk])
    page = client.post(url, {"issued_on": "2021-07-06"}, follow=True).content.decode()
    assert "该社区目前不需要警告" in page
    url = reverse("scoring:issue_warning", args=["2021Q2", places["c"].pk])
    client.post(url, {"issued_on": "2021-07-06", "notes": "累计3次"})
    warning = OfficialWarning.objects.get()
    assert warning.community == places["c"] and "督查" in warning.strikes
    client.post(url, {"issued_on": "2021-07-07"})
    assert OfficialWarning.objects.count() == 1  # a double submit adds nothing
    ledger = reverse("scoring:ledger", args=["2021Q2", places["c"].pk])
    client.post(
        reverse("scoring:record_interview", args=[warning.pk]),
        {"held_on": "2021-07-08", "interviewed": "社区书记；综治办主任", "back": ledger},
    )
    warning.refresh_from_db()
    assert warning.interview_held_on == date(2021, 7, 8)
    page = client.get(QUARTER).content.decode()
    assert "已警告 2021-07-06" in page
    assert "应予警告" not in page  # nothing outstanding any more


def test_inspection_page_ranks_like_a_quarter(client, people, plan, places, q2):
    from scoring.models import Inspection, InspectionResult

    inspection = Inspection.objects.create(plan=plan, held_on=date(2021, 6, 1), title="六月督查")
    for key, points in (("a", 2), ("b", 2), ("c", 1)):
        InspectionResult.objects.create(inspection=inspection, community=places[key], points=points)
    client.force_login(people["leader"])
    page = client.get(reverse("scoring:inspection", args=[inspection.pk])).content.decode()
    assert "六月督查" in page and page.count("前三名") == 3
    assert (
        reverse("scoring:inspection", args=[inspection.pk])
        in client.get(PAGES["index"]).content.decode()
    )


def test_trend_and_work_point_pages(client, people, places, q2):
    client.force_login(people["leader"])
    page = client.get(PAGES["work_points"]).content.decode()
    assert "报送率" in page and "50%" in page
    ledger = client.get(reverse("scoring:ledger", args=["2021Q2", places["b"].pk])).content.decode()
    assert "各季度扣分" in ledger


def test_pages_never_fail_before_any_report(client, people, plan):
    with time_machine.travel(datetime(2021, 4, 2, tzinfo=LOCAL) + timedelta(hours=1), tick=False):
        client.force_login(people["leader"])
        assert client.get(QUARTER).status_code == 200
