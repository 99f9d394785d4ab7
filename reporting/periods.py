"""Months, deadlines and quarters, all in the portal's local time (Asia/Shanghai).

Times are stored in UTC; every boundary a person reads ("by the 1st") is a
local one, so it is computed here with zoneinfo and nowhere else. The rule
of lateness (M2, M3) is `is_on_time`; `MonthlyReport.objects.on_time()` is
the same rule as a query.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

LOCAL = ZoneInfo(settings.TIME_ZONE)


def local(moment):
    """`moment` (aware) as a person in Luoshan reads it: the one conversion to local time."""
    return moment.astimezone(LOCAL)


def next_month(year, month):
    return (year + 1, 1) if month == 12 else (year, month + 1)


def local_midnight(day):
    return datetime.combine(day, time.min, tzinfo=LOCAL)


def month_bounds(year, month):
    """The local start of the month and the local start of the next one."""
    return local_midnight(date(year, month, 1)), local_midnight(date(*next_month(year, month), 1))


def deadline_day_of(year, month, deadline_day):
    """M2: the last day on which the report for (year, month) is on time.

    The deadline falls in the following month; a day past that month's end
    (deadline day 31 in a 30-day month) means its last day.
    """
    due_year, due_month = next_month(year, month)
    last = calendar.monthrange(due_year, due_month)[1]
    return date(due_year, due_month, min(deadline_day, last))


def late_from(year, month, deadline_day):
    """M2: the first instant at which a first submission is late (00:00:00 the day after)."""
    return local_midnight(deadline_day_of(year, month, deadline_day) + timedelta(days=1))


def is_on_time(first_submitted_at, late_from):
    """M2, M3: a report is on time when its first submission came before `late_from`.

    None until it is first submitted (a return and a resubmission change nothing).
    """
    if first_submitted_at is None:
        return None
    return first_submitted_at < late_from


def deadline_passed(late_from, now):
    """M2, S5: from `late_from` on, a month's report is judged: on time, late or missing."""
    return now >= late_from


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text):
        """'2021Q2' → Quarter(2021, 2); ValueError otherwise."""
        year, sep, number = text.upper().partition("Q")
        if not sep or not year.isdigit() or number not in ("1", "2", "3", "4"):
            raise ValueError(f"not a quarter: {text!r} (expected e.g. 2021Q2)")
        return cls(int(year), int(number))

    def __str__(self):
        return f"{self.year}Q{self.number}"

    @property
    def months(self):
        first = 3 * self.number - 2
        return (first, first + 1, first + 2)

    @property
    def first_day(self):
        return date(self.year, self.months[0], 1)

    @property
    def last_day(self):
        ends = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
        return date(self.year, *ends[self.number])

    @property
    def ends_at(self):
        """The first local instant after the quarter (00:00 on the day after its last day)."""
        return local_midnight(self.last_day + timedelta(days=1))

    @property
    def label(self):
        return _("%(year)d Q%(n)d") % {"year": self.year, "n": self.number}


def whole_days(delta):
    return delta.days + (1 if delta - timedelta(days=delta.days) else 0)


def describe_duration(delta):
    """A span a person can check by hand: "1天3小时", "25分钟"."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_("%(n)d d") % {"n": days})
    if hours:
        parts.append(_("%(n)d h") % {"n": hours})
    if minutes and not days:
        parts.append(_("%(n)d min") % {"n": minutes})
    return "".join(parts) or _("under a minute")
