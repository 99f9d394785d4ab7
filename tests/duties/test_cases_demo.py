"""seed_demo's fraud cases (luoshan/management/commands/_demo_cases.py): every community's
month of the demo year begun and the twelve of the year before (a little higher, so the
comparison shows a fall), entered by the 派出所's dw account, falling over the year; a
second run adds nothing."""

from datetime import datetime

import pytest
import time_machine

from communities.models import Assignment, Community, Role
from duties.models import FraudCases
from luoshan.management.commands._demo_cases import fraud_cases
from reporting.periods import LOCAL
from tests.conftest import make_user
from tests.duties import cases_fixtures
from tests.duties.cases_fixtures import more_communities

police = cases_fixtures.police

pytestmark = pytest.mark.django_db


def unit_account(unit):
    """As seed_demo makes a unit's account: dw and the unit's position."""
    user = make_user(f"dw{unit.position:02d}", Role.UNIT_STAFF)
    Assignment.objects.create(user=user, unit=unit)
    return user


def test_the_demo_year_so_far_falls_and_is_entered_once(plan, places, police):
    more_communities(places, 10)
    communities = list(Community.objects.all())
    with time_machine.travel(datetime(2021, 11, 20, 10, tzinfo=LOCAL), tick=False):
        entered = fraud_cases(plan, communities, unit_account)
        assert fraud_cases(plan, communities, lambda unit: None) == 0
    assert entered == (11 + 12) * len(communities)
    this_year = FraudCases.objects.filter(year=2021)
    last_year = FraudCases.objects.filter(year=2020)
    assert set(this_year.values_list("month", flat=True)) == set(range(1, 12))
    assert set(last_year.values_list("month", flat=True)) == set(range(1, 13))
    assert set(FraudCases.objects.values_list("recorded_by__username", flat=True)) == {"dw04"}
    by_month = {
        m: sum(this_year.filter(month=m).values_list("cases", flat=True)) for m in range(1, 12)
    }
    assert sum(by_month[m] for m in (1, 2, 3)) > sum(by_month[m] for m in (9, 10, 11))
    # Month for month, the demo year has fewer cases than the year before.
    before = sum(last_year.filter(month__lte=11).values_list("cases", flat=True))
    assert sum(by_month.values()) < before
    assert not FraudCases.objects.filter(cases=0, losses__gt=0).exists()
    # Entered on the 5th of the month after, never in the future; the year before when
    # the campaign began.
    october = this_year.filter(month=10).first()
    assert october.recorded_at == datetime(2021, 11, 5, 10, tzinfo=LOCAL)
    assert last_year.first().recorded_at == datetime(2021, 1, 5, 9, tzinfo=LOCAL)
