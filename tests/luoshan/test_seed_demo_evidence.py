"""seed_demo's evidence (E2–E4): the cases planted in April 2021 are flagged, each naming
the photo or activity it repeats, and no honest photo or activity is flagged."""

import io
from itertools import combinations

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from communities.models import WorkPoint
from evidence import hashing
from evidence.models import Flag, FlagKind
from luoshan.management.commands.seed_demo import (
    COMMUNITIES,
    COPIED_CAPTION,
    DISTINCT_MARGIN_BITS,
    PLANTED_CAPTION,
    SAMPLE,
)
from reporting import periods
from reporting.models import ActivityPhoto, MonthlyReport

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data, as `make run` loads it, seeded once for this module (some 10 s) and
    rolled back after it; what the command printed."""
    from django.conf import settings

    media = {"location": tmp_path_factory.mktemp("media"), "base_url": None}
    storages = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": media}}
    with (
        django_db_blocker.unblock(),
        override_settings(DEBUG=True, STORAGES=storages),
        transaction.atomic(),
    ):
        printed = io.StringIO()
        call_command("seed_demo", stdout=printed)
        yield printed.getvalue()
        transaction.set_rollback(True)


def community(number):
    """The demo's community `number` (1 to 13), numbered as the command numbers them."""
    names = [name for point in WorkPoint.objects.all() for name in COMMUNITIES.get(point.name, ())]
    return names[number - 1] + SAMPLE


def first_photo(number, month):
    """The first photo of the first activity of community `number`'s report of `month`."""
    return (
        ActivityPhoto.objects.filter(
            activity__report__community__name=community(number),
            activity__report__month=month,
            activity__position=1,
        )
        .select_related("activity__report")
        .order_by("pk")
        .first()
    )


def what(flag):
    """A flag as the office reads it: its kind, the report it sits on, what it repeats."""
    other = flag.other_report
    return (
        flag.kind,
        flag.report.community.name,
        flag.report.month,
        (other.community.name, other.month) if other else None,
    )


def test_exactly_the_planted_cases_are_flagged(demo, settings):
    flags = list(Flag.objects.with_context())
    assert sorted(map(what, flags)) == sorted(
        [
            # E2: a copy, byte for byte, of another community's April photo, in April.
            (FlagKind.PHOTO_REUSED, community(12), 4, (community(2), 4)),
            # E2: its own April photo, halved and saved again, in May.
            (FlagKind.PHOTO_REUSED, community(9), 5, (community(9), 4)),
            # E3: taken a year before its activity.
            (FlagKind.PHOTO_DATE_MISMATCH, community(13), 4, None),
            # E4: another community's caption, word for word.
            (FlagKind.CAPTION_REUSED, community(11), 4, (community(2), 4)),
        ]
    )
    # 上郭's May report is the one the demo's office already found falsified: that finding
    # answered its flag (E1); the others wait for the office.
    assert {what(flag) for flag in flags if not flag.is_open} == {
        (FlagKind.PHOTO_REUSED, community(9), 5, (community(9), 4))
    }
    by_kind = {(flag.kind, flag.report.month): flag for flag in flags}

    copied = by_kind[FlagKind.PHOTO_REUSED, 4]
    assert copied.identical and copied.photo == first_photo(12, 4)
    assert copied.other_photo == first_photo(2, 4)
    assert copied.photo.sha256 == copied.other_photo.sha256

    resized = by_kind[FlagKind.PHOTO_REUSED, 5]
    assert not resized.identical and resized.photo == first_photo(9, 5)
    assert resized.other_photo == first_photo(9, 4)
    assert resized.photo.sha256 != resized.other_photo.sha256
    assert resized.photo.width * 2 == resized.other_photo.width
    assert resized.distance <= settings.EVIDENCE_PHOTO_MAX_DISTANCE

    year_old = by_kind[FlagKind.PHOTO_DATE_MISMATCH, 4]
    assert year_old.photo == first_photo(13, 4)
    assert year_old.days == -365 and not year_old.after_submission

    caption = by_kind[FlagKind.CAPTION_REUSED, 4]
    assert caption.same_caption and not caption.same_place
    assert caption.activity.caption == caption.other_activity.caption == PLANTED_CAPTION
    assert caption.activity == first_photo(COPIED_CAPTION[1], 4).activity
    assert caption.other_activity == first_photo(COPIED_CAPTION[0], 4).activity

    # Each planted case sits on a report the office has received, none a draft.
    planted = {flag.report for flag in flags}
    assert all(report.has_been_submitted for report in planted)
    assert MonthlyReport.objects.get(pk=copied.report_id).is_on_time  # suspicious, not late

    # The command tells the office where to look.
    assert "疑点示例：2021年4月" in demo
    # Run again, it adds nothing: the checks keep what they found.
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    assert sorted(map(what, Flag.objects.with_context())) == sorted(map(what, flags))


def test_every_honest_photo_is_a_picture_of_its_own_taken_on_its_day(demo, settings):
    """No honest photo comes near another (E2) or its activity's day (E3), and each has a
    capture time: the flags above are the planted cases because nothing else looks like one."""
    photos = list(ActivityPhoto.objects.select_related("activity__report"))
    assert len(photos) > 150  # enough to tell the checks from luck
    planted = {first_photo(12, 4).pk, first_photo(9, 5).pk, first_photo(13, 4).pk}
    for photo in photos:
        if photo.pk not in planted:
            assert photo.taken_at is not None
            taken, held = periods.local(photo.taken_at), periods.local(photo.activity.held_at)
            assert taken == held, photo
    copies = [
        (first_photo(2, 4).pk, first_photo(12, 4).pk),
        (first_photo(9, 4).pk, first_photo(9, 5).pk),
    ]
    # The command draws again any photo within a margin of the threshold of one before it.
    near = [
        (a.pk, b.pk)
        for a, b in combinations(photos, 2)
        if hashing.distance(hashing.as_number(a.phash), hashing.as_number(b.phash))
        <= settings.EVIDENCE_PHOTO_MAX_DISTANCE + DISTINCT_MARGIN_BITS
    ]
    assert sorted(near) == sorted(copies)


def test_the_score_pages_show_the_planted_months_to_leadership(demo, client):
    """E1 on the demo: the quarter page flags the planted months, beside their items."""
    client.force_login(User.objects.get(username="leader"))
    page = client.get(reverse("scoring:quarter", args=["2021Q2"])).content.decode()
    flagged = {
        row.split('"', 1)[0]
        for row in page.split('data-community="')[1:]
        if "flag-open" in row.split("</tr>", 1)[0]
    }
    assert flagged == {community(n) for n in (12, 13, 11)}  # 9's flag answered by a finding
    client.force_login(User.objects.get(username="sq12"))
    ledger = reverse(
        "scoring:ledger", args=["2021Q2", first_photo(12, 4).activity.report.community_id]
    )
    assert "flag-open" not in client.get(ledger).content.decode()  # not for the community
