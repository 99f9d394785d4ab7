"""Shared data for P1: the head's records, made with the models' own `record`."""

import uuid
from datetime import date, datetime

import pytest
import time_machine

from duties.models import BoardUpdate, Supervision, WorkMeeting
from reporting.periods import LOCAL
from reporting.photos import check_photo
from tests.conftest import jpeg_upload

# A day in May 2021: April is over (its duty judged), May runs.
IN_MAY = datetime(2021, 5, 20, 10, 0, tzinfo=LOCAL)


@pytest.fixture
def in_may():
    with time_machine.travel(IN_MAY, tick=False):
        yield IN_MAY


def record_visit(plan, places, people, month=4, day=12, photos=1, point="point", **values):
    """A supervision visit of the first point (its head's), with `photos` real photos."""
    work_point = places[point]
    head = people["head" if point == "point" else "other_head"]
    communities = [c for c in work_point.communities.all()][:1]
    return Supervision.record(
        work_point=work_point,
        plan=plan,
        month=month,
        by=head,
        submission=uuid.uuid4(),
        communities=communities,
        photos=[check_photo(jpeg_upload(f"visit{n}.jpg")) for n in range(photos)],
        held_on=date(plan.year, month, day),
        checked=values.get("checked", "检查宣传栏与活动台账"),
        problems=values.get("problems", ""),
        follow_up=values.get("follow_up", ""),
    )


def record_meeting(plan, places, people, month=4, day=20, point="point"):
    work_point = places[point]
    head = people["head" if point == "point" else "other_head"]
    return WorkMeeting.record(
        work_point=work_point,
        plan=plan,
        month=month,
        by=head,
        submission=uuid.uuid4(),
        held_on=date(plan.year, month, day),
        attendees="点长、各社区书记、派出所民警",
        case_analysis="本月辖区发生冒充客服诈骗2起，均为老年人",
        decisions="加强老年人入户宣传",
    )


def record_board(plan, community, by, held_on=date(2021, 5, 10), photos=1):
    return BoardUpdate.record(
        community=community,
        plan=plan,
        by=by,
        submission=uuid.uuid4(),
        photos=[check_photo(jpeg_upload(f"b{n}.jpg")) for n in range(photos)],
        held_on=held_on,
        place="社区广场宣传栏",
    )


# --- U1: three of the plan's units, their staff, and an activity recorded with `record`.

import importlib  # noqa: E402  (this block was appended: its imports stay with it)

from communities.models import Assignment, Role, Unit  # noqa: E402
from duties.models import UnitActivity  # noqa: E402
from reporting.models import ActivityForm  # noqa: E402
from tests.conftest import make_user  # noqa: E402

# The plan's units as communities/migrations/0009_plan_units.py makes them: (name, measure,
# duty in the plan's words). Browser tests run on a flushed database, so the fixture makes
# the rows it needs from the same table.
PLAN_UNITS = {
    name: (measure, duty)
    for name, measure, duty in importlib.import_module(
        "communities.migrations.0009_plan_units"
    ).UNITS
}


@pytest.fixture
def units(db):
    """教育办 (counts the schools reached), 电信 (SMS recipients), 司法所 (no count)."""
    return {
        key: Unit.objects.get_or_create(
            name=name,
            defaults={"measure": PLAN_UNITS[name][0], "duty": PLAN_UNITS[name][1]},
        )[0]
        for key, name in (("edu", "教育办"), ("telecom", "电信"), ("justice", "司法所"))
    }


def make_unit_staff(username, unit):
    user = make_user(username, Role.UNIT_STAFF)
    Assignment.objects.create(user=user, unit=unit)
    return user


@pytest.fixture
def unit_staff(units):
    """One staff member of each unit, named after it: edu, telecom, justice."""
    return {key: make_unit_staff(key, unit) for key, unit in units.items()}


def record_unit_activity(unit, by, *, month=5, day=12, photos=1, at=None, **values):
    """An activity of `unit` in `month` of 2021, with `photos` real photos."""
    fields = {
        "held_at": datetime(2021, month, day, 9, 30, tzinfo=LOCAL),
        "place": "罗山中心小学",
        "form": ActivityForm.TALK,
        "form_other": "",
        "participants": 120,
        "caption": "反诈骗法制教育课",
        "count": 2 if unit.measure else None,
        **values,
    }
    return UnitActivity.record(
        unit=unit,
        year=2021,
        month=month,
        by=by,
        submission=uuid.uuid4(),
        photos=[check_photo(jpeg_upload(f"u{n}.jpg")) for n in range(photos)],
        at=at,
        **fields,
    )
