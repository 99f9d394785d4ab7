"""seed_demo's P1 data: every point's visit and meeting in each 2021 duty month, photos
drawn like the reports' (each a picture of its own), one month missed, one meeting entered
late; a second run adds nothing."""

import io
from itertools import combinations

import pytest
from django.core.management import call_command
from django.utils import timezone

from communities.models import WorkPoint
from duties.models import Supervision, SupervisionPhoto, WorkMeeting
from duties.overview import plan_duties
from evidence import hashing
from luoshan.management.commands.seed_demo import ENTERED_LATE, MISSED_DUTY
from reporting import periods
from reporting.models import ActivityPhoto, Plan
from tests.luoshan.test_seed_demo_evidence import demo  # noqa: F401 (the module's seeding)

pytestmark = pytest.mark.django_db


def test_p1_every_point_holds_its_months_but_one(demo):  # noqa: F811
    plan = Plan.objects.get(year=2021)
    rows = plan_duties(plan, WorkPoint.objects.all(), timezone.now())
    assert len(rows) == 6
    missing = {(point.name, m.month) for point, months in rows for m in months if m.is_missing}
    assert missing == {MISSED_DUTY}
    late = [
        (point.name, m.month)
        for point, months in rows
        for m in months
        if any(entry.recorded_late for entry in (*m.supervisions, *m.meetings))
    ]
    assert late == [ENTERED_LATE]
    assert "后林点缺2021年06月" in demo


def test_each_visits_photos_are_pictures_of_their_own_taken_that_day(demo, settings):  # noqa: F811
    photos = list(SupervisionPhoto.objects.select_related("supervision"))
    assert len(photos) >= 6 * 6
    for photo in photos:
        assert periods.local(photo.taken_at).date() == photo.supervision.held_on
        assert photo.uploaded_by == photo.supervision.recorded_by
    # Never near an activity's photo, nor one another's: nothing looks reused.
    activities = [
        hashing.as_number(p) for p in ActivityPhoto.objects.values_list("phash", flat=True)
    ]
    visits = [hashing.as_number(p.phash) for p in photos]
    near = settings.EVIDENCE_PHOTO_MAX_DISTANCE
    assert all(hashing.distance(v, a) > near for v in visits for a in activities)
    assert all(hashing.distance(a, b) > near for a, b in combinations(visits, 2))


def test_a_second_run_adds_nothing(demo, settings):  # noqa: F811
    counts = (Supervision.objects.count(), WorkMeeting.objects.count())
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    assert (Supervision.objects.count(), WorkMeeting.objects.count()) == counts
