"""U1 (docs/rules.md): the plan's units and their duties, who a unit's account is, and
UnitActivity.record / correct below any page: Attachment 2's fields in the page's month,
1 to 9 photos, the count only where the duty names one, all or nothing, once per page,
corrected in its own month and the next."""

import uuid
from datetime import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from communities.access import viewer_of
from communities.models import Assignment, Measure, Role, Unit
from duties import rules
from duties.models import UnitActivity, UnitActivityPhoto
from reporting.models import ActivityForm
from reporting.periods import LOCAL
from reporting.photos import check_photo
from tests.conftest import jpeg_upload, make_user

pytestmark = pytest.mark.django_db

IN_MAY = datetime(2021, 5, 20, 10, 0, tzinfo=LOCAL)


@pytest.fixture
def units(db):
    """Two of the migration's units: 教育办 (counts schools) and 司法所 (no count)."""
    return {"schools": Unit.objects.get(name="教育办"), "plain": Unit.objects.get(name="司法所")}


def record(unit, by, *, month=5, held_at=None, photos=1, count=None, submission=None):
    return UnitActivity.record(
        unit=unit,
        year=2021,
        month=month,
        by=by,
        submission=submission or uuid.uuid4(),
        photos=[check_photo(jpeg_upload(f"u{n}.jpg")) for n in range(photos)],
        held_at=held_at or datetime(2021, month, 12, 9, 30, tzinfo=LOCAL),
        place="罗山中心小学",
        form=ActivityForm.TALK,
        participants=120,
        caption="开展防骗宣传教育课",
        count=count,
    )


@pytest.mark.parametrize(
    ("name", "measure", "words"),
    [
        ("社会治理办", Measure.NONE, "开设“反诈骗”专栏"),
        ("城管办", Measure.PROPERTY, "组织小区物业加入反诈骗宣传队伍"),
        ("派出所", Measure.LANDLORDS, "与出租房房东签订反诈骗责任书"),
        ("教育办", Measure.SCHOOLS, "每学期至少对教职工、学生进行1次防骗宣传教育"),
        ("广电站", Measure.NONE, "利用广播车"),
        ("妇工委", Measure.NONE, "平安家庭"),
        ("各银行网点", Measure.NONE, "大额转账汇款防骗提醒"),
        ("电信", Measure.SMS, "定期向罗山街道全辖区内所有手机用户发送防骗预警短信"),
        ("移动", Measure.SMS, "防骗预警短信"),
        ("联通", Measure.SMS, "防骗预警短信"),
    ],
)
def test_u1_the_migration_makes_the_plans_units_with_their_duty_in_its_words(name, measure, words):
    unit = Unit.objects.get(name=name)
    assert unit.measure == measure
    assert words in unit.duty
    assert Unit.objects.count() == 15


@pytest.mark.parametrize(
    ("year", "month", "term"),
    [
        (2021, 1, (2020, rules.Term.AUTUMN)),
        (2021, 2, (2021, rules.Term.SPRING)),
        (2021, 6, (2021, rules.Term.SPRING)),
        (2021, 7, (2021, rules.Term.SPRING)),
        (2021, 8, (2021, rules.Term.AUTUMN)),
        (2021, 9, (2021, rules.Term.AUTUMN)),
        (2021, 12, (2021, rules.Term.AUTUMN)),
        (2022, 1, (2021, rules.Term.AUTUMN)),
    ],
)
def test_u1_school_terms(year, month, term):
    assert rules.school_term(year, month) == term


def test_u1_an_account_belongs_to_one_place_only(units, places):
    user = make_user("two", Role.UNIT_STAFF)
    with pytest.raises(IntegrityError):
        Assignment.objects.create(user=user, unit=units["plain"], community=places["a"])


@pytest.mark.parametrize(
    ("who", "own", "other", "originals"),
    [
        ("unit staff", True, False, True),
        ("office", True, True, True),
        ("leader", True, True, False),
        ("community staff", False, False, False),
        ("head", False, False, False),
    ],
)
def test_u1_who_reads_and_records_a_units_activities(who, own, other, originals, units, people):
    staff = make_user("dw", Role.UNIT_STAFF, unit=units["schools"])
    user = {
        "unit staff": staff,
        "office": people["office"],
        "leader": people["leader"],
        "community staff": people["alice"],
        "head": people["head"],
    }[who]
    viewer = viewer_of(user)
    assert viewer.can_view_unit(units["schools"].pk) == own
    assert viewer.can_view_unit(units["plain"].pk) == other
    assert viewer.can_record_for_unit(units["schools"].pk) == (who == "unit staff")
    assert viewer.can_see_unit_originals(units["schools"].pk) == originals


@pytest.fixture
def staff(units):
    return make_user("dw", Role.UNIT_STAFF, unit=units["schools"])


@pytest.mark.parametrize(
    ("case", "kwargs", "code"),
    [
        (
            "another month's time",
            {"held_at": datetime(2021, 4, 30, 23, 59, tzinfo=LOCAL)},
            "wrong_month",
        ),
        ("a time to come", {"held_at": datetime(2021, 5, 20, 10, 1, tzinfo=LOCAL)}, "future"),
        ("no photo", {"photos": 0}, "no_photo"),
        ("ten photos", {"photos": 10}, "too_many_photos"),
        ("a count for a duty without one", {"unit": "plain", "count": 3}, "no_measure"),
    ],
)
def test_u1_record_refuses_and_writes_nothing(case, kwargs, code, units, staff, tmp_path):
    unit = units[kwargs.pop("unit", "schools")]
    with time_machine.travel(IN_MAY, tick=False), pytest.raises(ValidationError) as refused:
        record(unit, staff, **kwargs)
    assert refused.value.code == code
    assert not UnitActivity.objects.exists()
    assert not UnitActivityPhoto.objects.exists()


def test_u1_a_failure_on_the_second_photo_leaves_nothing_behind(units, staff, monkeypatch):
    saved = UnitActivityPhoto.save
    calls = []

    def failing_save(photo, *args, **kwargs):
        calls.append(photo)
        if len(calls) == 2:
            raise OSError("disk full")
        return saved(photo, *args, **kwargs)

    monkeypatch.setattr(UnitActivityPhoto, "save", failing_save)
    with time_machine.travel(IN_MAY, tick=False), pytest.raises(OSError):
        record(units["schools"], staff, photos=3)
    assert not UnitActivity.objects.exists()
    assert not UnitActivity.history.exists()


def test_u1_the_same_page_sent_twice_records_once(units, staff):
    key = uuid.uuid4()
    with time_machine.travel(IN_MAY, tick=False):
        first = record(units["schools"], staff, count=2, submission=key)
        with pytest.raises(ValidationError) as refused:
            record(units["schools"], staff, count=2, submission=key)
    assert refused.value.code == "sent_twice"
    assert list(UnitActivity.objects.all()) == [first]
    assert first.photos.count() == 1
    assert first.history.first().history_user == staff


@pytest.mark.parametrize(
    ("now", "correctable"),
    [
        (datetime(2021, 5, 20, 10, 0, tzinfo=LOCAL), True),
        (datetime(2021, 6, 30, 23, 59, 59, tzinfo=LOCAL), True),
        (datetime(2021, 7, 1, 0, 0, 0, tzinfo=LOCAL), False),
    ],
)
def test_u1_corrected_in_its_own_month_and_the_next_only(now, correctable, units, staff):
    with time_machine.travel(IN_MAY, tick=False):
        activity = record(units["schools"], staff, count=1)
    with time_machine.travel(now, tick=False):
        values = {
            "held_at": activity.held_at,
            "place": "罗山中学",
            "form": ActivityForm.TALK,
            "form_other": "",
            "participants": 80,
            "caption": "改正后的说明",
            "count": 2,
        }
        if correctable:
            corrected = activity.correct(staff, version=1, **values)
            assert (corrected.place, corrected.count, corrected.version) == ("罗山中学", 2, 2)
            with pytest.raises(ValidationError) as stale:
                activity.correct(staff, version=1, **values)
            assert stale.value.code == "stale"
        else:
            with pytest.raises(ValidationError) as closed:
                activity.correct(staff, version=1, **values)
            assert closed.value.code == "closed"
            activity.refresh_from_db()
            assert activity.place == "罗山中心小学"
    assert activity.history.count() == (2 if correctable else 1)
