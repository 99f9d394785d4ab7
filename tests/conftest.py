"""Shared test data: one person per role, made the way the portal makes them."""

import io
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from communities.models import Assignment, Community, Role, WorkPoint
from communities.permissions import grant_office_permissions
from evidence.models import Flag
from reporting.models import Activity, ActivityForm, ActivityPhoto, MonthlyReport, Plan
from reporting.periods import LOCAL
from reporting.photos import check_photo

PASSWORD = "a-test-password-1"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the suite uses a database file, as the portal does, not shared memory:
    concurrent transactions then lock and wait as they do in production."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["TEST"]["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: the scores' version in the database starts
    again at 0 in each test's database, so a standing cached by an earlier test must go."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path):
    """Each test writes its photos, and the column's public copies, to its own folders;
    passwords hash fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {
                "location": tmp_path / "media",
                "base_url": None,
            },
        },
        "column": {
            **settings.STORAGES["column"],
            "OPTIONS": {"location": tmp_path / "column", "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def jpeg_bytes(size=(640, 480), color=(40, 90, 160), exif_time=None):
    out = io.BytesIO()
    exif = Image.Exif()
    if exif_time:
        exif[306] = exif_time
    Image.new("RGB", size, color).save(out, "JPEG", exif=exif)
    return out.getvalue()


def jpeg_upload(name="photo.jpg", **kwargs):
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), "image/jpeg")


def make_user(username, role, community=None, work_point=None, unit=None):
    user = User.objects.create_user(username, password=PASSWORD, first_name=username)
    # get_or_create: browser tests run on a flushed database, without the migration's rows.
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    if community or work_point or unit:
        Assignment.objects.create(user=user, community=community, work_point=work_point, unit=unit)
    return user


@pytest.fixture
def plan(db):
    return Plan.objects.create(year=2021, duty_months=[4, 5, 6, 7, 8, 9, 10], deadline_day=1)


@pytest.fixture
def places(db):
    """Two work points; community A and C in the first, B in the second."""
    first = WorkPoint.objects.update_or_create(name="缺塘点", defaults={"position": 1})[0]
    second = WorkPoint.objects.update_or_create(name="苏内点", defaults={"position": 2})[0]
    return {
        "point": first,
        "other_point": second,
        "a": Community.objects.create(name="甲社区", work_point=first),
        "b": Community.objects.create(name="乙社区", work_point=second),
        "c": Community.objects.create(name="丙社区", work_point=first),
    }


@pytest.fixture
def people(places):
    return {
        "alice": make_user("alice", Role.COMMUNITY_STAFF, community=places["a"]),
        "bob": make_user("bob", Role.COMMUNITY_STAFF, community=places["b"]),
        "head": make_user("head", Role.WORK_POINT_HEAD, work_point=places["point"]),
        "other_head": make_user(
            "other_head", Role.WORK_POINT_HEAD, work_point=places["other_point"]
        ),
        "office": make_user("office", Role.OFFICE),
        "leader": make_user("leader", Role.LEADERSHIP),
        "nobody": User.objects.create_user("nobody", password=PASSWORD),
    }


def add_activity(report, by, photos=1, held_at=None):
    """An activity with `photos` real photos, stored as the report page stores them."""
    activity = Activity.objects.create(
        report=report,
        held_at=held_at or datetime(report.plan.year, report.month, 10, 9, 30, tzinfo=LOCAL),
        place="社区文化广场",
        form=ActivityForm.TALK,
        participants=40,
        caption="集中宣讲现场",
    )
    for n in range(photos):
        ActivityPhoto.create_from(activity, check_photo(jpeg_upload(f"p{n}.jpg")), by)
    return activity


@pytest.fixture
def april(plan, places, people):
    """Alice's April 2021 report, a draft with one activity and one photo."""
    report = MonthlyReport.start(places["a"].pk, plan, 4, by=people["alice"])
    add_activity(report, people["alice"])
    return report


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests run last: their live server needs a transactional database,
    which is emptied after each of them, migration rows included."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def confirmed_totp_device(user):
    """The user's authenticator app, set up and confirmed (its code: app_code(device))."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
        TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
    )


def verified_login(client, user):
    """Log in as the admin needs it: the password (force_login), then the second factor,
    recorded in the session under django_otp's key as django_otp.login records it."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_totp_device(user).persistent_id
    session.save()
    return client


def app_code(device):
    """The 6-digit code the phone's app shows now for `device`. A code is taken once, so if
    this one was used already (a second sign-in within 30 s), the app's next one, which
    the portal takes too (one step of clock tolerance, django-otp's TOTPDevice.tolerance)."""
    from django_otp.oath import TOTP, hotp

    device.refresh_from_db()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits).t()
    return f"{hotp(device.bin_key, max(now, device.last_t + 1), digits=device.digits):06d}"


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, past the second factor as the admin now asks."""
    return verified_login(client, admin_user)


# The office at its desk (second factor passed), and a report it has to review.


@pytest.fixture
def office(client, people):
    grant_office_permissions()
    user = people["office"]
    user.is_staff = True
    user.save()
    return verified_login(client, user)


@pytest.fixture
def submitted(plan, places, people):
    """A's April report, submitted on time with two activities and three photos."""
    report = MonthlyReport.start(places["a"].pk, plan, 4, by=people["alice"])
    add_activity(report, people["alice"], photos=2)
    second = add_activity(report, people["alice"], photos=1)
    second.place, second.caption, second.position = "辖区企业", "企业宣讲", 2
    second.save()
    report.submit(people["alice"], truth_confirmed=True, at=plan.late_from(4) - timedelta(days=1))
    return report


def raise_flag(kind, *, photo=None, activity=None, other_photo=None, other_activity=None, **fields):
    """An evidence flag as evidence.checks raises it, made by hand: on the report of its
    photo or activity, keyed as the checks key it (by the photo, or the activity, and
    for a pair the earlier one too)."""
    activity = activity or photo.activity
    ends = (photo or activity, other_photo or other_activity)
    return Flag.objects.create(
        key=":".join([kind, *(str(end.pk) for end in ends if end is not None)]),
        kind=kind,
        report=activity.report,
        activity=activity,
        photo=photo,
        other_photo=other_photo,
        other_activity=other_activity,
        **fields,
    )
