"""P1 as plain rules (duties/rules.py), without a database: a duty month's visit or
meeting is done, missing from the first second of the next month (Asia/Shanghai), or not
yet; a month without the duty (M7) is never missing; a record is corrected in its own
month and the next only."""

from datetime import date, datetime

import pytest

from duties.rules import DutyState, correctable, duty_state, recorded_late
from reporting.periods import LOCAL, month_bounds

APRIL_ENDS = month_bounds(2021, 4)[1]  # 2021-05-01 00:00:00 +08:00
LAST_SECOND = datetime(2021, 4, 30, 23, 59, 59, tzinfo=LOCAL)
FIRST_SECOND_AFTER = datetime(2021, 5, 1, 0, 0, 0, tzinfo=LOCAL)


def test_april_ends_at_local_midnight_not_utc():
    assert APRIL_ENDS == FIRST_SECOND_AFTER
    assert APRIL_ENDS.isoformat() == "2021-05-01T00:00:00+08:00"


@pytest.mark.parametrize(
    ("rule", "carries_duty", "held", "now", "state"),
    [
        ("P1 not held, last second of the month: not yet", True, False, LAST_SECOND, "not_yet"),
        ("P1 not held, first second after: missing", True, False, FIRST_SECOND_AFTER, "missing"),
        (
            "P1 not held, a year later: missing",
            True,
            False,
            datetime(2022, 5, 1, tzinfo=LOCAL),
            "missing",
        ),
        ("P1 held, last second of the month: done", True, True, LAST_SECOND, "done"),
        ("P1 held, first second after: done", True, True, FIRST_SECOND_AFTER, "done"),
        (
            "P1 not held before the month began: not yet",
            True,
            False,
            datetime(2021, 3, 31, tzinfo=LOCAL),
            "not_yet",
        ),
        # 16:00 UTC on 30 April is already 1 May in Luoshan.
        (
            "P1 judged in local time, not UTC",
            True,
            False,
            datetime.fromisoformat("2021-04-30T16:00:00+00:00"),
            "missing",
        ),
        (
            "P1 15:59:59 UTC is still April in Luoshan",
            True,
            False,
            datetime.fromisoformat("2021-04-30T15:59:59+00:00"),
            "not_yet",
        ),
        (
            "P1 M7 a month without the duty is never missing",
            False,
            False,
            datetime(2030, 1, 1, tzinfo=LOCAL),
            "no_duty",
        ),
        ("P1 M7 nor done, whatever was held", False, True, FIRST_SECOND_AFTER, "no_duty"),
    ],
)
def test_p1_duty_state(rule, carries_duty, held, now, state):
    assert duty_state(carries_duty=carries_duty, held=held, ends_at=APRIL_ENDS, now=now) == state, (
        rule
    )
    assert DutyState(state).label


@pytest.mark.parametrize(
    ("rule", "record_month", "today", "allowed"),
    [
        ("P1 correct a record of this month", (2021, 5), date(2021, 5, 20), True),
        ("P1 correct last month's on the 1st", (2021, 4), date(2021, 5, 1), True),
        ("P1 correct last month's on the month's last day", (2021, 4), date(2021, 5, 31), True),
        ("P1 not two months back", (2021, 4), date(2021, 6, 1), False),
        ("P1 December corrected in January", (2021, 12), date(2022, 1, 15), True),
        ("P1 not a month to come", (2021, 6), date(2021, 5, 20), False),
        ("P1 not last year's same month", (2020, 5), date(2021, 5, 20), False),
    ],
)
def test_p1_correctable(rule, record_month, today, allowed):
    assert correctable(*record_month, today) is allowed, rule


@pytest.mark.parametrize(
    ("recorded_at", "late"),
    [(LAST_SECOND, False), (FIRST_SECOND_AFTER, True)],
)
def test_p1_a_record_entered_after_its_month_is_marked_late(recorded_at, late):
    assert recorded_late(recorded_at, APRIL_ENDS) is late
