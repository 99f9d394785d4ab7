"""The office sets the year's plan in the admin: twelve month boxes, and a notice
on the desk's first page while this year's plan is missing."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from reporting.models import Plan

pytestmark = pytest.mark.django_db

IN_2026 = datetime.fromisoformat("2026-11-30T10:00:00+08:00")
ADD = reverse("admin:reporting_plan_add")


def checkboxes(page):
    return page.count('type="checkbox" name="duty_months"')


def test_the_add_page_offers_twelve_months_and_takes_the_year_from_the_link(office):
    page = office.get(ADD, {"year": 2026}).content.decode()
    assert checkboxes(page) == 12
    for month in range(1, 13):
        assert f"{month}月</label>" in page
    assert 'name="year" value="2026"' in page


@pytest.mark.parametrize(
    ("ticked", "stored"),
    [
        (["10", "4", "5", "6", "7", "8", "9"], [4, 5, 6, 7, 8, 9, 10]),
        (["12"], [12]),
        (["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"], list(range(1, 13))),
    ],
)
def test_saving_stores_the_ticked_months_as_a_sorted_list(office, ticked, stored):
    response = office.post(ADD, {"year": 2026, "duty_months": ticked, "deadline_day": 1})
    assert response.status_code == 302
    assert Plan.objects.get(year=2026).duty_months == stored


@pytest.mark.parametrize(
    ("ticked", "refusal"),
    [
        ([], "请至少勾选一个月份。"),
        (["13"], "13 不在可用的选项中"),
        (["0"], "0 不在可用的选项中"),
        (["4", "四月"], "四月 不在可用的选项中"),
    ],
)
def test_no_month_or_a_wrong_one_is_refused_in_chinese(office, ticked, refusal):
    response = office.post(ADD, {"year": 2026, "duty_months": ticked, "deadline_day": 1})
    assert response.status_code == 200
    assert refusal in response.content.decode()
    assert not Plan.objects.filter(year=2026).exists()


def test_the_change_page_ticks_the_plans_months(office, plan):
    page = office.get(reverse("admin:reporting_plan_change", args=[plan.pk])).content.decode()
    assert checkboxes(page) == 12
    assert page.count("checked") == 7
    for month in (4, 10):
        assert f'value="{month}" id="id_duty_months_{month - 1}" checked' in page
    response = office.post(
        reverse("admin:reporting_plan_change", args=[plan.pk]),
        {"year": 2021, "duty_months": ["5", "4"], "deadline_day": 3},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.duty_months, plan.deadline_day) == ([4, 5], 3)


def test_the_list_names_the_months(office, plan):
    page = office.get(reverse("admin:reporting_plan_changelist")).content.decode()
    assert "4月、5月、6月、7月、8月、9月、10月" in page


@pytest.mark.parametrize(
    ("rule", "clock", "notice"),
    [
        ("2026 with only the 2021 plan: say so", IN_2026, True),
        (
            "2021 with its plan: nothing to say",
            datetime.fromisoformat("2021-05-10T10:00+08:00"),
            False,
        ),
    ],
)
def test_the_desk_says_when_this_years_plan_is_missing(office, plan, rule, clock, notice):
    with time_machine.travel(clock, tick=False):
        page = office.get(reverse("admin:index")).content.decode()
    assert ("2026年度方案尚未设置" in page) is notice, rule
    assert (f'href="{ADD}?year=2026">设置2026年度方案</a>' in page) is notice, rule


def test_the_notice_goes_once_the_plan_is_set_up(office, plan):
    with time_machine.travel(IN_2026, tick=False):
        office.post(ADD, {"year": 2026, "duty_months": ["4"], "deadline_day": 1})
        page = office.get(reverse("admin:index")).content.decode()
    assert "年度方案尚未设置" not in page
