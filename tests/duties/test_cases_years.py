"""Which years the fraud-cases pages (duties/cases.py) offer: every plan's year and the year
before each, so the first campaign year can be compared with the year before it; any other
year is 404. Months to come stay refused, whatever the year. Once the year before is
entered, the year page (publishing) compares the plan's year with it."""

import pytest
from django.urls import reverse

from duties.models import FraudCases
from reporting.models import Plan
from tests.duties import cases_fixtures
from tests.duties.cases_fixtures import enter

clerk, may, police = cases_fixtures.clerk, cases_fixtures.may, cases_fixtures.police

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("may")]  # 20 May 2021


def url(name, *args):
    return reverse(f"cases:{name}", args=args)


def test_the_year_before_a_plan_year_is_entered_on_its_month_page(client, plan, places, clerk):
    client.force_login(clerk)
    page = client.get(url("month", 2020, 4))
    assert page.status_code == 200 and page.context["form"] is not None
    a = places["a"].pk
    data = {"seen": page.context["seen"], f"cases_{a}": "3", f"losses_{a}": "5000"}
    response = client.post(url("month", 2020, 4), data)
    assert response.status_code == 302 and response["Location"] == url("year", 2020)
    row = FraudCases.objects.get()
    assert (row.year, row.month, row.community, row.cases) == (2020, 4, places["a"], 3)
    # Every month of a year gone by is open, December too.
    assert client.get(url("month", 2020, 12)).context["form"] is not None
    assert client.get(url("template", 2020, 12)).status_code == 200
    assert client.get(url("import", 2020, 12)).status_code == 200


@pytest.mark.parametrize("year", [2019, 2022])
@pytest.mark.parametrize("page", ["year", "month", "template", "import"])
def test_a_year_neither_a_plans_nor_the_one_before_is_not_found(client, plan, clerk, page, year):
    """2019 is two years before the only plan's, 2022 after it."""
    client.force_login(clerk)
    args = (year,) if page == "year" else (year, 4)
    assert client.get(url(page, *args)).status_code == 404


def test_a_month_number_that_is_no_month_is_not_found(client, plan, clerk):
    client.force_login(clerk)
    assert client.get(url("month", 2020, 13)).status_code == 404
    assert client.get(url("month", 2021, 0)).status_code == 404


def test_the_overview_switches_years_newest_first(client, plan, clerk):
    Plan.objects.create(year=2023, duty_months=[4, 5, 6])
    client.force_login(clerk)
    response = client.get(url("year", 2020))
    assert response.context["years"] == [2023, 2022, 2021, 2020]
    page = response.content.decode()
    assert [page.index(url("year", y)) for y in (2023, 2022, 2021)] == sorted(
        page.index(url("year", y)) for y in (2023, 2022, 2021)
    )
    assert "2020年是活动开展前一年" in page  # why a year without a plan is offered
    assert "2021年是活动开展前一年" not in client.get(url("year", 2021)).content.decode()


def test_the_month_page_switches_to_the_same_month_of_another_year(client, plan, clerk):
    """2022 (the year before a 2023 plan) has not begun on 20 May 2021: its tab opens
    its overview, whose months are refused; 2020's opens its April."""
    Plan.objects.create(year=2023, duty_months=[4, 5, 6])
    client.force_login(clerk)
    response = client.get(url("month", 2021, 4))
    tabs = {tab.year: tab.url for tab in response.context["year_tabs"]}
    assert tabs == {
        2023: url("year", 2023),
        2022: url("year", 2022),
        2021: url("month", 2021, 4),
        2020: url("month", 2020, 4),
    }
    assert url("month", 2020, 4) in response.content.decode()
    assert client.get(url("month", 2022, 4)).context["form"] is None


def test_months_to_come_stay_refused_in_a_later_year(client, plan, places, clerk):
    Plan.objects.create(year=2023, duty_months=[4, 5, 6])
    client.force_login(clerk)
    data = {f"cases_{places['a'].pk}": "1", f"losses_{places['a'].pk}": "100"}
    response = client.post(url("month", 2022, 1), data)
    assert response.status_code == 200 and response.context["form"] is None
    assert "2022年1月还没到，不能录入" in response.content.decode()
    assert not FraudCases.objects.exists()


def test_the_overview_offers_this_months_excel_to_the_recorders_only(client, plan, clerk, people):
    client.force_login(clerk)
    page = client.get(url("year", 2021)).content.decode()
    assert url("template", 2021, 5) in page and url("import", 2021, 5) in page
    assert "下载2021年5月Excel模板" in page
    client.force_login(people["leader"])
    page = client.get(url("year", 2021)).content.decode()
    assert url("template", 2021, 5) not in page and url("import", 2021, 5) not in page


def test_the_year_page_compares_once_the_year_before_is_entered(
    client, plan, places, clerk, people
):
    """The publishing year page: 甲社区's April of 2021 alone has nothing to compare with;
    entered for April 2020 too, the headline says the change."""
    enter(plan, 4, clerk, {places["a"]: (2, "1000")})
    client.force_login(people["leader"])
    year_page = reverse("yearbook:year") + "?year=2021"
    assert "上年同期无数据可比" in client.get(year_page).content.decode()
    enter(2020, 4, clerk, {places["a"]: (5, "9000")})
    page = client.get(year_page).content.decode()
    assert "上年同期无数据可比" not in page
    assert "上年同期5起（-3）" in page


@pytest.mark.parametrize("year, words", [(2021, "本年至今"), (2020, "全年：")])
def test_a_year_ended_is_totalled_as_the_whole_year(client, people, plan, year, words):
    """On 20 May 2021, 2021's total is the year so far; 2020's, a year ended, the whole
    year."""
    client.force_login(people["office"])
    assert words in client.get(reverse("cases:year", args=[year])).content.decode()
