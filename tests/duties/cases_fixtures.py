"""Shared data of the fraud-cases tests (tests/duties/test_cases_*.py): the police station as
the migration marks it (reports_cases), its clerk, and a month written with record_month."""

from datetime import datetime
from decimal import Decimal

import pytest
import time_machine

from communities.models import Community, Unit
from duties.cases_records import record_month
from duties.cases_rules import Figures
from reporting.periods import LOCAL
from tests.duties.conftest import PLAN_UNITS, make_unit_staff

# 20 May 2021: January to May are open to entry, June is to come.
IN_MAY = datetime(2021, 5, 20, 10, 0, tzinfo=LOCAL)


@pytest.fixture
def may(db):
    with time_machine.travel(IN_MAY, tick=False):
        yield IN_MAY


@pytest.fixture
def police(db):
    """派出所, marked as reporting the cases (communities migration 0010), as the database
    holds it or, flushed by a browser test, made again the same way."""
    measure, duty = PLAN_UNITS["派出所"]
    unit = Unit.objects.get_or_create(
        name="派出所", defaults={"measure": measure, "duty": duty, "position": 4}
    )[0]
    if not unit.reports_cases:
        unit.reports_cases = True
        unit.save()
    return unit


@pytest.fixture
def clerk(police):
    return make_unit_staff("police", police)


def figures(cases, losses):
    return Figures(cases, Decimal(losses))


def enter(plan, month, by, by_community, seen=None, at=None):
    """{Community: (cases, "losses")} recorded for `month` of `plan`'s year (or of `plan`,
    a year) as the form records it."""
    return record_month(
        getattr(plan, "year", plan),
        month,
        {c: figures(*pair) for c, pair in by_community.items()},
        seen or {},
        by,
        at=at,
    )


def more_communities(places, count):
    """`count` more communities of the first point (a sub-district's size)."""
    return [
        Community.objects.create(name=f"第{n:02d}社区", work_point=places["point"], position=n)
        for n in range(1, count + 1)
    ]
