"""C2 test data: accepted activities, a unit's activity, posts in each state, and a
folder of this test's own for the column's public copies. Imported by the test_c2_
modules (the fixtures by name)."""

import uuid
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import User

from communities.models import Assignment, Role, Unit
from duties.models import UnitActivity
from publishing.models import Post
from reporting.models import ActivityForm, MonthlyReport
from reporting.periods import LOCAL
from reporting.photos import check_photo
from tests.conftest import add_activity, jpeg_upload, make_user


@pytest.fixture
def column_root(tmp_path):
    """This test's public copies: in a folder of its own (tests/conftest.py test_settings)."""
    return tmp_path / "column"


def accept(report, by, office_user):
    report.submit(by, truth_confirmed=True, at=report.plan.late_from(report.month) - timedelta(1))
    report.accept(office_user)
    return report


def accepted_report(plan, community, staff, office_user, month=4, photos=2):
    """`community`'s report of `month`, with one activity of `photos` photos, accepted."""
    report = MonthlyReport.start(community.pk, plan, month, by=staff)
    add_activity(report, staff, photos=photos)
    return accept(report, staff, office_user)


def unit_activity(month=4, photos=1):
    """电信's activity of `month` 2021, recorded by its staff, with `photos` photos."""
    unit = Unit.objects.get_or_create(name="电信", defaults={"duty": "发送反诈短信"})[0]
    staff = User.objects.filter(username="telecom").first() or make_user("telecom", Role.UNIT_STAFF)
    Assignment.objects.get_or_create(user=staff, defaults={"unit": unit})
    return UnitActivity.record(
        unit=unit,
        year=2021,
        month=month,
        by=staff,
        submission=uuid.uuid4(),
        photos=[check_photo(jpeg_upload(f"u{n}.jpg")) for n in range(photos)],
        held_at=datetime(2021, month, 12, 9, 30, tzinfo=LOCAL),
        place="罗山街道营业厅",
        form=ActivityForm.LEAFLETS,
        form_other="",
        participants=60,
        caption="营业厅反诈宣传",
    )


def write_post(by, activities=(), unit_activities=(), photos=None, title="罗山街道开展反诈宣传"):
    """A draft of April 2021 from the activities, with all their photos unless told."""
    if photos is None:
        photos = [p for a in [*activities, *unit_activities] for p in a.photos.all()]
    return Post.write(
        by,
        year=2021,
        month=4,
        title=title,
        text="甲社区在文化广场开展集中宣讲。\n\n居民踊跃参与。",
        activities=activities,
        unit_activities=unit_activities,
        photos=photos,
    )


def post_of(by, unit_activity, title="防骗宣传进校园"):
    """A draft of a unit's activity's month, with its photos."""
    return Post.write(
        by,
        year=unit_activity.year,
        month=unit_activity.month,
        title=title,
        text="罗山中心小学开展防骗宣传教育课。",
        activities=[],
        unit_activities=[unit_activity],
        photos=list(unit_activity.photos.all()),
    )


@pytest.fixture
def column(plan, places, people):
    """A's April report accepted (one activity, two photos), 电信's April activity (one
    photo), and a draft post of both with all three photos."""
    office_user = people["office"]
    report = accepted_report(plan, places["a"], people["alice"], office_user)
    activity = report.activities.get()
    units_activity = unit_activity()
    post = write_post(office_user, [activity], [units_activity])
    return {"report": report, "activity": activity, "unit_activity": units_activity, "post": post}
