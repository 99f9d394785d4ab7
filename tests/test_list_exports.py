"""The office's lists as Excel (导出Excel): read from the database as values, each
column says what the portal says of the same row (the model's own methods), and a
list takes the same queries whatever its length."""

import io
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from communities.models import Community, PropagandaTeam, TeamMember
from reporting.models import ActivityForm, MonthlyReport
from reporting.periods import local
from tests.conftest import add_activity

TIMELINESS = {True: "按时", False: "逾期", None: "未报送"}
EXPORTS = {
    "reports": "admin:reporting_monthlyreport_export",
    "activities": "admin:reporting_activity_export",
    "communities": "admin:communities_community_export",
}


def exported(client, url):
    """The list's rows as dicts by header, and the queries the download took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(url))
        content = b"".join(response.streaming_content)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    headers = rows[1]  # row 1 is the heading
    return [dict(zip(headers, row, strict=True)) for row in rows[2:]], len(queries)


def say(value):
    """A cell as openpyxl reads it back: an empty text is an empty cell."""
    return value if value != "" else None


@pytest.fixture
def reports(plan, places, people, submitted):
    """A's April on time (submitted by alice); B's April late, by a user with a full
    name, and returned; C's April a draft; A's May submitted by a user with no name, and
    found falsified."""
    people["bob"].first_name, people["bob"].last_name = "林", "小明"
    people["bob"].save()
    late = MonthlyReport.start(places["b"].pk, plan, 4, by=people["bob"])
    add_activity(late, people["bob"], photos=1)
    late.submit(people["bob"], truth_confirmed=True, at=plan.late_from(4) + timedelta(days=2))
    late.return_(people["office"], "照片不清楚")
    draft = MonthlyReport.start(places["c"].pk, plan, 4, by=people["office"])
    add_activity(draft, people["office"], photos=0)
    may = MonthlyReport.start(places["a"].pk, plan, 5, by=people["alice"])
    add_activity(may, people["alice"], photos=1)
    may.submit(people["nobody"], truth_confirmed=True, at=plan.late_from(5) - timedelta(days=1))
    may.mark_falsified(people["office"], "照片与上月重复")
    return [submitted, late, draft, may]


def test_the_report_list_says_what_each_report_says(office, reports):
    rows, _queries = exported(office, EXPORTS["reports"])
    by_report = {(row["社区"], row["月份"]): row for row in rows}
    assert len(rows) == len(reports)
    for report in MonthlyReport.objects.with_falsified().filter(pk__in=[r.pk for r in reports]):
        row = by_report[report.community.name, report.month]
        user = report.submitted_by
        assert row == {
            "社区": report.community.name,
            "工作点": report.community.work_point.name,
            "年度": 2021,
            "月份": report.month,
            "状态": report.get_state_display(),
            "首次报送时间": local(report.first_submitted_at).replace(tzinfo=None)
            if report.first_submitted_at
            else None,
            "是否按时": TIMELINESS[report.is_on_time],
            "弄虚作假": "是" if report.is_falsified else None,
            "报送人": say((user.get_full_name() or user.get_username()) if user else ""),
            "活动数": report.activities.count(),
            "退回原因": say(report.return_reason),
        }, report
    assert {row["报送人"] for row in rows} == {"alice", "林 小明", "nobody", None}
    assert {row["是否按时"] for row in rows} == {"按时", "逾期", "未报送"}


def test_the_activity_list_names_each_form_as_the_report_does(office, submitted, people):
    other = add_activity(submitted, people["alice"], photos=0)
    other.form, other.form_other, other.position = ActivityForm.OTHER, "快板表演", 3
    other.save()
    boards = add_activity(submitted, people["alice"], photos=0)
    boards.form, boards.position = ActivityForm.DISPLAY_BOARD, 4
    boards.save()
    rows, _queries = exported(office, EXPORTS["activities"])
    assert [(row["序号"], row["开展形式"], row["照片数"]) for row in rows] == [
        (a.position, a.form_label, a.photos.count())
        for a in submitted.activities.order_by("position", "pk")
    ]
    assert [row["开展形式"] for row in rows][2:] == ["快板表演", "摆放展板"]
    assert rows[0]["时间"] == datetime(2021, 4, 10, 9, 30)  # local time, no zone


def test_the_community_list_gives_each_team_and_its_work_group_contact(office, places):
    team = PropagandaTeam.objects.create(community=places["a"], established_on="2021-03-01")
    TeamMember.objects.create(
        team=team, name="林主任", role="网格员", phone="0595-85600002", is_group_contact=True
    )
    TeamMember.objects.create(team=team, name="王警官", role="民警", phone="110")
    PropagandaTeam.objects.create(community=places["b"])  # no date, nobody yet
    rows, _queries = exported(office, EXPORTS["communities"])
    assert {row.pop("社区"): tuple(row.values()) for row in rows} == {
        # 工作点, 宣讲队伍成立日期, 队伍人数, 工作群联系人, 联系电话
        "甲社区": ("缺塘点", datetime(2021, 3, 1), 2, "林主任", "0595-85600002"),
        "乙社区": ("苏内点", None, 0, None, None),
        "丙社区": ("缺塘点", None, 0, None, None),  # no team at all
    }


@pytest.mark.parametrize("url", EXPORTS.values(), ids=EXPORTS.keys())
def test_a_list_takes_the_same_queries_however_long(office, plan, places, people, url):
    """One values_list for the rows: no query per row, nor per team or user."""
    report = MonthlyReport.start(places["a"].pk, plan, 4, by=people["alice"])
    add_activity(report, people["alice"])
    report.submit(people["alice"], truth_confirmed=True)
    _rows, few = exported(office, url)
    for n in range(6):
        community = Community.objects.create(name=f"新社区{n}", work_point=places["point"])
        team = PropagandaTeam.objects.create(community=community, established_on="2021-03-01")
        TeamMember.objects.create(
            team=team, name=f"联系人{n}", role="网格员", is_group_contact=True
        )
        more = MonthlyReport.start(community.pk, plan, 4, by=people["office"])
        add_activity(more, people["office"])
        add_activity(more, people["office"])
        more.submit(people["bob" if n % 2 else "nobody"], truth_confirmed=True)
    rows, many = exported(office, url)
    assert len(rows) > 6
    assert many == few
