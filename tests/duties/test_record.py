"""Supervision.record and WorkMeeting.record (duties/models.py): a record and its photos
in one transaction, all or nothing; the rules checked again below the form; duty_done's
meaning, which the reminders rely on."""

import uuid
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from duties.models import Supervision, SupervisionPhoto, WorkMeeting, duty_done
from reporting.photos import check_photo
from tests.conftest import jpeg_upload
from tests.duties.conftest import record_meeting, record_visit

pytestmark = pytest.mark.django_db


def files_under(tmp_path):
    media = tmp_path / "media"
    return [f for f in media.rglob("*") if f.is_file()] if media.exists() else []


def test_a_failure_on_the_second_photo_leaves_nothing_behind(
    plan, places, people, in_may, monkeypatch, tmp_path
):
    saved = SupervisionPhoto.save
    calls = []

    def failing_save(photo, *args, **kwargs):
        calls.append(photo)
        if len(calls) == 2:
            raise OSError("disk full")
        return saved(photo, *args, **kwargs)

    monkeypatch.setattr(SupervisionPhoto, "save", failing_save)
    with pytest.raises(OSError):
        record_visit(plan, places, people, month=5, photos=3)
    assert Supervision.objects.count() == 0
    assert SupervisionPhoto.objects.count() == 0
    assert Supervision.history.count() == 0
    assert files_under(tmp_path) == []


@pytest.mark.parametrize(
    ("case", "changes", "code"),
    [
        ("a community of another point", {"communities": "b"}, "other_point"),
        ("no community", {"communities": None}, "no_community"),
        ("no photo", {"photos": 0}, "no_photo"),
        ("M7 a month without the duty", {"month": 3, "held_on": date(2021, 3, 10)}, "no_duty"),
        ("a day of another month", {"held_on": date(2021, 4, 30)}, "wrong_month"),
        ("a day to come", {"held_on": date(2021, 5, 21)}, "future"),
    ],
)
def test_the_model_refuses_what_the_form_would(case, changes, code, plan, places, people, in_may):
    """The rules hold for every caller (a command, a script), not only the page."""
    communities = {"b": [places["a"], places["b"]], None: []}.get(
        changes.get("communities", "a"), [places["a"]]
    )
    with pytest.raises(ValidationError) as refusal:
        Supervision.record(
            work_point=places["point"],
            plan=plan,
            month=changes.get("month", 5),
            by=people["head"],
            submission=uuid.uuid4(),
            communities=communities,
            photos=[check_photo(jpeg_upload()) for _n in range(changes.get("photos", 1))],
            held_on=changes.get("held_on", date(2021, 5, 12)),
            checked="检查",
        )
    assert refusal.value.error_list[0].code == code, case
    assert Supervision.objects.count() == 0


def test_the_same_submission_records_once(plan, places, people, in_may):
    submission = uuid.uuid4()
    values = dict(
        work_point=places["point"],
        plan=plan,
        month=5,
        by=people["head"],
        submission=submission,
        held_on=date(2021, 5, 10),
        attendees="点长",
        case_analysis="无发案",
    )
    WorkMeeting.record(**values)
    with pytest.raises(ValidationError) as refusal:
        WorkMeeting.record(**values)
    assert refusal.value.code == "sent_twice"
    assert WorkMeeting.objects.count() == 1


@pytest.mark.parametrize(
    ("rule", "visits", "meetings", "done"),
    [
        ("P1 nothing", [], [], False),
        ("P1 a visit only", [("point", 5)], [], False),
        ("P1 a meeting only", [], [("point", 5)], False),
        ("P1 both", [("point", 5)], [("point", 5)], True),
        ("P1 both, another month", [("point", 4)], [("point", 4)], False),
        ("P1 both, another point", [("other_point", 5)], [("other_point", 5)], False),
        ("P1 a visit here, a meeting there", [("point", 5)], [("other_point", 5)], False),
    ],
)
def test_p1_duty_done(rule, visits, meetings, done, plan, places, people, in_may):
    """duty_done(work_point, plan, month): a visit and a meeting of that point that month."""
    for point, month in visits:
        record_visit(plan, places, people, point=point, month=month)
    for point, month in meetings:
        record_meeting(plan, places, people, point=point, month=month, day=15)
    assert duty_done(places["point"], plan, 5) is done, rule
