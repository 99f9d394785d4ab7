"""R1's timing as plain dates (reminders.rules): no database, no clock."""

from datetime import date

import pytest

from reminders.rules import due_occasion, supervision_deadline

DEADLINE = date(2021, 5, 1)  # M2: the April 2021 report


@pytest.mark.parametrize(
    ("rule", "today", "days_before", "due"),
    [
        ("R1 four days before: nothing yet", date(2021, 4, 27), (3, 0), None),
        ("R1 three days before: the early reminder", date(2021, 4, 28), (3, 0), 3),
        ("R1 two days before: still the early one (sent once)", date(2021, 4, 29), (3, 0), 3),
        ("R1 the day before: still the early one", date(2021, 4, 30), (3, 0), 3),
        ("R1 the deadline day: the last reminder", date(2021, 5, 1), (3, 0), 0),
        ("R1 the day after: the deadline has passed", date(2021, 5, 2), (3, 0), None),
        ("R1 long after", date(2021, 7, 1), (3, 0), None),
        ("R1 settings 7, 3, 0: a week before", date(2021, 4, 24), (7, 3, 0), 7),
        ("R1 settings 7, 3, 0: the 3-day one overtakes it", date(2021, 4, 28), (7, 3, 0), 3),
        ("R1 settings 3 only: nothing on the day is a 3", date(2021, 5, 1), (3,), 3),
        ("R1 settings 0 only: the day itself", date(2021, 4, 30), (0,), None),
    ],
)
def test_r1_the_occasion_due_on_a_day(rule, today, days_before, due):
    assert due_occasion(DEADLINE, today, days_before) == due, rule


@pytest.mark.parametrize(
    ("rule", "year", "month", "deadline"),
    [
        ("R1 a 30-day month", 2021, 4, date(2021, 4, 30)),
        ("R1 a 31-day month", 2021, 10, date(2021, 10, 31)),
        ("R1 February", 2021, 2, date(2021, 2, 28)),
        ("R1 February of a leap year", 2024, 2, date(2024, 2, 29)),
        ("R1 December", 2021, 12, date(2021, 12, 31)),
    ],
)
def test_r1_a_points_supervision_is_due_by_the_months_last_day(rule, year, month, deadline):
    assert supervision_deadline(year, month) == deadline, rule
