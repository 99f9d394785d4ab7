"""P1 over the database: a point's duty months judged at the month's edges, with the clock
frozen in Asia/Shanghai (duties.overview, duties.models.duty_done), and on the head's home."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from communities.models import WorkPoint
from duties.models import duty_done
from duties.overview import judge, plan_duties, point_duties
from reporting.periods import LOCAL
from tests.duties.conftest import record_meeting, record_visit

pytestmark = pytest.mark.django_db

LAST_SECOND = datetime(2021, 4, 30, 23, 59, 59, tzinfo=LOCAL)
FIRST_SECOND_AFTER = datetime(2021, 5, 1, 0, 0, 0, tzinfo=LOCAL)
WHILE_APRIL_RUNS = datetime(2021, 4, 25, 9, 0, tzinfo=LOCAL)


@pytest.mark.parametrize(
    ("rule", "visit", "meeting", "now", "state", "visit_state", "meeting_state"),
    [
        (
            "P1 nothing held, last second of April",
            False,
            False,
            LAST_SECOND,
            "not_yet",
            "not_yet",
            "not_yet",
        ),
        (
            "P1 nothing held, first second of May",
            False,
            False,
            FIRST_SECOND_AFTER,
            "missing",
            "missing",
            "missing",
        ),
        ("P1 a visit only, last second", True, False, LAST_SECOND, "not_yet", "done", "not_yet"),
        (
            "P1 a visit only, first second after",
            True,
            False,
            FIRST_SECOND_AFTER,
            "missing",
            "done",
            "missing",
        ),
        (
            "P1 a meeting only, first second after",
            False,
            True,
            FIRST_SECOND_AFTER,
            "missing",
            "missing",
            "done",
        ),
        ("P1 both, last second", True, True, LAST_SECOND, "done", "done", "done"),
        ("P1 both, first second after", True, True, FIRST_SECOND_AFTER, "done", "done", "done"),
    ],
)
def test_p1_april_at_its_edges(
    rule, visit, meeting, now, state, visit_state, meeting_state, plan, places, people
):
    with time_machine.travel(WHILE_APRIL_RUNS, tick=False):
        if visit:
            record_visit(plan, places, people)
        if meeting:
            record_meeting(plan, places, people)
    with time_machine.travel(now, tick=False):
        april = point_duties(plan, places["point"].pk, now)[0]
        assert (april.month, april.state) == (4, state), rule
        assert (april.supervision_state, april.meeting_state) == (visit_state, meeting_state), rule
        assert duty_done(places["point"], plan, 4) is (state == "done"), rule
        # The office's table says the same for the same point.
        rows = dict(plan_duties(plan, WorkPoint.objects.all(), now))
        assert rows[places["point"]][0].state == state, rule


@pytest.mark.parametrize("month", [1, 3, 11, 12])
def test_p1_a_month_without_the_duty_is_never_missing(month, plan, places, people):
    """M7: March and November carry no duty; years later they are still not missing."""
    much_later = datetime(2030, 1, 1, tzinfo=LOCAL)
    judged = judge(plan, month, (), (), much_later)
    assert judged.state == "no_duty"
    assert not judged.is_missing
    assert month not in [m.month for m in point_duties(plan, places["point"].pk, much_later)]
    assert duty_done(places["point"], plan, month) is False


def test_p1_each_point_is_judged_on_its_own_records(plan, places, people):
    with time_machine.travel(WHILE_APRIL_RUNS, tick=False):
        record_visit(plan, places, people)
        record_meeting(plan, places, people)
        record_visit(plan, places, people, point="other_point")
    rows = dict(plan_duties(plan, WorkPoint.objects.all(), FIRST_SECOND_AFTER))
    assert rows[places["point"]][0].state == "done"
    assert rows[places["other_point"]][0].state == "missing"
    assert rows[places["other_point"]][0].missing_items == ["工作会"]
    assert [m.state for m in rows[places["point"]][1:]] == ["not_yet"] * 6


@pytest.mark.parametrize(
    ("rule", "now", "shows", "not_shown"),
    [
        (
            "P1 April's last second: April not done yet",
            LAST_SECOND,
            ["2021年4月", "尚未完成"],
            ["本年缺失"],
        ),
        (
            "P1 May's first second: May, and April missing",
            FIRST_SECOND_AFTER,
            ["2021年5月", "本年缺失：", "2021年4月"],
            [],
        ),
    ],
)
def test_p1_the_heads_home_at_the_month_edge(rule, now, shows, not_shown, client, plan, people):
    client.force_login(people["head"])
    with time_machine.travel(now, tick=False):
        page = client.get(reverse("home")).content.decode()
    box = page.split('aria-labelledby="duty-heading"', 1)[1].split("</section>", 1)[0]
    for text in shows:
        assert text in box, rule
    for text in not_shown:
        assert text not in box, rule
    assert "不计分" in box
