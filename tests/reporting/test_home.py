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


IN_2021 = datetime.fromisoformat("2021-04-20T10:00:00+08:00")
IN_2026 = datetime.fromisoformat("2026-11-30T10:00:00+08:00")
NOT_SET_UP = "综治办尚未设置本年度的报送月份（年度方案），请联系综治办"


def month_card(page, month, year=2021):
    start = page.rindex("<li", 0, page.index(f'month-name">{year}年{month}月<'))
    return page[start : page.index("</li>", start)]


def home_at(client, clock, **query):
    with time_machine.travel(clock, tick=False):
        return client.get(reverse("home"), query).content.decode()


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
        ("M2 late by thirty days", "2021-06-01T00:00:00+08:00", "逾期30天报送"),
        ("M2 later still: the date", "2021-06-01T00:01:00+08:00", "于2021-06-01逾期报送"),
        ("M2 years late: the date", "2026-01-05T08:00:00+08:00", "于2026-01-05逾期报送"),
    ],
)
def test_timing_of_a_submitted_month(client, people, april, rule, clock, timing):
    with time_machine.travel(datetime.fromisoformat(clock), tick=False):
        april.submit(people["alice"], truth_confirmed=True)
    client.force_login(people["alice"])
    card = month_card(home_at(client, IN_2026, year=2021), 4)
    assert timing in card, rule
    assert "已报送" in card


def test_every_duty_month_is_listed_with_its_state(client, people, april):
    client.force_login(people["alice"])
    with time_machine.travel(IN_2021, tick=False):
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
    # 8 reads (the reminder banner's plans among them, R1), then the session saved on
    # every request (30-minute idle timeout, issue 9): its UPDATE inside a savepoint in the
    # test's transaction.
    assert queries_for(client, reverse("home")) <= 11


# This year first (issue 7, item 7) ---------------------------------------------


def test_without_this_years_plan_staff_are_told_and_past_years_are_folded(client, people, plan):
    """2026 with only the 2021 plan: the notice, no 2021 month, 2021 behind a fold."""
    client.force_login(people["alice"])
    page = home_at(client, IN_2026)
    assert NOT_SET_UP in page
    assert "2021年4月" not in page and "开始填报" not in page
    fold = page[page.index("<details") : page.index("</details>")]
    assert "<details>" in page  # closed
    assert "往年报表" in fold and 'href="?year=2021"' in fold


def test_this_years_plan_comes_first_and_earlier_years_are_folded(client, people, plan):
    from reporting.models import Plan

    Plan.objects.create(year=2026, duty_months=[3, 11], deadline_day=5)
    client.force_login(people["alice"])
    page = home_at(client, IN_2026)
    assert NOT_SET_UP not in page
    assert "2026年报表" in page
    assert "已逾期（2026-04-05截止）" in month_card(page, 3, 2026)
    assert "还剩6天" in month_card(page, 11, 2026)
    assert "2021年4月" not in page
    assert page.index("2026年11月") < page.index("往年报表")
    assert "返回本年度" not in page


def test_a_past_year_shows_normally_with_the_way_back(client, people, plan):
    client.force_login(people["alice"])
    page = home_at(client, IN_2026, year=2021)
    assert "您正在查看2021年的报表" in page
    assert 'href="/">返回本年度（2026年）' in page
    assert NOT_SET_UP not in page
    for month in range(4, 11):
        assert "开始填报" in month_card(page, month)
    assert "<details open>" in page
    assert 'href="?year=2021" aria-current="page"' in page


def test_a_year_without_a_plan_falls_back_to_this_year(client, people, plan):
    client.force_login(people["alice"])
    for asked in ("2019", "abc", "2026"):
        page = home_at(client, IN_2026, year=asked)
        assert NOT_SET_UP in page and "返回本年度" not in page


@pytest.mark.parametrize(
    ("rule", "clock", "timing"),
    [
        ("a recent month counts days", "2021-05-04T09:00:00+08:00", "已逾期3天"),
        ("thirty days still counted", "2021-06-01T00:00:00+08:00", "已逾期30天"),
        ("past thirty days: the deadline", "2021-06-01T00:00:01+08:00", "已逾期（2021-05-01截止）"),
        ("years later: the deadline", "2026-11-30T10:00:00+08:00", "已逾期（2021-05-01截止）"),
    ],
)
def test_overdue_wording_names_the_deadline_once_the_count_is_old(
    client, people, plan, rule, clock, timing
):
    client.force_login(people["alice"])
    card = month_card(home_at(client, datetime.fromisoformat(clock), year=2021), 4)
    assert timing in card, rule
    assert "is-overdue" in card


def test_earlier_months_that_still_ask_something_stay_on_this_years_page(
    client, people, plan, places
):
    """Returned or draft reports of any earlier year stay in view; submitted ones
    and old months never started stay folded away."""
    from reporting.models import MonthlyReport

    alice, office = people["alice"], people["office"]
    with time_machine.travel(IN_2021, tick=False):
        returned = MonthlyReport.start(places["a"].pk, plan, 4, by=alice)
        add_activity(returned, alice)
        returned.submit(alice, truth_confirmed=True)
        returned.return_(office, "照片看不清，请换一张")
        MonthlyReport.start(places["a"].pk, plan, 5, by=alice)  # a draft
        submitted = MonthlyReport.start(places["a"].pk, plan, 6, by=alice)
        add_activity(submitted, alice)
        submitted.submit(alice, truth_confirmed=True)
    client.force_login(alice)
    page = home_at(client, IN_2026)
    assert "往年尚未完成的报表" in page
    assert "照片看不清，请换一张" in month_card(page, 4)
    assert "退回修改" in month_card(page, 4) and "继续填报" in month_card(page, 4)
    assert "草稿" in month_card(page, 5)
    for folded in (6, 7):
        assert f"2021年{folded}月" not in page
    assert NOT_SET_UP in page


@pytest.mark.parametrize(
    ("rule", "clock", "shown", "timing"),
    [
        ("December's report falls due in January", "2026-01-01T09:00:00+08:00", True, "还剩1天"),
        ("just overdue, still in view", "2026-01-20T09:00:00+08:00", True, "已逾期19天"),
        ("more than thirty days: folded away", "2026-02-01T00:00:01+08:00", False, ""),
    ],
)
def test_last_years_december_stays_in_view_while_recent(client, people, rule, clock, shown, timing):
    from reporting.models import Plan

    Plan.objects.create(year=2025, duty_months=[12], deadline_day=1)
    Plan.objects.create(year=2026, duty_months=[1], deadline_day=1)
    client.force_login(people["alice"])
    page = home_at(client, datetime.fromisoformat(clock))
    assert ("2025年12月" in page) is shown, rule
    if shown:
        assert timing in month_card(page, 12, 2025), rule
        listed = page[page.index("往年尚未完成的报表") :]  # below what is to do now
        assert listed.index("2025年12月") < listed.index("2026年1月"), rule


def test_what_needs_doing_comes_first(client, people, plan, april):
    """A returned report and the month due next, above the year's list."""
    with time_machine.travel(IN_2021, tick=False):
        april.submit(people["alice"], truth_confirmed=True)
        april.return_(people["office"], "请补充签到表照片")
    client.force_login(people["alice"])
    page = home_at(client, datetime.fromisoformat("2021-05-20T10:00:00+08:00"))
    to_do = page[page.index("现在要办") : page.index("2021年报表")]
    returned, due = "2021年4月：被综治办退回，请修改", "2021年5月：开始填写（还剩13天）"
    assert to_do.index(returned) < to_do.index(due)
    assert "2021年6月" not in to_do  # due later: it waits its turn
    page = home_at(client, datetime.fromisoformat("2021-05-20T10:00:00+08:00"), year="2021")
    assert "现在要办" in page  # 2021 is this year at that moment
