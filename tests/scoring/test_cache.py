"""A closed quarter's standing, cached for the pages (scoring.gather, scoring.signals):
every change that can alter it shows on the next view, the cached answer is the one
worked out afresh, and nothing else is cached."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from communities.models import Community, PropagandaTeam
from reporting.models import Finding
from reporting.periods import LOCAL, Quarter
from scoring import gather, rules
from scoring.gather import PlanScores
from scoring.models import Inspection, InspectionResult
from tests.scoring.conftest import AFTER_Q2, file_report

pytestmark = pytest.mark.django_db
Q2 = Quarter(2021, 2)
QUARTER = reverse("scoring:quarter", args=["2021Q2"])


@pytest.fixture(autouse=True)
def cached_at_any_size(monkeypatch):
    """The cache from the first community on: a province is not needed to test it."""
    monkeypatch.setattr(gather, "CACHE_FROM_COMMUNITIES", 0)
    cache.clear()
    yield
    cache.clear()


def reads_reports(work):
    """Whether `work()` read the reports, i.e. worked the quarter out rather than
    taking it from the cache."""
    with CaptureQueriesContext(connection) as captured:
        work()
    return any("reporting_monthlyreport" in query["sql"] for query in captured)


def inspect(plan, day, points):
    inspection = Inspection.objects.create(plan=plan, held_on=day, title="督查")
    for community, lost in points.items():
        InspectionResult.objects.create(inspection=inspection, community=community, points=lost)
    return inspection


def two_inspections_of_c(plan, places, **kwargs):
    """C worst in Q2 and in two inspections: three strikes, a warning is due (W3)."""
    for day in (date(2021, 5, 20), date(2021, 6, 25)):
        inspect(plan, day, {places["c"]: 2, places["a"]: 0})


def finding_on_a_may(q2, people, **kwargs):
    q2["a", 5].mark_falsified(people["office"], "照片重复使用")


def team_of_c(places, **kwargs):
    PropagandaTeam.objects.create(community=places["c"], established_on=date(2021, 3, 1))


def community_d(places, **kwargs):
    Community.objects.create(name="丁社区", work_point=places["point"])


def set_team_date(places, **kwargs):
    team = places["c"].team
    team.established_on = date(2021, 7, 5)
    team.save()


def change_plan(plan, **fields):
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.save()


def nothing(**kwargs):
    pass


# (change, set-up before the first view, what it changes, page: "quarter" or C's ledger,
#  the words to look for, whether they are there after the change)
CHANGES = [
    ("a finding recorded", nothing, finding_on_a_may, "quarter", "照片重复使用", True),
    (
        "a finding withdrawn",
        finding_on_a_may,
        lambda q2, people, **k: Finding.objects.get().withdraw(people["office"], "复核"),
        "quarter",
        "照片重复使用",
        False,
    ),
    (
        "a team found only on paper",
        nothing,
        lambda places, people, **k: Finding.record(
            by=people["office"], reason="名单上的人从未参加活动", team=places["a"].team
        ),
        "quarter",
        "有名无实",
        True,
    ),
    (
        "an inspection recorded",
        lambda plan, places, **k: inspect(plan, date(2021, 5, 20), {places["c"]: 2}),
        lambda plan, places, **k: inspect(plan, date(2021, 6, 25), {places["c"]: 2}),
        "quarter",
        "应予警告",
        True,
    ),
    (
        "an inspection's result changed",
        two_inspections_of_c,
        lambda places, **k: InspectionResult.objects.filter(community=places["c"]).first().delete(),
        "quarter",
        "应予警告",
        False,
    ),
    (
        "an inspection deleted",
        two_inspections_of_c,
        lambda **k: Inspection.objects.first().delete(),
        "quarter",
        "应予警告",
        False,
    ),
    (
        "a report first submitted after the quarter (late)",
        nothing,
        lambda plan, places, people, **k: file_report(
            places["c"], plan, 4, people["alice"], AFTER_Q2
        ),
        "quarter",
        "2021年4月报表逾期69天报送",
        True,
    ),
    ("a team created", nothing, team_of_c, "ledger", "宣讲队伍于2021-03-01建立", True),
    (
        "a team's date of establishment changed",
        team_of_c,
        set_team_date,
        "ledger",
        "宣讲队伍迟至2021-07-05才建立",
        True,
    ),
    (
        "a team deleted",
        team_of_c,
        lambda places, **k: places["c"].team.delete(),
        "ledger",
        "宣讲队伍于2021-03-01建立",
        False,
    ),
    ("a community added", nothing, community_d, "quarter", "丁社区", True),
    (
        "a community removed",
        community_d,
        lambda **k: Community.objects.get(name="丁社区").delete(),
        "quarter",
        "丁社区",
        False,
    ),
    (
        "the plan's months",
        nothing,
        lambda plan, **k: change_plan(plan, duty_months=[4, 5, 7, 8, 9, 10]),
        "quarter",
        "2021年6月报表未报送",
        False,
    ),
    (
        "the plan's deadline",
        nothing,
        lambda plan, **k: change_plan(plan, deadline_day=5),
        "quarter",
        "2021年5月报表逾期3天报送",
        False,
    ),
]


@pytest.mark.parametrize(
    ("change", "set_up", "make", "page", "words", "shown_after"),
    CHANGES,
    ids=[case[0] for case in CHANGES],
)
def test_each_change_shows_on_the_next_view(
    client,
    django_capture_on_commit_callbacks,
    plan,
    places,
    people,
    q2,
    change,
    set_up,
    make,
    page,
    words,
    shown_after,
):
    facts = {"plan": plan, "places": places, "people": people, "q2": q2}
    url = QUARTER if page == "quarter" else reverse("scoring:ledger", args=[Q2, places["c"].pk])
    client.force_login(people["office"])
    with time_machine.travel(AFTER_Q2, tick=False):
        set_up(**facts)
        before = client.get(url).content.decode()
        assert not reads_reports(lambda: PlanScores.now(plan).quarter_scores(Q2)), "cached"
        assert (words in before) is not shown_after, change
        with django_capture_on_commit_callbacks(execute=True):
            make(**facts)
        after = client.get(url).content.decode()
    assert (words in after) is shown_after, change


def facts_of(scores):
    return [
        (
            s.community.name,
            s.community.work_point.name,
            s.total,
            s.rank,
            s.top_three,
            s.strikes,
            s.warning_due,
            s.warning_outstanding,
            [(i.rule, i.month, i.points, i.reason, i.report_id) for i in s.assessment.lines],
        )
        for s in scores
    ]


@pytest.mark.parametrize(
    ("quarter", "now"),
    [(Q2, AFTER_Q2), (Quarter(2021, 3), datetime(2021, 10, 10, tzinfo=LOCAL))],
)
def test_the_cached_answer_is_the_one_worked_out_afresh(plan, places, people, q2, quarter, now):
    """Q3 also ranks Q2, taken from the cache, and both inspections."""
    q2["b", 6].mark_falsified(people["office"], "人数虚报", at=datetime(2021, 7, 5, tzinfo=LOCAL))
    inspect(plan, date(2021, 6, 25), {places["c"]: 2, places["b"]: 1})
    inspect(plan, date(2021, 9, 3), {places["b"]: 3})
    file_report(places["a"], plan, 7, people["alice"], plan.late_from(7) + timedelta(hours=7))
    with time_machine.travel(now, tick=False):
        PlanScores.now(plan).quarter_scores(Q2)  # so that Q3 finds Q2 in the cache
        first = PlanScores.now(plan).quarter_scores(quarter)
        cached = PlanScores.now(plan)
        assert not reads_reports(lambda: cached.quarter_scores(quarter))
        afresh = PlanScores(plan, timezone.now()).quarter_scores(quarter)
    assert facts_of(cached.quarter_scores(quarter)) == facts_of(afresh) == facts_of(first)
    assert any(s.assessment.deductions for s in afresh)


def test_a_moment_in_the_past_is_never_cached(plan, q2):
    """A1 (`--at`): worked out every time, and never left in the cache for the pages."""
    with time_machine.travel(datetime(2021, 8, 1, tzinfo=LOCAL), tick=False):
        for _ in range(2):
            assert reads_reports(lambda: PlanScores(plan, AFTER_Q2).quarter_scores(Q2))
        assert reads_reports(lambda: PlanScores.now(plan).quarter_scores(Q2))


def test_a_quarter_with_a_month_still_pending_is_not_cached(plan, q2):
    """S5: on 1 July June is still pending, and the answer changes at midnight by itself."""
    with time_machine.travel(datetime(2021, 7, 1, 12, tzinfo=LOCAL), tick=False):
        for _ in range(2):
            assert reads_reports(lambda: PlanScores.now(plan).quarter_scores(Q2))


def test_a_city_is_worked_out_every_time(monkeypatch, plan, q2):
    """Below CACHE_FROM_COMMUNITIES nothing is cached: quicker to work out than to keep."""
    monkeypatch.setattr(gather, "CACHE_FROM_COMMUNITIES", 4)
    with time_machine.travel(AFTER_Q2, tick=False):
        for _ in range(2):
            assert reads_reports(lambda: PlanScores.now(plan).quarter_scores(Q2))


def test_on_deadline_day_submissions_leave_the_closed_quarters_cached(
    django_capture_on_commit_callbacks, plan, places, people, q2
):
    """September's reports, filed on 1 October, change no closed quarter: Q2 stays cached."""
    with time_machine.travel(datetime(2021, 10, 1, 9, tzinfo=LOCAL), tick=False):
        PlanScores.now(plan).quarter_scores(Q2)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            file_report(places["a"], plan, 9, people["alice"], timezone.now())
        assert gather.renew_scores_version not in callbacks
        assert not reads_reports(lambda: PlanScores.now(plan).quarter_scores(Q2))


def test_a_change_renews_the_version_only_once_committed(
    django_capture_on_commit_callbacks, plan, q2, people
):
    """Until then a reader that saw the old facts could cache them under the new version."""
    with time_machine.travel(AFTER_Q2, tick=False):
        PlanScores.now(plan).quarter_scores(Q2)
        version = gather.scores_version()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            q2["a", 5].mark_falsified(people["office"], "照片重复使用")
        assert gather.scores_version() == version
        assert gather.renew_scores_version in callbacks
        callbacks[0]()
        assert gather.scores_version() != version
        assert reads_reports(lambda: PlanScores.now(plan).quarter_scores(Q2))


@pytest.mark.parametrize(
    ("rule", "quarter", "now", "closed"),
    [
        ("S5 June pending on its deadline day", Q2, datetime(2021, 7, 1, 23, 59, 59), False),
        ("S5 closed once June's deadline passed", Q2, datetime(2021, 7, 2), True),
        ("S5 the quarter not over yet", Q2, datetime(2021, 6, 30, 12), False),
        ("S6 Q4 judged on October alone, closed", Quarter(2021, 4), datetime(2022, 1, 1), True),
        ("S1 Q4's team item pending until 31 Dec", Quarter(2021, 4), datetime(2021, 11, 5), False),
    ],
)
def test_a_quarter_is_closed_once_nothing_can_be_pending(plan, rule, quarter, now, closed):
    """Only then is it cached: its standing no longer changes with time alone."""
    late_froms = [plan.late_from(m) for m in quarter.months if plan.carries_duty(m)]
    assert rules.quarter_closed(quarter, late_froms, now.replace(tzinfo=LOCAL)) is closed, rule


def test_a_cached_line_is_said_in_the_readers_language(plan, places, people, q2):
    """A line keeps its reason's words, not a translation: the cache serves every language."""
    with time_machine.travel(AFTER_Q2, tick=False):
        PlanScores.now(plan).quarter_scores(Q2)
        scores = {s.place.name: s for s in PlanScores.now(plan).quarter_scores(Q2)}
    late = scores["乙社区"].assessment.deductions[2]
    assert late.reason == "2021年5月报表逾期3天报送"
    with translation.override("en"):
        assert late.reason == "Report of 2021-5 submitted 3 d late"


def test_the_version_lives_in_the_database_so_every_process_sees_a_change():
    """Two gunicorn workers each keep their own local-memory cache: a change made
    through one must stop the other reading its cached standing. The version is a row."""
    from django.core.cache import caches

    from scoring.gather import renew_scores_version, scores_version

    before = scores_version()
    caches["default"].clear()  # another process's cache knows nothing of the change
    renew_scores_version()
    assert scores_version() == before + 1
