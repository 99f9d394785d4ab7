"""M2: the report for month m is due by the end of day 1 of m+1, Asia/Shanghai."""

from datetime import UTC, datetime, timedelta

import pytest

from reporting import periods
from reporting.periods import LOCAL


@pytest.mark.parametrize(
    ("rule", "submitted_at", "on_time"),
    [
        ("M2 last second, local", datetime(2021, 5, 1, 23, 59, 59, tzinfo=LOCAL), True),
        ("M2 first late second, local", datetime(2021, 5, 2, 0, 0, 0, tzinfo=LOCAL), False),
        ("M2 last second, UTC", datetime(2021, 5, 1, 15, 59, 59, tzinfo=UTC), True),
        ("M2 first late second, UTC", datetime(2021, 5, 1, 16, 0, 0, tzinfo=UTC), False),
        ("M2 last microsecond", datetime(2021, 5, 1, 23, 59, 59, 999999, tzinfo=LOCAL), True),
        ("M2 early in the month itself", datetime(2021, 4, 20, 10, 0, tzinfo=LOCAL), True),
        ("M2 a day late", datetime(2021, 5, 3, 9, 0, tzinfo=LOCAL), False),
        # 2021-05-01 20:00 UTC is already 05-02 04:00 in Luoshan: late.
        ("M2 still the 1st in UTC", datetime(2021, 5, 1, 20, 0, tzinfo=UTC), False),
    ],
)
def test_m2_april_deadline(rule, submitted_at, on_time):
    assert periods.is_on_time(submitted_at, periods.late_from(2021, 4, 1)) is on_time, rule


@pytest.mark.parametrize(
    ("rule", "year", "month", "deadline_day", "late_from"),
    [
        ("M2 April → 2 May 00:00", 2021, 4, 1, datetime(2021, 5, 2, tzinfo=LOCAL)),
        ("M2 December → next year", 2021, 12, 1, datetime(2022, 1, 2, tzinfo=LOCAL)),
        ("M2 deadline day is a setting", 2021, 4, 5, datetime(2021, 5, 6, tzinfo=LOCAL)),
        ("M2 day 31 in a 30-day month", 2021, 5, 31, datetime(2021, 7, 1, tzinfo=LOCAL)),
        ("M2 day 30 in February", 2021, 1, 30, datetime(2021, 3, 1, tzinfo=LOCAL)),
    ],
)
def test_m2_late_from(rule, year, month, deadline_day, late_from):
    assert periods.late_from(year, month, deadline_day) == late_from, rule


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(days=1, hours=3), "1天3小时"),
        (timedelta(minutes=25), "25分钟"),
        (timedelta(seconds=5), "不到1分钟"),
        (timedelta(days=2, minutes=7), "2天"),
        (timedelta(hours=5, minutes=1), "5小时1分钟"),
    ],
)
def test_describe_duration_in_chinese(delta, words):
    assert periods.describe_duration(delta) == words


@pytest.mark.parametrize(
    ("delta", "days"),
    [
        (timedelta(0), 0),
        (timedelta(seconds=1), 1),
        (timedelta(days=1), 1),
        (timedelta(days=1, seconds=1), 2),
    ],
)
def test_whole_days_rounds_up(delta, days):
    assert periods.whole_days(delta) == days
