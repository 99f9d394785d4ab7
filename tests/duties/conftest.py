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
