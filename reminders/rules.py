"""R1: when a reminder is due. Plain dates in, plain answers out: no ORM, no clock.

A target (a community without its report, a work point without its supervision) is
reminded a set number of calendar days before a deadline (REMINDER_DAYS_BEFORE,
default 3 and 0: three days before, and on the deadline day itself), counted in
Asia/Shanghai. Each of those days is an occasion: from its day up to the next
occasion's day, it is the reminder that is due. So a run on a day in between sends
nothing new, and a run that missed an occasion's day (the timer was down) still sends
it once on a later day, before the deadline passes; an occasion overtaken by a later
one is not sent at all (on the deadline day, only the deadline day's reminder goes).
"""

import calendar
from datetime import date, timedelta


def due_occasion(deadline: date, today: date, days_before) -> int | None:
    """R1: the occasion (days before `deadline`) due on local `today`, or None.

    None before the earliest occasion's day and once the deadline day has passed.
    """
    if today > deadline:
        return None
    come = [days for days in days_before if deadline - timedelta(days=days) <= today]
    return min(come) if come else None


def supervision_deadline(year: int, month: int) -> date:
    """R1 (P1): a point's supervision visit and work meeting of a month are due by
    that month's last day: they are held in the month itself."""
    return date(year, month, calendar.monthrange(year, month)[1])
