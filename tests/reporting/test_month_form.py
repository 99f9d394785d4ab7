"""The month the office types on the desk's month page (reporting.forms.MonthForm): written
as people write it, the portal's own 2021年04月 included; refused with the same example
the field's label gives."""

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from reporting.forms import MonthForm

pytestmark = pytest.mark.django_db

EXAMPLE = re.compile(r"例如 (\S+?)[）。]")

# typed: the month it means (the plan fixture's 2021 carries April to October)
ACCEPTED = {
    "2021-04": 4,
    "2021-4": 4,
    "2021年4月": 4,
    "2021年04月": 4,  # as the portal shows a month
    "2021.4": 4,
    "2021/4": 4,
    "2021/10": 10,
    "２０２１年４月": 4,  # typed with a Chinese input method's full-width digits
    "２０２１－０５": 5,
    "２０２１．６": 6,
    " 2021 年 7 月 ": 7,
    "2021年5": 5,
}

# typed: why it is refused
REFUSED = {
    "april": "format",
    "2021": "format",
    "21-04": "format",
    "2021-004": "format",
    "04-2021": "format",
    "2021-04-10": "format",
    "2021年": "format",
    "2021年4月4日": "format",
    "": "required",
    "2021-13": "no_duty",
    "2021-3": "no_duty",  # March carries no report in the plan
    "2021年3月": "no_duty",
    "2020-04": "no_duty",  # no plan for 2020
}


@pytest.mark.parametrize(("typed", "month"), ACCEPTED.items())
def test_a_month_written_as_people_write_it_is_read(plan, typed, month):
    form = MonthForm({"month": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["month"] == (plan, month)


@pytest.mark.parametrize(("typed", "code"), REFUSED.items())
def test_a_month_that_is_not_one_or_carries_no_report_is_refused(plan, typed, code):
    form = MonthForm({"month": typed})
    assert not form.is_valid()
    assert form.has_error("month", code)


def test_the_label_and_the_error_give_the_same_example(office, plan):
    """The label said 如 2021-04 and the error 例如 2021-05; both now give one example,
    which the form reads."""
    url = reverse("admin:reporting_monthlyreport_month") + "?" + urlencode({"month": "四月"})
    page = office.get(url).content.decode()
    label = re.search(r'<label for="id_month">([^<]*)</label>', page)[1]
    error = re.search(r'<p class="errornote">([^<]*)</p>', page)[1]
    assert label == "月份（例如 2021-04）"
    assert error == "请填写年份和月份，例如 2021-04。"
    assert EXAMPLE.search(label)[1] == EXAMPLE.search(error)[1]
    assert MonthForm({"month": EXAMPLE.search(label)[1]}).is_valid()


def test_the_month_page_takes_the_month_as_the_portal_writes_it(office, submitted):
    url = reverse("admin:reporting_monthlyreport_month") + "?" + urlencode({"month": "2021年04月"})
    page = office.get(url).content.decode()
    assert "errornote" not in page
    assert "乙社区" in page and "丙社区" in page  # who has not reported April
