"""The head's home shows this month's duty (templates/reporting/home_overview.html, the
duties tag): 督导 and 工作会 done or not yet, a link to record them, not scored."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from reporting.periods import LOCAL
from tests.duties.conftest import record_meeting, record_visit

pytestmark = pytest.mark.django_db


def duty_box(client):
    page = client.get(reverse("home")).content.decode()
    if 'aria-labelledby="duty-heading"' not in page:
        return None
    return page.split('aria-labelledby="duty-heading"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize(
    ("case", "visit", "meeting", "states", "link"),
    [
        (
            "nothing yet",
            False,
            False,
            ["督导活动 ", "尚未完成", "工作会 ", "尚未完成"],
            "记录督导或工作会",
        ),
        ("a visit only", True, False, ["已完成", "尚未完成"], "记录督导或工作会"),
        ("both", True, True, ["已完成", "已完成"], "查看本月督导与工作会记录"),
    ],
)
def test_the_heads_home_shows_this_months_duty(
    case, visit, meeting, states, link, client, plan, places, people, in_may
):
    if visit:
        record_visit(plan, places, people, month=5)
    if meeting:
        record_meeting(plan, places, people, month=5, day=19)
    client.force_login(people["head"])
    box = duty_box(client)
    assert "2021年5月" in box, case
    position = 0
    for text in states:  # in this order: the visit's state, then the meeting's
        position = box.index(text, position) + len(text)
    assert link in box, case
    assert reverse("duties:month", args=[places["point"].pk, 2021, 5]) in box, case
    assert "不计分" in box, case


@pytest.mark.parametrize("who", ["office", "leader"])
def test_only_heads_see_it(who, client, plan, people, in_may):
    client.force_login(people[who])
    assert client.get(reverse("home")).status_code == 200
    assert duty_box(client) is None


@pytest.mark.parametrize(
    ("case", "now", "says", "link_month"),
    [
        (
            "M7 before the duty months",
            datetime(2021, 3, 15, tzinfo=LOCAL),
            "本月无督导与工作会任务",
            None,
        ),
        (
            "M7 after them: the last to see",
            datetime(2021, 11, 15, tzinfo=LOCAL),
            "本月无督导与工作会任务",
            10,
        ),
        ("no plan this year", datetime(2022, 4, 15, tzinfo=LOCAL), "尚未设置", None),
    ],
)
def test_a_month_without_the_duty_says_so(
    case, now, says, link_month, client, plan, places, people
):
    client.force_login(people["head"])
    with time_machine.travel(now, tick=False):
        box = duty_box(client)
    assert says in box, case
    if link_month:
        assert reverse("duties:month", args=[places["point"].pk, 2021, link_month]) in box, case


def test_p1_without_this_years_plan_the_head_still_finds_last_years(client, plan, places, people):
    """January to March, before the office sets the year's plan: the head's home links
    to last year's records and names the months it missed."""
    record_visit(plan, places, people, month=5)
    record_meeting(plan, places, people, month=5, day=19)
    client.force_login(people["head"])
    with time_machine.travel(datetime(2022, 2, 10, 9, 0, tzinfo=LOCAL), tick=False):
        box = duty_box(client)
    assert "尚未设置本年度的报送月份" in box
    assert "查看2021年的督导记录" in box
    assert reverse("duties:month", args=[places["point"].pk, 2021, 10]) in box
    missed = box.split("2021年缺失：", 1)[1]
    assert "2021年4月" in missed and "2021年6月" in missed and "2021年5月" not in missed
