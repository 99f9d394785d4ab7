"""The rules fed from the database: reports, teams, findings, inspections (S1–S6, W1–W3)."""

from datetime import date, datetime, timedelta

import pytest
import time_machine

from reporting.models import Finding
from reporting.periods import LOCAL, Quarter
from scoring.gather import PlanScores
from scoring.models import Inspection, InspectionResult, OfficialWarning
from tests.scoring.conftest import AFTER_Q2

pytestmark = pytest.mark.django_db
Q2 = Quarter(2021, 2)


def by_name(scores):
    return {s.community.name: s for s in scores}


def test_quarter_from_real_reports(plan, places, q2):
    scores = by_name(PlanScores(plan, AFTER_Q2).quarter_scores(Q2))
    assert scores["甲社区"].total == 0
    # B: no team (S1), April missing, May late (S2): 3. C: no team, nothing filed: 4.
    assert [(i.rule, i.month) for i in scores["乙社区"].assessment.deductions] == [
        ("S1", None),
        ("S2", "2021-04"),
        ("S2", "2021-05"),
    ]
    assert "逾期3天报送" in scores["乙社区"].assessment.deductions[2].reason
    assert (scores["丙社区"].total, scores["乙社区"].total) == (4, 3)
    assert (scores["丙社区"].rank, scores["乙社区"].rank, scores["甲社区"].rank) == (1, 2, 3)
    # W2: A is ranked 3 but lost nothing, so it is not in the worst three.
    assert [s.top_three for s in (scores["丙社区"], scores["乙社区"], scores["甲社区"])] == [
        True,
        True,
        False,
    ]


def test_m3_a_return_and_late_resubmission_keep_the_month_on_time(plan, q2, people):
    april = q2["a", 4]
    with time_machine.travel(datetime(2021, 5, 10, tzinfo=LOCAL), tick=False):
        april.return_(people["office"], "照片不清晰")
        april.submit(people["alice"], truth_confirmed=True)
    scores = by_name(PlanScores(plan, AFTER_Q2).quarter_scores(Q2))
    assert scores["甲社区"].total == 0


def test_s3_a_falsified_report_costs_two_with_its_reason(plan, q2, people):
    q2["a", 5].mark_falsified(
        people["office"], "照片重复使用", at=datetime(2021, 6, 3, tzinfo=LOCAL)
    )
    score = by_name(PlanScores(plan, AFTER_Q2).quarter_scores(Q2))["甲社区"]
    (item,) = score.assessment.deductions
    assert (item.rule, item.month, item.points) == ("S3", "2021-05", 2)
    assert item.reason == (
        "2021年5月报表被认定弄虚作假（office，2021-06-03：照片重复使用）：扣分翻倍"
    )
    assert item.report_id == q2["a", 5].pk


def test_withdrawn_finding_no_longer_counts(plan, q2, people):
    finding = q2["a", 5].mark_falsified(people["office"], "照片重复使用")
    finding.withdraw(people["office"], "复核后确认照片不同")
    assert by_name(PlanScores(plan, AFTER_Q2).quarter_scores(Q2))["甲社区"].total == 0


def test_at_evaluates_as_of_a_moment(plan, q2):
    """Before June's deadline, June is pending (S5) and B's missing April counts."""
    at = datetime(2021, 7, 1, 12, tzinfo=LOCAL)
    score = by_name(PlanScores(plan, at).quarter_scores(Q2))["乙社区"]
    assert [i.month for i in score.assessment.pending] == ["2021-06"]
    # The team item is judged: the quarter ended on 30 June.
    assert [i.rule for i in score.assessment.deductions] == ["S1", "S2", "S2"]


def test_w3_three_strikes_across_quarters_and_inspections(plan, places, people, q2):
    """C is worst in Q2, and in two inspections: three strikes, a warning is due."""
    for day in (date(2021, 5, 20), date(2021, 6, 25)):
        inspection = Inspection.objects.create(plan=plan, held_on=day, title="督查")
        InspectionResult.objects.create(inspection=inspection, community=places["c"], points=2)
        InspectionResult.objects.create(inspection=inspection, community=places["a"], points=0)
    scores = by_name(PlanScores(plan, AFTER_Q2).quarter_scores(Q2))
    assert len(scores["丙社区"].strikes) == 3
    assert scores["丙社区"].warning_due
    assert len(scores["乙社区"].strikes) == 1
    assert not scores["乙社区"].warning_due
    assert scores["甲社区"].strikes == []


def test_w3_a_warning_is_outstanding_until_it_is_issued(plan, places, people, q2):
    """C has three strikes, each a placing with its rank; once warned, nothing is outstanding."""
    for day in (date(2021, 5, 20), date(2021, 6, 25)):
        inspection = Inspection.objects.create(plan=plan, held_on=day, title="督查")
        InspectionResult.objects.create(inspection=inspection, community=places["c"], points=2)
    c = by_name(PlanScores(plan, AFTER_Q2).quarter_scores(Q2))["丙社区"]
    assert [(p.rank, p.in_top_three) for p in c.placings] == [(1, True)] * 3
    assert c.warning_due and c.warning_outstanding
    assert not by_name(PlanScores(plan, AFTER_Q2).quarter_scores(Q2))["乙社区"].warning_outstanding
    OfficialWarning.issue(
        community=places["c"],
        plan=plan,
        strikes="\n".join(c.strikes),
        by=people["office"],
        on=date(2021, 7, 6),
    )
    c = by_name(PlanScores(plan, AFTER_Q2).quarter_scores(Q2))["丙社区"]
    assert c.warning_due and not c.warning_outstanding


def test_inspection_after_the_quarter_is_not_counted_for_it(plan, places, q2):
    inspection = Inspection.objects.create(plan=plan, held_on=date(2021, 7, 5), title="督查")
    InspectionResult.objects.create(inspection=inspection, community=places["c"], points=2)
    scores = by_name(PlanScores(plan, AFTER_Q2).quarter_scores(Q2))
    assert len(scores["丙社区"].strikes) == 1


def test_team_finding_doubles_the_team_item(plan, places, people, q2):
    team = places["a"].team
    Finding.record(by=people["office"], reason="名单上的人从未参加活动", team=team)
    score = by_name(PlanScores(plan, datetime.now(LOCAL)).quarter_scores(Q2))["甲社区"]
    assert [(i.rule, i.points) for i in score.assessment.deductions] == [("S3", 2)]


def test_rates_follow_dhis2(plan, q2):
    rows = PlanScores(plan, AFTER_Q2).rates(Q2)
    by_point = {row.point.name: row for row in rows}
    first_point = by_point["缺塘点"].cells
    # A and C are in the first work point: A filed all on time, C nothing.
    assert [(c.expected, c.received, c.on_time) for c in first_point] == [(2, 1, 1)] * 3
    assert [c.completeness for c in first_point] == [50, 50, 50]
    second_point = by_point["苏内点"].cells
    assert [(c.received, c.on_time) for c in second_point] == [(0, 0), (1, 0), (1, 1)]
    assert second_point[1].timeliness == 0
    # A lost nothing in Q2; C lost 4 (no team, three months missing): 2 on average.
    assert by_point["缺塘点"].average_deduction == pytest.approx(2.0)


def test_findings_need_a_reason_and_stay_single(plan, q2, people):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        q2["a", 4].mark_falsified(people["office"], "  ")
    q2["a", 4].mark_falsified(people["office"], "人数虚报")
    with pytest.raises(ValidationError):
        q2["a", 4].mark_falsified(people["office"], "再次认定")
    assert Finding.objects.count() == 1
    actions = list(q2["a", 4].events.values_list("action", flat=True))
    assert actions[-1] == "falsified"
    assert q2["a", 4].activities.count() == 1  # M6: a finding, not a deletion
    assert timedelta(0) <= datetime.now(LOCAL) - Finding.objects.get().recorded_at


RECORDED = datetime(2021, 6, 3, 9, 0, tzinfo=LOCAL)
WITHDRAWN = datetime(2021, 7, 20, 15, 0, tzinfo=LOCAL)


@pytest.mark.parametrize(
    ("asked_at", "may_points"),
    [
        (RECORDED - timedelta(seconds=1), 0),  # before the finding: May was on time
        (RECORDED, 2),  # recorded at or before the moment: it counts (S3 doubles)
        (datetime(2021, 7, 10, tzinfo=LOCAL), 2),  # withdrawn later: still counts then
        (WITHDRAWN - timedelta(seconds=1), 2),
        (WITHDRAWN, 0),  # withdrawn at or before the moment: it no longer counts
        (datetime(2021, 8, 1, tzinfo=LOCAL), 0),
    ],
)
def test_A1_a_finding_counts_between_its_recording_and_its_withdrawal(
    plan, q2, people, asked_at, may_points
):
    finding = q2["a", 5].mark_falsified(people["office"], "照片重复使用", at=RECORDED)
    finding.withdraw(people["office"], "复核后确认照片不同", at=WITHDRAWN)
    score = by_name(PlanScores(plan, asked_at).quarter_scores(Q2))["甲社区"]
    may = [i for i in score.assessment.deductions if i.month == "2021-05"]
    assert sum(i.points for i in may) == may_points
