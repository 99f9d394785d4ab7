"""seed_demo's part for the aim in figures: each community's fraud cases and losses of every
month of the demo year begun, as the police station (派出所) enters them from its 警情通报,
falling gently over the year (力争实现诈骗案件持续减少), with the ups and downs of real months;
and the twelve months of the year before, a little higher, which the year page and the
year's summary compare the demo year with.

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
YEAR_BEFORE = 1.2  # the year before the campaign: a fifth more cases, month for month


def fraud_cases(plan, communities, user_of):
    """Every community's month of the plan's year begun, and the twelve of the year before,
    entered by the 派出所's account (`user_of(unit)`); returns how many community-months
    were entered."""
    police = Unit.objects.filter(reports_cases=True).order_by("position").first()
    if police is None or not communities:
        return 0
    account = user_of(police)
    rng = random.Random(f"fraud-cases-{plan.year}")  # noqa: S311 (demo figures)
    usual = {community: rng.uniform(1.0, 4.5) for community in communities}
    # The year before is entered when the campaign begins, from the station's records.
    at_start = min(datetime(plan.year, 1, ENTERED_ON_DAY, 9, tzinfo=LOCAL), timezone.now())
    entered = _year(plan.year - 1, range(1, 13), usual, YEAR_BEFORE, account, lambda m: at_start)
    entered += _year(
        plan.year,
        open_months(plan.year, timezone.localdate()),
        usual,
        1.0,
        account,
        lambda month: min(
            datetime(*next_month(plan.year, month), ENTERED_ON_DAY, 10, tzinfo=LOCAL),
            timezone.now(),
        ),
    )
    return entered


def _year(year, months, usual, level, account, entered_at):
    """`months` of `year` not entered yet, each community (`usual`: {Community: its usual
    monthly cases}) about its usual cases times `level`, falling over the year; how many
    community-months were entered."""
    rng = random.Random(f"fraud-cases-of-{year}")  # noqa: S311 (demo figures)
    entered = 0
    for month in months:
        if FraudCases.objects.filter(year=year, month=month).exists():
            continue
        figures = {}
        for community, normal in usual.items():
            expected = normal * level * (1 - FALL_PER_MONTH * (month - 1))
            cases = max(0, round(expected + rng.uniform(-0.8, 0.8)))
            losses = sum(
                (Decimal(rng.randint(3, 80) * 1000 + rng.choice((0, 500))) for _ in range(cases)),
                Decimal(0),
            )
            figures[community] = Figures(cases, losses.quantize(Decimal("0.01")))
        written = record_month(year, month, figures, {}, account, at=entered_at(month))
        entered += len(written.created)
    return entered
