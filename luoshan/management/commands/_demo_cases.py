"""seed_demo's part for the aim in figures: each community's fraud cases and losses of every
month of the demo year begun, as the police station (派出所) enters them from its 警情通报,
falling gently over the year (力争实现诈骗案件持续减少), with the ups and downs of real months.

seed_demo calls `fraud_cases(plan, communities, unit_account)` with its maker of the units'
dw-numbered accounts; a month already entered is left as it is, so a second run adds nothing.
"""

import random
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from communities.models import Unit
from duties.cases_records import record_month
from duties.cases_rules import Figures, open_months
from duties.models import FraudCases
from reporting.periods import LOCAL, next_month

FALL_PER_MONTH = 0.045  # December's cases about half of January's
ENTERED_ON_DAY = 5  # of the next month, once the month's 警情通报 is out


def fraud_cases(plan, communities, user_of):
    """Every community's month of the plan's year begun, entered by the 派出所's account
    (`user_of(unit)`); returns how many community-months were entered."""
    police = Unit.objects.filter(reports_cases=True).order_by("position").first()
    if police is None or not communities:
        return 0
    account = user_of(police)
    rng = random.Random(f"fraud-cases-{plan.year}")  # noqa: S311 (demo figures)
    usual = {community.pk: rng.uniform(1.0, 4.5) for community in communities}
    entered = 0
    for month in open_months(plan.year, timezone.localdate()):
        if FraudCases.objects.filter(plan=plan, month=month).exists():
            continue
        figures = {}
        for community in communities:
            expected = usual[community.pk] * (1 - FALL_PER_MONTH * (month - 1))
            cases = max(0, round(expected + rng.uniform(-0.8, 0.8)))
            losses = sum(
                (Decimal(rng.randint(3, 80) * 1000 + rng.choice((0, 500))) for _ in range(cases)),
                Decimal(0),
            )
            figures[community] = Figures(cases, losses.quantize(Decimal("0.01")))
        at = min(
            datetime(*next_month(plan.year, month), ENTERED_ON_DAY, 10, tzinfo=LOCAL),
            timezone.now(),
        )
        entered += len(record_month(plan, month, figures, {}, account, at=at).created)
    return entered
