"""Months, deadlines and quarters, all in the portal's local time (Asia/Shanghai).

Times are stored in UTC; every boundary a person reads ("by the 1st") is a
local one, so it is computed here with zoneinfo and nowhere else.
"""

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

LOCAL = ZoneInfo(settings.TIME_ZONE)


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


def is_on_time(submitted_at, year, month, deadline_day):
    """M2/M3: on time when the first submission came before `late_from`."""
    return submitted_at < late_from(year, month, deadline_day)


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
