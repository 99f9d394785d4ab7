"""The year in figures (publishing/year.py) on a small built year (tests/publishing/
year_data.py tells it): what is counted, per community, unit, month and form; the on-time
rate as the score pages count it; the deductions as the quarters rank them; the cases,
with months not entered as 未录入, never 0, compared with the year before over the months
entered in both; and a fixed number of queries at two sizes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import Community
from publishing.year import CaseMonth, year_figures
from reporting.models import ActivityForm, MonthlyReport, Plan
from reporting.periods import Quarter
from scoring.gather import PlanScores
from tests.conftest import add_activity
from tests.duties.conftest import record_unit_activity
from tests.publishing import year_data
from tests.publishing.year_data import AT, enter_cases, unit
from tests.scoring import conftest as scoring_conftest
from tests.scoring.conftest import file_report

# Fixtures of other modules, bound here for pytest to find.
year, q2 = year_data.year, scoring_conftest.q2

pytestmark = pytest.mark.django_db


def by_name(rows):
    return {row.name: row for row in rows}


@pytest.mark.parametrize(
    ("community", "activities", "participants", "photos", "on_time", "deductions"),
    [
        # A: three reports on time, a team: nothing deducted.
        ("甲社区", 3, 120, 3, 3, (0, 0, 0)),
        # B: May counts; June was found falsified (M6), so its activity does not. Q2: no
        # team 1, April missing 1, May late 1, June falsified 2 (S3): 5, the cap (S4).
        ("乙社区", 1, 40, 1, 1, (5, 0, 0)),
        # C: nothing filed: no team 1 and three months missing: 4.
        ("丙社区", 0, 0, 0, 0, (4, 0, 0)),
    ],
)
def test_each_community_counts_received_activities_and_its_scores(
    year,
    community,
    activities,
    participants,
    photos,
    on_time,
    deductions,
):
    row = by_name(year_figures(year[2021], AT).communities)[community]
    assert (row.tally.activities, row.tally.participants, row.tally.photos) == (
        activities,
        participants,
        photos,
    )
    assert (row.rate.on_time, row.rate.due) == (on_time, 3)  # April to June are due (M2)
    assert row.deductions == deductions
    assert row.deducted == sum(deductions)


def test_deductions_are_the_quarter_rankings_totals(year):
    figures = year_figures(year[2021], AT)
    assert [str(q) for q in figures.quarters] == ["2021Q2", "2021Q3", "2021Q4"]  # S6
    q2_scores = PlanScores(year[2021], AT).quarter_scores(Quarter(2021, 2))
    assert {s.community.name: s.total for s in q2_scores} == {
        row.name: row.deductions[0] for row in figures.communities
    }
    assert figures.deducted == 9
    assert figures.quarter_deducted(0) == 9


def test_on_time_rate_of_the_year_equals_the_score_pages_rates(year):
    """4 of 9: A's three and B's June (found falsified later, it still came on time)."""
    figures = year_figures(year[2021], AT)
    assert (figures.rate.on_time, figures.rate.due) == (4, 9)
    assert str(figures.rate) == "44.4%"
    assert sum(row.rate.on_time for row in figures.communities) == figures.rate.on_time
    rates = PlanScores(year[2021], AT).rates(Quarter(2021, 2))
    assert sum(cell.on_time for point in rates for cell in point.cells) == 4
    by_month = {m.month: m.rate for m in figures.months}
    assert [(by_month[m].on_time, by_month[m].due) for m in (4, 5, 6)] == [(1, 3), (1, 3), (2, 3)]
    assert by_month[7] is None  # not due yet on 10 July (S5): no rate, not 0 %
    assert by_month[1] is None  # no duty (M7)


def test_a_draft_is_not_counted_until_the_office_receives_it(year, places, people):
    draft = MonthlyReport.start(places["c"].pk, year[2021], 7, by=people["alice"])
    add_activity(draft, people["alice"], photos=2)
    figures = year_figures(year[2021], AT + timedelta(days=1))
    assert by_name(figures.communities)["丙社区"].tally.activities == 0


@pytest.mark.parametrize(
    ("month", "communities", "units", "participants", "photos"),
    [
        (4, 1, 0, 40, 1),
        (5, 2, 1, 200, 3),  # A and B; 教育办 (120 people)
        (6, 1, 1, 40, 3),  # A (B's June falsified); 电信's SMS batch, two photos, no one met
        (7, 0, 0, 0, 0),
    ],
)
def test_each_month_counts_communities_and_units(
    year,
    month,
    communities,
    units,
    participants,
    photos,
):
    m = year_figures(year[2021], AT).months[month - 1]
    both = m.communities + m.units
    assert (m.communities.activities, m.units.activities) == (communities, units)
    assert (both.participants, both.photos) == (participants, photos)


def test_a_carriers_sms_recipients_are_counted_apart_from_participants(year, people):
    """Participants are the people reached in person: the communities' and the units' but a
    carrier's (Measure.SMS), whose activity is a batch of warning SMS; its recipients (the
    count) and batches are a figure of their own, whatever it wrote as participants."""
    figures = year_figures(year[2021], AT)
    units = by_name(figures.units)
    telecom = units["电信"].tally
    assert (telecom.participants, telecom.sms_recipients, telecom.sms_batches) == (0, 50000, 1)
    assert units["电信"].sends_sms and not units["教育办"].sends_sms
    assert (figures.tally.participants, figures.unit_tally.participants) == (280, 120)
    assert (figures.tally.sms_recipients, figures.tally.sms_batches) == (50000, 1)
    # An activity of a carrier without a count is no batch; its people are still not counted.
    record_unit_activity(unit("移动"), people["office"], month=6, count=None)
    figures = year_figures(year[2021], AT)
    assert (figures.tally.participants, figures.tally.sms_batches) == (280, 1)
    assert by_name(figures.units)["移动"].tally.activities == 1


def test_units_and_forms(year):
    figures = year_figures(year[2021], AT)
    units = by_name(figures.units)
    assert (units["教育办"].tally.activities, units["教育办"].tally.photos) == (1, 1)
    assert units["电信"].tally.forms == ((ActivityForm.LEAFLETS, 1),)
    assert units["司法所"].tally.activities == 0  # every unit is listed, idle ones too
    assert figures.tally.forms == ((ActivityForm.TALK, 5), (ActivityForm.LEAFLETS, 1))
    table = figures.form_table()
    assert [row for row in table.rows] == [
        ("集中宣讲", 4, 1),
        ("发放材料", 0, 1),
        ("合计", 4, 2),
    ]


@pytest.mark.parametrize(
    ("community", "month", "expected"),
    [
        ("甲社区", 4, CaseMonth(2, Decimal("1000.50"))),
        ("甲社区", 5, CaseMonth(0, Decimal("0"))),  # entered as none: 0, not 未录入
        ("甲社区", 6, None),  # not entered
        ("丙社区", 4, None),
    ],
)
def test_cases_per_community_and_month_none_where_not_entered(
    year,
    community,
    month,
    expected,
):
    row = by_name(year_figures(year[2021], AT).communities)[community]
    assert row.cases[month] == expected


def test_months_not_entered_read_not_entered_never_zero(year):
    figures = year_figures(year[2021], AT)
    assert figures.cases_entered == (4, 5)
    table = figures.cases_table()
    assert table.headers[1:13] == tuple(f"{m}月" for m in range(1, 13))
    rows = {row[0]: row for row in table.rows}
    a, c, total = rows["甲社区"], rows["丙社区"], rows["合计"]
    assert a[1:7] == ("未录入", "未录入", "未录入", 2, 0, "未录入")
    assert c[1:14] == ("未录入",) * 13  # nothing at all entered: the year too
    assert total[4:7] == (3, 0, "未录入")
    months = {row[0]: row for row in figures.month_table().rows}
    assert months["6月"][6:9] == ("未录入", "未录入", 2)  # 2020 June: 2


@pytest.mark.parametrize(
    ("community", "last", "change"),
    [
        ("甲社区", 3, "-1"),  # April 2021: 2, April 2020: 3 (May and June not in both)
        ("乙社区", 1, "0"),
        ("丙社区", "—", "—"),  # nothing to compare
    ],
)
def test_change_against_the_year_before_over_months_entered_in_both(
    year,
    community,
    last,
    change,
):
    figures = year_figures(year[2021], AT)
    row = next(r for r in figures.cases_table().rows if r[0] == community)
    assert row[-2:] == (last, change)
    comparison = figures.comparison
    assert (comparison.months, comparison.this_cases, comparison.last_cases) == ((4,), 3, 4)
    assert comparison.losses_change == Decimal("1200.50") - Decimal("5100")


def test_no_year_before_means_no_comparison(plan, places, people):
    enter_cases(places, people["office"], {(2021, "a", 4): (1, "10")})
    figures = year_figures(plan, AT)
    assert not figures.has_last_year
    assert figures.comparison is None
    assert figures.cases_table().rows[0][-2:] == ("—", "—")


def queries(plan):
    with CaptureQueriesContext(connection) as captured:
        figures = year_figures(plan, AT)
        figures.tables()
    return len(captured.captured_queries)


def test_a_fixed_number_of_queries_whatever_the_rows(year, places, people):
    plan = year[2021]
    small = queries(plan)
    point = places["point"]
    for n in range(6):
        community = Community.objects.create(name=f"新社区{n}", work_point=point)
        for month in (4, 5):
            report = file_report(community, plan, month, people["alice"], plan.late_from(month))
            add_activity(report, people["alice"], photos=2)
        enter_cases({"x": community}, people["office"], {(2021, "x", 6): (1, "5")})
    record_unit_activity(unit("司法所"), people["office"], month=8, photos=2)
    record_unit_activity(unit("移动"), people["office"], month=8, count=30000)
    assert queries(plan) == small


def test_a_year_without_duty_has_no_rate_and_no_quarter(places, people):
    """M7, S6: no month carries the duty, so no report is due and no quarter is assessed:
    the rate reads —, not 0 %, and the tables have no quarter's column."""
    plan = Plan.objects.create(year=2022, duty_months=[])
    figures = year_figures(plan, AT.replace(year=2022))
    assert (figures.rate.due, str(figures.rate), figures.quarters) == (0, "—", ())
    headers = figures.community_table().headers
    assert not any("季度" in header for header in headers)
    assert figures.community_table().rows[-1][-2] == 0  # the year's deduction: nothing
