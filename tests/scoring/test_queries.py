"""The score pages read a fixed number of queries, whatever the number of communities:
3 or 30 here (bench/quarter_page.py measures 400 and 20,000)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Community, PropagandaTeam
from reporting.models import MonthlyReport
from scoring import gather
from scoring.models import Inspection, InspectionResult
from tests.scoring.conftest import AFTER_Q2

pytestmark = pytest.mark.django_db
QUARTER = reverse("scoring:quarter", args=["2021Q2"])
# Session, user, role, plan; the scores' facts; the work points (twice: the scores and
# the filter's choices) and the warnings; the open evidence flags of the page's communities
# (one query, never cached with the scores: E1); the quarter's circular (C1, publishing's
# template tag); the session saved in a transaction.
QUARTER_QUERIES = 19
CACHED_QUARTER_QUERIES = 14  # the facts from the cache, read under the version in the database


@pytest.fixture(autouse=True)
def after_q2():
    cache.clear()
    with time_machine.travel(AFTER_Q2, tick=False):
        yield
    cache.clear()


def queries(client, url):
    """Counted as the response is made: the next request empties the log."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow_to(size, plan, places, people):
    """More communities, with teams, reports (a draft, a late one) and an inspection."""
    point = places["point"]
    added = Community.objects.bulk_create(
        Community(name=f"社区{n:03d}", work_point=point) for n in range(size - 3)
    )
    PropagandaTeam.objects.bulk_create(
        PropagandaTeam(community=c, established_on=date(2021, 3, 1)) for c in added[::2]
    )
    for month in (4, 5, 6):
        late = plan.late_from(month) + timedelta(days=1)
        MonthlyReport.objects.bulk_create(
            MonthlyReport(community=c, plan=plan, month=month, first_submitted_at=late)
            for c in added[::3]
        )
    inspection = Inspection.objects.create(plan=plan, held_on=date(2021, 6, 1), title="督查")
    InspectionResult.objects.bulk_create(
        InspectionResult(inspection=inspection, community=c, points=2) for c in added[::4]
    )
    assert Community.objects.count() == size


@pytest.mark.parametrize("size", [3, 30])
def test_the_quarter_page_reads_a_fixed_number_of_queries(client, people, plan, places, q2, size):
    grow_to(size, plan, places, people)
    client.force_login(people["leader"])
    assert queries(client, QUARTER) == QUARTER_QUERIES
    assert queries(client, QUARTER + "?sort=community&name=社区&page=1") == QUARTER_QUERIES


@pytest.mark.parametrize("size", [3, 30])
def test_the_cached_quarter_page_reads_a_fixed_number_of_queries(
    monkeypatch, client, people, plan, places, q2, size
):
    monkeypatch.setattr(gather, "CACHE_FROM_COMMUNITIES", 0)
    grow_to(size, plan, places, people)
    client.force_login(people["leader"])
    # The first view works the quarter out and stores it under the version it reads.
    assert queries(client, QUARTER) == QUARTER_QUERIES + 1
    assert queries(client, QUARTER) == CACHED_QUARTER_QUERIES


@pytest.mark.parametrize("size", [3, 30])
def test_the_ledger_reads_a_fixed_number_of_queries(client, people, plan, places, q2, size):
    """The quarter's facts, the year's other months for the trend, the team and its finding,
    the community's open evidence flags (E1: the office sees them)."""
    grow_to(size, plan, places, people)
    client.force_login(people["office"])
    url = reverse("scoring:ledger", args=["2021Q2", places["b"].pk])
    assert queries(client, url) == 20
