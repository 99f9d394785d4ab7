"""The aim's figures: a community's month of fraud cases (发案数) and losses (损失金额, yuan)
as the police station (派出所) reports them from its 警情通报.

Plain functions over plain values, no ORM and no request: the month form (duties/cases.py)
and the Excel import (duties/cases_import.py) read what a person typed or wrote with the same
`read_cases`, `read_losses` and `check_pair`, so a figure refused in one is refused in the
other, with the same words. Which months are open to entry is `may_enter`.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# A community's month never comes near these: beyond them a figure is a typo (a missing
# decimal point, losses typed in fen, a phone number in the wrong cell), not a crime wave.
CASES_CEILING = 1_000
LOSSES_CEILING = Decimal(100_000_000)  # 1亿元 in one community's month
CENTS = Decimal("0.01")

# Thousands written as clerks write them: 52,000 or 52，000 (NFKC makes the second the first).
GROUPED = re.compile(r"\d{1,3}(,\d{3})+(\.\d*)?")


@dataclass(frozen=True)
class Figures:
    """One community's month: its cases and its losses in yuan."""

    cases: int
    losses: Decimal

    @property
    def losses_text(self):
        return yuan(self.losses)

    def as_list(self):
        """As a signed page or preview carries it: [cases, "losses"]."""
        return [self.cases, str(self.losses)]

    @classmethod
    def from_list(cls, value):
        cases, losses = value
        return cls(int(cases), Decimal(losses))


def yuan(amount):
    """52000.5 → "52,000.50"; a whole amount without its ".00"."""
    return f"{amount:,.2f}".removesuffix(".00")


class FigureRefused(ValueError):
    """What a person wrote is not a figure the portal keeps; `message` says why, in the
    words shown beside the field (or cell), `field` is "cases" or "losses"."""

    def __init__(self, field, message, code):
        super().__init__(message)
        self.field, self.message, self.code = field, message, code


def _text(value):
    """A typed value as compared: half-width, without spaces or thousands separators."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
    return text.replace(",", "") if GROUPED.fullmatch(text.lstrip("-")) else text


def _number(value, field, not_a_number):
    """A Decimal from a typed or an Excel value; None for nothing written."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool | date | datetime):
        # Excel's TRUE, or a date the cell's format made of the number: never a count.
        raise FigureRefused(field, not_a_number % {"value": value}, "not_a_number")
    text = str(value) if isinstance(value, int | float | Decimal) else _text(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise FigureRefused(field, not_a_number % {"value": str(value).strip()}, "not_a_number")
    if number < 0:
        raise FigureRefused(field, _("A figure cannot be negative."), "negative")
    return number


def read_cases(value):
    """The cases of a community's month from what was typed: a whole number from 0 to
    CASES_CEILING, or None when nothing was written. Raises FigureRefused."""
    number = _number(
        value,
        "cases",
        _("“%(value)s” is not a number of cases; write only the number, e.g. 3."),
    )
    if number is None:
        return None
    if number != number.to_integral_value():
        raise FigureRefused("cases", _("The number of cases is a whole number."), "not_whole")
    if number > CASES_CEILING:
        raise FigureRefused(
            "cases",
            _(
                "More than %(limit)s cases in one community in a month cannot be right; "
                "please check the figure."
            )
            % {"limit": f"{CASES_CEILING:,}"},
            "too_many",
        )
    return int(number)


def read_losses(value):
    """The losses of a community's month in yuan from what was typed: at most two decimals
    (fen), from 0 to LOSSES_CEILING, or None when nothing was written. Raises FigureRefused."""
    number = _number(
        value,
        "losses",
        _("“%(value)s” is not an amount; write only the yuan as a number, e.g. 52000 or 52000.50."),
    )
    if number is None:
        return None
    if isinstance(value, float):
        number = number.quantize(Decimal("0.000001"))  # Excel's binary fractions: 0.1 + 0.2
    if number != number.quantize(CENTS):
        raise FigureRefused(
            "losses", _("An amount has at most two decimals (yuan and fen)."), "fen"
        )
    if number > LOSSES_CEILING:
        raise FigureRefused(
            "losses",
            _(
                "More than %(limit)s yuan lost in one community in a month cannot be right; "
                "please check the figure (amounts are in yuan)."
            )
            % {"limit": f"{LOSSES_CEILING:,}"},
            "too_much",
        )
    return number.quantize(CENTS)


def check_pair(cases, losses):
    """Both figures or neither: a Figures, or None for a community left empty.
    Raises FigureRefused naming the field to correct."""
    if cases is None and losses is None:
        return None
    if cases is None:
        raise FigureRefused(
            "cases",
            _("Enter the number of cases as well (0 if there were none)."),
            "half",
        )
    if losses is None:
        raise FigureRefused(
            "losses",
            _("Enter the losses as well (0 if nothing was lost)."),
            "half",
        )
    if cases == 0 and losses > 0:
        raise FigureRefused(
            "losses",
            _("There are losses but no case: enter the cases, or 0 losses."),
            "loss_without_case",
        )
    return Figures(cases, losses)


def open_months(year, today):
    """The months of `year` whose figures may be entered on `today` (Asia/Shanghai): every
    month begun, this one included (the police may report a month as it runs), none to come."""
    if year < today.year:
        return list(range(1, 13))
    if year == today.year:
        return list(range(1, today.month + 1))
    return []


def may_enter(year, month, today):
    return month in open_months(year, today)
