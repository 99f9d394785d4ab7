"""The staff home page: each month's state, deadline and days left or late."""

from datetime import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Community
from reporting.models import MonthlyReport
from tests.conftest import add_activity

pytestmark = pytest.mark.django_db


def month_card(page, month):
    start = page.index(f"2021年{month}月")
    return page[start : page.index("</li>", start)]


@pytest.mark.parametrize(
    ("rule", "clock", "timing"),
    [
        ("M2 the evening before the deadline", "2021-05-01T18:00:00+08:00", "还剩1天"),
        ("M2 the last second", "2021-05-01T23:59:59+08:00", "还剩1天"),
        ("M2 the first late second", "2021-05-02T00:00:00+08:00", "已逾期1天"),
        ("M2 a day and a second later", "2021-05-03T00:00:01+08:00", "已逾期2天"),
        ("M2 ten days before", "2021-04-22T00:00:00+08:00", "还剩10天"),
    ],
)
def test_days_left_or_overdue_for_a_month_not_submitted(client, people, plan, rule, clock, timing):
    client.force_login(people["alice"])
    with time_machine.travel(datetime.fromisoformat(clock), tick=False):
        page = client.get(reverse("home")).content.decode()
    card = month_card(page, 4)
    assert timing in card, rule
    assert "截止时间: 2021-05-01 24:00" in card


@pytest.mark.parametrize(
    ("rule", "clock", "timing"),
    [
        ("M2 on time at 23:59:59", "2021-05-01T23:59:59+08:00", "已按时报送"),
        ("M2 late at 00:00:00", "2021-05-02T00:00:00+08:00", "逾期不到1分钟报送"),
        ("M2 late by a day and three hours", "2021-05-03T03:00:00+08:00", "逾期1天3小时报送"),
    ],
)
def test_timing_of_a_submitted_month(client, people, april, rule, clock, timing):
    with time_machine.travel(datetime.fromisoformat(clock), tick=False):
        april.submit(people["alice"], truth_confirmed=True)
    client.force_login(people["alice"])
    card = month_card(client.get(reverse("home")).content.decode(), 4)
    assert timing in card, rule
    assert "已报送" in card


def test_every_duty_month_is_listed_with_its_state(client, people, april):
    client.force_login(people["alice"])
    page = client.get(reverse("home")).content.decode()
    for month in range(4, 11):
        assert f"2021年{month}月" in page
    assert "2021年3月" not in page
    assert "草稿" in month_card(page, 4)
    assert "开始填报" in month_card(page, 5)


def test_the_year_can_be_chosen(client, people, plan):
    from reporting.models import Plan

    Plan.objects.create(year=2022, duty_months=[5], deadline_day=3)
    client.force_login(people["alice"])
    page = client.get(reverse("home"), {"year": 2022}).content.decode()
    assert "2022年5月" in page
    assert "2022-06-03 24:00" in page
    assert "2022年4月" not in page


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_pages_use_a_fixed_number_of_queries(client, people, plan, places):
    """More communities, reports, activities and photos: the same number of queries."""
    alice, office = people["alice"], people["office"]
    report = MonthlyReport.start(places["a"].pk, plan, 4, by=alice)
    add_activity(report, alice)
    client.force_login(office)
    counts_before = (
        queries_for(client, reverse("home")),
        queries_for(client, report.get_absolute_url()),
    )
    for n in range(20):
        community = Community.objects.create(name=f"新社区{n}", work_point=places["point"])
        MonthlyReport.start(community.pk, plan, 5, by=office)
    for _ in range(4):
        add_activity(report, alice, photos=3)
    counts_after = (
        queries_for(client, reverse("home")),
        queries_for(client, report.get_absolute_url()),
    )
    assert counts_after == counts_before
    client.force_login(alice)
    assert queries_for(client, reverse("home")) <= 8
