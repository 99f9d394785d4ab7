"""The small year the year-in-figures tests read (2021, as of 10 July, after Q2).

Communities: A files April, May and June on time, with a team; B misses April, files May
three days late and June on time, and June is then found falsified (its activity is no
longer counted, M6); C files nothing. Each report has one activity (group talk, 40
people, one photo). Units: 教育办 holds a talk in May (120 people, one photo), 电信's one
activity, in June, is a batch of warning SMS to 50,000 phones (materials, two photos; its
participants and count both 50,000, as the carriers record them): SMS recipients, counted
apart, never participants. Cases (FraudCases): 2021 April A 2 (1,000.50
yuan) and B 1 (200), May A 0; 2020 April A 3 (5,000) and B 1 (100), June A 2 (300). So
April is the one month entered in both years.
"""

from datetime import datetime
from decimal import Decimal

import pytest

from communities.models import Unit
from duties.models import FraudCases
from reporting.models import ActivityForm, Plan
from reporting.periods import LOCAL
from tests.duties.conftest import PLAN_UNITS, record_unit_activity

AT = datetime(2021, 7, 10, tzinfo=LOCAL)
FALSIFIED = "6月活动照片与5月重复"
SMS_RECIPIENTS = 50000  # 电信's batch of June
CASES = {
    (2021, "a", 4): (2, "1000.50"),
    (2021, "b", 4): (1, "200"),
    (2021, "a", 5): (0, "0"),
    (2020, "a", 4): (3, "5000"),
    (2020, "b", 4): (1, "100"),
    (2020, "a", 6): (2, "300"),
}


def unit(name):
    measure, duty = PLAN_UNITS[name]
    return Unit.objects.get_or_create(name=name, defaults={"measure": measure, "duty": duty})[0]


def enter_cases(places, by, cases=CASES):
    for (year, key, month), (count, losses) in cases.items():
        FraudCases.objects.create(
            year=year,
            community=places[key],
            month=month,
            cases=count,
            losses=Decimal(losses),
            recorded_by=by,
        )


@pytest.fixture
def year(plan, places, people, q2):
    """The year of the module's docstring; returns the plans by year."""
    q2["b", 6].mark_falsified(people["office"], FALSIFIED, at=datetime(2021, 7, 5, tzinfo=LOCAL))
    record_unit_activity(unit("教育办"), people["office"], month=5)
    record_unit_activity(
        unit("电信"),
        people["office"],
        month=6,
        photos=2,
        form=ActivityForm.LEAFLETS,
        participants=SMS_RECIPIENTS,
        count=SMS_RECIPIENTS,
    )
    plans = {2021: plan, 2020: Plan.objects.create(year=2020, duty_months=[4, 5, 6])}
    enter_cases(places, people["office"])
    return plans
