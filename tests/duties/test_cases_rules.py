"""duties.cases_rules, without a database: what a clerk types (or an Excel cell holds)
read as a community's month of cases and losses, or refused with the reason; which months
are open to entry on a day."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from duties.cases_rules import (
    FigureRefused,
    Figures,
    check_pair,
    may_enter,
    open_months,
    read_cases,
    read_losses,
)

# (typed or held in a cell, the cases read)
CASES_READ = [
    ("3", 3),
    (" 3 ", 3),
    ("３", 3),  # a full-width digit from a Chinese keyboard
    ("0", 0),
    ("1,000", 1000),
    (3, 3),
    (3.0, 3),  # Excel keeps numbers as floats
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("typed", "read"), CASES_READ)
def test_cases_are_read_as_typed(typed, read):
    assert read_cases(typed) == read


# (typed, the code of the refusal)
CASES_REFUSED = [
    ("-1", "negative"),
    ("abc", "not_a_number"),
    ("三", "not_a_number"),
    ("3起", "not_a_number"),
    ("1.5", "not_whole"),
    (1.5, "not_whole"),
    ("1001", "too_many"),
    ("NaN", "not_a_number"),
    ("Infinity", "not_a_number"),
    (True, "not_a_number"),
    (date(2021, 4, 1), "not_a_number"),
    (datetime(2021, 4, 1, 9), "not_a_number"),
]


@pytest.mark.parametrize(("typed", "code"), CASES_REFUSED)
def test_cases_refused(typed, code):
    with pytest.raises(FigureRefused) as refused:
        read_cases(typed)
    assert (refused.value.field, refused.value.code) == ("cases", code)


LOSSES_READ = [
    ("52000", Decimal("52000.00")),
    ("52,000.5", Decimal("52000.50")),
    ("52，000", Decimal("52000")),
    ("0", Decimal("0")),
    (0.1 + 0.2, Decimal("0.30")),  # Excel's binary fraction, not a third decimal
    (1234.56, Decimal("1234.56")),
    ("100000000", Decimal("100000000")),
    ("", None),
]


@pytest.mark.parametrize(("typed", "read"), LOSSES_READ)
def test_losses_are_read_as_typed(typed, read):
    assert read_losses(typed) == read


LOSSES_REFUSED = [
    ("-5", "negative"),
    ("5万", "not_a_number"),
    ("￥500", "not_a_number"),
    ("100.123", "fen"),
    ("100000000.01", "too_much"),
    ("1,00", "not_a_number"),  # not a thousands separator: a typo
]


@pytest.mark.parametrize(("typed", "code"), LOSSES_REFUSED)
def test_losses_refused(typed, code):
    with pytest.raises(FigureRefused) as refused:
        read_losses(typed)
    assert (refused.value.field, refused.value.code) == ("losses", code)


# (cases, losses, Figures or the field and code refused)
PAIRS = [
    (None, None, None),
    (0, Decimal(0), Figures(0, Decimal(0))),
    (2, Decimal(0), Figures(2, Decimal(0))),  # tried, nothing lost
    (2, Decimal(500), Figures(2, Decimal(500))),
    (None, Decimal(500), ("cases", "half")),
    (2, None, ("losses", "half")),
    (0, Decimal(500), ("losses", "loss_without_case")),
]


@pytest.mark.parametrize(("cases", "losses", "expected"), PAIRS)
def test_a_community_has_both_figures_or_neither(cases, losses, expected):
    if isinstance(expected, tuple):
        with pytest.raises(FigureRefused) as refused:
            check_pair(cases, losses)
        assert (refused.value.field, refused.value.code) == expected
    else:
        assert check_pair(cases, losses) == expected


# (year, today, months open)
OPEN = [
    (2021, date(2021, 5, 20), [1, 2, 3, 4, 5]),
    (2021, date(2021, 1, 1), [1]),
    (2021, date(2022, 1, 1), list(range(1, 13))),
    (2022, date(2021, 12, 31), []),
]


@pytest.mark.parametrize(("year", "today", "months"), OPEN)
def test_every_month_begun_is_open_none_to_come(year, today, months):
    assert open_months(year, today) == months
    assert all(may_enter(year, m, today) == (m in months) for m in range(1, 13))
