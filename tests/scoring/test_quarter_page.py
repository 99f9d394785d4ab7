"""The quarter page at a province's size: read a page at a time, worst first, any
community found by work point or by name; the chart the same size whatever the rows."""

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from scoring import charts, views
from scoring.models import Inspection, InspectionResult
from tests.scoring.conftest import AFTER_Q2

pytestmark = pytest.mark.django_db
QUARTER = reverse("scoring:quarter", args=["2021Q2"])


@pytest.fixture(autouse=True)
def after_q2():
    with time_machine.travel(AFTER_Q2, tick=False):
        yield


def shown(page):
    """The communities in the table, in order."""
    return re.findall(r'data-community="([^"]+)"', page)


@pytest.fixture
def two_a_page(monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)


def test_the_ranking_is_read_a_page_at_a_time_worst_first(client, people, q2, two_a_page):
    client.force_login(people["leader"])
    first = client.get(QUARTER).content.decode()
    assert shown(first) == ["丙社区", "乙社区"]
    assert "第1–2个社区，共3个" in first
    assert 'href="?page=2"' in first and "下一页" in first
    second = client.get(QUARTER, {"page": 2}).content.decode()
    assert shown(second) == ["甲社区"]
    assert "上一页" in second
    # A page past the end shows the last one; a page that is no number, the first.
    assert shown(client.get(QUARTER, {"page": 9}).content.decode()) == ["甲社区"]
    assert shown(client.get(QUARTER, {"page": "x"}).content.decode()) == ["丙社区", "乙社区"]


def test_the_pages_keep_the_filter_and_the_order(client, people, q2, two_a_page):
    client.force_login(people["leader"])
    page = client.get(QUARTER, {"sort": "community"}).content.decode()
    assert shown(page) == sorted(["甲社区", "乙社区", "丙社区"])[:2]
    assert 'href="?sort=community&amp;page=2"' in page


@pytest.mark.parametrize(
    ("query", "communities"),
    [
        ({"name": "乙"}, ["乙社区"]),
        ({"name": "社区"}, ["丙社区", "乙社区", "甲社区"]),
        ({"name": "丁"}, []),
        ({"name": "社区", "sort": "work_point"}, ["丙社区", "甲社区", "乙社区"]),
    ],
)
def test_any_community_is_found_by_name(client, people, q2, query, communities):
    client.force_login(people["leader"])
    page = client.get(QUARTER, query).content.decode()
    assert shown(page) == communities
    if not communities:
        assert "没有符合条件的社区" in page


def test_the_warnings_due_are_at_the_top_with_a_way_to_list_them_first(
    client, people, plan, places, q2
):
    for day in (date(2021, 5, 20), date(2021, 6, 25)):
        inspection = Inspection.objects.create(plan=plan, held_on=day, title="督查")
        InspectionResult.objects.create(inspection=inspection, community=places["c"], points=2)
    client.force_login(people["leader"])
    page = client.get(QUARTER).content.decode()
    assert page.index("有1个社区应予警告") < page.index("<table")
    assert 'href="?sort=strikes"' in page
    assert shown(client.get(QUARTER, {"sort": "strikes"}).content.decode())[0] == "丙社区"


@pytest.mark.parametrize("communities", [3, 20000])
def test_the_chart_has_six_bars_whatever_the_number_of_communities(communities):
    """One bar per deduction, 0 to 5 (S4): its size does not grow with the rows."""
    svg = str(charts.deductions_count([n % 6 for n in range(communities)]).svg)
    assert svg.count('class="rect reactive tooltip-trigger"') == 6
    assert len(svg) < 10_000
