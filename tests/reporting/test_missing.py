"""Who owes the office a month (reporting/missing.py), worked out in the database: the
same rows as the rules say (M2, M3), counted and cut without reading every community."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import Community, PropagandaTeam, TeamMember
from reporting.missing import first_missing, missing_reports, owing
from reporting.models import MonthlyReport
from tests.conftest import add_activity

pytestmark = pytest.mark.django_db

# What a community did for April, and what it owes the office then (None: nothing).
CASES = {
    "no report": (None, "missing"),
    "a draft": ("draft", "missing"),
    "submitted a second before the deadline": ("in time", None),
    "submitted at the deadline": ("at deadline", "late"),
    "submitted late": ("late", "late"),
    "returned, not resubmitted": ("returned", "returned"),
    "submitted in time, returned and resubmitted late": ("resubmitted", None),
    "accepted": ("accepted", None),
}


def make(case, community, plan, by):
    """Community's April as the case says."""
    done = CASES[case][0]
    if done is None:
        return None
    report = MonthlyReport.start(community.pk, plan, 4, by=by)
    add_activity(report, by)
    late_from = plan.late_from(4)
    moment = {
        "in time": late_from - timedelta(seconds=1),
        "at deadline": late_from,
        "late": late_from + timedelta(days=2),
    }.get(done, late_from - timedelta(days=1))
    if done != "draft":
        report.submit(by, truth_confirmed=True, at=moment)
    if done in ("returned", "resubmitted"):
        report.return_(by, "照片不清楚")
    if done == "resubmitted":
        report.submit(by, truth_confirmed=True, at=late_from + timedelta(days=3))
    if done == "accepted":
        report.accept(by)
    return report


@pytest.mark.parametrize("case", CASES)
def test_what_a_community_owes_for_a_month(plan, places, people, case):
    report = make(case, places["a"], plan, people["office"])
    rows = {row.community: row for row in missing_reports(plan, 4)}
    expected = CASES[case][1]
    assert (rows[places["a"]].status if places["a"] in rows else None) == expected
    if expected:
        assert rows[places["a"]].report == report


def test_the_first_few_are_the_first_rows_of_the_whole_list_and_all_are_counted(
    plan, places, people
):
    for n in range(9):
        community = Community.objects.create(name=f"社区{n}", work_point=places["other_point"])
        make(list(CASES)[n % len(CASES)], community, plan, people["office"])
    team = PropagandaTeam.objects.create(community=places["b"], established_on="2021-03-01")
    TeamMember.objects.create(team=team, name="林联络", phone="13900000000", is_group_contact=True)
    every = missing_reports(plan, 4)
    first, total = first_missing(plan, 4, 4)
    assert first == every[:4]
    assert total == len(every) == owing(plan, 4).count()
    assert [row.contact.name for row in every if row.contact] == ["林联络"]
    assert first_missing(plan, 5, 4)[1] == Community.objects.count()


def test_none_owing_counts_none(plan, places, people):
    for community in (places["a"], places["b"], places["c"]):
        make("accepted", community, plan, people["office"])
    assert first_missing(plan, 4, 12) == ([], 0)


@pytest.mark.parametrize("size", [2, 20])
def test_the_queries_are_two_at_any_size(plan, places, people, size):
    for n in range(size):
        Community.objects.create(name=f"社区{n}", work_point=places["point"])
    with CaptureQueriesContext(connection) as queries:
        first_missing(plan, 4, 12)
    assert len(queries) == 2
    with CaptureQueriesContext(connection) as queries:
        missing_reports(plan, 4)
    assert len(queries) == 2
