"""S1–S6 and W1–W3 as plain functions: no database, one table per rule."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reporting.periods import LOCAL, Quarter, late_from
from scoring import rules
from scoring.rules import FindingInput, MonthInput, TeamInput

Q2 = Quarter(2021, 2)
AFTER_Q2 = datetime(2021, 7, 10, tzinfo=LOCAL)
DEADLINE = {m: late_from(2021, m, 1) for m in range(1, 13)}
SECOND = timedelta(seconds=1)
FOUND = FindingInput(by="综治办", on=date(2021, 5, 20), reason="照片重复使用")
TEAM = TeamInput(established_on=date(2021, 3, 20))


def month(m, first=None, finding=None):
    return MonthInput(2021, m, DEADLINE[m], first_submitted_at=first, finding=finding)


def on_time(m):
    return month(m, DEADLINE[m] - SECOND)


@pytest.mark.parametrize(
    ("rule", "month_input", "points", "reason"),
    [
        (
            "S2 one second before the deadline",
            month(4, DEADLINE[4] - SECOND),
            0,
            "2021年4月报表按时报送",
        ),
        ("S2 at the deadline (00:00:00 on the 2nd)", month(4, DEADLINE[4]), 1, "逾期不到1分钟报送"),
        (
            "S2 one second after the deadline",
            month(4, DEADLINE[4] + SECOND),
            1,
            "2021年4月报表逾期",
        ),
        (
            "S2 late by a day and three hours",
            month(6, DEADLINE[6] + timedelta(days=1, hours=3)),
            1,
            "2021年6月报表逾期1天3小时报送",
        ),
        ("S2 never submitted", month(5), 1, "2021年5月报表未报送"),
        # M3: the first submission was on time; the return and late resubmission change nothing.
        (
            "S2/M3 returned and resubmitted late",
            month(4, DEADLINE[4] - timedelta(hours=5)),
            0,
            "按时报送",
        ),
        ("S3 falsified and on time", month(4, DEADLINE[4] - SECOND, FOUND), 2, "弄虚作假"),
        (
            "S3 falsified and late: 2, not 1 + 2",
            month(4, DEADLINE[4] + timedelta(days=3), FOUND),
            2,
            "扣分翻倍",
        ),
    ],
)
def test_s2_s3_report_items(rule, month_input, points, reason):
    item = rules.assess_month(month_input, AFTER_Q2)
    assert item.points == points, rule
    assert reason in item.reason, rule
    assert item.month == f"2021-{month_input.month:02d}"


def test_s3_reason_names_who_when_and_why():
    item = rules.assess_month(month(4, DEADLINE[4] - SECOND, FOUND), AFTER_Q2)
    assert (
        item.reason == "2021年4月报表被认定弄虚作假（综治办，2021-05-20：照片重复使用）：扣分翻倍"
    )


@pytest.mark.parametrize(
    ("rule", "team", "points", "reason"),
    [
        ("S1 no team", TeamInput(), 1, "未建立宣讲队伍"),
        (
            "S1 team established on the last day of the quarter",
            TeamInput(date(2021, 6, 30)),
            0,
            "建立",
        ),
        ("S1 team established the day after", TeamInput(date(2021, 7, 1)), 1, "晚于本季度"),
        ("S1 team from before the year", TeamInput(date(2020, 11, 1)), 0, "建立"),
        ("S3 team only on paper", TeamInput(date(2021, 3, 1), FOUND), 2, "有名无实"),
        ("S3 no team and found on paper: still 2", TeamInput(None, FOUND), 2, "扣分翻倍"),
    ],
)
def test_s1_s3_team_item(rule, team, points, reason):
    item = rules.assess_team(team, Q2, AFTER_Q2)
    assert (item.points, item.month) == (points, None), rule
    assert reason in item.reason, rule


@pytest.mark.parametrize(
    ("rule", "month_input", "now", "pending", "deducts"),
    [
        ("S5 before the deadline", month(6), datetime(2021, 7, 1, tzinfo=LOCAL), True, False),
        ("S2 missing after the deadline", month(6), AFTER_Q2, False, True),
        ("S2 on time", on_time(6), AFTER_Q2, False, False),
        ("S3 falsified", month(6, DEADLINE[6] - SECOND, FOUND), AFTER_Q2, False, True),
    ],
)
def test_a_ledger_line_says_whether_it_is_pending_or_deducts(
    rule, month_input, now, pending, deducts
):
    line = rules.assess_month(month_input, now)
    assert (line.is_pending, line.deducts) == (pending, deducts), rule


@pytest.mark.parametrize(
    ("rule", "now", "points"),
    [
        (
            "S5 no team yet, last second of the quarter",
            datetime(2021, 6, 30, 23, 59, 59, tzinfo=LOCAL),
            0,
        ),
        ("S1 no team, first second after the quarter", datetime(2021, 7, 1, tzinfo=LOCAL), 1),
    ],
)
def test_s1_is_pending_until_the_quarter_ends(rule, now, points):
    assert rules.assess_team(TeamInput(), Q2, now).points == points, rule


@pytest.mark.parametrize(
    ("rule", "months", "team", "total", "deductions"),
    [
        ("S4 nothing lost", [on_time(4), on_time(5), on_time(6)], TEAM, 0, 0),
        ("S4 sum of items", [month(4), on_time(5), month(6)], TEAM, 2, 2),
        (
            "S4 exactly five",
            [month(4, finding=FOUND), month(5, finding=FOUND), month(6)],
            TEAM,
            5,
            3,
        ),
        (
            "S4 six capped at five",
            [month(4, finding=FOUND), month(5, finding=FOUND), month(6)],
            TeamInput(),
            5,
            4,
        ),
        (
            "S4 eight capped at five",
            [month(m, DEADLINE[m] + SECOND, FOUND) for m in (4, 5, 6)],
            TeamInput(None, FOUND),
            5,
            4,
        ),
    ],
)
def test_s4_total_is_capped_at_five(rule, months, team, total, deductions):
    assessment = rules.assess_quarter(Q2, months, team, AFTER_Q2)
    assert assessment.total == total, rule
    assert len(assessment.deductions) == deductions, rule


@pytest.mark.parametrize(
    ("rule", "now", "pending_months", "total"),
    [
        (
            "S5 June pending on 2021-07-01 23:59:59",
            datetime(2021, 7, 1, 23, 59, 59, tzinfo=LOCAL),
            ["2021-06"],
            2,
        ),
        ("S5 June judged from 2021-07-02 00:00:00", datetime(2021, 7, 2, tzinfo=LOCAL), [], 3),
        ("S5 the same instant in UTC", datetime(2021, 7, 1, 16, 0, tzinfo=UTC), [], 3),
        (
            "S5 one second earlier in UTC",
            datetime(2021, 7, 1, 15, 59, 59, tzinfo=UTC),
            ["2021-06"],
            2,
        ),
        (
            "S5 all pending early in the quarter",
            datetime(2021, 4, 15, tzinfo=LOCAL),
            ["2021-04", "2021-05", "2021-06"],
            0,
        ),
    ],
)
def test_s5_months_before_their_deadline_are_pending(rule, now, pending_months, total):
    assessment = rules.assess_quarter(Q2, [month(4), month(5), month(6)], TEAM, now)
    assert [i.month for i in assessment.pending if i.month] == pending_months, rule
    assert assessment.total == total, rule
    assert all(i.points == 0 for i in assessment.pending)


@pytest.mark.parametrize(
    ("rule", "quarter", "duty", "assessed"),
    [
        ("S6 2021 Q1 carries no duty month", Quarter(2021, 1), [4, 5, 6, 7, 8, 9, 10], False),
        ("S6 2021 Q2 is assessed", Quarter(2021, 2), [4, 5, 6, 7, 8, 9, 10], True),
        ("S6 2021 Q3 is assessed", Quarter(2021, 3), [4, 5, 6, 7, 8, 9, 10], True),
        ("S6 2021 Q4 has October only", Quarter(2021, 4), [4, 5, 6, 7, 8, 9, 10], True),
    ],
)
def test_s6_quarters_without_duty_are_not_assessed(rule, quarter, duty, assessed):
    assert (quarter in rules.assessed_quarters(2021, duty)) is assessed, rule
    months = [month(m) for m in quarter.months if m in duty]
    assessment = rules.assess_quarter(
        quarter, months, TeamInput(), datetime(2022, 1, 5, tzinfo=LOCAL)
    )
    assert assessment.assessed is assessed, rule
    if not assessed:
        assert assessment.total == 0 and assessment.deductions == ()


def test_s6_q4_2021_judges_october_alone():
    months = [month(10)]
    assessment = rules.assess_quarter(
        Quarter(2021, 4), months, TEAM, datetime(2022, 1, 5, tzinfo=LOCAL)
    )
    assert [i.month for i in assessment.deductions] == ["2021-10"]


@pytest.mark.parametrize(
    ("rule", "totals", "ranks"),
    [
        ("W1 plain order", {"a": 3, "b": 2, "c": 1}, {"a": 1, "b": 2, "c": 3}),
        (
            "W1 ties share a rank: 1, 2, 2, 4",
            {"a": 5, "b": 3, "c": 3, "d": 1},
            {"a": 1, "b": 2, "c": 2, "d": 4},
        ),
        ("W1 all equal", {"a": 0, "b": 0}, {"a": 1, "b": 1}),
    ],
)
def test_w1_competition_ranking(rule, totals, ranks):
    assert rules.competition_ranks(totals) == ranks, rule


@pytest.mark.parametrize(
    ("rule", "totals", "top"),
    [
        ("W2 three worst", {"a": 4, "b": 3, "c": 2, "d": 1}, {"a", "b", "c"}),
        (
            "W2 ties at rank 3 all count",
            {"a": 4, "b": 3, "c": 2, "d": 2, "e": 1},
            {"a", "b", "c", "d"},
        ),
        (
            "W2 tie at rank 2 pushes the next to 4",
            {"a": 4, "b": 3, "c": 3, "d": 2},
            {"a", "b", "c"},
        ),
        ("W2 zero is never in it", {"a": 2, "b": 0, "c": 0}, {"a"}),
        ("W2 nobody lost anything", {"a": 0, "b": 0, "c": 0}, set()),
    ],
)
def test_w2_worst_three(rule, totals, top):
    ranked = rules.rank_all(totals)
    assert {key for key, (_rank, in_top) in ranked.items() if in_top} == top, rule


@pytest.mark.parametrize(
    ("rule", "placings", "due"),
    [
        ("W3 two strikes", [True, False, True], False),
        ("W3 three strikes", [True, True, False, True], True),
        ("W3 four strikes", [True] * 4, True),
        ("W3 none", [], False),
    ],
)
def test_w3_three_strikes(rule, placings, due):
    assert rules.warning_due(rules.strikes(placings)) is due, rule


@pytest.mark.parametrize(
    ("text", "quarter"), [("2021Q2", Quarter(2021, 2)), ("2021q4", Quarter(2021, 4))]
)
def test_quarter_parse(text, quarter):
    assert Quarter.parse(text) == quarter
    assert Quarter.parse(str(quarter)) == quarter


@pytest.mark.parametrize("text", ["2021Q5", "2021", "Q2", "21Q2x", "abcdQ1"])
def test_quarter_parse_refuses(text):
    with pytest.raises(ValueError):
        Quarter.parse(text)


# Properties (hypothesis) ------------------------------------------------------

NOW = datetime(2021, 7, 20, tzinfo=LOCAL)
submission = st.one_of(
    st.none(),
    st.integers(min_value=-30 * 24, max_value=30 * 24).map(lambda h: timedelta(hours=h)),
)
month_facts = st.tuples(submission, st.booleans())
team_facts = st.tuples(
    st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2021, 12, 31))), st.booleans()
)


def build(facts, team):
    months = [
        month(m, None if delay is None else DEADLINE[m] + delay, FOUND if falsified else None)
        for m, (delay, falsified) in zip((4, 5, 6), facts, strict=True)
    ]
    return months, TeamInput(team[0], FOUND if team[1] else None)


@given(st.lists(month_facts, min_size=3, max_size=3), team_facts, st.sampled_from([NOW, AFTER_Q2]))
def test_property_total_is_capped_sum_never_negative(facts, team, now):
    assessment = rules.assess_quarter(Q2, *build(facts, team), now)
    assert assessment.total == min(5, sum(i.points for i in assessment.deductions))
    assert 0 <= assessment.total <= 5


@given(st.lists(month_facts, min_size=3, max_size=3), team_facts, st.integers(0, 2))
def test_property_submitting_a_missing_report_on_time_never_raises_a_total(facts, team, which):
    facts = list(facts)
    facts[which] = (None, facts[which][1])
    before = rules.assess_quarter(Q2, *build(facts, team), NOW).total
    facts[which] = (-SECOND, facts[which][1])
    assert rules.assess_quarter(Q2, *build(facts, team), NOW).total <= before


@given(st.lists(month_facts, min_size=3, max_size=3), team_facts, st.integers(0, 2))
def test_property_marking_falsified_never_lowers_a_total(facts, team, which):
    facts = list(facts)
    facts[which] = (facts[which][0], False)
    before = rules.assess_quarter(Q2, *build(facts, team), NOW).total
    facts[which] = (facts[which][0], True)
    assert rules.assess_quarter(Q2, *build(facts, team), NOW).total >= before
