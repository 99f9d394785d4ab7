"""M5: one writer at a time. A report's version rises with every change; a change
built on an older version is refused and leaves everything as it was."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, connections, transaction

from reporting.models import (
    ActivityChange,
    ActivityPhoto,
    Finding,
    MonthlyReport,
    Revision,
    StagedPhoto,
)
from reporting.photos import check_photo
from tests.conftest import jpeg_upload


def change_place(report, place="改过的地点"):
    first = report.activities.first()
    return Revision(activities=(ActivityChange(values={"place": place}, activity_id=first.pk),))


def submitted(report, people):
    report.submit(people["alice"], truth_confirmed=True)


def returned(report, people):
    submitted(report, people)
    report.return_(people["office"], "请补充照片")


def save(place):
    def run(report, people, version):
        revision = change_place(report, place or report.activities.first().place)
        report.revise(people["alice"], version=version, revision=revision)

    return run


def submit(report, people, version):
    report.submit(people["alice"], truth_confirmed=True, version=version)


CHANGES = [
    # (rule, set-up, the change, whether it raises the version)
    ("M5 saving a change", None, save("改过的地点"), True),
    ("M5 saving without a change", None, save(None), False),
    ("M5 submitting", None, submit, True),
    ("M5 accepting", submitted, lambda r, p, v: r.accept(p["office"], version=v), True),
    (
        "M5 returning",
        submitted,
        lambda r, p, v: r.return_(p["office"], "人数不符", version=v),
        True,
    ),
    ("M5 resubmitting", returned, submit, True),
    (
        "M6 a finding is no change of content",
        submitted,
        lambda r, p, v: r.mark_falsified(p["office"], "照片重复", version=v),
        False,
    ),
]


def _set_up(setup, report, people):
    """Bring `report` to the state the change starts from; return its version then."""
    if setup:
        setup(report, people)
    report.refresh_from_db()
    return report.version


@pytest.mark.django_db
@pytest.mark.parametrize(("rule", "setup", "act", "raises"), CHANGES, ids=[c[0] for c in CHANGES])
def test_every_change_raises_the_version(rule, setup, act, raises, april, people):
    before = _set_up(setup, april, people)
    act(april, people, before)
    april.refresh_from_db()
    assert april.version == before + (1 if raises else 0), rule


@pytest.mark.django_db
@pytest.mark.parametrize(("rule", "setup", "act", "_raises"), CHANGES, ids=[c[0] for c in CHANGES])
def test_a_change_built_on_an_older_version_is_refused(rule, setup, act, _raises, april, people):
    seen = _set_up(setup, april, people)
    MonthlyReport.objects.filter(pk=april.pk).update(version=seen + 1)  # changed elsewhere
    state, events = april.state, april.events.count()
    with pytest.raises(ValidationError) as refusal:
        act(april, people, seen)
    assert refusal.value.code == "stale", rule
    april.refresh_from_db()
    assert (april.state, april.version, april.events.count()) == (state, seen + 1, events), rule
    assert april.activities.get().place == "社区文化广场", rule
    assert not Finding.objects.exists(), rule


@pytest.mark.django_db
def test_saving_a_submitted_report_says_who_submitted_it_and_when(april, people):
    seen = april.version
    submitted(april, people)
    with pytest.raises(ValidationError) as refusal:
        april.revise(people["alice"], version=seen, revision=change_place(april))
    assert refusal.value.code == "wrong_state"
    assert "由 alice 报送" in refusal.value.message
    assert april.activities.get().place == "社区文化广场"


@pytest.mark.django_db
def test_m3_a_return_keeps_the_time_it_is_given(april, people):
    """The return happened at `at` (demo data, records made after the fact), not now."""
    submitted(april, people)
    at = april.submitted_at.replace(year=2021, month=5, day=3)
    april.return_(people["office"], "请补充照片", at=at)
    assert april.events.get(action="returned").at == at


def stage(report, people, n):
    return [
        StagedPhoto.stage(report, check_photo(jpeg_upload(f"{i}.jpg")), people["alice"]).pk
        for i in range(n)
    ]


@pytest.mark.django_db
def test_the_photo_limit_counts_saved_and_new_photos(april, people):
    activity = april.activities.get()
    nine = tuple(stage(april, people, 9))
    too_many = Revision(activities=(ActivityChange({}, activity.pk, staged_ids=nine),))
    with pytest.raises(ValidationError, match="超过9张"):
        april.revise(people["alice"], version=april.version, revision=too_many)
    assert activity.photos.count() == 1
    assert StagedPhoto.objects.count() == 9  # still there to be chosen from


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_never_store_more_than_nine_photos(april, people):
    """Two devices add five photos each to an activity with one, at the same moment.

    Under the report's row lock the second sees the first one's photos and is
    refused; without it both counted one photo and stored eleven.
    """
    activity = april.activities.get()
    batches = [stage(april, people, 5), stage(april, people, 5)]
    start = threading.Barrier(2)
    outcomes = []

    def save(staged_ids):
        try:
            start.wait()
            change = ActivityChange({}, activity.pk, staged_ids=tuple(staged_ids))
            revision = Revision(activities=(change,))
            # No version: the photo limit alone must hold under the lock.
            MonthlyReport.objects.get(pk=april.pk).revise(
                people["alice"], version=None, revision=revision
            )
            outcomes.append("saved")
        except ValidationError as refusal:
            outcomes.append(refusal.code)
        except Exception as error:  # noqa: BLE001 ("database is locked" would land here)
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["saved", "too_many_photos"]
    assert ActivityPhoto.objects.filter(activity=activity).count() == 6


SQLITE_OPTIONS = {"timeout": 20, "transaction_mode": "IMMEDIATE"}


def test_the_sqlite_options_are_the_ones_the_project_uses(monkeypatch):
    """settings.py gives SQLite these options (checked here even when CI runs PostgreSQL)."""
    import importlib

    import luoshan.settings

    monkeypatch.setenv("DATABASE_URL", "sqlite:///somewhere.sqlite3")
    fresh = importlib.reload(luoshan.settings)
    try:
        assert fresh.DATABASES["default"]["OPTIONS"] == SQLITE_OPTIONS
    finally:
        monkeypatch.undo()
        importlib.reload(luoshan.settings)


@pytest.mark.parametrize(
    ("options", "fails"),
    [(SQLITE_OPTIONS, False), ({}, True)],
    ids=["the project's options: the second writer waits", "SQLite's default: locked"],
)
def test_sqlite_writers_wait_for_each_other_instead_of_failing(
    tmp_path, django_db_blocker, options, fails
):
    """Two transactions that read, then write, at the same time (two saves of a report)."""
    with django_db_blocker.unblock():
        total, errors = _two_writers(tmp_path, options)
    if fails:
        assert errors == ["database is locked"]
    else:
        assert (total, errors) == (2, [])


def _two_writers(tmp_path, options):
    connections.settings["locks"] = {
        **connections["default"].settings_dict,
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "locks.sqlite3"),
        "OPTIONS": options,
        "TEST": {},
    }
    with connections["locks"].cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n INTEGER)")
        cursor.execute("INSERT INTO counter VALUES (0)")
    errors = []
    start = threading.Barrier(2)

    def add_one():
        try:
            start.wait()
            with transaction.atomic(using="locks"), connections["locks"].cursor() as cursor:
                cursor.execute("SELECT n FROM counter")
                n = cursor.fetchone()[0]
                time.sleep(0.3)
                cursor.execute("UPDATE counter SET n = %s", [n + 1])
        except OperationalError as error:
            errors.append(str(error))
        finally:
            connections["locks"].close()
            del connections["locks"]

    try:
        threads = [threading.Thread(target=add_one) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with connections["locks"].cursor() as cursor:
            cursor.execute("SELECT n FROM counter")
            total = cursor.fetchone()[0]
    finally:
        connections["locks"].close()
        del connections["locks"]
        del connections.settings["locks"]
    return total, errors
