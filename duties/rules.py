"""P1, the work points' own duty, as plain functions over plain values: no ORM, no request.

Every duty month of the plan (M7), each point holds at least one supervision visit
(督导) and one work meeting (工作会). `duties.overview` reads which were held; these
functions judge them. Nothing here is scored: the plan sets no deduction for points.
"""

from datetime import date, datetime

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class DutyState(TextChoices):
    """A month's duty as P1 judges it: for a visit, a meeting, or both together."""

    DONE = "done", _("Done")
    # The month has ended (Asia/Shanghai) without it.
    MISSING = "missing", _("Missing")
    # The month is still running (or has not begun): nothing is missing yet.
    NOT_YET = "not_yet", _("Not due yet")
    # M7: a month without the duty is never missing.
    NO_DUTY = "no_duty", _("No duty this month")


def duty_state(*, carries_duty, held, ends_at: datetime, now: datetime):
    """P1: a duty month's visit or meeting (or both: `held` only when both were held).

    Done once held, whenever it was recorded; missing from `ends_at`, the first local
    instant of the next month (00:00:00 Asia/Shanghai), if still not held; not yet until
    then. A month that carries no duty (M7) is never missing.
    """
    if not carries_duty:
        return DutyState.NO_DUTY
    if held:
        return DutyState.DONE
    if now >= ends_at:
        return DutyState.MISSING
    return DutyState.NOT_YET


def previous_month(year, month):
    return (year - 1, 12) if month == 1 else (year, month - 1)


def correctable(year, month, today: date):
    """P1 (decision): the head corrects a record of the current or the previous month
    (local time), never an older one: what the office has judged stays as it saw it."""
    this_month = (today.year, today.month)
    return (year, month) in (this_month, previous_month(*this_month))


def recorded_late(recorded_at: datetime, ends_at: datetime):
    """A record entered after its month ended (补录): it counts, and the office sees when."""
    return recorded_at >= ends_at


def quarter_months(quarter):
    first = 3 * quarter - 2
    return (first, first + 1, first + 2)


def quarter_carries_duty(duty_months, quarter):
    """B1 (decision): a quarter asks for a board update when one of its months carries the
    duty (M7); for 2021 (April to October) the second, third and fourth quarters."""
    return any(month in duty_months for month in quarter_months(quarter))


def duty_quarters(duty_months):
    """The quarters (1 to 4) that carry a duty month, in order."""
    return [q for q in (1, 2, 3, 4) if quarter_carries_duty(duty_months, q)]


class Term(TextChoices):
    """A school term, for 教育办's duty: each school, each term, at least once (U1)."""

    SPRING = "spring", _("Spring term")
    AUTUMN = "autumn", _("Autumn term")


def school_term(year, month):
    """U1 (decision): (school year's calendar year, term) of a month. February to July is
    the spring term of that year; August to December the autumn term; January still
    belongs to the previous year's autumn term."""
    if 2 <= month <= 7:
        return year, Term.SPRING
    if month >= 8:
        return year, Term.AUTUMN
    return year - 1, Term.AUTUMN
