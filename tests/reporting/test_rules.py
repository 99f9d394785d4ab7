"""M1, M3, M4, M5: the report's workflow, through the model's own transitions."""

from datetime import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from communities.access import viewer_of
from reporting.models import ActivityChange, MonthlyReport, ReportEvent, ReportState, Revision
from reporting.periods import LOCAL
from tests.conftest import add_activity

pytestmark = pytest.mark.django_db

ON_TIME = datetime(2021, 5, 1, 23, 59, 59, tzinfo=LOCAL)
LATE = datetime(2021, 5, 2, 0, 0, 0, tzinfo=LOCAL)


@pytest.mark.parametrize(
    ("rule", "activities", "message"),
    [
        ("M1 no activity", [], "至少填写一项活动"),
        ("M1 an activity without a photo", [0], "活动 1：还没有照片"),
        ("M1 the second activity without a photo", [1, 0], "活动 2：还没有照片"),
    ],
)
def test_m1_submission_refused_until_complete(rule, activities, message, plan, places, people):
    alice = people["alice"]
    report = MonthlyReport.start(places["a"].pk, plan, 4, by=alice)
    for photos in activities:
        add_activity(report, alice, photos=photos)
    with pytest.raises(ValidationError) as refusal:
        report.submit(alice, truth_confirmed=True)
    assert any(message in m for m in refusal.value.messages), rule
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT, rule
    assert report.first_submitted_at is None, rule


@pytest.mark.parametrize(
    ("rule", "activities"),
    [("M1 one activity with a photo", [1]), ("M1 two activities with photos", [1, 3])],
)
def test_m1_submission_accepted_when_complete(rule, activities, plan, places, people):
    alice = people["alice"]
    report = MonthlyReport.start(places["a"].pk, plan, 4, by=alice)
    for photos in activities:
        add_activity(report, alice, photos=photos)
    report.submit(alice, truth_confirmed=True)
    assert MonthlyReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED, rule


@pytest.mark.parametrize(
    ("rule", "first", "resubmitted", "on_time"),
    [
        ("M3 on time, returned, resubmitted late: still on time", ON_TIME, LATE, True),
        (
            "M3 on time, returned, resubmitted weeks later",
            ON_TIME,
            datetime(2021, 6, 20, tzinfo=LOCAL),
            True,
        ),
        ("M3 late stays late after a return", LATE, datetime(2021, 5, 3, tzinfo=LOCAL), False),
    ],
)
def test_m3_timeliness_is_judged_on_first_submission(
    rule, first, resubmitted, on_time, april, people
):
    alice, office = people["alice"], people["office"]
    with time_machine.travel(first, tick=False):
        april.submit(alice, truth_confirmed=True)
    with time_machine.travel(resubmitted, tick=False):
        april.return_(office, "照片不清晰")
        april.submit(alice, truth_confirmed=True)
    april.refresh_from_db()
    assert april.first_submitted_at == first, rule
    assert april.submitted_at == resubmitted, rule
    assert april.is_on_time is on_time, rule
    assert MonthlyReport.objects.on_time().filter(pk=april.pk).exists() is on_time, rule


@pytest.mark.parametrize(
    ("rule", "clock", "on_time"),
    [
        ("M2 clock frozen at 23:59:59 on the 1st", "2021-05-01T23:59:59+08:00", True),
        ("M2 clock frozen at 00:00:00 on the 2nd", "2021-05-02T00:00:00+08:00", False),
        ("M2 same instant as 15:59:59 UTC", "2021-05-01T15:59:59+00:00", True),
        ("M2 same instant as 16:00:00 UTC", "2021-05-01T16:00:00+00:00", False),
    ],
)
def test_m2_submission_with_the_clock_frozen(rule, clock, on_time, april, people):
    with time_machine.travel(datetime.fromisoformat(clock), tick=False):
        april.submit(people["alice"], truth_confirmed=True)
    april.refresh_from_db()
    assert april.is_on_time is on_time, rule
    # The same rule as the office's list filters it, in SQL.
    assert MonthlyReport.objects.on_time().filter(pk=april.pk).exists() is on_time, rule
    assert MonthlyReport.objects.late().filter(pk=april.pk).exists() is not on_time, rule


@pytest.mark.parametrize(
    ("rule", "confirmed", "submitted"),
    [("M4 confirmation given", True, True), ("M4 confirmation missing", False, False)],
)
def test_m4_submission_records_who_when_and_the_promise(rule, confirmed, submitted, april, people):
    alice = people["alice"]
    with time_machine.travel(ON_TIME, tick=False):
        if confirmed:
            april.submit(alice, truth_confirmed=True)
        else:
            with pytest.raises(ValidationError, match="确认"):
                april.submit(alice, truth_confirmed=False)
    april.refresh_from_db()
    assert (april.state == ReportState.SUBMITTED) is submitted, rule
    if submitted:
        assert april.submitted_by == alice
        assert april.submitted_at == ON_TIME
        event = april.events.get(action=ReportEvent.Action.SUBMITTED)
        assert (event.actor, event.at) == (alice, ON_TIME)
        assert "本人承诺所报内容真实" in event.note
    else:
        assert april.submitted_by is None


def _submitted(report, people):
    report.submit(people["alice"], truth_confirmed=True)


def _accepted(report, people):
    _submitted(report, people)
    report.accept(people["office"])


def _returned(report, people):
    _submitted(report, people)
    report.return_(people["office"], "请补充照片")


SETUPS = {
    "draft": lambda r, p: None,
    "submitted": _submitted,
    "accepted": _accepted,
    "returned": _returned,
}
ACTIONS = {
    "submit": lambda r, p: r.submit(p["alice"], truth_confirmed=True),
    "accept": lambda r, p: r.accept(p["office"]),
    "return": lambda r, p: r.return_(p["office"], "人数不符"),
    "edit": lambda r, p: r.revise(p["alice"], version=r.version, revision=_new_place(r)),
}


def _new_place(report):
    """The report page's change of the first activity's place."""
    first = report.activities.first()
    return Revision(
        activities=(ActivityChange(values={"place": "改过的地点"}, activity_id=first.pk),)
    )


@pytest.mark.parametrize(
    ("rule", "start", "action", "end"),
    [
        ("M5 draft → submitted", "draft", "submit", "submitted"),
        ("M5 draft cannot be accepted", "draft", "accept", None),
        ("M5 draft cannot be returned", "draft", "return", None),
        ("M5 draft is editable", "draft", "edit", "draft"),
        ("M5 submitted → accepted", "submitted", "accept", "accepted"),
        ("M5 submitted → returned", "submitted", "return", "returned"),
        ("M5 submitted cannot be submitted twice", "submitted", "submit", None),
        ("M5 submitted is not editable", "submitted", "edit", None),
        ("M5 accepted is final", "accepted", "return", None),
        ("M5 accepted is not editable", "accepted", "edit", None),
        ("M5 accepted cannot be submitted", "accepted", "submit", None),
        ("M5 returned → resubmitted", "returned", "submit", "submitted"),
        ("M5 returned is editable again", "returned", "edit", "returned"),
        ("M5 returned cannot be accepted", "returned", "accept", None),
    ],
)
def test_m5_workflow(rule, start, action, end, april, people):
    SETUPS[start](april, people)
    events_before = april.events.count()
    if end is None:
        with pytest.raises(ValidationError):
            ACTIONS[action](april, people)
        april.refresh_from_db()
        assert april.state == start, rule
        assert april.events.count() == events_before, rule
    else:
        ACTIONS[action](april, people)
        april.refresh_from_db()
        assert april.state == end, rule
        assert april.events.count() == events_before + 1, rule


@pytest.mark.parametrize(
    ("rule", "reason", "allowed"),
    [("M5 return with a reason", "照片模糊", True), ("M5 return without a reason", "   ", False)],
)
def test_m5_return_needs_a_reason(rule, reason, allowed, april, people):
    _submitted(april, people)
    if allowed:
        april.return_(people["office"], reason)
        april.refresh_from_db()
        assert april.return_reason == reason
        assert april.events.last().note == reason
    else:
        with pytest.raises(ValidationError, match="原因"):
            april.return_(people["office"], reason)
        april.refresh_from_db()
        assert april.state == ReportState.SUBMITTED, rule


def test_m5_history_names_every_step(april, people):
    """Created, submitted, returned, resubmitted, accepted: each with who."""
    _returned(april, people)
    april.submit(people["alice"], truth_confirmed=True)
    april.accept(people["office"])
    steps = list(april.events.values_list("action", "actor__username"))
    assert steps == [
        ("created", "alice"),
        ("submitted", "alice"),
        ("returned", "office"),
        ("resubmitted", "alice"),
        ("accepted", "office"),
    ]


@pytest.mark.parametrize(
    ("rule", "start"),
    [
        ("M6 a submitted report found falsified stays as it was", "submitted"),
        ("M6 an accepted report found falsified stays as it was", "accepted"),
    ],
)
def test_m6_a_falsification_finding_is_not_a_deletion(rule, start, april, people):
    SETUPS[start](april, people)
    photos = list(april.activities.get().photos.values_list("sha256", flat=True))
    april.mark_falsified(people["office"], "照片重复使用")
    april.refresh_from_db()
    assert april.state == start, rule
    assert list(april.activities.get().photos.values_list("sha256", flat=True)) == photos, rule
    finding = april.findings.get()
    assert (finding.reason, finding.recorded_by, finding.is_active) == (
        "照片重复使用",
        people["office"],
        True,
    )
    assert april.events.last().action == "falsified"


@pytest.mark.parametrize(
    ("rule", "start", "recorded"),
    [
        ("M6 a draft was never submitted: nothing to find", "draft", False),
        ("M6 a submitted report can be found falsified", "submitted", True),
        ("M6 a returned report was submitted: it can be", "returned", True),
        ("M6 an accepted report can be found falsified", "accepted", True),
    ],
)
def test_m6_only_a_report_once_submitted_can_be_found_falsified(
    rule, start, recorded, april, people
):
    """Finding.record enforces it; the page's answer (Viewer.may_record_finding) agrees."""
    SETUPS[start](april, people)
    assert viewer_of(people["office"]).may_record_finding(april) is recorded, rule
    if recorded:
        april.mark_falsified(people["office"], "照片重复使用")
    else:
        with pytest.raises(ValidationError, match="草稿"):
            april.mark_falsified(people["office"], "照片重复使用")
    assert april.findings.exists() is recorded, rule
    assert april.events.filter(action="falsified").exists() is recorded, rule


@pytest.mark.parametrize(
    ("rule", "duty_months", "month", "due"),
    [
        ("M7 2021: April is in the activity phase", [4, 5, 6, 7, 8, 9, 10], 4, True),
        ("M7 2021: October is the last month", [4, 5, 6, 7, 8, 9, 10], 10, True),
        ("M7 2021: March is not", [4, 5, 6, 7, 8, 9, 10], 3, False),
        ("M7 2021: November is not", [4, 5, 6, 7, 8, 9, 10], 11, False),
        ("M7 the months are the plan's setting", [1, 2], 1, True),
    ],
)
def test_m7_only_the_plans_months_carry_a_report(
    rule, duty_months, month, due, client, people, plan
):
    plan.duty_months = duty_months
    plan.save()
    client.force_login(people["alice"])
    client.post(reverse("start_report"), {"year": 2021, "month": month})
    assert MonthlyReport.objects.filter(month=month).exists() is due, rule
    page = client.get(reverse("home")).content.decode()
    assert (f"2021年{month}月" in page) is due, rule
    if not due:  # the model refuses it too, whoever asks
        with pytest.raises(ValidationError, match="没有报表任务"):
            MonthlyReport.start(
                people["alice"].assignment.community_id, plan, month, people["alice"]
            )
